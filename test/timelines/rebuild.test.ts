import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { CommandBus } from '@nestjs/cqrs';
import { recordWorkedExample } from '../../src/demo/run-demo.js';
import { EventStore } from '../../src/event-store/index.js';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections.js';
import { projectionStatus } from '../../src/projections/projection-status.js';
import { rebuildProjection } from '../../src/projections/rebuild.js';
import { timelineProjection } from '../../src/timelines/projections/timeline.projection.js';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { tableChecksum } from '../projections/support/read-models.js';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
  await recordWorkedExample(t.app.get(CommandBus));
  // A read of a confidential source, for the access log to hold.
  await caughtUp(['timeline']);
  const [first] = (await t.http().get('/timeline').expect(200)).body.entries;
  const witness = { outlet: 'witness', reporter: 'name withheld', language: 'ar', access: 'first_hand', confidential: true };
  await t.http().post(`/incidents/${first.id}/sources`).send(witness).expect(200);
  await t.http().get(`/incidents/${first.id}`).expect(200);
});
afterAll(() => t.close());

const checksum = (table: string) => tableChecksum(t.db.pool, table);

/** A table's indexes and constraints, as pg_dump would make them again. */
async function schemaOf(table: string) {
  const { rows } = await t.db.pool.query(
    `SELECT pg_get_indexdef(indexrelid) AS definition FROM pg_index WHERE indrelid = $1::regclass
     UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass
     ORDER BY 1`,
    [table],
  );
  return rows.map((row) => row.definition);
}

async function caughtUp(names: string[]) {
  const deadline = Date.now() + 10_000;
  while ((await projectionStatus(t.db.pool, names)).some((status) => status.lagEvents > 0)) {
    if (Date.now() > deadline) throw new Error('projections did not catch up');
    await sleep(50);
  }
}

describe('npm run cli -- projections rebuild', () => {
  it.each(ALL_PROJECTIONS.map((projection) => [projection.name, projection] as const))(
    'rebuilds %s from position zero into tables equal to the live ones, row for row, index for index',
    async (name, projection) => {
      await caughtUp([name]);
      const live = await Promise.all(projection.tables.map(checksum));
      expect(live[0]!.rows).toBeGreaterThan(0);
      const schema = await Promise.all(projection.tables.map(schemaOf));

      const result = await rebuildProjection(t.db.pool, new EventStore(t.db.pool), projection);

      expect(await Promise.all(projection.tables.map(checksum))).toEqual(live);
      expect(await Promise.all(projection.tables.map(schemaOf))).toEqual(schema);
      expect(result.events).toBeGreaterThan(8);
      const [status] = await projectionStatus(t.db.pool, [name]);
      expect(status).toMatchObject({ state: 'running', lagEvents: 0 });
    },
  );

  it('restarts a projection that stopped on an event, with the code as it is now', async () => {
    // As the runner leaves it when an event fails (timeline-projection.test.ts shows that).
    await t.db.pool.query(
      `UPDATE projection_checkpoints SET state = 'stopped', error = 'incident.recorded at position 1: bug', error_position = 1
       WHERE name = 'timeline'`,
    );
    expect((await projectionStatus(t.db.pool, ['timeline']))[0]).toMatchObject({ state: 'stopped' });

    await rebuildProjection(t.db.pool, new EventStore(t.db.pool), timelineProjection);

    expect((await projectionStatus(t.db.pool, ['timeline']))[0]).toMatchObject({ state: 'running', lagEvents: 0 });
    const body = (await t.http().get('/timeline').expect(200)).body;
    expect(body.entries).toHaveLength(8);
  });

  it('leaves no rebuild tables or checkpoints behind', async () => {
    const { rows } = await t.db.pool.query(
      `SELECT (SELECT count(*) FROM pg_tables WHERE tablename LIKE '%\\_\\_rebuild' OR tablename LIKE '%\\_\\_replaced')::int AS tables,
              (SELECT count(*) FROM projection_checkpoints WHERE name LIKE '%\\_\\_rebuild')::int AS checkpoints`,
    );
    expect(rows[0]).toEqual({ tables: 0, checkpoints: 0 });
  });
});
