import { accessLogProjection } from '../audit/access-log/access-log.projection.js';
import { incidentSummariesProjection } from '../timelines/projections/incident-summaries.projection.js';
import { timelineCountsProjection } from '../timelines/projections/timeline-counts.projection.js';
import { timelineProjection } from '../timelines/projections/timeline.projection.js';
import type { Projection } from './projection.js';

/** Every projection the service keeps, by name. */
export const ALL_PROJECTIONS: readonly Projection[] = [
  incidentSummariesProjection,
  timelineProjection,
  timelineCountsProjection,
  accessLogProjection,
];

export function projectionNamed(name: string): Projection | undefined {
  return ALL_PROJECTIONS.find((projection) => projection.name === name);
}
