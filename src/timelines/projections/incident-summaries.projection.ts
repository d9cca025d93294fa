import { streamProjection } from '../../projections/stream-projection.js';
import { incidentStreams, type FoldedIncident } from './incident-fold.js';

/** Each incident as it stands, for lists and the incident page. */
export const incidentSummariesProjection = streamProjection<FoldedIncident>({
  name: 'incident-summaries',
  tables: ['incident_summaries'],
  ...incidentStreams,
  rowsBy: { keyColumn: 'incident_id' },
  rows: ({ id, state, version, position, lastPosition, recordedAt, lastChangedAt }) => ({
    incident_summaries: [
      {
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
      },
    ],
  }),
});
