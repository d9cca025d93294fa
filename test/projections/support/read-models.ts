import { setTimeout as sleep } from 'node:timers/promises';
import type { Queryable } from '../../../src/event-store/index.js';
import { evolve, initialState, type IncidentEvent, type IncidentState } from '../../../src/incidents/domain/index.js';
import { ALL_PROJECTIONS } from '../../../src/projections/all-projections.js';
import { projectionStatus, type ProjectionStatus } from '../../../src/projections/projection-status.js';

/**
 * What the read models must hold, worked out independently of the projections: each incident
 * stream folded from the events table, and the rows compared one by one.
 */

export const PROJECTION_NAMES = ALL_PROJECTIONS.map((projection) => projection.name);

export interface ExpectedIncident {
  version: number;
  title: string;
  /** Each actor of the final state as `role|actorId|name`, sorted. */
  actors: string[];
}

const actorKey = (actor: { role: string; actorId?: string | null; name?: string | null }) =>
  `${actor.role}|${actor.actorId ?? ''}|${actor.name ?? ''}`;

/** Every committed incident in its final state, by id, folded from its stream in the events table. */
export async function foldIncidentStreams(db: Queryable): Promise<Map<string, ExpectedIncident>> {
  const { rows } = await db.query(
    `SELECT stream_id, stream_version, type, data FROM events WHERE stream_id LIKE 'incident-%' ORDER BY stream_id, stream_version`,
  );
  const states = new Map<string, { state: IncidentState; version: number }>();
  for (const row of rows) {
    const id = row.stream_id.slice('incident-'.length);
    const before = states.get(id)?.state ?? initialState();
    states.set(id, { state: evolve(before, { type: row.type, data: row.data } as IncidentEvent), version: row.stream_version });
  }
  const expected = new Map<string, ExpectedIncident>();
  for (const [id, { state, version }] of states) {
    if (state.status === 'not_recorded') throw new Error(`incident ${id} has events but was never recorded`);
    expected.set(id, { version, title: state.title.text, actors: state.actors.map(actorKey).sort() });
  }
  return expected;
}

/**
 * Every way the read models differ from `expected`: a missing, extra or stale incident in
 * incident_summaries or timeline_entries, involvement rows in timeline_actors that are not
 * exactly the final state's actors, or counts that do not add up to the incidents. Empty when they hold each incident exactly once, as it stands.
 */
export async function readModelDiscrepancies(db: Queryable, expected: Map<string, ExpectedIncident>): Promise<string[]> {
  const found: string[] = [];
  const compare = (table: string, actual: Map<string, Partial<ExpectedIncident>>, fields: (keyof ExpectedIncident)[]) => {
    for (const [id, want] of expected) {
      const row = actual.get(id);
      if (!row) {
        found.push(`${table}: incident ${id} is missing`);
        continue;
      }
      for (const field of fields) {
        if (JSON.stringify(row[field]) !== JSON.stringify(want[field])) {
          found.push(`${table}: incident ${id} has ${field} ${JSON.stringify(row[field])}, expected ${JSON.stringify(want[field])}`);
        }
      }
    }
    for (const id of actual.keys()) if (!expected.has(id)) found.push(`${table}: incident ${id} should not be there`);
  };

  const summaries = await db.query('SELECT incident_id::text AS id, version, title FROM incident_summaries');
  compare('incident_summaries', new Map(summaries.rows.map((row) => [row.id, { version: row.version, title: row.title }])), [
    'version',
    'title',
  ]);

  const entries = await db.query('SELECT incident_id::text AS id, version, title, actors FROM timeline_entries');
  compare(
    'timeline_entries',
    new Map(
      entries.rows.map((row) => [row.id, { version: row.version, title: row.title, actors: row.actors.map(actorKey).sort() }]),
    ),
    ['version', 'title', 'actors'],
  );

  const involvement = await db.query('SELECT incident_id::text AS id, role, actor_id::text, name FROM timeline_actors');
  const actorsOf = new Map<string, string[]>();
  for (const row of involvement.rows) {
    actorsOf.set(row.id, [...(actorsOf.get(row.id) ?? []), actorKey({ role: row.role, actorId: row.actor_id, name: row.name })]);
  }
  compare('timeline_actors', new Map([...actorsOf].map(([id, actors]) => [id, { actors: actors.sort() }])), ['actors']);

  // The counts: every incident once, and once more for each registry actor it names.
  const counts = await db.query(
    `SELECT (SELECT coalesce(sum(incidents), 0)::int FROM timeline_counts) AS incidents,
            (SELECT coalesce(sum(incidents), 0)::int FROM timeline_actor_counts) AS actor_incidents`,
  );
  const actorIncidents = [...expected.values()].reduce(
    (sum, incident) => sum + new Set(incident.actors.map((actor) => actor.split('|')[1]).filter(Boolean)).size,
    0,
  );
  if (counts.rows[0].incidents !== expected.size) found.push(`timeline_counts: ${counts.rows[0].incidents} incidents, expected ${expected.size}`);
  if (counts.rows[0].actor_incidents !== actorIncidents) {
    found.push(`timeline_actor_counts: ${counts.rows[0].actor_incidents} incidents by actor, expected ${actorIncidents}`);
  }

  // Thousands of lines help no one: the first few say what went wrong.
  return found.length > 20 ? [...found.slice(0, 20), `... and ${found.length - 20} more`] : found;
}

