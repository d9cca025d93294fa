import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EventStore, type EventMetadata } from '../../event-store/index.js';
import { IncidentNotFoundProblem } from '../incident-problems.js';
import { incidentStreamId } from '../incident-stream.js';

export interface IncidentHistoryEntry {
  position: number;
  version: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata;
  recordedAt: Date;
}

/** Every event of an incident, in order: what was recorded, by whom, when. */
export class GetIncidentHistory extends Query<IncidentHistoryEntry[]> {
  constructor(readonly incidentId: string) {
    super();
  }
}

@QueryHandler(GetIncidentHistory)
export class GetIncidentHistoryHandler implements IQueryHandler<GetIncidentHistory> {
  constructor(private readonly store: EventStore) {}

  async execute({ incidentId }: GetIncidentHistory): Promise<IncidentHistoryEntry[]> {
    const events = await this.store.readStream(incidentStreamId(incidentId));
    if (events.length === 0) throw new IncidentNotFoundProblem(incidentId);
    return events.map((event) => ({
      position: event.globalPosition,
      version: event.streamVersion,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: event.metadata,
      recordedAt: event.recordedAt,
    }));
  }
}
