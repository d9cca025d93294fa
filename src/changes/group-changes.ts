import type { RecordedEvent } from '../event-store/index.js';
import { incidentStreamId } from '../incidents/incident-stream.js';

export type ChangeKind = 'recorded' | 'changed' | 'retracted';

/** What happened to one incident within a stretch of the log. */
export interface IncidentChange {
  incidentId: string;
  change: ChangeKind;
  /** The versions its events in the stretch made, from the first to the last. */
  fromVersion: number;
  version: number;
  /** The types of those events, each once, in the order they first happened. */
  eventTypes: string[];
  /** When its last event in the stretch was recorded. */
  changedAt: Date;
}

const INCIDENT_STREAM_PREFIX = incidentStreamId('');

export const isIncidentStream = (streamId: string) => streamId.startsWith(INCIDENT_STREAM_PREFIX);

export const incidentIdOf = (streamId: string) => streamId.slice(INCIDENT_STREAM_PREFIX.length);

/**
 * One entry per incident, in the order each first appears; `events` are a stretch of the log in
 * its safe order, so each incident's come in version order.
 *
 * A retraction outranks a recording: an incident recorded and retracted in the same stretch is
 * `retracted`, so a consumer that acts on the kind alone deletes (or never creates) it rather than
 * creating a live copy of a record that was withdrawn. A retracted incident takes no further
 * event, so "its last event is the retraction" is the same as "it was retracted in the stretch".
 */
export function groupChanges(events: readonly RecordedEvent[]): IncidentChange[] {
  const byStream = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    if (!isIncidentStream(event.streamId)) continue;
    const own = byStream.get(event.streamId);
    if (own) own.push(event);
    else byStream.set(event.streamId, [event]);
  }
  return [...byStream].map(([streamId, own]) => {
    const first = own[0]!;
    const last = own.at(-1)!;
    return {
      incidentId: incidentIdOf(streamId),
      change: changeKind(own),
      fromVersion: first.streamVersion,
      version: last.streamVersion,
      eventTypes: [...new Set(own.map((event) => event.type))],
      changedAt: last.recordedAt,
    };
  });
}

/** Retracted wins: a retracted incident stays retracted, whatever follows in its stream. */
function changeKind(own: readonly RecordedEvent[]): ChangeKind {
  if (own.some((event) => event.type === 'incident.retracted')) return 'retracted';
  if (own[0]!.streamVersion === 1) return 'recorded';
  return 'changed';
}
