import type { Queryable, RecordedEvent } from '../../event-store/index.js';
import { CATEGORY_TAXONOMY } from '../../incidents/domain/index.js';
import { foldName } from '../../names/fold.js';
import type { Projection, TableNames } from '../../projections/projection.js';
import { foldBatch, type FoldedIncident } from './incident-batch.js';

/**
 * One timeline entry per incident, with the columns the timeline queries filter and sort on, and
 * one involvement row per actor and role (`timeline_actors`).
 */
export const timelineProjection: Projection = {
  name: 'timeline',
  tables: ['timeline_entries', 'timeline_actors'],

  async apply(db: Queryable, events: readonly RecordedEvent[], tables: TableNames): Promise<void> {
    const entries = tables.timeline_entries!;
    const actors = tables.timeline_actors!;
    const incidents = await foldBatch(db, entries, events);
    if (incidents.length === 0) return;
    await db.query(
      `INSERT INTO ${entries}
       SELECT * FROM jsonb_populate_recordset(null::${entries}, $1::jsonb)
       ON CONFLICT (incident_id) DO UPDATE SET
         occurred_from = excluded.occurred_from, occurred_to = excluded.occurred_to,
         date_precision = excluded.date_precision, category = excluded.category,
         acled_disorder_type = excluded.acled_disorder_type, acled_event_type = excluded.acled_event_type,
         acled_sub_event_type = excluded.acled_sub_event_type, cameo_code = excluded.cameo_code,
         country_code = excluded.country_code, admin1 = excluded.admin1, admin2 = excluded.admin2,
         admin3 = excluded.admin3, place_name = excluded.place_name, place_precision = excluded.place_precision,
         latitude = excluded.latitude, longitude = excluded.longitude, actors = excluded.actors,
         fatalities_low = excluded.fatalities_low, fatalities_best = excluded.fatalities_best,
         fatalities_high = excluded.fatalities_high, status = excluded.status, title = excluded.title,
         title_language = excluded.title_language, search = excluded.search, version = excluded.version,
         last_changed_at = excluded.last_changed_at, last_position = excluded.last_position, state = excluded.state`,
      [JSON.stringify(incidents.map(entryRow))],
    );
    // Involvement follows the incident's actors as they now stand: rewritten whole.
    await db.query(`DELETE FROM ${actors} WHERE incident_id = ANY($1::uuid[])`, [incidents.map((incident) => incident.id)]);
    const involvement = incidents.flatMap(({ id, state, position }) =>
      state.actors.map((actor) => ({
        incident_id: id,
        actor_id: actor.actorId ?? null,
        name: actor.name ?? null,
        role: actor.role,
        occurred_from: state.occurred.from,
        position,
      })),
    );
    if (involvement.length > 0) {
      await db.query(`INSERT INTO ${actors} SELECT * FROM jsonb_populate_recordset(null::${actors}, $1::jsonb)`, [
        JSON.stringify(involvement),
      ]);
    }
  },
};

function entryRow({ id, state, version, position, lastPosition, recordedAt, lastChangedAt }: FoldedIncident) {
  const { acled, cameo } = CATEGORY_TAXONOMY[state.category];
  const { place, occurred, fatalities } = state;
  return {
    incident_id: id,
    position,
    occurred_from: occurred.from,
    occurred_to: occurred.to,
    date_precision: occurred.precision,
    category: state.category,
    acled_disorder_type: acled?.disorderType ?? null,
    acled_event_type: acled?.eventType ?? null,
    acled_sub_event_type: acled?.subEventType ?? null,
    cameo_code: cameo ?? null,
    country_code: place.countryCode,
    admin1: place.admin1 ?? null,
    admin2: place.admin2 ?? null,
    admin3: place.admin3 ?? null,
    place_name: place.name,
    place_precision: place.precision,
    latitude: place.latitude ?? null,
    longitude: place.longitude ?? null,
    actors: state.actors.map(({ actorId, name, role }) => ({ actorId, name, role })),
    fatalities_low: fatalities?.low ?? null,
    fatalities_best: fatalities?.best ?? null,
    fatalities_high: fatalities?.high ?? null,
    status: state.status,
    title: state.title.text,
    title_language: state.title.language,
    search: searchText(state),
    version,
    recorded_at: recordedAt,
    last_changed_at: lastChangedAt,
    last_position: lastPosition,
    state,
  };
}

/** Everything a free-text search should find the incident by, folded as names are. */
function searchText(state: FoldedIncident['state']): string {
  const texts = [
    state.title.text,
    state.summary?.text,
    ...state.translations.flatMap((translation) => [translation.title, translation.summary]),
    state.place.name,
    ...state.actors.flatMap((actor) => [actor.name, actor.affiliation]),
    ...state.tags,
  ];
  return texts
    .filter((text): text is string => Boolean(text))
    .map(foldName)
    .join(' | ');
}
