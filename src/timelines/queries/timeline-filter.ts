import { foldName } from '../../names/fold.js';
import type { ActorRole, IncidentCategory } from '../../incidents/domain/index.js';
import type { IncidentStatus } from '../http/timeline-query.dto.js';

export interface TimelineFilter {
  /** The region's column, from its level in the gazetteer; absent: any level may hold it. */
  region?: { pcode: string; level?: 0 | 1 | 2 | 3 };
  /** A registry actor and every actor merged into it. */
  actorIds?: string[];
  role?: ActorRole;
  category?: IncidentCategory;
  from?: string;
  to?: string;
  status?: IncidentStatus;
  q?: string;
  includeRetracted?: boolean;
}

const REGION_COLUMN = ['country_code', 'admin1', 'admin2', 'admin3'] as const;

/** The tables the timeline is read from: the live ones, or a replay's (`GET /timeline?asOf=`). */
export interface TimelineTables {
  entries: string;
  actors: string;
}

export const LIVE_TIMELINE: TimelineTables = { entries: 'timeline_entries', actors: 'timeline_actors' };

/** The longest occurrence range there is, in days (read from an index). */
const maxSpan = (tables: TimelineTables) => `(SELECT coalesce(max(occurred_to - occurred_from), 0) FROM ${tables.entries})`;

/**
 * The WHERE clause the timeline and its statistics share, over `timeline_entries e` (or the
 * entries of `tables`). Parameters
 * are numbered from those already in `params`, which it extends.
 *
 * Dates: an incident known only to a week, month or year matches a range when its own range
 * overlaps it. So that the (occurred_from, position) indexes can start near `from` rather than at
 * the beginning of time, the lower bound is widened by the longest occurrence range there is.
 */
export function timelineWhere(filter: TimelineFilter, params: unknown[], tables: TimelineTables = LIVE_TIMELINE): string {
  const param = (value: unknown) => `$${params.push(value)}`;
  const conditions: string[] = [];
  const { region } = filter;
  if (region) {
    const value = param(region.pcode);
    conditions.push(
      region.level === undefined
        ? `${value} IN (e.country_code, e.admin1, e.admin2, e.admin3)`
        : `e.${REGION_COLUMN[region.level]} = ${value}`,
    );
  }
  if (filter.actorIds || filter.role) {
    const actor = filter.actorIds ? ` AND a.actor_id = ANY(${param(filter.actorIds)}::uuid[])` : '';
    const role = filter.role ? ` AND a.role = ${param(filter.role)}` : '';
    // The dates again, on the involvement rows' own copy: the (actor_id, occurred_from) index then
    // reads an actor's month, not the actor's whole history.
    const to = filter.to ? ` AND a.occurred_from <= ${param(filter.to)}::date` : '';
    const from = filter.from ? ` AND a.occurred_from >= ${param(filter.from)}::date - ${maxSpan(tables)}` : '';
    conditions.push(`e.incident_id IN (SELECT a.incident_id FROM ${tables.actors} a WHERE true${actor}${role}${to}${from})`);
  }
  if (filter.category) conditions.push(`e.category = ${param(filter.category)}`);
  if (filter.from) {
    const from = param(filter.from);
    conditions.push(`e.occurred_to >= ${from}::date`);
    conditions.push(`e.occurred_from >= ${from}::date - ${maxSpan(tables)}`);
  }
  if (filter.to) conditions.push(`e.occurred_from <= ${param(filter.to)}::date`);
  if (filter.status) conditions.push(`e.status = ${param(filter.status)}`);
  else if (!filter.includeRetracted) conditions.push(`e.status <> 'retracted'`);
  const words = filter.q ? foldName(filter.q) : '';
  if (words) conditions.push(`e.search LIKE ${param(`%${words}%`)}`);
  return conditions.length ? conditions.join(' AND ') : 'true';
}
