import { CLEAR_MARGIN, CONFIDENT_SCORE } from '../../names/name-match.js';
import type { PlaceLevel } from '../load/place-file.js';

/** A unit some name of which matched a reported name, with the best-matching name. */
export interface NameCandidate {
  pcode: string;
  level: PlaceLevel;
  countryCode: string;
  nameEn: string;
  nameAr?: string;
  lineage: string[];
  /** The name that matched, and the unit it belongs to: a unit below this one when lifted to a level. */
  matchedName: { value: string; language: string; kind: string };
  matchedPcode: string;
  score: number;
}

export type NameDecision =
  | { status: 'resolved'; unit: NameCandidate; runnerUp?: NameCandidate }
  | { status: 'unresolved'; reason: string; candidates: NameCandidate[] };


/**
 * Which unit a reported name means, from the candidates ranked best first. Pure.
 *
 * The best match must be confident (CONFIDENT_SCORE: the same name once folded, never only
 * whole words of it or a similar outline) and beat every other unit by CLEAR_MARGIN.
 * One exception: units tied on one line of descent are one place named at several levels (the
 * governorate Deir ez-Zor, its district Deir ez-Zor and that district's central subdistrict), and
 * the name means the shallowest, the one that certainly holds the place. A level or a parent given
 * with the name has already removed the shallower ones from the candidates when they say otherwise.
 */
export function decideName(name: string, candidates: readonly NameCandidate[]): NameDecision {
  const [best] = candidates;
  if (!best) return { status: 'unresolved', reason: `No unit has a name like "${name}"`, candidates: [] };
  if (best.score < CONFIDENT_SCORE) {
    return {
      status: 'unresolved',
      reason: `No unit has the name "${name}"; the nearest spellings are only similar (best ${best.score})`,
      candidates: candidates.slice(0, 5),
    };
  }
  const tied = candidates.filter((candidate) => best.score - candidate.score < CLEAR_MARGIN);
  if (!oneLineOfDescent(tied)) {
    return {
      status: 'unresolved',
      reason: `"${name}" matches ${tied.length} units equally: ${tied.map((unit) => `${unit.pcode} ${unit.nameEn}`).join(', ')}; give a parent, a level or coordinates`,
      candidates: tied,
    };
  }
  const unit = tied.reduce((shallowest, candidate) => (candidate.level < shallowest.level ? candidate : shallowest));
  return { status: 'resolved', unit, runnerUp: candidates.find((candidate) => candidate !== unit) };
}

/** Every two of these units are one the ancestor of the other. */
function oneLineOfDescent(units: readonly NameCandidate[]): boolean {
  return units.every((a) => units.every((b) => a.lineage.includes(b.pcode) || b.lineage.includes(a.pcode)));
}
