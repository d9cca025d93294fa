import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pool } from 'pg';
import { inTransaction } from '../../database/transaction.js';
import type { Queryable } from '../../event-store/index.js';
import { nameKeys } from '../../names/fold.js';
import { placeRows, PlaceFileError, type CountryUnit, type PlaceRow, type SourceUnit } from './place-file.js';

/**
 * `reference-data/` at the repository root, from `src/places/load` and `dist/places/load` alike:
 * the data that ships with the tracker. (Not `data/`, where embedded PostgreSQL keeps its files.)
 */
export const REFERENCE_DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'reference-data');
export const BUNDLED_PLACES_DIR = join(REFERENCE_DATA_DIR, 'places');

/**
 * Bump when the rows made from unchanged files would differ (a new column, another folding of
 * names): the content hash changes with it, and every database reloads at its next start.
 */
const LOADER_VERSION = 2; // 2: the Arabic article with a particle written onto it folds away

/** The countries that ship with the tracker, loaded by every migrate (start-up, CLI, tests). */
export const BUNDLED_COUNTRIES: readonly { dir: string; files: readonly string[]; country: CountryUnit }[] = [
  {
    dir: 'syria',
    files: ['governorates.json', 'districts.json', 'subdistricts.json'],
    country: {
      code: 'SY',
      nameEn: 'Syria',
      nameAr: 'سوريا',
      aliases: [
        { value: 'Syrian Arab Republic', language: 'en', kind: 'formal' },
        { value: 'الجمهورية العربية السورية', language: 'ar', kind: 'formal' },
        { value: 'سورية', language: 'ar', kind: 'alternate_spelling' },
      ],
      // Syria's extent (32.31–37.32 N, 35.73–42.38 E) with a little room.
      bounds: { minLatitude: 32.3, maxLatitude: 37.35, minLongitude: 35.6, maxLongitude: 42.4 },
    },
  },
];

export interface LoadResult {
  countryCode: string;
  /** False when the same content was already loaded: nothing was written. */
  loaded: boolean;
  units: number;
  names: number;
}

/** Loads each bundled country unless the database already holds exactly what ships. */
export async function loadBundledPlaces(pool: Pool): Promise<LoadResult[]> {
  const results: LoadResult[] = [];
  for (const { dir, files, country } of BUNDLED_COUNTRIES) {
    const contents = await Promise.all(files.map((file) => readFile(join(BUNDLED_PLACES_DIR, dir, file), 'utf8')));
    results.push(await loadCountry(pool, country, contents, 'bundled'));
  }
  return results;
}

/** `places load`: another country's units, from files in the bundled files' format. */
export async function loadPlaceFiles(pool: Pool, country: CountryUnit, paths: readonly string[]): Promise<LoadResult> {
  if (BUNDLED_COUNTRIES.some((bundled) => bundled.country.code === country.code)) {
    throw new PlaceFileError(
      `${country.code} ships with the tracker (reference-data/places) and is reloaded from there at start-up; update those files instead`,
    );
  }
  const contents = await Promise.all(paths.map((path) => readFile(path, 'utf8')));
  return loadCountry(pool, country, contents, paths.map((path) => basename(path)).join(', '));
}

/**
 * Replaces the country's units in one transaction, so a reader sees the old gazetteer or the new
 * one and never half of each; skipped when the content hash shows nothing changed.
 */
