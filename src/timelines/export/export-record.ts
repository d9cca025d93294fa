import type { AcledInterCode, ActorKind } from '../../actors/domain/index.js';
import type { ActorIdentity, DatePrecision, PlacePrecision, RecordedIncident } from '../../incidents/domain/index.js';
import type { TimelineEntry } from '../projections/timeline.projection.js';

/**
 * One incident as a row of the ACLED-style exports (`GET /timeline.csv`, and the properties of
 * `GET /timeline.geojson`): ACLED's columns where they map, then the tracker's own. Absent values
 * are null (an empty CSV cell), never a guess: ACLED writes 0 fatalities and always names actor1,
 * where the tracker may not know.
 *
 * - event_date: `occurred.from` as an ISO date (YYYY-MM-DD); a range's end is `event_date_to`.
 * - time_precision (ACLED's): 1 a day, 2 a week, 3 a month or a year.
 * - actor1 / actor2 (ACLED's sides): see `sidesOf`. A registry actor goes by its registry name
 *   (its survivor's after a merge, as ACLED standardises names), an unlinked one by the name as
 *   reported, in its own script.
 * - inter1 / inter2: the registry actor's own ACLED code, else one its kind implies
 *   (`INTER_OF_KIND`); blank for an unlinked actor or a kind that could be either.
 * - interaction: both codes, smaller first ("28"); a lone actor1's code then 0 ("20"); blank
 *   when a side's code is unknown.
 * - iso: ISO 3166-1 numeric (`ISO_NUMERIC`); country: the gazetteer's English name.
 * - admin1..admin3: the gazetteer's English names of the p-codes (ACLED's are English names);
 *   the p-codes themselves are in admin1_pcode..admin3_pcode. location: the place as reported.
 * - latitude / longitude: the incident's coordinates, else the centroid of its deepest unit
 *   that has one, as ACLED places an event known only to a district or province.
 * - geo_precision (ACLED's): 1 a point or locality, 2 a district, 3 a governorate, country or
 *   wider region; a centroid stands for its whole unit, so it is never finer than 2 (a district
 *   or subdistrict) or 3 (a governorate).
 * - source: the sources' outlets, each once, joined by "; "; source_scale: not kept, blank.
 * - notes: the title in its original language, then the summary.
 * - fatalities: the best estimate; fatalities_low and _high beside it.
 * - timestamp: the last change, in Unix seconds.
 * - external_ids: ids of the incident in other datasets ({ "ucdp-ged": "230050" }).
 */
export interface ExportRecord {
  id: string;
  event_date: string;
  year: number;
  time_precision: 1 | 2 | 3;
  disorder_type: string | null;
  event_type: string | null;
  sub_event_type: string | null;
  actor1: string | null;
  assoc_actor_1: string | null;
  inter1: AcledInterCode | null;
  actor2: string | null;
  assoc_actor_2: string | null;
  inter2: AcledInterCode | null;
  interaction: number | null;
  iso: number | null;
  country: string | null;
  admin1: string | null;
  admin2: string | null;
  admin3: string | null;
  location: string;
  latitude: number | null;
  longitude: number | null;
  geo_precision: 1 | 2 | 3;
  source: string | null;
  source_scale: string | null;
  notes: string;
  fatalities: number | null;
  timestamp: number;
  category: string;
  cameo_code: string | null;
  fatalities_low: number | null;
  fatalities_high: number | null;
  status: string;
  version: number;
  external_ids: Record<string, string>;
  event_date_to: string;
  admin1_pcode: string | null;
  admin2_pcode: string | null;
  admin3_pcode: string | null;
}

/** The columns in the order the CSV gives them. */
export const EXPORT_COLUMNS = [
  'id', 'event_date', 'year', 'time_precision', 'disorder_type', 'event_type', 'sub_event_type',
  'actor1', 'assoc_actor_1', 'inter1', 'actor2', 'assoc_actor_2', 'inter2', 'interaction',
  'iso', 'country', 'admin1', 'admin2', 'admin3', 'location', 'latitude', 'longitude', 'geo_precision',
  'source', 'source_scale', 'notes', 'fatalities', 'timestamp',
  'category', 'cameo_code', 'fatalities_low', 'fatalities_high', 'status', 'version', 'external_ids',
  'event_date_to', 'admin1_pcode', 'admin2_pcode', 'admin3_pcode',
] as const satisfies readonly (keyof ExportRecord)[];

