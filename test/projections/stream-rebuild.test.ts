import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { EventStore } from '../../src/event-store/index.js';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { rebuildProjection } from '../../src/projections/rebuild.js';
import { isStreamProjection } from '../../src/projections/stream-projection.js';
import { loadCutByStream, loadCutInParts } from '../../src/projections/stream-rebuild.js';
import { timelineProjection } from '../../src/timelines/projections/timeline.projection.js';
import { describeOnServer, logSettled, openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { appendIncidents, recorded, streamOf } from './support/incidents.js';
import { foldIncidentStreams, readModelDiscrepancies, tableChecksum } from './support/read-models.js';

/**
 * A rebuild of an incident read model reads the log stream by stream, in chunks, and hands the
 * rest to the log's order from the cut's checkpoint. Small chunks here, so that streams run
 * across chunk boundaries.
 */

let db: TestDatabase;
let store: EventStore;
beforeAll(async () => {
  db = await openTestDatabase();
  store = new EventStore(db.pool);
});
afterAll(() => db.close());

const checksum = (table: string) => tableChecksum(db.pool, table);

/** The live projections, following the log in its order. */
async function followTheLog() {
  await logSettled(db.pool);
  for (const projection of ALL_PROJECTIONS) {
    const runner = new ProjectionRunner(db.pool, store, projection, { batchSize: 5 });
    await runner.register();
    while (!(await runner.step()).caughtUp);
  }
}

describe('a rebuild read stream by stream', () => {
  it('writes the same rows as following the log, with streams running across chunks', async () => {
    // 8 writers at once interleave the incidents' events in the log; n % 3 corrections each.
    await appendIncidents(store, 1, 40);
    await store.append(`actor-${randomUUID()}`, 'no_stream', [{ type: 'actor.registered', data: {} }]);
    await followTheLog();
    const live = await Promise.all(ALL_PROJECTIONS.flatMap((projection) => projection.tables).map(checksum));
    expect(live[0]!.rows).toBe(40);

    for (const projection of ALL_PROJECTIONS) await rebuildProjection(db.pool, store, projection, { batchSize: 3 });

    expect(await Promise.all(ALL_PROJECTIONS.flatMap((projection) => projection.tables).map(checksum))).toEqual(live);
    expect(await readModelDiscrepancies(db.pool, await foldIncidentStreams(db.pool))).toEqual([]);
  });

  it('stops at an event it cannot fold, naming it, and leaves the live tables as they were', async () => {
    const before = await checksum('timeline_entries');
    const id = randomUUID();
    await store.append(streamOf(id), 'no_stream', [recorded(id, 1), { type: 'incident.teleported', data: {} }]);
    const { rows } = await db.pool.query(`SELECT global_position FROM events WHERE type = 'incident.teleported'`);
    await logSettled(db.pool);

    await expect(rebuildProjection(db.pool, store, timelineProjection, { batchSize: 3 })).rejects.toThrow(
      `incident.teleported at position ${rows[0].global_position}: unknown incident event type incident.teleported`,
    );

    expect(await checksum('timeline_entries')).toEqual(before);
    const { rows: leftovers } = await db.pool.query(
      `SELECT (SELECT count(*) FROM pg_tables WHERE tablename LIKE '%\\_\\_rebuild')::int AS tables,
              (SELECT count(*) FROM projection_checkpoints WHERE name LIKE '%\\_\\_rebuild')::int AS checkpoints`,
    );
    expect(leftovers[0]).toEqual({ tables: 0, checkpoints: 0 });
  });
});

describeOnServer('a rebuild while a transaction is still open', () => {
  let own: TestDatabase;
  beforeAll(async () => {
    own = await openTestDatabase();
  });
  afterAll(() => own.close());

  it('leaves to the log order what the transaction and those after it write, and loses none of it', async () => {
    const ownStore = new EventStore(own.pool);
    await appendIncidents(ownStore, 1, 10);
    await logSettled(own.pool); // other test files' transactions no longer hold these back
    const late = randomUUID();
    const after = randomUUID();
    const open = await own.pool.connect();
    try {
      await open.query('BEGIN');
      await ownStore.on(open).append(streamOf(late), 'no_stream', [recorded(late, 1)]);
      await ownStore.append(streamOf(after), 'no_stream', [recorded(after, 2)]); // commits first, with a later position
      const entries = async () =>
        (await own.pool.query(`SELECT incident_id FROM timeline_entries`)).rows.map((row) => row.incident_id);

      for (const projection of ALL_PROJECTIONS) await rebuildProjection(own.pool, ownStore, projection, { batchSize: 3 });
      expect(await entries()).toHaveLength(10);
      expect(await entries()).not.toContain(after);

      await open.query('COMMIT');
      await logSettled(own.pool);
      for (const projection of ALL_PROJECTIONS) {
        const runner = new ProjectionRunner(own.pool, ownStore, projection);
        while (!(await runner.step()).caughtUp);
      }
      expect(await entries()).toHaveLength(12);
      expect(await entries()).toEqual(expect.arrayContaining([late, after]));
      expect(await readModelDiscrepancies(own.pool, await foldIncidentStreams(own.pool))).toEqual([]);
    } finally {
      open.release();
    }
  });
});

describe('a rebuild loaded in parts side by side', () => {
  let own: TestDatabase;
  beforeAll(async () => {
    own = await openTestDatabase();
  });
  afterAll(() => own.close());

  /** Every row of a table, in an order of their own: the same rows give the same sum, however they were written. */
  async function contents(table: string) {
    const { rows } = await own.pool.query(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) AS md5 FROM ${table} r`,
    );
    return rows[0];
  }

  it("writes each stream's rows once, whatever its id, as loading the streams whole does", async () => {
    const ownStore = new EventStore(own.pool);
    await appendIncidents(ownStore, 1, 30);
    // Ids that are not lower-case hex after the prefix fall in one part or another all the same.
    const odd = [randomUUID().toUpperCase(), randomUUID().toUpperCase(), '00000000-0000-4000-8000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffffff'];
    for (const [index, id] of odd.entries()) {
      await ownStore.append(streamOf(id), 'no_stream', [recorded(id, 31 + index)]);
    }
    await logSettled(own.pool);

    for (const projection of ALL_PROJECTIONS.filter(isStreamProjection)) {
      const into = (suffix: string) => Object.fromEntries(projection.tables.map((table) => [table, `${table}__${suffix}`]));
      for (const table of projection.tables) {
        for (const suffix of ['whole', 'parts']) await own.pool.query(`CREATE TABLE ${table}__${suffix} (LIKE ${table} INCLUDING ALL)`);
      }
      // Small chunks, so that streams run across them in every part; more parts than this machine has cores.
      const whole = await loadCutByStream(own.pool, ownStore, projection, into('whole'), { chunk: 3 });
      const parts = await loadCutInParts(own.pool, ownStore, projection, into('parts'), { chunk: 3, parts: 5 });

      // The same events; `before` is the oldest transaction running at each cut, which moves on.
      expect({ ...parts, before: undefined }).toEqual({ ...whole, before: undefined });
      for (const table of projection.tables) expect(await contents(`${table}__parts`)).toEqual(await contents(`${table}__whole`));
    }
    expect((await contents('timeline_entries__parts')).rows).toBe(34);
  });

  it('stops with the error of an event a worker thread cannot fold, and leaves no thread writing', async () => {
    const ownStore = new EventStore(own.pool);
    // The last of the parts, which a worker thread loads.
    const id = 'ffffffff-0000-4000-8000-000000000001';
    await ownStore.append(streamOf(id), 'no_stream', [recorded(id, 40), { type: 'incident.teleported', data: {} }]);
    await logSettled(own.pool);
    const { rows } = await own.pool.query(`SELECT global_position FROM events WHERE type = 'incident.teleported'`);
    await own.pool.query('CREATE TABLE timeline_entries__failed (LIKE timeline_entries INCLUDING ALL)');
    await own.pool.query('CREATE TABLE timeline_actors__failed (LIKE timeline_actors INCLUDING ALL)');

    const tables = { timeline_entries: 'timeline_entries__failed', timeline_actors: 'timeline_actors__failed' };
    await expect(loadCutInParts(own.pool, ownStore, timelineProjection, tables, { chunk: 3, parts: 2 })).rejects.toThrow(
      `incident.teleported at position ${rows[0].global_position}: unknown incident event type incident.teleported`,
    );
    // Nothing goes on writing once it has failed: the tables can be dropped at once.
    await own.pool.query(`SET lock_timeout = '1s'; DROP TABLE timeline_entries__failed, timeline_actors__failed; RESET lock_timeout`);
  });
});