async function loadCountry(pool: Pool, country: CountryUnit, contents: string[], origin: string): Promise<LoadResult> {
  const hash = createHash('sha256')
    .update(JSON.stringify({ loader: LOADER_VERSION, country, contents }))
    .digest('hex');
  const { rows: current } = await pool.query('SELECT content_hash FROM place_sources WHERE country_code = $1', [country.code]);
  if (current[0]?.content_hash === hash) return { countryCode: country.code, loaded: false, ...(await counts(pool, country.code)) };

  const rows = placeRows(country, contents.flatMap((content, index) => parseUnits(content, index)));
  const loaded = await inTransaction(pool, async (client) => {
    // A concurrent loader of the same country (another process starting) goes first; then its
    // work is found done here, or is replaced whole.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`places:${country.code}`]);
    const { rows: now } = await client.query('SELECT content_hash FROM place_sources WHERE country_code = $1', [country.code]);
    if (now[0]?.content_hash === hash) return false;
    await client.query('DELETE FROM places WHERE country_code = $1', [country.code]);
    await insertPlaces(client, rows);
    await client.query(
      `INSERT INTO place_sources (country_code, content_hash, origin, unit_count) VALUES ($1, $2, $3, $4)
       ON CONFLICT (country_code) DO UPDATE
       SET content_hash = excluded.content_hash, origin = excluded.origin, unit_count = excluded.unit_count, loaded_at = now()`,
      [country.code, hash, origin, rows.length],
    );
    return true;
  });
  if (!loaded) return { countryCode: country.code, loaded, ...(await counts(pool, country.code)) };
  return { countryCode: country.code, loaded, units: rows.length, names: rows.reduce((n, row) => n + row.names.length, 0) };
}

function parseUnits(content: string, fileIndex: number): SourceUnit[] {
  let units: unknown;
  try {
    units = JSON.parse(content);
  } catch (error) {
    throw new PlaceFileError(`File ${fileIndex + 1} is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(units)) throw new PlaceFileError(`File ${fileIndex + 1} must hold a JSON array of units`);
  return units as SourceUnit[];
}

async function insertPlaces(db: Queryable, rows: readonly PlaceRow[]): Promise<void> {
  const column = <T>(pick: (row: PlaceRow) => T) => rows.map(pick);
  // One statement per table; the foreign key to the parent is checked at the statement's end.
  await db.query(
    `INSERT INTO places (pcode, level, parent_pcode, country_code, name_en, name_ar, latitude, longitude, lineage,
                         external_ids, min_latitude, max_latitude, min_longitude, max_longitude)
     SELECT pcode, level, parent_pcode, country_code, name_en, name_ar, latitude, longitude, string_to_array(lineage, '/'),
            external_ids, min_lat, max_lat, min_lon, max_lon
     FROM unnest($1::text[], $2::smallint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::float8[],
                 $9::text[], $10::jsonb[], $11::float8[], $12::float8[], $13::float8[], $14::float8[])
       AS u (pcode, level, parent_pcode, country_code, name_en, name_ar, latitude, longitude, lineage,
             external_ids, min_lat, max_lat, min_lon, max_lon)`,
    [
      column((row) => row.pcode),
      column((row) => row.level),
      column((row) => row.parentPcode),
      column((row) => row.countryCode),
      column((row) => row.nameEn),
      column((row) => row.nameAr),
      column((row) => row.latitude),
      column((row) => row.longitude),
      // unnest cannot take an array of arrays of different lengths: each lineage travels as text.
      column((row) => row.lineage.join('/')),
      column((row) => JSON.stringify(row.externalIds)),
      column((row) => row.bounds?.minLatitude ?? null),
      column((row) => row.bounds?.maxLatitude ?? null),
      column((row) => row.bounds?.minLongitude ?? null),
      column((row) => row.bounds?.maxLongitude ?? null),
    ],
  );
  const names = rows.flatMap((row) => row.names.map((name) => ({ pcode: row.pcode, ...name, ...nameKeys(name.value) })));
  await db.query(
    `INSERT INTO place_names (pcode, value, language, kind, folded, skeleton)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [
      names.map((name) => name.pcode),
      names.map((name) => name.value),
      names.map((name) => name.language),
      names.map((name) => name.kind),
      names.map((name) => name.folded),
      names.map((name) => name.skeleton),
    ],
  );
}

async function counts(db: Queryable, countryCode: string): Promise<{ units: number; names: number }> {
  const { rows } = await db.query(
    `SELECT count(DISTINCT p.pcode)::int AS units, count(n.value)::int AS names
     FROM places p LEFT JOIN place_names n ON n.pcode = p.pcode WHERE p.country_code = $1`,
    [countryCode],
  );
  return { units: rows[0].units, names: rows[0].names };
}