/** A registry actor as the export names and codes it (its survivor's, after a merge). */
export interface RegistryActor {
  displayName: string;
  kind: ActorKind;
  acledInter?: AcledInterCode;
}

/** A gazetteer unit as the export names and places it. */
export interface GazetteerUnit {
  level: 0 | 1 | 2 | 3;
  nameEn: string;
  latitude?: number;
  longitude?: number;
}

export interface ExportLookups {
  actors: ReadonlyMap<string, RegistryActor>;
  /** By p-code; a country's unit under its code ('SY'). */
  places: ReadonlyMap<string, GazetteerUnit>;
}

const TIME_PRECISION: Record<DatePrecision, 1 | 2 | 3> = { day: 1, week: 2, month: 3, year: 3 };

const GEO_PRECISION: Record<PlacePrecision, 1 | 2 | 3> = {
  point: 1,
  locality: 1,
  district: 2,
  governorate: 3,
  country: 3,
  region: 3,
};

/** How precise a unit's centroid is as a location: a subdistrict or district is district-ish. */
const CENTROID_PRECISION: Record<GazetteerUnit['level'], 2 | 3> = { 0: 3, 1: 3, 2: 2, 3: 2 };

/**
 * The ACLED code a kind implies on its own. A state may be the country's own forces (1) or a
 * foreign one (8), a person takes the code of whoever they act for, and parties, bodies,
 * authorities and outlets are no fighting force: those stay blank unless the registry gives one.
 */
export const INTER_OF_KIND: Partial<Record<ActorKind, AcledInterCode>> = {
  state_force: 1,
  armed_group: 2,
  militia: 3,
  tribe: 4,
  civilians: 7,
  international_coalition: 8,
};

/** ISO 3166-1 numeric codes of the countries the tracker is likely to meet; others are blank. */
export const ISO_NUMERIC: Record<string, { code: number; name: string }> = {
  SY: { code: 760, name: 'Syria' },
  IQ: { code: 368, name: 'Iraq' },
  TR: { code: 792, name: 'Turkey' },
  LB: { code: 422, name: 'Lebanon' },
  JO: { code: 400, name: 'Jordan' },
  IL: { code: 376, name: 'Israel' },
  PS: { code: 275, name: 'Palestine' },
  EG: { code: 818, name: 'Egypt' },
  SA: { code: 682, name: 'Saudi Arabia' },
  YE: { code: 887, name: 'Yemen' },
  LY: { code: 434, name: 'Libya' },
  IR: { code: 364, name: 'Iran' },
  SD: { code: 729, name: 'Sudan' },
};

