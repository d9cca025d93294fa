import { compact } from '../../common/plain-data.js';
import type { Queryable } from '../../event-store/index.js';
import { Gazetteer, type PlaceSummary } from '../gazetteer.js';
import type { PlaceLevel } from '../load/place-file.js';
import { locate, withinBounds, type Location, type Point } from './coordinates.js';
import { decideName, type NameCandidate } from './decide-name.js';
import { levelNamedBy } from './designators.js';

export type ResolutionMethod = 'name' | 'alias' | 'coordinates-nearest-centroid' | 'unresolved';

export interface PlaceInput {
  /** The place as reported, in any script or spelling. */
  name: string;
  /** Names (or p-codes) of the units enclosing it, outermost first: governorate, then district. */
  parents?: string[];
  /** The level the place is at; a name such as "X district" says it itself. */
  level?: 1 | 2 | 3;
  latitude?: number;
  longitude?: number;
  countryCode?: string;
}

export interface PlacePath {
  country?: string;
  admin1?: string;
  admin2?: string;
  admin3?: string;
}

export interface PlaceCandidateView {
  pcode: string;
  level: PlaceLevel;
  name: string;
  matchedName: string;
  score: number;
}

export interface PlaceResolution {
  /** The deepest unit that can be justified; absent when unresolved. */
  pcode?: string;
  level?: PlaceLevel;
  name?: string;
  nameAr?: string;
  /** P-codes from the country down; when unresolved, as far as the parents and country establish. */
  path: PlacePath;
  method: ResolutionMethod;
  /** 0..1: the name's match score, or the coordinates' d₂/(d₁+d₂), the lower of the two when both count. */
  confidence: number;
  matchedName?: string;
  runnerUp?: { pcode: string; name: string; score?: number; distanceKm?: number };
  /** When unresolved: the units it might be. */
  candidates?: PlaceCandidateView[];
  /** When unresolved: why. */
  reason?: string;
  /** What else a person should know: a parent not used, coordinates that disagree with the name. */
  notes?: string[];
}

/**
 * Resolves a reported place to the deepest p-code that can be justified, and says how:
 * 1. Parents, outermost first, each resolved within the ones before it, narrow the search to
 *    their subtree. One that does not resolve is reported in the notes and not used.
 * 2. The name, within that subtree (and at its level, given or named by a designator word),
 *    decided by decideName: method `name`, or `alias` when the matched name is not a primary one.
 * 3. Coordinates, if given, must lie in the country's box. Then, if the nearest leaf centroid
 *    lies inside what the name (or the parents) resolved to, the point takes the answer deeper,
 *    to that leaf or its ancestor at the level asked for: method `coordinates-nearest-centroid`.
 *    If it lies elsewhere, the name's answer stands and a note says they disagree. A point that is
 *    a unit's own centroid says no more than that unit (coordinates.ts).
 * Nothing resolves silently: an ambiguous or unknown name without usable coordinates is
 * `unresolved`, with the reason and the candidates.
 *
 * `source` is a Gazetteer or any pool or connection (the CLI's, a script's).
 */
export async function resolvePlace(source: Gazetteer | Queryable, input: PlaceInput): Promise<PlaceResolution> {
  const gazetteer = source instanceof Gazetteer ? source : new Gazetteer(source);
  const notes: string[] = [];
  const scope = await resolveParents(gazetteer, input, notes);
  const countryCode = scope?.countryCode ?? input.countryCode;
  const level = input.level ?? levelNamedBy(input.name);
  if (input.level === undefined && level !== undefined) notes.push(`level ${level} taken from the designator in "${input.name}"`);

  const candidates = await gazetteer.candidates(input.name, { countryCode, within: scope?.pcode, level });
  const decision = decideName(input.name, candidates);
  const point = input.latitude !== undefined && input.longitude !== undefined ? { latitude: input.latitude, longitude: input.longitude } : undefined;

  if (decision.status === 'resolved') {
    const byName = nameResolution(decision.unit, decision.runnerUp, notes);
    return point ? refineWithCoordinates(gazetteer, byName, decision.unit, point) : byName;
  }
  const unresolved: PlaceResolution = compact({
    path: scope ? pathOf(scope.lineage) : compact({ country: countryCode }),
    method: 'unresolved' as const,
    confidence: 0,
    reason: decision.reason,
    candidates: decision.candidates.length ? decision.candidates.map(candidateView) : undefined,
    notes: notes.length ? notes : undefined,
  });
  return point ? placeByCoordinates(gazetteer, unresolved, scope, point, countryCode) : unresolved;
}

