import type { Pool, PoolClient } from 'pg';
import type { EventStore } from '../../event-store/index.js';
import { liveTables } from '../../projections/projection.js';
import { loadCutByStream } from '../../projections/stream-rebuild.js';
import { timelineProjection } from '../projections/timeline.projection.js';

/**
 * The timeline as it was known at a moment, for `GET /timeline?asOf=`: the log's events recorded
 * by then, replayed through the timeline projection into temporary tables of the same names on
 * `client`'s session, which hide the live ones from the same queries until its transaction
 * ends. The replay works through the log a chunk at a time, so its memory stays bounded.
 */
export async function replayTimeline(pool: Pool, store: EventStore, client: PoolClient, asOf: Date): Promise<void> {
  for (const table of timelineProjection.tables) {
    await client.query(`CREATE TEMPORARY TABLE ${table} (LIKE public.${table} INCLUDING DEFAULTS) ON COMMIT DROP`);
  }
  await loadCutByStream(pool, store, timelineProjection, liveTables(timelineProjection), { until: asOf, writer: client });
  for (const table of timelineProjection.tables) await client.query(`ANALYZE ${table}`);
}
