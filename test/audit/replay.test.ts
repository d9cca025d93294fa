import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { replayProjections } from '../../src/audit/replay.js';
import { recordWorkedExample } from '../../src/demo/run-demo.js';
import { WORKED_EXAMPLE_IDS as INCIDENTS } from '../../src/demo/worked-example.js';
import { EventStore, type LogBound } from '../../src/event-store/index.js';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections.js';
import { rebuildProjection } from '../../src/projections/rebuild.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

/** `npm run cli -- audit replay`: the read models replayed from the log, compared with the live ones. */

let t: TestApp;
let store: EventStore;
beforeAll(async () => {
  t = await openTestApp();
  store = new EventStore(t.db.pool);
  await recordWorkedExample(t.app.get(CommandBus));
});
afterAll(() => t.close());

const replay = (until?: LogBound) => replayProjections(t.db.pool, store, ALL_PROJECTIONS, { until });
const tableOf = (report: Awaited<ReturnType<typeof replay>>, table: string) =>
  report.projections.flatMap((projection) => projection.tables).find((result) => result.table === table)!;
const checksums = (report: Awaited<ReturnType<typeof replay>>) => report.projections.map((projection) => projection.checksum);
const eventCount = async (where = 'true', params: unknown[] = []) =>
  Number((await t.db.pool.query(`SELECT count(*) FROM events WHERE ${where}`, params)).rows[0].count);

describe('audit replay', () => {
  it('finds the live read models equal to a replay of the whole log, with a checksum per projection', async () => {
    const report = await replay();

    expect(report).toMatchObject({ compared: true, differs: false, events: await eventCount() });
    expect(report.projections.map((projection) => projection.projection)).toEqual(ALL_PROJECTIONS.map((projection) => projection.name));
    expect(tableOf(report, 'timeline_entries')).toMatchObject({ rows: 8, missingFromLive: [], notInReplay: [] });
    expect(report.projections[0]!.checksum).toMatch(/^incident_summaries=8:[0-9a-f]+$/);
    expect(checksums(await replay())).toEqual(checksums(report)); // the same log, the same checksums
  });

  it('names every row a tampered read model differs by, and says the models differ', async () => {
    await t.db.pool.query(`UPDATE timeline_entries SET title = 'forged' WHERE incident_id = $1`, [INCIDENTS.assassination]);
    await t.db.pool.query(`DELETE FROM timeline_counts WHERE category = 'meeting'`);
    try {
      const report = await replay();

      expect(report.differs).toBe(true);
      const entries = tableOf(report, 'timeline_entries');
      expect(entries.notInReplay).toEqual([expect.stringContaining('forged')]);
      expect(entries.missingFromLive).toEqual([expect.stringContaining(INCIDENTS.assassination)]);
      expect(entries.missingFromLive[0]).not.toContain('forged');
      expect(tableOf(report, 'timeline_counts')).toMatchObject({ missingFromLive: [expect.stringContaining('meeting')], notInReplay: [] });
      expect(tableOf(report, 'incident_summaries')).toMatchObject({ missingFromLive: [], notInReplay: [] });
    } finally {
      // Put right the way an operator would: rebuild.
      for (const projection of ALL_PROJECTIONS) await rebuildProjection(t.db.pool, store, projection);
    }
    expect((await replay()).differs).toBe(false);
  });

  it('replays the log as it stood at a position or a moment, without comparing', async () => {
    const { rows } = await t.db.pool.query(
      `SELECT global_position AS position, recorded_at FROM events WHERE type = 'incident.recorded' ORDER BY global_position`,
    );
    const third = (await store.checkpointAt(Number(rows[2].position)))!;

    const atThird = await replay(third);
    expect(atThird).toMatchObject({ compared: false, differs: false, events: await eventCount('global_position <= $1', [third.position]) });
    expect(tableOf(atThird, 'timeline_entries').rows).toBe(3);

    const beforeAnything = await replay(new Date(rows[0].recorded_at.getTime() - 1000));
    expect(tableOf(beforeAnything, 'timeline_entries').rows).toBe(0);
    expect(checksums(await replay(new Date()))).toEqual(checksums(await replay()));
  });

  it('leaves no scratch schema or checkpoints behind', async () => {
    const { rows } = await t.db.pool.query(
      `SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = 'audit_replay')::int AS schemas,
              (SELECT count(*) FROM projection_checkpoints WHERE name LIKE '%\\_\\_replay')::int AS checkpoints`,
    );
    expect(rows[0]).toEqual({ schemas: 0, checkpoints: 0 });
    await t.http().get('/health').expect(200);
  });
});