type Scope = PlaceSummary & { lineage: string[] };

async function resolveParents(gazetteer: Gazetteer, input: PlaceInput, notes: string[]): Promise<Scope | undefined> {
  let scope: Scope | undefined;
  for (const parent of input.parents ?? []) {
    const byPcode = /^[A-Z]{2}[0-9A-Z]*$/.test(parent) ? await gazetteer.unit(parent) : undefined;
    let unit: Scope | undefined;
    if (byPcode) {
      unit = !scope || (byPcode.lineage.includes(scope.pcode) && byPcode.pcode !== scope.pcode) ? byPcode : undefined;
      if (!unit) notes.push(`parent ${parent} is not inside ${scope!.pcode}; not used`);
    } else {
      const within = scope?.pcode;
      const countryCode = scope?.countryCode ?? input.countryCode;
      const decision = decideName(parent, await gazetteer.candidates(parent, { countryCode, within, level: levelNamedBy(parent) }));
      if (decision.status === 'resolved') unit = decision.unit;
      else notes.push(`parent "${parent}" not used: ${decision.reason}`);
    }
    if (unit && input.countryCode && unit.countryCode !== input.countryCode) {
      notes.push(`parent "${parent}" is in ${unit.countryCode}, not ${input.countryCode}; not used`);
      unit = undefined;
    }
    scope = unit ?? scope;
  }
  return scope;
}

function nameResolution(unit: NameCandidate, runnerUp: NameCandidate | undefined, notes: string[]): PlaceResolution {
  if (unit.matchedPcode !== unit.pcode) {
    notes.push(`"${unit.matchedName.value}" is a name of ${unit.matchedPcode}, which lies in ${unit.pcode} ${unit.nameEn}`);
  }
  return compact({
    pcode: unit.pcode,
    level: unit.level,
    name: unit.nameEn,
    nameAr: unit.nameAr,
    path: pathOf(unit.lineage),
    method: unit.matchedName.kind === 'primary' ? ('name' as const) : ('alias' as const),
    confidence: unit.score,
    matchedName: unit.matchedName.value,
    runnerUp: runnerUp && { pcode: runnerUp.pcode, name: runnerUp.nameEn, score: runnerUp.score },
    notes: notes.length ? notes : undefined,
  });
}

/** A name resolved: coordinates may take it deeper, or disagree with it, but never override it. */
async function refineWithCoordinates(
  gazetteer: Gazetteer,
  byName: PlaceResolution,
  unit: NameCandidate,
  point: Point,
): Promise<PlaceResolution> {
  const notes = [...(byName.notes ?? [])];
  const country = await gazetteer.country(unit.countryCode);
  if (!country || !withinBounds(country.bounds, point)) {
    notes.push(`coordinates ${formatPoint(point)} lie outside ${unit.countryCode}; not used`);
    return { ...byName, notes };
  }
  const location = locate(country.units, point, { within: unit.pcode });
  if (location?.kind === 'outside') {
    notes.push(
      `the coordinates disagree with the name: the nearest centroid is ${location.nearest.pcode} ${location.nearest.nameEn} ` +
        `(${km(location.distanceKm)}), outside ${unit.pcode}; the name's answer is kept`,
    );
    return { ...byName, notes };
  }
  if (location?.kind === 'no-finer') {
    notes.push(`the coordinates are the centroid of ${location.unit.pcode} ${location.unit.nameEn}: they say no more than the name`);
    return { ...byName, notes };
  }
  if (!location || (location.kind === 'nearest' && location.nearest.pcode === unit.pcode)) return byName;
  notes.push(`by name: ${unit.pcode} ${unit.nameEn} (${byName.method}); the coordinates place it deeper`);
  const byCoordinates = await coordinateResolution(gazetteer, location, notes);
  return { ...byCoordinates, confidence: Math.min(byName.confidence, byCoordinates.confidence), matchedName: byName.matchedName };
}

