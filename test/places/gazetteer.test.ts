import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrate } from '../../src/database/data-source.js';
import { Gazetteer } from '../../src/places/gazetteer.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let gazetteer: Gazetteer;
beforeAll(async () => {
  db = await openTestDatabase();
  gazetteer = new Gazetteer(db.pool);
});
afterAll(() => db.close());

const countByLevel = async () =>
  (await db.pool.query(`SELECT level, count(*)::int AS units FROM places WHERE country_code = 'SY' GROUP BY level ORDER BY level`)).rows;

describe("Syria's administrative units, loaded by migrate", () => {
  it('holds the country, 14 governorates, 62 districts and 272 subdistricts', async () => {
    expect(await countByLevel()).toEqual([
      { level: 0, units: 1 },
      { level: 1, units: 14 },
      { level: 2, units: 62 },
      { level: 3, units: 272 },
    ]);
  });

  it('names the country in both languages, with its formal names as aliases', async () => {
    const syria = await gazetteer.get('SY');
    expect(syria).toMatchObject({ pcode: 'SY', level: 0, nameEn: 'Syria', nameAr: 'سوريا' });
    expect(syria!.names).toEqual(
      expect.arrayContaining([
        { value: 'Syrian Arab Republic', language: 'en', kind: 'formal' },
        { value: 'الجمهورية العربية السورية', language: 'ar', kind: 'formal' },
      ]),
    );
    expect(syria!.children).toHaveLength(14);
  });

  it('is not loaded again by a later migrate while the shipped files are unchanged', async () => {
    const before = (await db.pool.query(`SELECT content_hash, loaded_at FROM place_sources WHERE country_code = 'SY'`)).rows[0];
    await migrate(db.dataSource, db.target);
    const after = (await db.pool.query(`SELECT content_hash, loaded_at FROM place_sources WHERE country_code = 'SY'`)).rows[0];
    expect(after).toEqual(before);
  });

  it('is reloaded whole when what was loaded no longer matches what ships', async () => {
    // As if an older release had loaded other files: a different hash, and a unit since removed.
    await db.pool.query(`UPDATE place_sources SET content_hash = 'from an older release' WHERE country_code = 'SY'`);
    await db.pool.query(`DELETE FROM places WHERE pcode = 'SY090203'`);
    await migrate(db.dataSource, db.target);

    expect(await gazetteer.get('SY090203')).toMatchObject({ nameEn: 'Susat', nameAr: 'سوسة' });
    expect((await countByLevel()).map((row) => row.units)).toEqual([1, 14, 62, 272]);
  });
});

describe('search (GET /places?q=)', () => {
  const top = async (q: string) => (await gazetteer.search({ q, limit: 5 }))[0];

  it.each([
    ['Deir ez-Zor', 'Deir ez-Zor', 'primary'],
    ['Deir ez Zor Governorate', 'Deir ez-Zor', 'primary'],
    ['Dayr az-Zawr', 'Dayr az-Zawr', 'alternate_spelling'],
    ['دير الزور', 'دير الزور', 'primary'],
    ['محافظة دير الزور', 'دير الزور', 'primary'],
    ['deir-ez-zor', 'Deir ez-Zor', 'primary'],
  ])('finds the governorate of Deir ez-Zor first for "%s"', async (q, matched, kind) => {
    expect(await top(q)).toMatchObject({ pcode: 'SY09', level: 1, score: 1, matchedName: { value: matched, kind } });
  });

  it('ranks the units by score, then the shallower first, and lists the matched name of each', async () => {
    const results = await gazetteer.search({ q: 'Deir ez-Zor', limit: 4 });
    expect(results.map((result) => [result.pcode, result.score])).toEqual([
      ['SY09', 1],
      ['SY0901', 1],
      ['SY090100', 1],
      [expect.any(String), expect.any(Number)],
    ]);
    expect(results[3]!.score).toBeLessThan(1);
  });

  it('keeps to a level when asked', async () => {
    const results = await gazetteer.search({ q: 'Deir ez-Zor', level: 3, limit: 3 });
    expect(results[0]).toMatchObject({ pcode: 'SY090100', level: 3, parentPcode: 'SY0901' });
    expect(results.every((result) => result.level === 3)).toBe(true);
  });

  it('finds a misspelling only as a weaker match, and nothing for an unrelated name', async () => {
    const misspelt = await top('Deir ex-Zor');
    expect(misspelt?.pcode).toMatch(/^SY09/);
    expect(misspelt!.score).toBeLessThan(0.85);
    expect(await gazetteer.search({ q: 'Reykjavik' })).toEqual([]);
  });
});

describe('one unit (GET /places/:pcode)', () => {
  it('shows a district with its names, its parents from the country down, and its subdistricts', async () => {
    const abuKamal = await gazetteer.get('SY0902');
    expect(abuKamal).toMatchObject({
      pcode: 'SY0902',
      level: 2,
      countryCode: 'SY',
      nameEn: 'Abu Kamal',
      nameAr: 'البوكمال',
      latitude: 34.54076,
      longitude: 40.51966,
      externalIds: { ochaPcode: 'SY0902' },
      parents: [
        { pcode: 'SY', level: 0, nameEn: 'Syria' },
        { pcode: 'SY09', level: 1, nameEn: 'Deir ez-Zor' },
      ],
    });
    expect(abuKamal!.children.map((child) => child.pcode)).toEqual(['SY090200', 'SY090201', 'SY090202', 'SY090203']);
    expect(abuKamal!.names).toContainEqual({ value: 'منطقة البوكمال', language: 'ar', kind: 'formal' });
    expect(abuKamal!.bounds).toBeUndefined();
  });

  it('is undefined for an unknown p-code', async () => {
    expect(await gazetteer.get('SY99')).toBeUndefined();
  });
});
