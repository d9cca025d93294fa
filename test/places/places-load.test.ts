import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Gazetteer } from '../../src/places/gazetteer.js';
import { placesCommand } from '../../src/places/places.cli.js';
import { resolvePlace } from '../../src/places/resolve/place-resolver.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const XQ_FILES = [join(fixtures, 'xq-admin1.json'), join(fixtures, 'xq-admin2-3.json')];

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

/** Runs `npm run cli -- places …` on the test's database, returning what it printed. */
async function cli(...args: string[]): Promise<string[]> {
  const printed: string[] = [];
  const command = placesCommand((work) => work(db.dataSource), (line) => printed.push(line)).exitOverride();
  for (const sub of command.commands) sub.exitOverride().configureOutput({ writeErr: () => {} });
  await command.parseAsync(args, { from: 'user' });
  return printed;
}

const loadXq = (...extra: string[]) => cli('load', ...XQ_FILES, '--country', 'XQ', '--name-en', 'Qadiristan', '--name-ar', 'قادرستان', ...extra);

const levels = async (country: string) =>
  (await db.pool.query('SELECT pcode, level, parent_pcode FROM places WHERE country_code = $1 ORDER BY pcode', [country])).rows;

describe('npm run cli -- places load', () => {
  it("loads another country's units, inferring each level from the links to enclosing units", async () => {
    expect(await loadXq()).toEqual(['Loaded XQ: 9 units, 20 names']);

    expect(await levels('XQ')).toEqual([
      { pcode: 'XQ', level: 0, parent_pcode: null },
      { pcode: 'XQ01', level: 1, parent_pcode: 'XQ' },
      { pcode: 'XQ0101', level: 2, parent_pcode: 'XQ01' },
      { pcode: 'XQ010100', level: 3, parent_pcode: 'XQ0101' },
      { pcode: 'XQ010101', level: 3, parent_pcode: 'XQ0101' },
      { pcode: 'XQ0102', level: 2, parent_pcode: 'XQ01' },
      { pcode: 'XQ02', level: 1, parent_pcode: 'XQ' },
      { pcode: 'XQ0201', level: 2, parent_pcode: 'XQ02' },
      { pcode: 'XQ020100', level: 3, parent_pcode: 'XQ0201' },
    ]);
    const view = await new Gazetteer(db.pool).get('XQ');
    expect(view).toMatchObject({ nameEn: 'Qadiristan', nameAr: 'قادرستان', children: [{ pcode: 'XQ01' }, { pcode: 'XQ02' }] });
    // No --bounds: the units' centroids (10.2–11.6 N, 20.35–21.7 E) with 0.5° around them.
    expect(view!.bounds).toEqual({ minLatitude: 9.7, maxLatitude: 12.1, minLongitude: 19.85, maxLongitude: 22.2 });
  });

  it('makes the loaded units resolvable by name, alias and coordinates, Syria untouched', async () => {
    expect(await resolvePlace(db.pool, { name: 'Wadi el-Kebir' })).toMatchObject({ pcode: 'XQ0102', method: 'alias' });
    expect(await resolvePlace(db.pool, { name: 'النهر' })).toMatchObject({ pcode: 'XQ01', method: 'name', runnerUp: { pcode: 'XQ0101' } });
    expect(await resolvePlace(db.pool, { name: 'Nahr district' })).toMatchObject({ pcode: 'XQ0101' });
    expect(await resolvePlace(db.pool, { name: 'somewhere', latitude: 10.21, longitude: 20.58 })).toMatchObject({
      pcode: 'XQ010101',
      method: 'coordinates-nearest-centroid',
    });
    expect((await levels('SY')).length).toBe(1 + 14 + 62 + 272);
  });

  it('does nothing when the same files are loaded again', async () => {
    const before = (await db.pool.query("SELECT loaded_at FROM place_sources WHERE country_code = 'XQ'")).rows[0].loaded_at;
    expect(await loadXq()).toEqual(['XQ is already loaded from these files (9 units); nothing changed']);
    expect((await db.pool.query("SELECT loaded_at FROM place_sources WHERE country_code = 'XQ'")).rows[0].loaded_at).toEqual(before);
  });

  it("replaces the country's units whole when the files change", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'places-load-'));
    const onlyAdmin1 = join(dir, 'xq.json');
    await writeFile(onlyAdmin1, JSON.stringify([{ id: 'a', name: { en: 'Nahr' }, centroid: { latitude: 10, longitude: 20 }, externalIds: { ochaPcode: 'XQ01' } }]));

    expect(await cli('load', onlyAdmin1, '--country', 'XQ', '--name-en', 'Qadiristan', '--bounds', '9,19,12,22')).toEqual([
      'Loaded XQ: 2 units, 2 names',
    ]);
    expect((await levels('XQ')).map((row) => row.pcode)).toEqual(['XQ', 'XQ01']);
    expect((await new Gazetteer(db.pool).get('XQ'))!.bounds).toEqual({ minLatitude: 9, maxLatitude: 12, minLongitude: 19, maxLongitude: 22 });
  });

  it('refuses a broken file and leaves what was loaded as it was', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'places-load-'));
    const orphan = join(dir, 'orphan.json');
    await writeFile(orphan, JSON.stringify([{ id: 'b', governorateId: 'missing', name: { en: 'Lost' }, externalIds: { ochaPcode: 'XQ0901' } }]));

    await expect(cli('load', orphan, '--country', 'XQ', '--name-en', 'Qadiristan')).rejects.toThrow(
      'Unit b names missing as its parent, which is in none of the files',
    );
    await expect(cli('load', ...XQ_FILES, '--country', 'XA', '--name-en', 'Other')).rejects.toThrow(
      'p-code XQ01 does not start with the country code XA',
    );
    expect((await levels('XQ')).map((row) => row.pcode)).toEqual(['XQ', 'XQ01']);
  });

  it('refuses to replace a country that ships with the tracker, and bad options', async () => {
    await expect(cli('load', ...XQ_FILES, '--country', 'SY', '--name-en', 'Syria')).rejects.toThrow(/SY ships with the tracker/);
    await expect(cli('load', ...XQ_FILES, '--country', 'xq', '--name-en', 'Q')).rejects.toThrow(/ISO 3166-1 alpha-2/);
    await expect(cli('load', ...XQ_FILES, '--country', 'XQ')).rejects.toThrow(/--name-en/);
    await expect(cli('load', ...XQ_FILES, '--country', 'XQ', '--name-en', 'Q', '--bounds', '1,2,3')).rejects.toThrow(/south,west,north,east/);
    expect((await levels('SY')).length).toBe(349);
  });

  it('leaves coordinates unresolved where two countries\' boxes overlap, until the country is given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'places-load-'));
    const file = join(dir, 'xq.json');
    await writeFile(file, JSON.stringify([{ id: 'a', name: { en: 'Nahr' }, centroid: { latitude: 34, longitude: 41 }, externalIds: { ochaPcode: 'XQ01' } }]));
    await cli('load', file, '--country', 'XQ', '--name-en', 'Qadiristan', '--bounds', '30,40,40,45');

    const baghuz = { name: 'Baghuz', latitude: 34.43221, longitude: 40.99226 };
    expect(await resolvePlace(db.pool, baghuz)).toMatchObject({
      method: 'unresolved',
      reason: expect.stringMatching(/lie within the bounds of SY and XQ: give the country$/),
    });
    expect(await resolvePlace(db.pool, { ...baghuz, countryCode: 'SY' })).toMatchObject({ pcode: 'SY090203' });
    expect(await resolvePlace(db.pool, { ...baghuz, countryCode: 'XQ' })).toMatchObject({ pcode: 'XQ01' });
  });
});
