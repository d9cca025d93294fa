/**
 * The gazetteer's input format: OpenSyria's (data-geography) JSON, one array of units per file,
 * and the rows those units become. Pure: the loader (load-places.ts) writes what this returns.
 *
 * A unit needs `id`, `name.en`, `externalIds.ochaPcode` and, below the first level, the ids of
 * its enclosing units. Its level follows from those links alone, whichever file it is in:
 *   neither `governorateId` nor `districtId` → admin1 (level 1, a governorate)
 *   `governorateId` only                     → admin2 (level 2, a district)
 *   `districtId` (with or without the other) → admin3 (level 3, a subdistrict)
 * The country itself (level 0) is not in the files: it is named by the caller.
 */

export type PlaceLevel = 0 | 1 | 2 | 3;

export interface SourceUnit {
  id: string;
  governorateId?: string;
  districtId?: string;
  name: { en: string; ar?: string };
  aliases?: { value: string; language: string; type: string }[];
  centroid?: { latitude: number; longitude: number };
  externalIds?: Record<string, string>;
}

export interface PlaceName {
  value: string;
  language: string;
  /** 'primary' for name.en and name.ar; otherwise the source's own alias type. */
  kind: string;
}

export interface PlaceRow {
  pcode: string;
  level: PlaceLevel;
  parentPcode: string | null;
  countryCode: string;
  nameEn: string;
  nameAr: string | null;
  latitude: number | null;
  longitude: number | null;
  lineage: string[];
  externalIds: Record<string, string>;
  names: PlaceName[];
  bounds?: Bounds;
}

export interface Bounds {
  minLatitude: number;
  maxLatitude: number;
  minLongitude: number;
  maxLongitude: number;
}

export interface CountryUnit {
  /** ISO 3166-1 alpha-2; also the country's p-code and the prefix of all its units' p-codes. */
  code: string;
  nameEn: string;
  nameAr?: string;
  aliases?: PlaceName[];
  /** Where a point must lie to be in the country; derived from the units' centroids when absent. */
  bounds?: Bounds;
}

/** How far outside its units' centroids a country's derived box reaches, in degrees (~55 km). */
export const DERIVED_BOUNDS_MARGIN = 0.5;

export class PlaceFileError extends Error {}

