import type { Queryable, RecordedEvent } from '../../event-store/index.js';
import { evolve, INCIDENT_EVENT_TYPES, type IncidentEvent, type RecordedIncident } from '../../incidents/domain/index.js';

/** An incident as a read model folds it, with the facts about its stream that the rows show. */
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

const INCIDENT_STREAM = /^incident-(.+)$/;
const KNOWN_TYPES = new Set<string>(INCIDENT_EVENT_TYPES);

/**
 * Folds a batch of events into the incidents they touch, starting from the state each read model
 * already holds in `table` (its `state`, `version`, `position`, `recorded_at` columns). Returns the
 * incidents the batch changed, in their new state.
 *
 * An event it cannot apply (a type this code does not know, a change to an incident never
 * recorded) throws: the projection stops there rather than leave the incident silently wrong.
 */
export async function foldBatch(db: Queryable, table: string, events: readonly RecordedEvent[]): Promise<FoldedIncident[]> {
  const incidentEvents = events.filter((event) => INCIDENT_STREAM.test(event.streamId) && event.type.startsWith('incident.'));
  if (incidentEvents.length === 0) return [];
  const ids = [...new Set(incidentEvents.map((event) => INCIDENT_STREAM.exec(event.streamId)![1]!))];
  const { rows } = await db.query(
    `SELECT incident_id::text AS id, state, version, position, recorded_at, last_changed_at, last_position
     FROM ${table} WHERE incident_id = ANY($1::uuid[])`,
    [ids],
  );
  const folded = new Map<string, FoldedIncident>(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        state: row.state,
        version: row.version,
        position: Number(row.position),
        lastPosition: Number(row.last_position),
        recordedAt: row.recorded_at,
        lastChangedAt: row.last_changed_at,
      },
    ]),
  );
  const changed = new Set<string>();
  for (const event of incidentEvents) {
    const id = INCIDENT_STREAM.exec(event.streamId)![1]!;
    const before = folded.get(id);
    if (!KNOWN_TYPES.has(event.type)) throw new Error(`unknown incident event type ${event.type}`);
    if (!before && event.type !== 'incident.recorded') throw new Error(`${event.type} for incident ${id}, which was never recorded`);
    const state = evolve(before?.state ?? { status: 'not_recorded' }, event as unknown as IncidentEvent);
    if (state.status === 'not_recorded') throw new Error(`${event.type} left incident ${id} unrecorded`);
    folded.set(id, {
      id,
      state,
      version: event.streamVersion,
      position: before?.position ?? event.globalPosition,
      lastPosition: event.globalPosition,
      recordedAt: before?.recordedAt ?? event.recordedAt,
      lastChangedAt: event.recordedAt,
    });
    changed.add(id);
  }
  return [...changed].map((id) => folded.get(id)!);
}