export function exportRecord(entry: TimelineEntry, incident: RecordedIncident, lookups: ExportLookups): ExportRecord {
  const { occurred, place, fatalities } = incident;
  const [actor1, actor2] = sidesOf(incident.actors).map((side) => sideOf(side, lookups));
  const deepest = [place.admin3, place.admin2, place.admin1]
    .map((pcode) => (pcode ? lookups.places.get(pcode) : undefined))
    .find((unit) => unit?.latitude !== undefined && unit.longitude !== undefined);
  const reported = place.latitude !== undefined && place.longitude !== undefined;
  const geoPrecision = GEO_PRECISION[place.precision];
  const admin = (pcode?: string) => (pcode ? (lookups.places.get(pcode)?.nameEn ?? null) : null);
  return {
    id: entry.id,
    event_date: occurred.from,
    year: Number(occurred.from.slice(0, 4)),
    time_precision: TIME_PRECISION[occurred.precision],
    disorder_type: entry.acled?.disorderType ?? null,
    event_type: entry.acled?.eventType ?? null,
    sub_event_type: entry.acled?.subEventType ?? null,
    actor1: actor1.name,
    assoc_actor_1: actor1.associated,
    inter1: actor1.inter,
    actor2: actor2.name,
    assoc_actor_2: actor2.associated,
    inter2: actor2.inter,
    interaction: interaction(actor1, actor2),
    iso: ISO_NUMERIC[place.countryCode]?.code ?? null,
    country: lookups.places.get(place.countryCode)?.nameEn ?? ISO_NUMERIC[place.countryCode]?.name ?? null,
    admin1: admin(place.admin1),
    admin2: admin(place.admin2),
    admin3: admin(place.admin3),
    location: place.name,
    latitude: reported ? place.latitude! : (deepest?.latitude ?? null),
    longitude: reported ? place.longitude! : (deepest?.longitude ?? null),
    geo_precision: reported || !deepest ? geoPrecision : (Math.max(geoPrecision, CENTROID_PRECISION[deepest.level]) as 2 | 3),
    source: joined(incident.sources.map((source) => source.outlet)),
    source_scale: null,
    notes: incident.summary ? `${incident.title.text} — ${incident.summary.text}` : incident.title.text,
    fatalities: fatalities?.best ?? null,
    timestamp: Math.floor(new Date(entry.lastChangedAt).getTime() / 1000),
    category: incident.category,
    cameo_code: entry.cameo ?? null,
    fatalities_low: fatalities?.low ?? null,
    fatalities_high: fatalities?.high ?? null,
    status: incident.status,
    version: entry.version,
    external_ids: externalIdsOf(incident),
    event_date_to: occurred.to,
    admin1_pcode: place.admin1 ?? null,
    admin2_pcode: place.admin2 ?? null,
    admin3_pcode: place.admin3 ?? null,
  };
}

/**
 * ACLED's two sides of an event. The side acting: perpetrators, accusers and speakers, in that
 * order; the side acted upon: targets, victims, the accused and addressees. Participants (of a
 * meeting) have no side: the first stands with the first side, the second with the other, any
 * further ones with the first. Whoever another acted on behalf of goes last on the first side.
 * The first actor of each side is actor1 / actor2; the others are its associated actors.
 */
export function sidesOf<T extends ActorIdentity>(actors: readonly T[]): [T[], T[]] {
  const inRoles = (...roles: ActorIdentity['role'][]) => roles.flatMap((role) => actors.filter((actor) => actor.role === role));
  const first = inRoles('perpetrator', 'accuser', 'speaker');
  const second = inRoles('target', 'victim', 'accused', 'addressee');
  const [one, two, ...more] = inRoles('participant');
  if (one) first.push(one);
  if (two) second.push(two);
  first.push(...more, ...inRoles('on_behalf_of'));
  return [first, second];
}

interface Side {
  name: string | null;
  associated: string | null;
  inter: AcledInterCode | null;
}

function sideOf(actors: ActorIdentity[], { actors: registry }: ExportLookups): Side {
  const [main, ...others] = actors;
  if (!main) return { name: null, associated: null, inter: null };
  const linked = main.actorId ? registry.get(main.actorId) : undefined;
  const name = nameOf(main, registry);
  return {
    name,
    associated: joined(others.map((actor) => nameOf(actor, registry)).filter((other) => other !== name)),
    inter: linked ? (linked.acledInter ?? INTER_OF_KIND[linked.kind] ?? null) : null,
  };
}

const nameOf = (actor: ActorIdentity, registry: ExportLookups['actors']): string =>
  (actor.actorId && registry.get(actor.actorId)?.displayName) || actor.name || actor.actorId || '';

function interaction(actor1: Side, actor2: Side): number | null {
  if (actor1.inter === null) return null;
  if (actor2.name === null) return actor1.inter * 10;
  if (actor2.inter === null) return null;
  const [low, high] = [actor1.inter, actor2.inter].sort((a, b) => a - b);
  return low * 10 + high;
}

/** Each value once, in order, joined by "; "; null when there is none. */
function joined(values: string[]): string | null {
  const distinct = [...new Set(values.filter(Boolean))];
  return distinct.length ? distinct.join('; ') : null;
}

/** `externalIds` is new on incidents: read it without trusting its shape, string values only. */
function externalIdsOf(incident: RecordedIncident): Record<string, string> {
  const ids: unknown = (incident as { externalIds?: unknown }).externalIds;
  if (typeof ids !== 'object' || ids === null || Array.isArray(ids)) return {};
  const entries = Object.entries(ids).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
