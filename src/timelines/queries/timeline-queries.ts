import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ActorNotFoundProblem } from '../../actors/actor-problems.js';
import { compact } from '../../common/plain-data.js';
import { ProblemError, RequestValidationError, problemType } from '../../common/problem.js';
import { poolOf, readPoolOf } from '../../database/data-source.js';
import { EventStore, type Queryable } from '../../event-store/index.js';
import { isCalendarDate, type ActorIdentity, type Fatalities, type Place } from '../../incidents/domain/index.js';
import { Gazetteer } from '../../places/gazetteer.js';
import { Projections } from '../../projections/projections.module.js';
import type { StatsGroup, TimelineFilterDto } from '../http/timeline-query.dto.js';
import { withReplayedTimeline } from './replay-timeline.js';
import { statsQuery } from './stats-query.js';
import { LIVE_TIMELINE, timelineWhere, type TimelineFilter, type TimelineTables } from './timeline-filter.js';

export interface TimelineEntry {
  id: string;
  title: { text: string; language: string };
  category: string;
  acled?: { disorderType: string; eventType: string; subEventType: string };
  cameo?: string;
  occurred: { from: string; to: string; precision: string };
  place: Omit<Place, 'resolution'>;
  actors: ActorIdentity[];
  fatalities?: Fatalities;
  status: string;
  version: number;
  position: number;
  recordedAt: Date;
  lastChangedAt: Date;
}

export interface TimelinePage {
  entries: TimelineEntry[];
  /** Give it as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface StatsBucket {
  key: string;
  label?: string;
  incidents: number;
  fatalities: number;
}

/** How long a read given `minPosition` waits for the projections before answering 503. */
const READ_YOUR_WRITES_TIMEOUT_MS = 5000;

/**
 * The timeline read models, filtered; never the events table. They are read from a replica when
 * there are some (readPoolOf), each request from one.
 */
@Injectable()
export class TimelineQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly gazetteer: Gazetteer,
    private readonly projections: Projections,
    private readonly store: EventStore,
  ) {}

  /** A page of the timeline, read from `db` (an export reads all its pages from one). */
  async timeline(
    query: TimelineFilterDto & { limit?: number; cursor?: string; asOf?: string },
    db: Queryable = readPoolOf(this.dataSource),
  ): Promise<TimelinePage> {
    if (query.asOf) {
      // A replay reads the log and fills temporary tables, which a replica cannot hold.
      const primary = poolOf(this.dataSource);
      // The filter's lookups (region, merged actors) use the pool: done before a replay holds a connection.
      const filter = await this.filter(query, primary);
      return withReplayedTimeline(primary, this.store, new Date(query.asOf), (client, tables) =>
        this.timelinePage(client, query, filter, tables),
      );
    }
    // Waited for before the filter's lookups: an actor registered just before the write may reach
    // the replica only with it.
    await this.readYourWrites(db, query.minPosition);
    return this.timelinePage(db, query, await this.filter(query, db));
  }

  /** A page of the timeline from the live tables, or a replay's. */
  private async timelinePage(
    db: Queryable,
    query: { limit?: number; cursor?: string },
    filter: TimelineFilter,
    tables: TimelineTables = LIVE_TIMELINE,
  ): Promise<TimelinePage> {
    const limit = query.limit ?? 50;
    const params: unknown[] = [];
    let where = timelineWhere(filter, params, tables);
    if (query.cursor) {
      const [from, position] = decodeCursor(query.cursor);
      where += ` AND (e.occurred_from, e.position) > ($${params.push(from)}::date, $${params.push(position)})`;
    }
    const { rows } = await db.query(
      `SELECT e.incident_id, e.title, e.title_language, e.category, e.acled_disorder_type, e.acled_event_type,
              e.acled_sub_event_type, e.cameo_code, to_char(e.occurred_from, 'YYYY-MM-DD') AS occurred_from,
              to_char(e.occurred_to, 'YYYY-MM-DD') AS occurred_to, e.date_precision, e.place_name, e.country_code,
              e.admin1, e.admin2, e.admin3, e.latitude, e.longitude, e.place_precision, e.actors,
              e.fatalities_low, e.fatalities_best, e.fatalities_high, e.status, e.version, e.position,
              e.recorded_at, e.last_changed_at
       FROM ${tables.entries} e WHERE ${where}
       ORDER BY e.occurred_from, e.position LIMIT $${params.push(limit + 1)}`,
      params,
    );
    const entries = rows.slice(0, limit).map(toEntry);
    const last = entries.at(-1);
    return compact({
      entries,
      nextCursor: rows.length > limit && last ? encodeCursor(last.occurred.from, last.position) : undefined,
    });
  }

  async stats(query: TimelineFilterDto & { groupBy?: StatsGroup }): Promise<{ groupBy: StatsGroup; buckets: StatsBucket[] }> {
    const db = readPoolOf(this.dataSource);
    await this.readYourWrites(db, query.minPosition);
    const groupBy = query.groupBy ?? 'month';
    const filter = await this.filter(query, db);
    const params: unknown[] = [];
    const { rows } = await db.query(statsQuery(groupBy, filter, params), params);
    return {
      groupBy,
      buckets: rows.map((row) =>
        compact({ key: row.key ?? 'unknown', label: row.label ?? undefined, incidents: Number(row.incidents), fatalities: Number(row.fatalities) }),
      ),
    };
  }

  /**
   * Waits until `db` shows the projections past a write the client made, or answers 503 to retry.
   *
   * On a replica this holds because it replays the primary's WAL in commit order, and each
   * projection commits its rows in the transaction that moves its checkpoint: a replica whose
   * checkpoints have passed the position shows those rows too, and everything committed before
   * the write (the actors it names). The primary's checkpoints would say nothing of a replica
   * that lags, so the wait must be on the pool the read then uses.
   */
  private async readYourWrites(db: Queryable, minPosition?: number): Promise<void> {
    if (minPosition === undefined) return;
    // A write answers the position of an event it committed. Any other number would be waited for
    // in vain, holding the request 5 s, then answered 503 as if a retry could help. The primary's
    // log answers this: a lagging replica may not have the event yet.
    if (!(await this.store.checkpointAt(minPosition))) {
      throw new RequestValidationError([
        { path: 'minPosition', message: 'minPosition must be a position a write answered; the log has no event there' },
      ]);
    }
    if (await this.projections.waitFor(minPosition, READ_YOUR_WRITES_TIMEOUT_MS, db)) return;
    throw new ProblemError({
      type: problemType('not-yet-visible'),
      title: 'The timeline has not caught up with that position yet',
      status: HttpStatus.SERVICE_UNAVAILABLE,
      detail: `The read models have not yet handled position ${minPosition}; retry shortly.`,
      retryAfterSeconds: 1,
    });
  }

  /** The filter, its merged actors as `db` knows them, so they agree with the entries read there. */
  private async filter(query: TimelineFilterDto, db: Queryable): Promise<TimelineFilter> {
    const region = query.region ? { pcode: query.region, level: (await this.gazetteer.unit(query.region))?.level } : undefined;
    return compact({
      region,
      actorIds: query.actor ? await this.mergedInto(query.actor, db) : undefined,
      role: query.role,
      category: query.category,
      from: query.from,
      to: query.to,
      status: query.status,
      q: query.q,
      includeRetracted: query.includeRetracted,
    });
  }

  /** The actor's survivor and every actor merged into it: references to any of them count. */
  private async mergedInto(actorId: string, db: Queryable): Promise<string[]> {
    const { rows } = await db.query(
      `SELECT s.actor_id::text FROM actor_survivors s
       WHERE s.survivor_id = (SELECT survivor_id FROM actor_survivors WHERE actor_id = $1)`,
      [actorId],
    );
    if (rows.length === 0) throw new ActorNotFoundProblem(actorId);
    return rows.map((row) => row.actor_id);
  }
}

