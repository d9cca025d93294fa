import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { recordWorkedExample } from '../../src/demo/run-demo.js';
import { WORKED_EXAMPLE_ACTOR_IDS as ACTORS } from '../../src/demo/worked-example-actors.js';
import { WORKED_EXAMPLE_IDS as INCIDENTS } from '../../src/demo/worked-example.js';
import type { StatsGroup } from '../../src/timelines/http/timeline-query.dto.js';
import { statsFromCounts, statsFromEntries } from '../../src/timelines/queries/stats-query.js';
import type { TimelineFilter } from '../../src/timelines/queries/timeline-filter.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

/**
 * `/timeline/stats` reads the counts read model when the filter is one it keeps, and the
 * timeline entries otherwise: for every filter the counts can answer, both must give the same
 * buckets, also after corrections, retractions and actor merges have moved incidents around.
 */

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
  await recordWorkedExample(t.app.get(CommandBus));
});
afterAll(() => t.close());

const http = () => t.http();

const FILTERS: Record<string, TimelineFilter> = {
  'no filter': {},
  'Deir ez-Zor': { region: { pcode: 'SY09', level: 1 } },
  Syria: { region: { pcode: 'SY', level: 0 } },
  'a district': { region: { pcode: 'SY0902', level: 2 } },
  'August 2020': { from: '2020-08-01', to: '2020-08-31' },
  'from July 2020': { from: '2020-07-01' },
  'until July 2020': { to: '2020-07-31' },
  assassinations: { category: 'assassination' },
  'retracted only': { status: 'retracted' },
  'with retracted': { includeRetracted: true, region: { pcode: 'SY09', level: 1 }, from: '2020-01-01', to: '2020-12-31' },
};
const GROUPS: StatsGroup[] = ['month', 'category', 'region', 'actor'];

async function buckets(sql: string, params: unknown[]) {
  const { rows } = await t.db.pool.query(sql, params);
  return rows.map((row) => ({ ...row, incidents: Number(row.incidents), fatalities: Number(row.fatalities) }));
}

async function expectCountsToMatchEntries() {
  let compared = 0;
  for (const [name, filter] of Object.entries(FILTERS)) {
    for (const groupBy of GROUPS) {
      const countsParams: unknown[] = [];
      const counts = statsFromCounts(groupBy, filter, countsParams);
      if (!counts) continue; // finer than the counts: the entries answer (a district by subdistrict, actors in a region)
      const entriesParams: unknown[] = [];
      const fromEntries = await buckets(statsFromEntries(groupBy, filter, entriesParams), entriesParams);
      expect({ name, groupBy, buckets: await buckets(counts, countsParams) }).toEqual({ name, groupBy, buckets: fromEntries });
      compared++;
    }
  }
  expect(compared).toBeGreaterThan(25);
}

/** Waits, through the API's read-your-writes, until every read model has passed `position`. */
const caughtUpTo = (position: number) => http().get('/timeline/stats').query({ minPosition: position }).expect(200);

describe('/timeline/stats from the counts read model', () => {
  it('gives the buckets the timeline entries give, for every filter the counts keep', async () => {
    const { rows } = await t.db.pool.query('SELECT max(global_position)::int AS position FROM events');
    await caughtUpTo(rows[0].position);
    const { body } = await http().get('/timeline/stats').query({ groupBy: 'month', region: 'SY09' }).expect(200);
    expect(body.buckets.reduce((sum: number, bucket: { incidents: number }) => sum + bucket.incidents, 0)).toBe(8);
    await expectCountsToMatchEntries();
  });

  it('answers every grouping for filters finer than the counts, from the entries', async () => {
    const finer = [
      { region: 'SY0902', category: 'assassination' },
      { region: 'SY090201' },
      { region: 'SY09', from: '2020-08-03', to: '2020-08-20' },
      { actor: ACTORS.coalition, from: '2020-01-01' },
      { q: 'مطشر', status: 'unverified' },
    ];
    for (const query of finer) {
      for (const groupBy of GROUPS) await http().get('/timeline/stats').query({ ...query, groupBy }).expect(200);
    }
    const { body } = await http().get('/timeline/stats').query({ groupBy: 'region', region: 'SY09', from: '2020-08-03', to: '2020-08-20' });
    expect(body.buckets.length).toBeGreaterThan(0);
  });

  it('still does after a correction, a retraction and a merge of two actors named in one incident', async () => {
    await http()
      .post(`/incidents/${INCIDENTS.meeting}/corrections`)
      .send({ changes: { category: 'accusation' }, reason: 'Read again.' })
      .expect(200);
    await http().post(`/incidents/${INCIDENTS.demand}/retraction`).send({ reason: 'A duplicate.' }).expect(200);
    // Col. Caggins and the Coalition are both named in the tweet and the statement.
    const { position } = (await http().post(`/actors/${ACTORS.caggins}/merge`).send({ survivorId: ACTORS.coalition, reason: 'For the test: one voice.' }).expect(200)).body;
    const last = (await t.db.pool.query('SELECT max(global_position)::int AS position FROM events')).rows[0].position;
    await caughtUpTo(Math.max(position, last));

    await expectCountsToMatchEntries();
    const { body } = await http().get('/timeline/stats').query({ groupBy: 'actor' }).expect(200);
    const coalition = body.buckets.find((bucket: { key: string }) => bucket.key === ACTORS.coalition);
    expect(coalition.incidents).toBe(4 - 1); // demand, meeting, tweet, statement; the demand retracted
  });
});