/** The order that makes a read-model table's rows comparable one by one. */
const ROW_ORDER: Record<string, string> = {
  incident_summaries: 'incident_id',
  timeline_entries: 'incident_id',
  timeline_actors: 'incident_id, role, actor_id, name',
  timeline_counts: 'month, month_to, country_code, admin1, admin2, category, status',
  timeline_actor_counts: 'actor_id, month, month_to, category, status',
  access_log: 'read_id, source_id',
};

/** A checksum of a read-model table's rows, in a fixed order: equal checksums, equal tables. */
export async function tableChecksum(db: Queryable, table: string): Promise<{ rows: number; md5: string }> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS rows, md5(coalesce(string_agg(r::text, '|' ORDER BY ${ROW_ORDER[table]}), '')) AS md5 FROM ${table} r`,
  );
  return rows[0];
}

/** Every projection's checkpoint as expected after `eventsHandled` events, all running. */
export const allRunning = (eventsHandled: number) =>
  Object.fromEntries(PROJECTION_NAMES.map((name) => [name, { eventsHandled, state: 'running' }]));

/** Which of `ids` any read model holds a row of. */
export async function incidentsPresent(db: Queryable, ids: readonly string[]): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT 'incident_summaries' AS source, incident_id::text AS id FROM incident_summaries WHERE incident_id = ANY($1::uuid[])
     UNION ALL SELECT 'timeline_entries', incident_id::text FROM timeline_entries WHERE incident_id = ANY($1::uuid[])
     UNION ALL SELECT 'timeline_actors', incident_id::text FROM timeline_actors WHERE incident_id = ANY($1::uuid[])
     UNION ALL SELECT 'events', stream_id FROM events WHERE stream_id = ANY(array(SELECT 'incident-' || x FROM unnest($1::text[]) x))`,
    [ids],
  );
  return rows.map((row) => `${row.source}: ${row.id}`);
}

/** events_handled, state and error of each projection, by name. */
export async function checkpoints(db: Queryable): Promise<Record<string, Pick<ProjectionStatus, 'eventsHandled' | 'state' | 'error'>>> {
  const statuses = await projectionStatus(db, PROJECTION_NAMES);
  return Object.fromEntries(
    statuses.map(({ name, eventsHandled, state, error }) => [name, { eventsHandled, state, ...(error ? { error } : {}) }]),
  );
}

/**
 * Waits until every projection has handled every committed event (no lag), and returns when
 * that was, in ms since `since`. Fails at once when a projection stopped on an event, and after
 * `timeoutMs` with where each one stands.
 */
export async function waitUntilCaughtUp(db: Queryable, { since = Date.now(), timeoutMs = 60_000 } = {}): Promise<number> {
  const deadline = since + timeoutMs;
  for (;;) {
    const statuses = await projectionStatus(db, PROJECTION_NAMES);
    const stopped = statuses.find((status) => status.state !== 'running');
    if (stopped) throw new Error(`projection ${stopped.name} stopped: ${stopped.error}`);
    if (statuses.length === PROJECTION_NAMES.length && statuses.every((status) => status.lagEvents === 0)) return Date.now() - since;
    if (Date.now() > deadline) {
      const lag = statuses.map((status) => `${status.name}: ${status.lagEvents} events behind`).join(', ');
      throw new Error(`projections not caught up after ${timeoutMs} ms (${lag || 'none registered'})`);
    }
    await sleep(25);
  }
}
