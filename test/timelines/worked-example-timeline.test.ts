import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { recordWorkedExample } from '../../src/demo/run-demo.js';
import { WORKED_EXAMPLE_ACTOR_IDS as ACTORS } from '../../src/demo/worked-example-actors.js';
import { WORKED_EXAMPLE_IDS as INCIDENTS } from '../../src/demo/worked-example.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let lastPosition: number;
beforeAll(async () => {
  t = await openTestApp();
  await recordWorkedExample(t.app.get(CommandBus));
  lastPosition = Number((await t.db.pool.query('SELECT max(global_position) AS p FROM events')).rows[0].p);
});
afterAll(() => t.close());

const http = () => t.http();
const timeline = async (query: Record<string, string | number>) =>
  (await http().get('/timeline').query({ minPosition: lastPosition, ...query }).expect(200)).body;
const ids = (page: { entries: { id: string }[] }) => page.entries.map((entry) => entry.id);

const {
  pattern, assassination, demand, meeting, accusation, tweet, statement, baghouz,
} = INCIDENTS;

describe('the worked example on the timeline', () => {
  it('shows Deir ez-Zor in 2020 in order of occurrence, then of recording', async () => {
    const page = await timeline({ region: 'SY09', from: '2020-01-01', to: '2020-12-31' });
    expect(ids(page)).toEqual([pattern, assassination, demand, meeting, accusation, tweet, statement]);
    expect(page.nextCursor).toBeUndefined();
  });

  it('includes every place below the region asked for', async () => {
    expect(ids(await timeline({ region: 'SY09' }))).toEqual([baghouz, pattern, assassination, demand, meeting, accusation, tweet, statement]);
    expect(ids(await timeline({ region: 'SY0902' }))).toEqual([baghouz]);
    expect(ids(await timeline({ region: 'SY' }))).toHaveLength(8);
    expect(ids(await timeline({ region: 'SY08' }))).toEqual([]);
  });

  it('matches an imprecise date when its range overlaps the one asked for', async () => {
    // 1 August 2020: the last day of "last week", and within "recently" (July to P).
    expect(ids(await timeline({ from: '2020-08-01', to: '2020-08-01' }))).toEqual([pattern, assassination, demand]);
    expect(ids(await timeline({ from: '2019-01-01', to: '2019-12-31' }))).toEqual([baghouz]);
  });

  it.each([
    ['the tribe', ACTORS.akidat, [demand]],
    ['Sheikh Mutashar al-Hafl', ACTORS.alHafl, [assassination]],
    ["Da'ar al-Khalaf", ACTORS.alKhalaf, [assassination]],
    ['the Coalition', ACTORS.coalition, [demand, meeting, tweet, statement]],
    ['Col. Caggins', ACTORS.caggins, [tweet, statement]],
    ['the State Department', ACTORS.usState, [meeting]],
    ['the SDF', ACTORS.sdf, [baghouz, pattern]],
    ['the SDF General Command', ACTORS.sdfCommand, [accusation]],
    ['Turkey', ACTORS.turkey, [accusation]],
    ['the Syrian government', ACTORS.syriaGov, [accusation]],
    ['ISIS', ACTORS.isis, [baghouz]],
    ['the civil administration (named in the text, not a party)', ACTORS.civilAdmin, []],
    ['North Press (the source, not a party)', ACTORS.northPress, []],
  ])('gives the timeline of %s', async (_, actorId, expected) => {
    expect(ids((await http().get(`/actors/${actorId}/timeline`).expect(200)).body)).toEqual(expected);
  });

  it('narrows an actor to a role', async () => {
    expect(ids(await timeline({ actor: ACTORS.coalition, role: 'on_behalf_of' }))).toEqual([tweet, statement]);
    expect(ids(await timeline({ actor: ACTORS.sdf, role: 'perpetrator' }))).toEqual([baghouz]);
  });

  it('filters by category and finds words in any script', async () => {
    expect(ids(await timeline({ category: 'accusation' }))).toEqual([accusation]);
    // The assassination, and the tribe's demand to investigate it, name the sheikh.
    expect(ids(await timeline({ q: 'مُطَشّر' }))).toEqual([assassination, demand]);
    expect(ids(await timeline({ q: 'Baghouz' }))).toEqual([baghouz]);
  });

  it('pages through the timeline with an opaque cursor, each entry once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await timeline({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([baghouz, pattern, assassination, demand, meeting, accusation, tweet, statement]);
  });

  it('shows each entry with its codes, region path, actors, and when it last changed', async () => {
    const [entry] = (await timeline({ actor: ACTORS.alHafl })).entries;
    expect(entry).toMatchObject({
      id: assassination,
      category: 'assassination',
      acled: { eventType: 'Violence against civilians', subEventType: 'Attack' },
      cameo: '186',
      occurred: { from: '2020-07-26', to: '2020-08-01', precision: 'week' },
      place: { countryCode: 'SY', admin1: 'SY09', precision: 'region' },
      fatalities: { low: 2, best: 2, high: 2 },
      status: 'unverified',
      version: 2, // recorded, then linked to the pattern of assassinations
      lastChangedAt: expect.any(String),
    });
    expect(entry.actors).toContainEqual({ actorId: ACTORS.alHafl, name: 'الشيخ مطشر الهفل', role: 'victim' });
  });

  it('counts incidents and fatalities by month, region, category and actor', async () => {
    const stats = async (groupBy: string, query: Record<string, string> = {}) =>
      (await http().get('/timeline/stats').query({ groupBy, minPosition: lastPosition, ...query }).expect(200)).body.buckets;
    expect(await stats('month')).toEqual([
      { key: '2019-03', incidents: 1, fatalities: 0 },
      { key: '2020-07', incidents: 3, fatalities: 2 },
      { key: '2020-08', incidents: 4, fatalities: 0 },
    ]);
    expect(await stats('region', { region: 'SY09' })).toEqual([
      { key: 'unknown', incidents: 7, fatalities: 2 },
      { key: 'SY0902', label: 'Abu Kamal', incidents: 1, fatalities: 0 },
    ]);
    // The assassination and the pattern of assassinations it is part of.
    expect(await stats('category')).toContainEqual({ key: 'assassination', incidents: 2, fatalities: 2 });
    expect(await stats('actor')).toContainEqual({ key: ACTORS.coalition, label: 'Global Coalition against ISIS', incidents: 4, fatalities: 0 });
  });
});
