import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Gazetteer } from '../../src/places/gazetteer.js';
import { resolvePlace, type PlaceInput } from '../../src/places/resolve/place-resolver.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

const resolve = (input: PlaceInput) => resolvePlace(db.pool, input);

/** Baghuz at-Tahtani, on the Euphrates by the Iraqi border, in Abu Kamal district. */
const BAGHUZ = { latitude: 34.43221, longitude: 40.99226 };
const BAGHDAD = { latitude: 33.31, longitude: 44.36 };

describe('resolution by name', () => {
  it.each([
    ['Deir ez-Zor', 'name', 'Deir ez-Zor'],
    ['Deir ez Zor Governorate', 'name', 'Deir ez-Zor'],
    ['دير الزور', 'name', 'دير الزور'],
    ['محافظة دير الزور', 'name', 'دير الزور'],
    ['Dayr az-Zawr', 'alias', 'Dayr az-Zawr'],
    ['Syrian Arab Republic', 'alias', 'Syrian Arab Republic'],
  ])('"%s" resolves by %s', async (name, method, matchedName) => {
    const resolution = await resolve({ name });
    expect(resolution).toMatchObject({ method, matchedName, confidence: 1 });
    expect(resolution.pcode).toBe(name === 'Syrian Arab Republic' ? 'SY' : 'SY09');
  });

  it('records the path of p-codes from the country down', async () => {
    expect(await resolve({ name: 'Hajin' })).toMatchObject({
      pcode: 'SY090201',
      level: 3,
      name: 'Hajin',
      nameAr: 'هجين',
      path: { country: 'SY', admin1: 'SY09', admin2: 'SY0902', admin3: 'SY090201' },
      method: 'name',
      runnerUp: { pcode: expect.any(String), score: expect.any(Number) },
    });
  });

  it('is alias when the matched name is not a primary one: "Albu Kamal" is an alias of the subdistrict', async () => {
    expect(await resolve({ name: 'Albu Kamal' })).toMatchObject({
      pcode: 'SY090200',
      method: 'alias',
      matchedName: 'Albu Kamal',
      runnerUp: { pcode: 'SY0902', name: 'Abu Kamal' },
    });
  });

  it('leaves a name that only resembles a unit unresolved, with the candidates', async () => {
    const resolution = await resolve({ name: 'Deir ex-Zor' });
    expect(resolution).toMatchObject({ method: 'unresolved', confidence: 0, reason: expect.stringMatching(/only similar/) });
    expect(resolution.pcode).toBeUndefined();
    expect(resolution.candidates![0]!.pcode).toMatch(/^SY09/);
  });

  it('leaves an unknown name unresolved', async () => {
    expect(await resolve({ name: 'Reykjavik' })).toEqual({
      path: {},
      method: 'unresolved',
      confidence: 0,
      reason: 'No unit has a name like "Reykjavik"',
    });
  });
});

describe('a name two units share', () => {
  // Suran is a subdistrict of Aleppo (SY020405) and one of Hama (SY050101).
  it.each(['Suran', 'صوران'])('"%s" does not resolve silently: unresolved, with both candidates', async (name) => {
    const resolution = await resolve({ name });
    expect(resolution).toMatchObject({ method: 'unresolved', reason: expect.stringMatching(/matches 2 units equally/) });
    expect(resolution.pcode).toBeUndefined();
    expect(resolution.candidates!.map((candidate) => candidate.pcode)).toEqual(['SY020405', 'SY050101']);
  });

  it.each([
    [['Hama'], 'SY050101'],
    [['حلب'], 'SY020405'],
    [['SY05'], 'SY050101'],
    [['Aleppo Governorate', 'Azaz'], 'SY020405'],
  ])('is told apart by its parents %j', async (parents, pcode) => {
    expect(await resolve({ name: 'Suran', parents })).toMatchObject({ pcode, method: 'name' });
  });

  it('is told apart by coordinates, which then decide', async () => {
    const nearHama = { latitude: 35.29, longitude: 36.74 };
    expect(await resolve({ name: 'Suran', ...nearHama })).toMatchObject({
      pcode: 'SY050101',
      method: 'coordinates-nearest-centroid',
      candidates: [{ pcode: 'SY020405' }, { pcode: 'SY050101' }],
    });
  });
});

describe('one place named at several levels (the ancestor tie rule)', () => {
  it('resolves to the shallowest unit, and shows the deeper one as runner-up', async () => {
    expect(await resolve({ name: 'Deir ez-Zor' })).toMatchObject({ pcode: 'SY09', runnerUp: { pcode: 'SY0901', score: 1 } });
  });

  it('resolves deeper when the level says so, given or in the name', async () => {
    expect(await resolve({ name: 'Deir ez-Zor', level: 2 })).toMatchObject({ pcode: 'SY0901', method: 'name' });
    expect(await resolve({ name: 'Deir ez-Zor', level: 3 })).toMatchObject({ pcode: 'SY090100', method: 'name' });
    expect(await resolve({ name: 'Deir ez Zor district' })).toMatchObject({ pcode: 'SY0901' });
    expect(await resolve({ name: 'ناحية مركز دير الزور' })).toMatchObject({ pcode: 'SY090100' });
  });

  it('resolves deeper when a parent says so', async () => {
    expect(await resolve({ name: 'Deir ez-Zor', parents: ['Deir ez-Zor'] })).toMatchObject({ pcode: 'SY0901' });
    expect(await resolve({ name: 'Deir ez-Zor', parents: ['Deir ez-Zor', 'Deir ez-Zor'] })).toMatchObject({ pcode: 'SY090100' });
  });

  it("counts a subdistrict's name for its district when a district is asked for", async () => {
    const resolution = await resolve({ name: 'Albu Kamal district', parents: ['Deir ez Zor Governorate'] });
    expect(resolution).toMatchObject({ pcode: 'SY0902', level: 2, method: 'alias', matchedName: 'Albu Kamal' });
    expect(resolution.notes).toContain('"Albu Kamal" is a name of SY090200, which lies in SY0902 Abu Kamal');
  });
});

