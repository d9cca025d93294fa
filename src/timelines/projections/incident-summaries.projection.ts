import type { Queryable, RecordedEvent } from '../../event-store/index.js';
import type { Projection, TableNames } from '../../projections/projection.js';
import { foldBatch } from './incident-batch.js';

/** Each incident as it stands, for lists and the incident page. */
export const incidentSummariesProjection: Projection = {
  name: 'incident-summaries',
  tables: ['incident_summaries'],

  async apply(db: Queryable, events: readonly RecordedEvent[], tables: TableNames): Promise<void> {
    const table = tables.incident_summaries!;
    const incidents = await foldBatch(db, table, events);
    if (incidents.length === 0) return;
    const rows = incidents.map(({ id, state, version, position, lastPosition, recordedAt, lastChangedAt }) => ({
      incident_id: id,
      version,
      status: state.status,
      category: state.category,
      title: state.title.text,
      title_language: state.title.language,
      occurred_from: state.occurred.from,
      occurred_to: state.occurred.to,
      date_precision: state.occurred.precision,
      place_name: state.place.name,
      admin1: state.place.admin1 ?? null,
      fatalities_best: state.fatalities?.best ?? null,
      recorded_at: recordedAt,
      last_changed_at: lastChangedAt,
      position,
      last_position: lastPosition,
      state,
    }));
    await db.query(
      `INSERT INTO ${table}
       SELECT * FROM jsonb_populate_recordset(null::${table}, $1::jsonb)
       ON CONFLICT (incident_id) DO UPDATE SET
         version = excluded.version, status = excluded.status, category = excluded.category,
         title = excluded.title, title_language = excluded.title_language,
         occurred_from = excluded.occurred_from, occurred_to = excluded.occurred_to,
         date_precision = excluded.date_precision, place_name = excluded.place_name,
         admin1 = excluded.admin1, fatalities_best = excluded.fatalities_best,
         last_changed_at = excluded.last_changed_at, last_position = excluded.last_position,
         state = excluded.state`,
      [JSON.stringify(rows)],
    );
  },
};
