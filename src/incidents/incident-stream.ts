import type { RecordedEvent } from '../event-store/index.js';
import { evolve, initialState, type IncidentEvent, type IncidentState } from './domain/index.js';

export const incidentStreamId = (incidentId: string) => `incident-${incidentId}`;

/** An incident's state folded from its events, with the facts about its stream. */
export interface IncidentSnapshot {
  state: IncidentState;
  version: number;
  recordedAt?: Date;
  lastChangedAt?: Date;
}

export function foldIncident(events: readonly RecordedEvent[]): IncidentSnapshot {
  return {
    state: events.reduce((state, event) => evolve(state, event as unknown as IncidentEvent), initialState()),
    version: events.at(-1)?.streamVersion ?? 0,
    recordedAt: events[0]?.recordedAt,
    lastChangedAt: events.at(-1)?.recordedAt,
  };
}