describe('parents', () => {
  it('narrow the candidates to their subtree', async () => {
    expect(await resolve({ name: 'Mayadin', parents: ['دير الزور'] })).toMatchObject({ pcode: 'SY0903' });
    expect(await resolve({ name: 'Mayadin', parents: ['Aleppo'] })).toMatchObject({ method: 'unresolved' });
  });

  it('that do not resolve are reported and not used', async () => {
    const resolution = await resolve({ name: 'Hajin', parents: ['Atlantis'] });
    expect(resolution).toMatchObject({ pcode: 'SY090201', notes: [expect.stringMatching(/^parent "Atlantis" not used/)] });
  });

  it('that resolve give the path of an unresolved name as far as they go', async () => {
    expect(await resolve({ name: 'Baghuz at-Tahtani', parents: ['Abu Kamal district'] })).toMatchObject({
      method: 'unresolved',
      path: { country: 'SY', admin1: 'SY09', admin2: 'SY0902' },
    });
  });
});

describe('coordinates', () => {
  it('place a name that is no unit by the nearest centroid', async () => {
    const resolution = await resolve({ name: 'Baghuz at-Tahtani', ...BAGHUZ });
    expect(resolution).toMatchObject({
      pcode: 'SY090203',
      path: { country: 'SY', admin1: 'SY09', admin2: 'SY0902', admin3: 'SY090203' },
      method: 'coordinates-nearest-centroid',
      runnerUp: { pcode: expect.stringMatching(/^SY0902/), distanceKm: expect.any(Number) },
    });
    expect(resolution.confidence).toBeGreaterThan(0.5);
    expect(resolution.confidence).toBeLessThan(1);
  });

  it('take a resolved name deeper, within its subtree', async () => {
    expect(await resolve({ name: 'Deir ez-Zor', ...BAGHUZ })).toMatchObject({
      pcode: 'SY090203',
      method: 'coordinates-nearest-centroid',
      matchedName: 'Deir ez-Zor',
    });
  });

  it('outside the country do not resolve: Baghdad', async () => {
    const resolution = await resolve({ name: 'Baghdad', ...BAGHDAD });
    expect(resolution).toMatchObject({ method: 'unresolved', reason: expect.stringMatching(/\(33\.31, 44\.36\) lie outside/) });
    expect(resolution.pcode).toBeUndefined();
    expect(await resolve({ name: 'somewhere', countryCode: 'SY', ...BAGHDAD })).toMatchObject({
      method: 'unresolved',
      path: { country: 'SY' },
      reason: expect.stringMatching(/lie outside SY$/),
    });
  });

  it('outside the country are not used with a resolved name, and the notes say so', async () => {
    const resolution = await resolve({ name: 'Abu Kamal', ...BAGHDAD });
    expect(resolution).toMatchObject({ pcode: 'SY0902', method: 'name' });
    expect(resolution.notes).toContain('coordinates (33.31, 44.36) lie outside SY; not used');
  });

  it('that disagree with the name do not override it: the name stands, with a note', async () => {
    const resolution = await resolve({ name: 'Aleppo', ...BAGHUZ });
    expect(resolution).toMatchObject({ pcode: 'SY02', method: 'name' });
    expect(resolution.notes).toEqual([expect.stringMatching(/^the coordinates disagree with the name: the nearest centroid is SY090203/)]);
  });

  it("that are the named unit's own centroid take it no deeper", async () => {
    const resolution = await resolve({ name: 'Deir ez Zor Governorate', latitude: 35.166667, longitude: 40.283333 });
    expect(resolution).toMatchObject({ pcode: 'SY09', method: 'name' });
    expect(resolution.notes).toContain('the coordinates are the centroid of SY09 Deir ez-Zor: they say no more than the name');
  });
});

describe('every unit of Syria', () => {
  it('resolves to itself by its English or Arabic name, given its parents by theirs', async () => {
    const gazetteer = new Gazetteer(db.pool, { memoize: true });
    const { rows: units } = await db.pool.query(`SELECT pcode, name_en, name_ar, lineage FROM places WHERE level > 0`);
    const byPcode = new Map(units.map((unit) => [unit.pcode, unit]));
    const misses: string[] = [];
    for (const unit of units) {
      for (const column of ['name_en', 'name_ar'] as const) {
        const parents = unit.lineage.slice(1, -1).map((pcode: string) => byPcode.get(pcode)[column]);
        const resolution = await resolvePlace(gazetteer, { name: unit[column], parents });
        if (resolution.pcode !== unit.pcode) misses.push(`${unit.pcode} ${unit[column]} → ${resolution.pcode ?? resolution.reason}`);
      }
    }
    expect(units).toHaveLength(348);
    expect(misses).toEqual([]);
  });
});
