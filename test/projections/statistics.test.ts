import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStore } from '../../src/event-store/index.js';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections.js';
import { ProjectionDaemon } from '../../src/projections/projection-daemon.js';
import { openTestDatabase, serverUrl, type TestDatabase } from '../support/test-database.js';
import { recorded, streamOf } from './support/incidents.js';
import { waitUntilCaughtUp } from './support/read-models.js';

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

async function recordIncidents(count: number): Promise<void> {
  for (let n = 0; n < count; n++) {
    const id = randomUUID();
    await store.append(streamOf(id), 'no_stream', [recorded(id, n)]);
  }
}

/** The rows ANALYZE last counted in the table: -1 when it never ran. */
async function analysedRows(table: string): Promise<number> {
  const { rows } = await db.pool.query(`SELECT reltuples FROM pg_class WHERE relname = $1`, [table]);
  return Number(rows[0].reltuples);
}

/** The daemon analyses just after catching up: waits for that analysis, then checks what it counted. */
async function expectAnalysed(table: string, rows: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await analysedRows(table)) !== rows && Date.now() < deadline) await sleep(20);
  expect(await analysedRows(table)).toBe(rows);
}

(serverUrl ? describe.skip : describe)('read-model statistics on embedded PostgreSQL', () => {
  it('are gathered when the daemon starts on written tables, then as autovacuum would', async () => {
    await recordIncidents(120);
    expect(await analysedRows('timeline_entries')).toBe(-1);

    daemon = new ProjectionDaemon(db.pool, store, ALL_PROJECTIONS, { pollMs: 50 });
    await daemon.start();
    await waitUntilCaughtUp(db.pool);
    await expectAnalysed('timeline_entries', 120);
    await expectAnalysed('timeline_actors', 240);
    // With them, a region's page is read in order from its index, not sorted.
    const { rows: plan } = await db.pool.query(
      `EXPLAIN SELECT * FROM timeline_entries e WHERE e.admin1 = 'SY09' ORDER BY e.occurred_from, e.position LIMIT 51`,
    );
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).not.toMatch(/Sort/);

    // 50 and a tenth of the 120 handled before: 62 more events are not enough, 63 are.
    await recordIncidents(62);
    await waitUntilCaughtUp(db.pool);
    await sleep(300); // time for an analysis that must not come
    expect(await analysedRows('timeline_entries')).toBe(120);
    await recordIncidents(1);
    await waitUntilCaughtUp(db.pool);
    await expectAnalysed('timeline_entries', 183);
  }, 60_000);
});
