import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { EventStore } from '../../src/event-store/index.js';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections.js';
import { ProjectionDaemon } from '../../src/projections/projection-daemon.js';
import { openTestDatabase, serverUrl, type TestDatabase } from '../support/test-database.js';
import { recorded, streamOf } from './support/incidents.js';

/**
 * Embedded PostgreSQL runs no autovacuum: the daemon gathers the read models' statistics itself,
 * or the planner, taking every region for a handful of incidents, sorts all of a region's
 * incidents for each timeline page. (A server's autovacuum does this; the daemon leaves it be.)
 */

let db: TestDatabase;
let store: EventStore;
let daemon: ProjectionDaemon;
beforeAll(async () => {
  db = await openTestDatabase();
  store = new EventStore(db.pool);
});
afterAll(async () => {
  await daemon?.stop();
  await db.close();
});

async function recordIncidents(count: number): Promise<number> {
  let last = 0;
  for (let n = 0; n < count; n++) {
    const id = randomUUID();
    last = (await store.append(streamOf(id), 'no_stream', [recorded(id, n)])).positions[0]!;
  }
  return last;
}

async function caughtUp(position: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await db.pool.query(`SELECT position FROM projection_checkpoints WHERE name = 'timeline'`);
    if (Number(rows[0]?.position) >= position) return;
    if (Date.now() > deadline) throw new Error(`the timeline did not reach position ${position}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The rows ANALYZE last counted in the table: -1 when it never ran. */
async function analysedRows(table: string): Promise<number> {
  // The daemon analyses right after catching up: give it the moment that takes.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const { rows } = await db.pool.query(`SELECT reltuples FROM pg_class WHERE relname = $1`, [table]);
  return Number(rows[0].reltuples);
}

(serverUrl ? describe.skip : describe)('read-model statistics on embedded PostgreSQL', () => {
  it('are gathered when the daemon starts on written tables, then as autovacuum would', async () => {
    const first = await recordIncidents(120);
    expect(await analysedRows('timeline_entries')).toBe(-1);

    daemon = new ProjectionDaemon(db.pool, store, ALL_PROJECTIONS, { pollMs: 50 });
    await daemon.start();
    await caughtUp(first);
    expect(await analysedRows('timeline_entries')).toBe(120);
    expect(await analysedRows('timeline_actors')).toBe(240);
    // With them, a region's page is read in order from its index, not sorted.
    const { rows: plan } = await db.pool.query(
      `EXPLAIN SELECT * FROM timeline_entries e WHERE e.admin1 = 'SY09' ORDER BY e.occurred_from, e.position LIMIT 51`,
    );
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).not.toMatch(/Sort/);

    // 50 and a tenth of the 120 handled before: 62 more events are not enough, 63 are.
    await caughtUp(await recordIncidents(62));
    expect(await analysedRows('timeline_entries')).toBe(120);
    await caughtUp(await recordIncidents(1));
    expect(await analysedRows('timeline_entries')).toBe(183);
  }, 60_000);
});
