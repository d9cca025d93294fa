import { streamProjection } from '../../projections/stream-projection.js';
import { incidentStreams, type FoldedIncident } from './incident-fold.js';

/** The first day of a date's month ('2020-07-26' → '2020-07-01'). */
const monthOf = (date: string) => `${date.slice(0, 7)}-01`;

/**
 * The numbers behind the charts (`/timeline/stats`): incidents and best fatality estimates by
 * month, region, category and status, and by month, registry actor, category and status. Each
 * incident adds one to its rows; a correction moves it from the rows of its old state to those
 * of its new one.
 */
export const timelineCountsProjection = streamProjection<FoldedIncident>({
  name: 'timeline-counts',
  tables: ['timeline_counts', 'timeline_actor_counts'],
  ...incidentStreams,
  rowsBy: { sum: ['incidents', 'fatalities'] },
  rows: ({ state }) => {
    const shared = {
      month: monthOf(state.occurred.from),
      month_to: monthOf(state.occurred.to),
      category: state.category,
      status: state.status,
      incidents: 1,
      fatalities: state.fatalities?.best ?? 0,
    };
    const actorIds = new Set(state.actors.flatMap((actor) => (actor.actorId ? [actor.actorId] : [])));
    return {
      timeline_counts: [
        { ...shared, country_code: state.place.countryCode, admin1: state.place.admin1 ?? null, admin2: state.place.admin2 ?? null },
      ],
      timeline_actor_counts: [...actorIds].map((actorId) => ({ actor_id: actorId, ...shared })),
    };
  },
});
