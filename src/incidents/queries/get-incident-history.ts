import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EventStore, toHistoryEntry, type HistoryEntry } from '../../event-store/index.js';
import { IncidentNotFoundProblem } from '../incident-problems.js';
import { incidentStreamId } from '../incident-stream.js';

/** Every event of an incident, in order: what was recorded, by whom, when. */
export class GetIncidentHistory extends Query<HistoryEntry[]> {
  constructor(readonly incidentId: string) {
    super();
  }
}

@QueryHandler(GetIncidentHistory)
export class GetIncidentHistoryHandler implements IQueryHandler<GetIncidentHistory> {
  constructor(private readonly store: EventStore) {}

  async execute({ incidentId }: GetIncidentHistory): Promise<HistoryEntry[]> {
    const events = await this.store.readStream(incidentStreamId(incidentId));
    if (events.length === 0) throw new IncidentNotFoundProblem(incidentId);
    return events.map(toHistoryEntry);
  }
}