/** The name did not resolve: coordinates may still place the point, inside the parents if any. */
async function placeByCoordinates(
  gazetteer: Gazetteer,
  unresolved: PlaceResolution,
  scope: Scope | undefined,
  point: Point,
  countryCode: string | undefined,
): Promise<PlaceResolution> {
  const codes = countryCode ? [countryCode] : await gazetteer.countriesAt(point);
  if (codes.length > 1) {
    return { ...unresolved, reason: `${unresolved.reason}; the coordinates ${formatPoint(point)} lie within the bounds of ${codes.join(' and ')}: give the country` };
  }
  const country = codes[0] === undefined ? undefined : await gazetteer.country(codes[0]);
  if (!country || !withinBounds(country.bounds, point)) {
    const where = countryCode ?? 'any country in the gazetteer';
    return { ...unresolved, reason: `${unresolved.reason}; the coordinates ${formatPoint(point)} lie outside ${where}` };
  }
  const location = locate(country.units, point, { within: scope?.pcode });
  const notes = [...(unresolved.notes ?? []), `by name: ${unresolved.reason}`];
  if (!location) return unresolved;
  if (location.kind === 'outside') {
    const reason = `${unresolved.reason}; the coordinates are nearest ${location.nearest.pcode} ${location.nearest.nameEn}, outside ${scope!.pcode}`;
    return { ...unresolved, reason };
  }
  if (location.kind === 'no-finer') {
    return { ...unresolved, reason: `${unresolved.reason}; the coordinates are the centroid of ${location.unit.pcode} and say no more` };
  }
  return { ...(await coordinateResolution(gazetteer, location, notes)), candidates: unresolved.candidates };
}

async function coordinateResolution(
  gazetteer: Gazetteer,
  location: Extract<Location, { kind: 'centroid' | 'nearest' }>,
  notes: string[],
): Promise<PlaceResolution> {
  const { pcode } = location.kind === 'centroid' ? location.unit : location.nearest;
  const unit = (await gazetteer.unit(pcode))!;
  if (location.kind === 'centroid') notes.push(`the coordinates are the centroid of ${pcode}: placed there and no deeper`);
  else notes.push(`nearest centroid: ${pcode} ${unit.nameEn}, ${km(location.distanceKm)}`);
  const runnerUp = location.kind === 'nearest' ? location.runnerUp : undefined;
  return compact({
    pcode,
    level: unit.level,
    name: unit.nameEn,
    nameAr: unit.nameAr,
    path: pathOf(unit.lineage),
    method: 'coordinates-nearest-centroid' as const,
    // d₂ / (d₁ + d₂) for a nearest centroid; a unit's own centroid stands for that unit.
    confidence: location.kind === 'nearest' ? round(location.confidence, 3) : 1,
    runnerUp: runnerUp && { pcode: runnerUp.unit.pcode, name: runnerUp.unit.nameEn, distanceKm: round(runnerUp.distanceKm, 1) },
    notes,
  });
}

export function pathOf(lineage: readonly string[]): PlacePath {
  const [country, admin1, admin2, admin3] = lineage;
  return compact({ country, admin1, admin2, admin3 });
}

function candidateView(candidate: NameCandidate): PlaceCandidateView {
  return { pcode: candidate.pcode, level: candidate.level, name: candidate.nameEn, matchedName: candidate.matchedName.value, score: candidate.score };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const km = (distance: number) => `${round(distance, 1)} km`;
const formatPoint = (point: Point) => `(${point.latitude}, ${point.longitude})`;
