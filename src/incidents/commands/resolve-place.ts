import { HttpStatus } from '@nestjs/common';
import { compact } from '../../common/plain-data.js';
import { ProblemError, problemType, type FieldError } from '../../common/problem.js';
import type { Gazetteer } from '../../places/gazetteer.js';
import { pathOf, type PlaceResolution as GazetteerAnswer, type PlacePath } from '../../places/resolve/place-resolver.js';
import type { PlaceResolver } from '../../places/resolve/place-resolver.service.js';
import type { IncidentCommand, Place, PlaceResolutionRecord } from '../domain/index.js';

export interface PlaceLookup {
  gazetteer: Gazetteer;
  resolver: PlaceResolver;
}

const LEVELS = ['admin1', 'admin2', 'admin3'] as const;

/** A precision that names an administrative level says which level the name is at. */
const LEVEL_OF_PRECISION: Partial<Record<Place['precision'], 1 | 2>> = { governorate: 1, district: 2 };

/**
 * Ties the place a command gives to the gazetteer before the decider sees it, and keeps how on
 * the place (`resolution`). P-codes the analyst gave must exist and nest (422 otherwise);
 * coordinates may take them deeper. Without p-codes, the name and coordinates are resolved, and
 * a place that does not resolve keeps its name as reported, with the reason and the candidates.
 */
export async function resolveIncidentPlace(command: IncidentCommand, lookup: PlaceLookup): Promise<IncidentCommand> {
  if (command.type === 'RecordIncident') {
    return { ...command, data: { ...command.data, place: await resolvePlaceOf(command.data.place, 'place', lookup) } };
  }
  if (command.type === 'CorrectIncident' && command.data.changes.place) {
    const place = await resolvePlaceOf(command.data.changes.place, 'changes.place', lookup);
    return { ...command, data: { ...command.data, changes: { ...command.data.changes, place } } };
  }
  return command;
}

async function resolvePlaceOf(place: Place, path: string, { gazetteer, resolver }: PlaceLookup): Promise<Place> {
  const { resolution: _, admin1, admin2, admin3, ...reported } = place;
  const given = admin3 ?? admin2 ?? admin1;
  const { name, countryCode, latitude, longitude } = place;
  // Coordinates of a place known only to a region or a governorate stand for the area, not a
  // point in it: they may not take the place deeper than its precision says.
  const pinpointed = (place.precision === 'point' || place.precision === 'locality') && latitude !== undefined && longitude !== undefined;
  if (!given) {
    const point = pinpointed ? { latitude, longitude } : {};
    const answer = await resolver.resolve(compact({ name, countryCode, level: LEVEL_OF_PRECISION[place.precision], ...point }));
    return compact({ ...reported, ...admins(answer.path), resolution: recorded(answer) });
  }
  const unit = await requireNested(gazetteer, place, path);
  // The units above the deepest one given follow from it.
  const asGiven = compact({ ...reported, ...(unit ? admins(pathOf(unit.lineage)) : { admin1, admin2, admin3 }) });
  if (!unit || !pinpointed) return { ...asGiven, resolution: { method: 'p-code' } };
  // A point's coordinates may place it deeper inside the unit given, never elsewhere.
  const answer = await resolver.resolve(compact({ name, parents: [given], countryCode, latitude, longitude }));
  const deeper = answer.method === 'coordinates-nearest-centroid' && answer.pcode !== given && Object.values(answer.path).includes(given);
  if (!deeper) return { ...asGiven, resolution: { method: 'p-code' } };
  return compact({ ...reported, ...admins(answer.path), resolution: recorded(answer) });
}

const admins = ({ admin1, admin2, admin3 }: PlacePath) => ({ admin1, admin2, admin3 });

/** The gazetteer's answer as the event keeps it: how, how sure, and what else it might have been. */
function recorded(answer: GazetteerAnswer): PlaceResolutionRecord {
  return compact({
    method: answer.method,
    confidence: answer.confidence,
    matchedName: answer.matchedName,
    runnerUp: answer.runnerUp,
    candidates: answer.candidates?.slice(0, 5).map(({ pcode, name, score }) => ({ pcode, name, score })),
    reason: answer.reason,
    notes: answer.notes,
  });
}

/**
 * Given p-codes must be units of the place's country, at their level, each inside the one above.
 * Returns the deepest one, or nothing when the gazetteer does not hold the country.
 */
async function requireNested(gazetteer: Gazetteer, place: Place, path: string) {
  // The country is a unit too (its p-code is its code): the country and the units given, in one query.
  const given = LEVELS.map((level) => place[level]).filter((pcode) => pcode !== undefined);
  const units = await gazetteer.units([place.countryCode, ...given]);
  if (units.get(place.countryCode)?.level !== 0) return undefined;
  const errors: FieldError[] = [];
  let above = place.countryCode;
  let deepest;
  for (const [index, level] of LEVELS.entries()) {
    const pcode = place[level];
    if (!pcode) continue;
    const unit = units.get(pcode);
    if (!unit || unit.countryCode !== place.countryCode) {
      errors.push({ path: `${path}.${level}`, message: `${pcode} is not a unit of ${place.countryCode} in the gazetteer` });
    } else if (unit.level !== index + 1) {
      errors.push({ path: `${path}.${level}`, message: `${pcode} is a level ${unit.level} unit, not level ${index + 1}` });
    } else if (!unit.lineage.includes(above)) {
      errors.push({ path: `${path}.${level}`, message: `${pcode} does not lie within ${above}` });
    }
    above = pcode;
    deepest = unit;
  }
  if (errors.length > 0) {
    throw new ProblemError({
      type: problemType('unknown-place'),
      title: 'The place names p-codes the gazetteer does not have that way',
      status: HttpStatus.UNPROCESSABLE_ENTITY,
      detail: 'Correct the p-codes, or leave them out to have the name resolved; nothing was recorded.',
      code: 'unknown_place',
      errors,
    });
  }
  return deepest;
}