function toEntry(row: Record<string, any>): TimelineEntry & { occurred: { from: string } } {
  return compact({
    id: row.incident_id,
    title: { text: row.title, language: row.title_language },
    category: row.category,
    acled: row.acled_event_type
      ? { disorderType: row.acled_disorder_type, eventType: row.acled_event_type, subEventType: row.acled_sub_event_type }
      : undefined,
    cameo: row.cameo_code ?? undefined,
    occurred: { from: row.occurred_from, to: row.occurred_to, precision: row.date_precision },
    place: compact({
      name: row.place_name,
      countryCode: row.country_code,
      admin1: row.admin1 ?? undefined,
      admin2: row.admin2 ?? undefined,
      admin3: row.admin3 ?? undefined,
      latitude: row.latitude ?? undefined,
      longitude: row.longitude ?? undefined,
      precision: row.place_precision,
    }),
    actors: row.actors,
    fatalities: row.fatalities_best === null ? undefined : { low: row.fatalities_low, best: row.fatalities_best, high: row.fatalities_high },
    status: row.status,
    version: row.version,
    position: Number(row.position),
    recordedAt: row.recorded_at,
    lastChangedAt: row.last_changed_at,
  });
}

const encodeCursor = (from: string, position: number) => Buffer.from(JSON.stringify([from, position])).toString('base64url');

function decodeCursor(cursor: string): [string, number] {
  try {
    const [from, position] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A cursor made by hand may name a day that is not one (2020-02-30), which the query's ::date would fail on.
    if (isCalendarDate(from) && Number.isSafeInteger(position)) return [from, position];
  } catch {
    // falls through to the refusal
  }
  throw new RequestValidationError([{ path: 'cursor', message: 'cursor must be a nextCursor from an earlier page' }]);
}
