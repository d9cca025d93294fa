import type { Bounds, PlaceLevel } from '../load/place-file.js';

/**
 * Placing a point among administrative units that have centroids but no boundaries. Pure: the
 * units come from the gazetteer. Two things keep it honest:
 * - A point outside the country's box is not placed in the country at all.
 * - A point that is some unit's own centroid (within STAND_IN_KM) is how sources write "somewhere
 *   in that unit" (UCDP gives events known only to the governorate the governorate's centroid), so
 *   it places the point in that unit and no deeper: the shallowest such unit, as the coarsest
 *   reading is the one certainly true.
 * Otherwise the point goes to the unit of the nearest centroid among the deepest units (the leaves).
 * The level a name was reported at does not limit this: the point is the event's, not the unit's.
 */

export interface Point {
  latitude: number;
  longitude: number;
}

export interface LocatedUnit extends Point {
  pcode: string;
  level: PlaceLevel;
  nameEn: string;
  /** P-codes from the country down to the unit itself. */
  lineage: string[];
  /** No unit lies below it. */
  leaf: boolean;
}

export type Location =
  /** The point is the centroid of a unit inside the scope: placed in that unit and no deeper. */
  | { kind: 'centroid'; unit: LocatedUnit }
  /** The point is the centroid of the scope itself or of a unit holding it: it says nothing finer. */
  | { kind: 'no-finer'; unit: LocatedUnit }
  /** The nearest leaf centroid is outside the scope. */
  | { kind: 'outside'; nearest: LocatedUnit; distanceKm: number }
  | {
      kind: 'nearest';
      /** The leaf the point is placed in. */
      nearest: LocatedUnit;
      distanceKm: number;
      /** The next-nearest leaf inside the scope. */
      runnerUp?: { unit: LocatedUnit; distanceKm: number };
      /** d₂ / (d₁ + d₂): 1 on a centroid, 0.5 halfway between two. */
      confidence: number;
    };

/** Closer than this to a unit's centroid, a point is taken to be that centroid. */
export const STAND_IN_KM = 1;

const EARTH_RADIUS_KM = 6371.0088;

export function distanceKm(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function withinBounds(bounds: Bounds, point: Point): boolean {
  return (
    point.latitude >= bounds.minLatitude &&
    point.latitude <= bounds.maxLatitude &&
    point.longitude >= bounds.minLongitude &&
    point.longitude <= bounds.maxLongitude
  );
}

export interface LocateOptions {
  /** The scope: the p-code of the unit the point should lie in (what a name or parent resolved to). */
  within?: string;
}

/** Where among `units` (one country's, with centroids) the point falls, as far as centroids can tell. */
export function locate(units: readonly LocatedUnit[], point: Point, { within }: LocateOptions = {}): Location | undefined {
  const inScope = (unit: LocatedUnit) => within === undefined || unit.lineage.includes(within);
  const scopeLineage = within === undefined ? [] : (units.find((unit) => unit.pcode === within)?.lineage ?? [within]);
  const distances = new Map(units.map((unit) => [unit, distanceKm(point, unit)]));

  const standIn = units
    .filter((unit) => !unit.leaf && distances.get(unit)! <= STAND_IN_KM)
    .sort((a, b) => a.level - b.level)[0];
  if (standIn && scopeLineage.includes(standIn.pcode)) return { kind: 'no-finer', unit: standIn };
  if (standIn && inScope(standIn)) return { kind: 'centroid', unit: standIn };

  const leaves = units.filter((unit) => unit.leaf).sort((a, b) => distances.get(a)! - distances.get(b)!);
  const nearest = leaves[0];
  if (!nearest) return undefined;
  if (!inScope(nearest)) return { kind: 'outside', nearest, distanceKm: distances.get(nearest)! };

  const other = leaves.find((unit) => unit !== nearest && inScope(unit));
  const d1 = distances.get(nearest)!;
  const d2 = other && distances.get(other)!;
  return {
    kind: 'nearest',
    nearest,
    distanceKm: d1,
    runnerUp: other && { unit: other, distanceKm: d2! },
    confidence: d2 === undefined || d1 + d2 === 0 ? 1 : d2 / (d1 + d2),
  };
}
