/**
 * The values an incident is made of. Everything here is plain JSON (dates are ISO strings), so
 * events built from these types round-trip through the event store unchanged.
 */

/** Text in the language it was written in; `language` is a BCP-47 tag such as 'ar' or 'en'. */
export interface LocalizedText {
  text: string;
  language: string;
}

/** The title and summary rendered in another language than the original. */
export interface Translation {
  language: string;
  title?: string;
  summary?: string;
}

/** A calendar date, 'YYYY-MM-DD'. */
export type IsoDate = string;

export const DATE_PRECISIONS = ['day', 'week', 'month', 'year'] as const;
export type DatePrecision = (typeof DATE_PRECISIONS)[number];

/** When it happened, as precisely as the report allows: reports say "last week", not a date. */
export interface Occurred {
  from: IsoDate;
  to: IsoDate;
  precision: DatePrecision;
  note?: string;
}

/** As a command gives it: without `to`, the range is the whole day, week, month or year of `from`. */
export type OccurredInput = Omit<Occurred, 'to'> & { to?: IsoDate };

export const PLACE_PRECISIONS = ['point', 'locality', 'district', 'governorate', 'country', 'region'] as const;
export type PlacePrecision = (typeof PLACE_PRECISIONS)[number];

/**
 * Where it happened (or, for what was said, the area it concerns). `name` is kept as reported, in
 * any script; admin1..admin3 are OCHA p-codes ('SY09', 'SY0902') that tie it to the gazetteer.
 */
export interface Place {
  name: string;
  countryCode: string;
  admin1?: string;
  admin2?: string;
  admin3?: string;
  latitude?: number;
  longitude?: number;
  precision: PlacePrecision;
  /** How the p-codes were arrived at: given by the analyst, or resolved from the gazetteer. */
  resolution?: PlaceResolutionRecord;
}

/**
 * The gazetteer's answer for a place, kept on the event so a reader knows how far to trust its
 * p-codes: `p-code` when the analyst gave them (checked against the gazetteer), otherwise how the
 * name and coordinates were resolved (`name`, `alias`, `coordinates-nearest-centroid`), or
 * `unresolved` with the reason and the candidates.
 */
export interface PlaceResolutionRecord {
  method: 'p-code' | 'name' | 'alias' | 'coordinates-nearest-centroid' | 'unresolved';
  confidence?: number;
  matchedName?: string;
  runnerUp?: { pcode: string; name: string; score?: number; distanceKm?: number };
  candidates?: { pcode: string; name: string; score: number }[];
  reason?: string;
  notes?: string[];
}

export const ACTOR_ROLES = [
  'perpetrator',
  'target',
  'victim',
  'speaker',
  'on_behalf_of',
  'accuser',
  'accused',
  'addressee',
  'participant',
] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

/**
 * Who an actor is in an incident: a registry id, a name as reported, or both. Two references are
 * the same actor when their roles match and either both carry the same actorId, or neither carries
 * one and their names match.
 */
export interface ActorIdentity {
  actorId?: string;
  name?: string;
  role: ActorRole;
}

export interface ActorRef extends ActorIdentity {
  affiliation?: string;
  note?: string;
  /** How a name reported without an id was matched against the actor registry. */
  resolution?: ActorResolution;
}

/**
 * What the registry made of a reported name, kept on the event so nothing is guessed silently:
 * `resolved` linked it automatically (a confident, unambiguous match), `unresolved` kept it as
 * reported with the candidates a person could choose from, `identified` is a person's link made
 * later by a correction.
 */
export type ActorResolution =
  | { status: 'resolved'; matchedName: string; score: number }
  | { status: 'unresolved'; candidates: { actorId: string; name: string; score: number }[] }
  | { status: 'identified' };

/** Fatality estimates in the UCDP manner; absent when unknown. */
export interface Fatalities {
  low: number;
  best: number;
  high: number;
  /** The best estimate split by whose dead they were, when the report says (UCDP's deaths_a, deaths_b, ...). */
  byParty?: PartyFatalities[];
}

/** `party`: an actor as the incident names it, or `civilians`, or `unknown`. */
export interface PartyFatalities {
  party: string;
  deaths: number;
}

/**
 * The incident's ids in other data sets, by data set: `{ "ucdp-ged": "230050" }`. An import keys
 * on them, so importing the same data twice records nothing new.
 */
export type ExternalIds = Record<string, string>;

export const SOURCE_ACCESS = ['first_hand', 'relayed'] as const;
export type SourceAccess = (typeof SOURCE_ACCESS)[number];

/** Admiralty grading: reliability of the source (A..F), credibility of the information (1..6). */
export const SOURCE_RELIABILITY = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export type SourceReliability = (typeof SOURCE_RELIABILITY)[number];
export const SOURCE_CREDIBILITY = [1, 2, 3, 4, 5, 6] as const;
export type SourceCredibility = (typeof SOURCE_CREDIBILITY)[number];

export interface Source {
  /** Assigned by the caller (a UUID), so corrections and verifications can cite the source. */
  id: string;
  outlet: string;
  reporter?: string;
  /** How to reach the source again (a phone, a handle): kept for the team, never published. */
  contact?: string;
  url?: string;
  publishedOn?: IsoDate;
  language: string;
  access: SourceAccess;
  medium?: string;
  quote?: LocalizedText;
  quoteTranslations?: LocalizedText[];
  reliability?: SourceReliability;
  credibility?: SourceCredibility;
  /**
   * Its reporter, contact, url and quote could get someone hurt: only editors, auditors, admins
   * and whoever added it see them, and each read is recorded (src/incidents/confidential-sources.ts).
   */
  confidential?: boolean;
}

export const INCIDENT_RELATIONS = ['refers_to', 'responds_to', 'part_of', 'duplicate_of'] as const;
export type IncidentRelation = (typeof INCIDENT_RELATIONS)[number];

export interface RelatedIncident {
  incidentId: string;
  relation: IncidentRelation;
}
