import type { LookupCache } from '../database/lookup-caches.js';
import type { Queryable } from '../event-store/index.js';
import { MIN_SEARCH_SCORE, nameScoreSql, searchKeys } from '../names/name-match.js';
import { compact } from '../common/plain-data.js';
import type { Bounds, PlaceLevel, PlaceName } from './load/place-file.js';
import type { LocatedUnit, Point } from './resolve/coordinates.js';
import type { NameCandidate } from './resolve/decide-name.js';

export interface PlaceSummary {
  pcode: string;
  level: PlaceLevel;
  countryCode: string;
  nameEn: string;
  nameAr?: string;
}

export interface PlaceMatch extends PlaceSummary {
  parentPcode?: string;
  /** The name that matched the search best, and how well (0..1); absent when listing without a search. */
  matchedName?: PlaceName;
  score?: number;
}

export interface PlaceView extends PlaceSummary {
  latitude?: number;
  longitude?: number;
  externalIds: Record<string, string>;
  names: PlaceName[];
  /** The enclosing units, the country first. */
  parents: PlaceSummary[];
  children: PlaceSummary[];
  bounds?: Bounds;
}

export interface PlaceSearch {
  q?: string;
  level?: PlaceLevel;
  countryCode?: string;
  limit?: number;
}

export interface CandidateSearch {
  countryCode?: string;
  /** Only units strictly inside this one. */
  within?: string;
  /** Only units at this level, a deeper unit's match counting for its ancestor there. */
  level?: PlaceLevel;
  limit?: number;
}

const SUMMARY = 'p.pcode, p.level, p.country_code, p.name_en, p.name_ar';

/**
 * The gazetteer's read side, on any connection or pool (the API's, the CLI's, a test's). Lookups
 * by p-code, name and point are remembered: with `memoize` for the object's life (a batch over
 * unchanging data), with `cache` (the service's) until the places change.
 */
