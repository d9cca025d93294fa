import pg, { type Pool } from 'pg';
import { hashDocumentSql } from './event-hash.js';

/** One event appended at an expected version (0: starting a new stream), as a group takes it. */
export interface SingleAppend {
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  data: string;
  metadata: string;
}

/** The appended events' positions and versions, in order; none when the expected version was not there. */
export type AppendedRows = { global_position: string; stream_version: number }[];

interface Waiting {
  append: SingleAppend;
  /** The same append written on its own, for a group of one or a group refused. */
  alone: () => Promise<AppendedRows>;
  resolve: (rows: AppendedRows) => void;
  reject: (error: unknown) => void;
}

/** Appends in one group at most: the statement's arrays stay small, and one group never holds the next for long. */
const LARGEST_GROUP = 500;
/** How long a group may run before the next goes beside it; one takes a few milliseconds. */
const SLOW_GROUP_MS = 100;

/**
 * Group commit for appends of one event at an expected version: recording an incident (a new
 * stream) or a correction to one. Appends that arrive while a group is being written wait for it,
 * then go together in one statement: one transaction, one round trip and one commit for them all,
 * where each alone would take its own. An append that finds nothing being written goes at once,
 * alone, so a lone writer waits for nothing.
 *
 * One group is written at a time, unless it runs for longer than SLOW_GROUP_MS (as one waiting on
 * a lock does). For single events, where each transaction's own cost outweighs the event's, that
 * left more of the machine to the database than two groups at once or none (bench/append.ts, 8
 * and 32 writers). Batches of events do not go in groups: hashing them in the database is most
 * of their cost, and one session doing it for every writer was slower with 8 writers than each
 * writer doing its own.
 *
 * Each append keeps its own answer. A stream has one append being written at a time, so appends
 * to it made together land in the order made. Each event chains to the version its append
 * expected, with the store's own check that this version is there (an append whose version is
 * not appends nothing, and the store then says why as for one alone). When the database refuses
 * the group (a writer elsewhere took a version first, content the log refuses), nothing of it
 * was written, and each append is tried again alone, so one writer's conflict or mistake never
 * fails another's append. A lost connection leaves every append of the group in doubt, as it
 * leaves one alone.
 */
export class AppendGroups {
  private waiting: Waiting[] = [];
  private writing = 0;
  /** The streams of the groups being written. */
  private readonly streamsWriting = new Set<string>();
  /** When the latest group began, and the timer that lets the next go beside it if it is still running by then. */
  private lastStart = 0;
  private patience?: NodeJS.Timeout;

  constructor(private readonly pool: Pool) {}

  append(append: SingleAppend, alone: () => Promise<AppendedRows>): Promise<AppendedRows> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ append, alone, resolve, reject });
      this.writeNext();
    });
  }

  private writeNext(): void {
    if (this.waiting.length === 0) return;
    if (this.writing > 0) {
      // A group waiting on a lock (a stream another transaction is starting) must not hold every
      // other append back: after SLOW_GROUP_MS the next group goes beside it.
      const waited = Date.now() - this.lastStart;
      if (waited < SLOW_GROUP_MS) {
        this.patience ??= setTimeout(() => {
          this.patience = undefined;
          this.writeNext();
        }, SLOW_GROUP_MS - waited).unref();
        return;
      }
    }
    const group = this.nextGroup();
    if (group.length === 0) return;
    const streams = group.map(({ append }) => append.streamId);
    for (const stream of streams) this.streamsWriting.add(stream);
    this.writing++;
    this.lastStart = Date.now();
    void this.write(group).finally(() => {
      for (const stream of streams) this.streamsWriting.delete(stream);
      this.writing--;
      this.writeNext();
    });
  }

  /**
   * The waiting appends in order, up to LARGEST_GROUP, but one per stream and none to a stream
   * being written: an append made before the one before it was answered comes after it. The rest
   * wait on.
   */
  private nextGroup(): Waiting[] {
    const group: Waiting[] = [];
    const streams = new Set(this.streamsWriting);
    const left: Waiting[] = [];
    for (const waiting of this.waiting) {
      if (group.length === LARGEST_GROUP || streams.has(waiting.append.streamId)) {
        left.push(waiting);
      } else {
        group.push(waiting);
        streams.add(waiting.append.streamId);
      }
    }
    this.waiting = left;
    return group;
  }

  private async write(group: Waiting[]): Promise<void> {
    if (group.length === 1) return this.writeAlone(group[0]);
    let written: { global_position: string; stream_id: string; stream_version: number }[];
    try {
      const values = COLUMNS.map((column) => group.map(({ append }) => append[column]));
      written = (await this.pool.query({ ...APPEND_GROUP, values })).rows;
    } catch (error) {
      // Refused for its data or a constraint (SQLSTATE classes 22 and 23), the whole group was
      // rolled back, for what may be one append's doing: each goes again alone. Any other error
      // (a lost connection, a server shutting down) is every append's, as it would be alone.
      if (!isRefusal(error)) return group.forEach(({ reject }) => reject(error));
      await Promise.all(group.map((waiting) => this.writeAlone(waiting)));
      return;
    }
    const byStream = new Map(written.map((row) => [row.stream_id, row]));
    for (const { append, resolve } of group) {
      const row = byStream.get(append.streamId);
      resolve(row ? [{ global_position: row.global_position, stream_version: row.stream_version }] : []);
    }
  }

  private async writeAlone({ alone, resolve, reject }: Waiting): Promise<void> {
    try {
      resolve(await alone());
    } catch (error) {
      reject(error);
    }
  }
}

function isRefusal(error: unknown): boolean {
  return error instanceof pg.DatabaseError && (error.code?.startsWith('22') || error.code?.startsWith('23')) === true;
}

/** APPEND_GROUP's parameters, in order. */
const COLUMNS = ['version', 'streamId', 'type', 'schemaVersion', 'data', 'metadata'] as const;

/**
 * A group's events, in the order they arrived, each chained to the version its append expects:
 * none for a new stream, else only if that version is there and was written by a transaction no
 * newer than this one, as the store's own append statements check (event-store.ts).
 */
const APPEND_GROUP = {
  name: 'event-store.append-group',
  text: `
    INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, previous_hash, hash)
    SELECT n.stream_id, base.version + 1, n.type, n.schema_version, n.data::json, n.metadata::json, base.hash,
           ${hashDocumentSql({ data: 'n.data', metadata: 'n.metadata', previous: 'base.hash', recordedAt: 'now()', schemaVersion: 'n.schema_version', stream: 'n.stream_id', type: 'n.type', version: 'base.version + 1' })}
    FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[]) WITH ORDINALITY
      AS n(expected, stream_id, type, schema_version, data, metadata, ordinality)
    CROSS JOIN LATERAL (
      SELECT 0 AS version, NULL::bytea AS hash WHERE n.expected = 0
      UNION ALL
      SELECT stream_version, hash FROM events
      WHERE stream_id = n.stream_id AND stream_version = n.expected AND n.expected > 0 AND transaction_id <= pg_current_xact_id()
    ) AS base
    ORDER BY n.ordinality
    RETURNING global_position, stream_id, stream_version`,
};
