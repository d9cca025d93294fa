import type { Pool, PoolClient } from 'pg';
import { Semaphore } from '../../common/semaphore.js';
import type { EventStore } from '../../event-store/index.js';
import { liveTables } from '../../projections/projection.js';
import { loadCutByStream } from '../../projections/stream-rebuild.js';
import { timelineProjection } from '../projections/timeline.projection.js';

/** Replays at a time in this process: each holds a connection of the pool for its whole length. */
const replays = new Semaphore(1);

/**
 * The timeline as it was known at a moment, for `GET /timeline?asOf=`: the log's events recorded
 * by then, replayed through the timeline projection into temporary tables of the same names on
 * one connection, which hide the live ones from the same queries until `read` is done and they
 * are dropped. `read` must use only that connection.
 *
 * The replay reads and writes on that one connection, a chunk at a time, so its memory stays
 * bounded; each statement commits by itself, so it holds back no reader of the log. One replay
 * runs at a time; others queue.
 */
export async function withReplayedTimeline<T>(pool: Pool, store: EventStore, asOf: Date, read: (client: PoolClient) => Promise<T>): Promise<T> {
  return replays.run(() => replayed(pool, store, asOf, read));
}

async function replayed<T>(pool: Pool, store: EventStore, asOf: Date, read: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    for (const table of timelineProjection.tables) {
      await client.query(`CREATE TEMPORARY TABLE ${table} (LIKE public.${table} INCLUDING DEFAULTS)`);
    }
    await loadCutByStream(pool, store, timelineProjection, liveTables(timelineProjection), { until: asOf, connection: client });
    for (const table of timelineProjection.tables) await client.query(`ANALYZE ${table}`);
    return await read(client);
  } finally {
    try {
      for (const table of timelineProjection.tables) await client.query(`DROP TABLE IF EXISTS pg_temp.${table}`);
    } catch {
      broken = true; // a connection whose temporary tables may remain is not given back to the pool
    }
    client.release(broken);
  }
}