/** The units of one country, country first and parents before children, ready to insert. */
export function placeRows(country: CountryUnit, units: readonly SourceUnit[]): PlaceRow[] {
  if (!/^[A-Z]{2}$/.test(country.code)) throw new PlaceFileError(`Country code "${country.code}" must be ISO 3166-1 alpha-2, such as SY`);
  const byId = new Map<string, SourceUnit>();
  for (const unit of units) {
    if (typeof unit?.id !== 'string') throw new PlaceFileError(`A unit has no id: ${JSON.stringify(unit).slice(0, 120)}`);
    if (byId.has(unit.id)) throw new PlaceFileError(`Unit ${unit.id} appears twice`);
    byId.set(unit.id, unit);
  }
  const pcodeOf = (id: string, child: SourceUnit) => {
    const parent = byId.get(id);
    if (!parent) throw new PlaceFileError(`Unit ${child.id} names ${id} as its parent, which is in none of the files`);
    return pcode(parent, country.code);
  };

  const rows = units.map((unit): PlaceRow => {
    const level = levelOf(unit);
    const code = pcode(unit, country.code);
    const parentId = unit.districtId ?? unit.governorateId;
    const parent = parentId ? byId.get(parentId) : undefined;
    if (parentId && parent && levelOf(parent) !== level - 1) {
      throw new PlaceFileError(`Unit ${unit.id} (level ${level}) names ${parentId} (level ${levelOf(parent)}) as its parent`);
    }
    if (unit.districtId && unit.governorateId && parent?.governorateId !== unit.governorateId) {
      throw new PlaceFileError(`Unit ${unit.id}: its district ${unit.districtId} is not in its governorate ${unit.governorateId}`);
    }
    const parentPcode = parentId ? pcodeOf(parentId, unit) : country.code;
    if (typeof unit.name?.en !== 'string' || !unit.name.en.trim()) throw new PlaceFileError(`Unit ${unit.id} has no name.en`);
    return {
      pcode: code,
      level,
      parentPcode,
      countryCode: country.code,
      nameEn: unit.name.en,
      nameAr: unit.name.ar ?? null,
      latitude: unit.centroid?.latitude ?? null,
      longitude: unit.centroid?.longitude ?? null,
      lineage: [], // filled in below, once every parent has its row
      externalIds: unit.externalIds ?? {},
      names: uniqueNames([
        { value: unit.name.en, language: 'en', kind: 'primary' },
        ...(unit.name.ar ? [{ value: unit.name.ar, language: 'ar', kind: 'primary' }] : []),
        ...(unit.aliases ?? []).map((alias) => ({ value: alias.value, language: alias.language, kind: alias.type ?? 'alias' })),
      ]),
    };
  });

  const countryRow: PlaceRow = {
    pcode: country.code,
    level: 0,
    parentPcode: null,
    countryCode: country.code,
    nameEn: country.nameEn,
    nameAr: country.nameAr ?? null,
    latitude: null,
    longitude: null,
    lineage: [country.code],
    externalIds: {},
    names: uniqueNames([
      { value: country.nameEn, language: 'en', kind: 'primary' },
      ...(country.nameAr ? [{ value: country.nameAr, language: 'ar', kind: 'primary' }] : []),
      ...(country.aliases ?? []),
    ]),
    bounds: country.bounds ?? derivedBounds(rows),
  };
  const all = [countryRow, ...rows.sort((a, b) => a.level - b.level || a.pcode.localeCompare(b.pcode))];
  const byPcode = new Map<string, PlaceRow>();
  for (const row of all) {
    if (byPcode.has(row.pcode)) throw new PlaceFileError(`P-code ${row.pcode} is given to two units`);
    // Parents come first (sorted by level), so the parent's lineage is already complete.
    if (row.parentPcode) row.lineage = [...byPcode.get(row.parentPcode)!.lineage, row.pcode];
    byPcode.set(row.pcode, row);
  }
  return all;
}

function levelOf(unit: SourceUnit): PlaceLevel {
  if (unit.districtId) return 3;
  return unit.governorateId ? 2 : 1;
}

/**
 * Units are keyed by p-code across countries, so each country's p-codes must carry its code
 * (as OCHA's do: SY09, SY0902): then one country's load can never replace another's units.
 */
function pcode(unit: SourceUnit, countryCode: string): string {
  const code = unit.externalIds?.ochaPcode;
  if (typeof code !== 'string' || !code) throw new PlaceFileError(`Unit ${unit.id} has no externalIds.ochaPcode`);
  if (!code.startsWith(countryCode) || code === countryCode) {
    throw new PlaceFileError(`Unit ${unit.id}: p-code ${code} does not start with the country code ${countryCode}`);
  }
  return code;
}

/** Names once per language and value, the primary kind kept where an alias repeats it. */
function uniqueNames(names: PlaceName[]): PlaceName[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = `${name.language}\n${name.value}`;
    if (!name.value?.trim() || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function derivedBounds(rows: readonly PlaceRow[]): Bounds {
  const located = rows.filter((row) => row.latitude !== null && row.longitude !== null);
  if (located.length === 0) throw new PlaceFileError('No unit has a centroid, so the country has no bounds: give them');
  const latitudes = located.map((row) => row.latitude!);
  const longitudes = located.map((row) => row.longitude!);
  return {
    minLatitude: Math.max(-90, Math.min(...latitudes) - DERIVED_BOUNDS_MARGIN),
    maxLatitude: Math.min(90, Math.max(...latitudes) + DERIVED_BOUNDS_MARGIN),
    minLongitude: Math.max(-180, Math.min(...longitudes) - DERIVED_BOUNDS_MARGIN),
    maxLongitude: Math.min(180, Math.max(...longitudes) + DERIVED_BOUNDS_MARGIN),
  };
}