export class Gazetteer {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: Queryable,
    private readonly options: { memoize?: boolean; cache?: LookupCache<unknown> } = {},
  ) {}

  /** Units ranked by their best-matching name; without `q`, units in p-code order. */
  async search({ q, level, countryCode, limit = 20 }: PlaceSearch): Promise<PlaceMatch[]> {
    // A search with nothing to search by ("al", "!!!") finds nothing, rather than everything.
    if (q !== undefined && !searchKeys(q)[0]) return [];
    if (q === undefined) {
      const { rows } = await this.db.query(
        `SELECT ${SUMMARY}, p.parent_pcode FROM places p
         WHERE ($1::int IS NULL OR p.level = $1) AND ($2::text IS NULL OR p.country_code = $2)
         ORDER BY p.country_code, p.level, p.pcode LIMIT $3`,
        [level ?? null, countryCode ?? null, limit],
      );
      return rows.map((row) => compact({ ...summary(row), parentPcode: row.parent_pcode ?? undefined }));
    }
    const rows = await this.scored(q!, { countryCode, level, limit }, false);
    return rows.map((row) =>
      compact({ ...summary(row), parentPcode: row.parent_pcode ?? undefined, matchedName: matchedName(row), score: row.score }),
    );
  }

  /** The units a reported name may mean, best first; a name of a deeper unit counts for its ancestor at `level`. */
  candidates(name: string, search: CandidateSearch = {}): Promise<NameCandidate[]> {
    return this.remember(['candidates', name, search], async () => {
      const rows = await this.scored(name, { limit: 10, ...search }, true);
      return rows.map((row) => ({
        ...summary(row),
        lineage: row.lineage,
        matchedName: matchedName(row),
        matchedPcode: row.matched_pcode,
        score: row.score,
      }));
    });
  }

  private async scored(text: string, search: CandidateSearch, lift: boolean) {
    const [folded, skeleton] = searchKeys(text);
    const { rows } = await this.db.query(
      `WITH scored AS (
         SELECT p.lineage[coalesce($3::int, p.level) + 1] AS target, n.pcode AS matched_pcode,
                n.value, n.language, n.kind, ${nameScoreSql('n', '$1', '$2')}::float8 AS score
         FROM place_names n JOIN places p ON p.pcode = n.pcode
         WHERE ($3::int IS NULL OR p.level = $3 OR ($4 AND p.level > $3))
           AND ($5::text IS NULL OR p.country_code = $5)
           AND ($6::text IS NULL OR p.lineage @> ARRAY[$6::text])
       ),
       best AS (
         SELECT DISTINCT ON (target) * FROM scored
         WHERE score >= $7 AND target IS DISTINCT FROM $6
         -- a unit's own names before those of units below it, primary names before aliases
         ORDER BY target, score DESC, matched_pcode <> target, kind <> 'primary', length(value), value, language, matched_pcode
       )
       SELECT ${SUMMARY}, p.parent_pcode, p.lineage, best.matched_pcode, best.value, best.language, best.kind AS name_kind,
              round(best.score::numeric, 3)::float8 AS score
       FROM best JOIN places p ON p.pcode = best.target
       ORDER BY best.score DESC, p.level, p.pcode
       LIMIT $8`,
      [folded, skeleton, search.level ?? null, lift, search.countryCode ?? null, search.within ?? null, MIN_SEARCH_SCORE, search.limit ?? 20],
    );
    return rows;
  }

  /** One unit with its names, the units enclosing it and the units directly below it. */
  async get(pcode: string): Promise<PlaceView | undefined> {
    const { rows } = await this.db.query(
      `SELECT p.*,
              (SELECT coalesce(json_agg(json_build_object('value', n.value, 'language', n.language, 'kind', n.kind)
                                        ORDER BY n.kind <> 'primary', n.language, n.value), '[]')
               FROM place_names n WHERE n.pcode = p.pcode) AS names,
              (SELECT coalesce(json_agg(json_build_object('pcode', a.pcode, 'level', a.level, 'country_code', a.country_code,
                                                          'name_en', a.name_en, 'name_ar', a.name_ar) ORDER BY a.level), '[]')
               FROM places a WHERE a.pcode = ANY(p.lineage) AND a.pcode <> p.pcode) AS parents,
              (SELECT coalesce(json_agg(json_build_object('pcode', c.pcode, 'level', c.level, 'country_code', c.country_code,
                                                          'name_en', c.name_en, 'name_ar', c.name_ar) ORDER BY c.pcode), '[]')
               FROM places c WHERE c.parent_pcode = p.pcode) AS children
       FROM places p WHERE p.pcode = $1`,
      [pcode],
    );
    const row = rows[0];
    if (!row) return undefined;
    return compact({
      ...summary(row),
      latitude: row.latitude ?? undefined,
      longitude: row.longitude ?? undefined,
      externalIds: row.external_ids,
      names: row.names,
      parents: row.parents.map(summary),
      children: row.children.map(summary),
      bounds: row.level === 0 ? bounds(row) : undefined,
    });
  }

  /** A unit by p-code, as a name candidate would describe it. */
  unit(pcode: string): Promise<(PlaceSummary & { lineage: string[] }) | undefined> {
    return this.remember(['unit', pcode], async () => {
      const { rows } = await this.db.query({
        name: 'gazetteer.unit',
        text: `SELECT ${SUMMARY}, p.lineage FROM places p WHERE p.pcode = $1`,
        values: [pcode],
      });
      return rows[0] && unitOf(rows[0]);
    });
  }

  /** Several units by p-code in one query; a p-code the gazetteer does not have is absent from the map. */
  units(pcodes: readonly string[]): Promise<Map<string, PlaceSummary & { lineage: string[] }>> {
    return this.remember(['units', pcodes], async () => {
      const { rows } = await this.db.query({
        name: 'gazetteer.units',
        text: `SELECT ${SUMMARY}, p.lineage FROM places p WHERE p.pcode = ANY($1::text[])`,
        values: [pcodes],
      });
      return new Map(rows.map((row) => [row.pcode as string, unitOf(row)]));
    });
  }

  /** A country's box and every unit of it that has a centroid. */
  country(countryCode: string): Promise<{ bounds: Bounds; units: LocatedUnit[] } | undefined> {
    return this.remember(['country', countryCode], async () => {
      const { rows } = await this.db.query(
        `SELECT p.*, NOT EXISTS (SELECT 1 FROM places c WHERE c.parent_pcode = p.pcode) AS leaf
         FROM places p WHERE p.country_code = $1`,
        [countryCode],
      );
      const country = rows.find((row) => row.level === 0);
      if (!country) return undefined;
      const units = rows
        .filter((row) => row.latitude !== null && row.longitude !== null)
        .map((row) => ({ ...summary(row), lineage: row.lineage, leaf: row.leaf, latitude: row.latitude, longitude: row.longitude }));
      return { bounds: bounds(country), units };
    });
  }

  /** The countries whose box holds the point. */
  countriesAt(point: Point): Promise<string[]> {
    return this.remember(['countriesAt', point], async () => {
      const { rows } = await this.db.query(
        `SELECT pcode FROM places WHERE level = 0
           AND $1 BETWEEN min_latitude AND max_latitude AND $2 BETWEEN min_longitude AND max_longitude
         ORDER BY pcode`,
        [point.latitude, point.longitude],
      );
      return rows.map((row) => row.pcode as string);
    });
  }

  private remember<T>(key: unknown[], load: () => Promise<T>): Promise<T> {
    const id = JSON.stringify(key);
    if (this.options.cache) return this.options.cache.get(id, load) as Promise<T>;
    if (!this.options.memoize) return load();
    if (!this.memo.has(id)) this.memo.set(id, load());
    return this.memo.get(id) as Promise<T>;
  }
}

function summary(row: Record<string, any>): PlaceSummary {
  return compact({
    pcode: row.pcode,
    level: row.level,
    countryCode: row.country_code,
    nameEn: row.name_en,
    nameAr: row.name_ar ?? undefined,
  });
}

/** A unit as `unit` and `units` give it: its summary and the p-codes above it. */
function unitOf(row: Record<string, any>): PlaceSummary & { lineage: string[] } {
  return { ...summary(row), lineage: row.lineage };
}

function matchedName(row: Record<string, any>): PlaceName {
  return { value: row.value, language: row.language, kind: row.name_kind };
}

function bounds(row: Record<string, any>): Bounds {
  return {
    minLatitude: row.min_latitude,
    maxLatitude: row.max_latitude,
    minLongitude: row.min_longitude,
    maxLongitude: row.max_longitude,
  };
}
