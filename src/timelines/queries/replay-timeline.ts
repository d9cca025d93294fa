import type { Pool, PoolClient } from 'pg';
import { Semaphore } from '../../common/semaphore.js';
import type { EventStore } from '../../event-store/index.js';
import { loadCutByStream } from '../../projections/stream-rebuild.js';
import { timelineProjection } from '../projections/timeline.projection.js';
import type { TimelineTables } from './timeline-filter.js';

/** Replays at a time in this process: each holds a connection of the pool for its whole length. */
const replays = new Semaphore(1);

/** Temporary tables of the replaying connection's session, named apart from the live ones. */
const REPLAYED: TimelineTables = { entries: 'pg_temp.timeline_entries_as_of', actors: 'pg_temp.timeline_actors_as_of' };

/**
 * The timeline as it was known at a moment, for `GET /timeline?asOf=`: the log's events recorded
 * by then, replayed through the timeline projection into temporary tables of one connection,
 * which `read` queries on that connection before they are dropped.
 *
 * The replay reads and writes on that one connection, a chunk at a time, so its memory stays
 * bounded; each statement commits by itself, so it holds back no reader of the log. One replay
 * runs at a time; others queue.
 */
export async function withReplayedTimeline<T>(
  pool: Pool,
  store: EventStore,
  asOf: Date,
  read: (client: PoolClient, tables: TimelineTables) => Promise<T>,
): Promise<T> {
  return replays.run(() => replayed(pool, store, asOf, read));
}

async function replayed<T>(
  pool: Pool,
  store: EventStore,
  asOf: Date,
  read: (client: PoolClient, tables: TimelineTables) => Promise<T>,
): Promise<T> {
  const tables = { timeline_entries: REPLAYED.entries, timeline_actors: REPLAYED.actors };
  const client = await pool.connect();
  let broken = false;
  try {
    for (const [live, replayed] of Object.entries(tables)) {
      await client.query(`CREATE TABLE ${replayed} (LIKE ${live} INCLUDING DEFAULTS)`); // in pg_temp: temporary
    }
    await loadCutByStream(pool, store, timelineProjection, tables, { until: asOf, connection: client });
    for (const replayed of Object.values(tables)) await client.query(`ANALYZE ${replayed}`);
    return await read(client, REPLAYED);
  } finally {
    try {
      for (const replayed of Object.values(tables)) await client.query(`DROP TABLE IF EXISTS ${replayed}`);
    } catch {
      broken = true; // a connection whose temporary tables may remain is not given back to the pool
    }
    client.release(broken);
  }
}
