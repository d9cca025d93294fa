import type { StatsGroup } from '../http/timeline-query.dto.js';
import { timelineWhere, type TimelineFilter } from './timeline-filter.js';

/**
 * The SQL of `/timeline/stats`. The counts read model (timeline-counts.projection.ts) answers
 * when the filter is one it keeps: regions down to districts, category, status, and whole
 * months; anything finer (an actor or role filter, a search, a subdistrict, a range that cuts
 * a month) is counted from the timeline entries. Both give the same numbers
 * (test/timelines/timeline-stats.test.ts).
 */
export function statsQuery(groupBy: StatsGroup, filter: TimelineFilter, params: unknown[]): string {
  return statsFromCounts(groupBy, filter, params) ?? statsFromEntries(groupBy, filter, params);
}

const REGION_COLUMN = ['country_code', 'admin1', 'admin2', 'admin3'] as const;

/** Registry actors that others were merged into: their counts are not the sum of their members'. */
const MERGED_SURVIVORS = `SELECT survivor_id FROM actor_survivors GROUP BY survivor_id HAVING count(*) > 1`;

/** The statistics from the counts read model, or undefined (adding no parameter) when the filter is finer than it keeps. */
export function statsFromCounts(groupBy: StatsGroup, filter: TimelineFilter, params: unknown[]): string | undefined {
  if (!countsCanAnswer(groupBy, filter)) return undefined;
  const totals = `sum(c.incidents) AS incidents, sum(c.fatalities) AS fatalities`;
  const where = countsWhere(filter, params);
  switch (groupBy) {
    case 'month':
      return `SELECT to_char(c.month, 'YYYY-MM') AS key, ${totals} FROM timeline_counts c WHERE ${where} GROUP BY 1 ORDER BY 1`;
    case 'category':
      return `SELECT c.category AS key, ${totals} FROM timeline_counts c WHERE ${where} GROUP BY 1 ORDER BY 2 DESC, 1`;
    case 'region': {
      const column = REGION_COLUMN[(filter.region?.level ?? 0) + 1];
      return `SELECT c.${column} AS key, p.name_en AS label, ${totals}
              FROM timeline_counts c LEFT JOIN places p ON p.pcode = c.${column}
              WHERE ${where} GROUP BY 1, 2 ORDER BY 3 DESC, 1`;
    }
    case 'actor':
      // An incident naming two actors later merged counts once for the survivor: such survivors
      // are counted from the entries.
      return `SELECT x.id::text AS key, x.display_name AS label, sum(t.incidents) AS incidents, sum(t.fatalities) AS fatalities
              FROM (SELECT c.actor_id AS survivor_id, c.incidents, c.fatalities FROM timeline_actor_counts c
                    WHERE ${where} AND c.actor_id NOT IN (${MERGED_SURVIVORS})
                      AND EXISTS (SELECT 1 FROM actor_survivors s WHERE s.actor_id = c.actor_id AND s.survivor_id = c.actor_id)
                    UNION ALL
                    SELECT merged.key::uuid, merged.incidents, merged.fatalities
                    FROM (${statsFromEntries('actor', filter, params, true)}) AS merged) AS t
              JOIN actors x ON x.id = t.survivor_id
              GROUP BY 1, 2 ORDER BY 3 DESC, 2`;
  }
}

/** Whether the counts keep what the filter and grouping ask for. */
function countsCanAnswer(groupBy: StatsGroup, filter: TimelineFilter): boolean {
  if (filter.q || filter.role || filter.actorIds || !wholeMonths(filter)) return false;
  if (!filter.region) return true;
  const level = filter.region.level;
  // Actor counts have no region; region counts go down to districts, and group one level below the filter.
  if (groupBy === 'actor' || level === undefined || level > 2) return false;
  return groupBy !== 'region' || level + 1 <= 2;
}

/**
 * Over `timeline_counts c` or `timeline_actor_counts c`. For whole months, "the incident's range
 * overlaps from..to" is "it ended in from's month or later, and began in to's month or before".
 */
function countsWhere(filter: TimelineFilter, params: unknown[]): string {
  const param = (value: unknown) => `$${params.push(value)}`;
  const conditions: string[] = [];
  if (filter.region) conditions.push(`c.${REGION_COLUMN[filter.region.level!]} = ${param(filter.region.pcode)}`);
  if (filter.category) conditions.push(`c.category = ${param(filter.category)}`);
  if (filter.from) conditions.push(`c.month_to >= ${param(filter.from)}::date`);
  if (filter.to) conditions.push(`c.month <= date_trunc('month', ${param(filter.to)}::date)::date`);
  if (filter.status) conditions.push(`c.status = ${param(filter.status)}`);
  else if (!filter.includeRetracted) conditions.push(`c.status <> 'retracted'`);
  return conditions.length ? conditions.join(' AND ') : 'true';
}

/** Whether from..to is made of whole months (or open at either end). */
function wholeMonths({ from, to }: TimelineFilter): boolean {
  if (from && !from.endsWith('-01')) return false;
  if (!to) return true;
  const [year, month, day] = to.split('-').map(Number) as [number, number, number];
  return day === new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The statistics counted from the timeline entries themselves: any filter, at any size's cost. */
export function statsFromEntries(groupBy: StatsGroup, filter: TimelineFilter, params: unknown[], onlyMergedActors = false): string {
  const where = timelineWhere(filter, params);
  const totals = `count(DISTINCT e.incident_id) AS incidents, coalesce(sum(e.fatalities_best), 0) AS fatalities`;
  switch (groupBy) {
    case 'month':
      return `SELECT to_char(e.occurred_from, 'YYYY-MM') AS key, ${totals}
              FROM timeline_entries e WHERE ${where} GROUP BY 1 ORDER BY 1`;
    case 'category':
      return `SELECT e.category AS key, ${totals} FROM timeline_entries e WHERE ${where} GROUP BY 1 ORDER BY 2 DESC, 1`;
    case 'region': {
      // One level below the region asked for: governorates of a country, districts of a governorate.
      const level = Math.min((filter.region?.level ?? 0) + 1, 3);
      const column = ['country_code', 'admin1', 'admin2', 'admin3'][level];
      return `SELECT e.${column} AS key, p.name_en AS label, ${totals}
              FROM timeline_entries e LEFT JOIN places p ON p.pcode = e.${column}
              WHERE ${where} GROUP BY 1, 2 ORDER BY 3 DESC, 1`;
    }
    case 'actor':
      // Each incident counts once per actor, whatever its roles; merged actors count as their survivor.
      return `SELECT pairs.survivor_id::text AS key, x.display_name AS label, ${totals}
              FROM (SELECT DISTINCT s.survivor_id, a.incident_id
                    FROM timeline_actors a JOIN actor_survivors s ON s.actor_id = a.actor_id
                    ${onlyMergedActors ? `WHERE s.survivor_id IN (${MERGED_SURVIVORS})` : ''}) AS pairs
              JOIN timeline_entries e ON e.incident_id = pairs.incident_id
              JOIN actors x ON x.id = pairs.survivor_id
              WHERE ${where} GROUP BY 1, 2 ORDER BY 3 DESC, 2`;
  }
}

