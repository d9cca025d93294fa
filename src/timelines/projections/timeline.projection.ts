import { CATEGORY_TAXONOMY, type ActorIdentity, type Fatalities, type Place } from '../../incidents/domain/index.js';
import { foldName } from '../../names/fold.js';
import { streamProjection } from '../../projections/stream-projection.js';
import { incidentStreams, type FoldedIncident } from './incident-fold.js';

/** An incident as the timeline shows it: GET /timeline's entries, and what the exports start from. */
export interface TimelineEntry {
  id: string;
  title: { text: string; language: string };
  category: string;
  acled?: { disorderType: string; eventType: string; subEventType: string };
  cameo?: string;
  occurred: { from: string; to: string; precision: string };
  place: Omit<Place, 'resolution'>;
  actors: ActorIdentity[];
  fatalities?: Omit<Fatalities, 'byParty'>;
  status: string;
  version: number;
  position: number;
  recordedAt: Date;
  lastChangedAt: Date;
}

/**
 * One timeline entry per incident, with the columns the timeline queries filter and sort on, and
 * one involvement row per actor and role (`timeline_actors`), as the incident's actors now stand.
 *
 * Each entry also keeps itself as the JSON GET /timeline answers (`entry`), written once here
 * rather than at every read: building the JSON in the page query was six sevenths of its cost
 * (pgbench, 50-entry pages: 1,400 pages/s built, 9,500 passed through).
 */
export const timelineProjection = streamProjection<FoldedIncident>({
  name: 'timeline',
  tables: ['timeline_entries', 'timeline_actors'],
  ...incidentStreams,
  rowsBy: { keyColumn: 'incident_id' },
  rows: (incident) => ({
    timeline_entries: [entryRow(incident)],
    timeline_actors: incident.state.actors.map((actor) => ({
      incident_id: incident.id,
      actor_id: actor.actorId ?? null,
      name: actor.name ?? null,
      role: actor.role,
      occurred_from: incident.state.occurred.from,
      position: incident.position,
    })),
  }),
});

/** The entry's row: its columns, which the queries filter and sort on, and the entry itself as JSON. */
function entryRow(folded: FoldedIncident) {
  const entry = timelineEntry(folded);
  const { acled, place, occurred, fatalities } = entry;
  // The times as text, once for the columns and the JSON: with Dates in it, JSON.stringify takes twice as long.
  const recordedAt = entry.recordedAt.toISOString();
  const lastChangedAt = entry.lastChangedAt.toISOString();
  return {
    incident_id: entry.id,
    position: entry.position,
    occurred_from: occurred.from,
    occurred_to: occurred.to,
    date_precision: occurred.precision,
    category: entry.category,
    acled_disorder_type: acled?.disorderType ?? null,
    acled_event_type: acled?.eventType ?? null,
    acled_sub_event_type: acled?.subEventType ?? null,
    cameo_code: entry.cameo ?? null,
    country_code: place.countryCode,
    admin1: place.admin1 ?? null,
    admin2: place.admin2 ?? null,
    admin3: place.admin3 ?? null,
    place_name: place.name,
    place_precision: place.precision,
    latitude: place.latitude ?? null,
    longitude: place.longitude ?? null,
    actors: entry.actors,
    fatalities_low: fatalities?.low ?? null,
    fatalities_best: fatalities?.best ?? null,
    fatalities_high: fatalities?.high ?? null,
    status: entry.status,
    title: entry.title.text,
    title_language: entry.title.language,
    search: searchText(folded.state),
    version: entry.version,
    recorded_at: recordedAt,
    last_changed_at: lastChangedAt,
    last_position: folded.lastPosition,
    entry: JSON.stringify({ ...entry, recordedAt, lastChangedAt }),
  };
}

/**
 * The entry as the API shows it, its members in the order GET /timeline has always written them
 * (an actor's as jsonb ordered them, name first) and absent ones left out, never null.
 */
function timelineEntry({ id, state, version, position, recordedAt, lastChangedAt }: FoldedIncident): TimelineEntry {
  const { acled, cameo } = CATEGORY_TAXONOMY[state.category];
  const { place, occurred, fatalities } = state;
  return {
    id,
    title: { text: state.title.text, language: state.title.language },
    category: state.category,
    acled: acled && { disorderType: acled.disorderType, eventType: acled.eventType, subEventType: acled.subEventType },
    cameo,
    occurred: { from: occurred.from, to: occurred.to, precision: occurred.precision },
    place: {
      name: place.name,
      countryCode: place.countryCode,
      admin1: place.admin1,
      admin2: place.admin2,
      admin3: place.admin3,
      latitude: place.latitude,
      longitude: place.longitude,
      precision: place.precision,
    },
    actors: state.actors.map(({ name, role, actorId }) => ({ name, role, actorId })),
    fatalities: fatalities && { low: fatalities.low, best: fatalities.best, high: fatalities.high },
    status: state.status,
    version,
    position,
    recordedAt,
    lastChangedAt,
  };
}

/**
 * Everything a free-text search should find the incident by, folded as names are, in parts
 * joined by " | ". A part that an earlier one already holds (a title that names its place, an
 * actor named twice) is left out: a search (`search LIKE '%words%'`, its words folded, so never
 * holding "|") finds the incident by it all the same, and the trigram index has less to read.
 */
function searchText(state: FoldedIncident['state']): string {
  const texts = [
    state.title.text,
    state.summary?.text,
    ...state.translations.flatMap((translation) => [translation.title, translation.summary]),
  ];
  const names = [state.place.name, ...state.actors.flatMap((actor) => [actor.name, actor.affiliation]), ...state.tags];
  const parts = [...texts.map((text) => text && foldName(text)), ...names.map((name) => name && foldRecurringName(name))];
  let search = '';
  for (const part of parts) if (part && !search.includes(part)) search += (search ? ' | ' : '') + part;
  return search;
}

/** Folded names, kept: places, actors and tags recur from incident to incident, titles seldom. */
const foldedNames = new Map<string, string>();
const FOLDED_NAMES_KEPT = 10_000;

function foldRecurringName(name: string): string {
  let folded = foldedNames.get(name);
  if (folded === undefined) {
    if (foldedNames.size >= FOLDED_NAMES_KEPT) foldedNames.clear();
    folded = foldName(name);
    foldedNames.set(name, folded);
  }
  return folded;
}
