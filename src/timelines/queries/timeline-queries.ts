import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ActorNotFoundProblem } from '../../actors/actor-problems.js';
import { compact } from '../../common/plain-data.js';
import { ProblemError, RequestValidationError, problemType } from '../../common/problem.js';
import { poolOf, readPoolOf } from '../../database/data-source.js';
import { EventStore, type Queryable } from '../../event-store/index.js';
import { isCalendarDate } from '../../incidents/domain/index.js';
import { Gazetteer } from '../../places/gazetteer.js';
import { Projections } from '../../projections/projections.module.js';
import type { StatsGroup, TimelineFilterDto } from '../http/timeline-query.dto.js';
import type { TimelineEntry } from '../projections/timeline.projection.js';
import { withReplayedTimeline } from './replay-timeline.js';
import { statsQuery } from './stats-query.js';
import { LIVE_TIMELINE, timelineWhere, type TimelineFilter, type TimelineTables } from './timeline-filter.js';

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
  async timeline(query: TimelinePageQuery, db?: Queryable): Promise<TimelinePage> {
    const { entries, nextCursor } = await this.timelineText(query, db);
    return compact({ entries: entries.map(parseEntry), nextCursor });
  }

  /**
   * The page as GET /timeline answers it, from the JSON each entry keeps of itself (see the
   * timeline projection): passing the text through costs a fraction of reading the columns into
   * objects and serialising them again, which was most of the work of the busiest read.
   */
  async timelineJson(query: TimelinePageQuery): Promise<string> {
    const { entries, nextCursor } = await this.timelineText(query);
    // A cursor is base64url: nothing in it needs escaping.
    return `{"entries":[${entries.join(',')}]${nextCursor ? `,"nextCursor":"${nextCursor}"` : ''}}`;
  }

  private async timelineText(query: TimelinePageQuery, db: Queryable = readPoolOf(this.dataSource)): Promise<TimelinePageText> {
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

  /** A page of the timeline from the live tables, or a replay's, each entry as its JSON text. */
  private async timelinePage(
    db: Queryable,
    query: { limit?: number; cursor?: string },
    filter: TimelineFilter,
    tables: TimelineTables = LIVE_TIMELINE,
  ): Promise<TimelinePageText> {
    const limit = query.limit ?? 50;
    const params: unknown[] = [];
    let where = timelineWhere(filter, params, tables);
    if (query.cursor) {
      const [from, position] = decodeCursor(query.cursor);
      where += ` AND (e.occurred_from, e.position) > ($${params.push(from)}::date, $${params.push(position)})`;
    }
    const text = `SELECT e.entry, to_char(e.occurred_from, 'YYYY-MM-DD') AS occurred_from, e.position
       FROM ${tables.entries} e WHERE ${where}
       ORDER BY e.occurred_from, e.position LIMIT $${params.push(limit + 1)}`;
    // Prepared, one statement per shape of filter: planning it costs about what running it does.
    // Not a free-text search, whose best plan depends on the words (a rare one is found through
    // the trigram index, a common one by reading in order), nor a replay's passing tables.
    const name = tables === LIVE_TIMELINE && !filter.q ? preparedName(text) : undefined;
    const { rows } = await db.query<{ entry: string; occurred_from: string; position: string }>({ name, text, values: params });
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      entries: rows.slice(0, limit).map((row) => row.entry),
      nextCursor: last && encodeCursor(last.occurred_from, Number(last.position)),
    };
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

/** A name for each text of the page statement, the same in every connection of this process. */
const pageStatements = new Map<string, string>();

function preparedName(text: string): string {
  let name = pageStatements.get(text);
  if (!name) pageStatements.set(text, (name = `timeline.page.${pageStatements.size + 1}`));
  return name;
}

type TimelinePageQuery = TimelineFilterDto & { limit?: number; cursor?: string; asOf?: string };

/** A page whose entries are still the JSON text the database wrote. */
interface TimelinePageText {
  entries: string[];
  nextCursor?: string;
}

/** An entry for code that works with it (the exports): its times as Dates again. */
function parseEntry(text: string): TimelineEntry {
  const entry = JSON.parse(text);
  entry.recordedAt = new Date(entry.recordedAt);
  entry.lastChangedAt = new Date(entry.lastChangedAt);
  return entry;
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
