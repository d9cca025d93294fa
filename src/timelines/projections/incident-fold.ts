import type { RecordedEvent } from '../../event-store/index.js';
import { evolve, INCIDENT_EVENT_TYPES, type IncidentEvent, type RecordedIncident } from '../../incidents/domain/index.js';

/** An incident as its read models fold it, with the facts about its stream that their rows show. */
export interface FoldedIncident {
  id: string;
  state: RecordedIncident;
  version: number;
  /** The recording event's position, and the last event's. */
  position: number;
  lastPosition: number;
  recordedAt: Date;
  lastChangedAt: Date;
}

export const INCIDENT_STREAM_PREFIX = 'incident-';

const KNOWN_TYPES = new Set<string>(INCIDENT_EVENT_TYPES);

/**
 * One more event of an incident's stream, through the incident's own `evolve`. An event it
 * cannot apply (a type this code does not know, a change to an incident never recorded) throws:
 * the projection stops there rather than leave the incident silently wrong.
 */
export function evolveIncident(before: FoldedIncident | undefined, event: RecordedEvent): FoldedIncident {
  const id = event.streamId.slice(INCIDENT_STREAM_PREFIX.length);
  if (!KNOWN_TYPES.has(event.type)) throw new Error(`unknown incident event type ${event.type}`);
  if (!before && event.type !== 'incident.recorded') throw new Error(`${event.type} for incident ${id}, which was never recorded`);
  const state = evolve(before?.state ?? { status: 'not_recorded' }, event as unknown as IncidentEvent);
  if (state.status === 'not_recorded') throw new Error(`${event.type} left incident ${id} unrecorded`);
  return {
    id,
    state,
    version: event.streamVersion,
    position: before?.position ?? event.globalPosition,
    lastPosition: event.globalPosition,
    recordedAt: before?.recordedAt ?? event.recordedAt,
    lastChangedAt: event.recordedAt,
  };
}

/** What the incident read models share: the streams they follow and the fold. */
export const incidentStreams = { streamPrefix: INCIDENT_STREAM_PREFIX, evolve: evolveIncident } as const;
