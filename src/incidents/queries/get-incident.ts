import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EventStore } from '../../event-store/index.js';
import { IncidentNotFoundProblem } from '../incident-problems.js';
import { foldIncident, incidentStreamId, type IncidentSnapshot } from '../incident-stream.js';

/**
 * The incident as it stands, folded from its own stream: one indexed read, always current, so a
 * client sees its own write at once.
 */
export class GetIncident extends Query<IncidentSnapshot> {
  constructor(readonly incidentId: string) {
    super();
  }
}

@QueryHandler(GetIncident)
export class GetIncidentHandler implements IQueryHandler<GetIncident> {
  constructor(private readonly store: EventStore) {}

  async execute({ incidentId }: GetIncident): Promise<IncidentSnapshot> {
    const snapshot = foldIncident(await this.store.readStream(incidentStreamId(incidentId)));
    if (snapshot.version === 0) throw new IncidentNotFoundProblem(incidentId);
    return snapshot;
  }
}
