import { createHash } from 'node:crypto';
import pg, { type Pool, type PoolClient, type QueryResultRow } from 'pg';
import { CopyRows, copyText } from '../database/copy-rows.js';
import { AppendGroups, type AppendedRows } from './append-groups.js';
import { LOG_START, checkpointOf, type Checkpoint } from './checkpoint.js';
import { IdempotencyKeyReusedError, StreamOrderError, StreamsExistError, WrongExpectedVersionError } from './errors.js';
import type { EventMetadata, ExpectedVersion, NewEvent, RecordedEvent } from './event.js';
import { EventSchemas } from './event-schemas.js';
import { RECORDED_AT_TEXT, canonicalJson, eventHash, hashDocumentSql, type HashedContent } from './event-hash.js';

export interface AppendOptions {
  /** The same key on the same stream returns the first append's result and appends nothing. */
  idempotencyKey?: string;
  /**
   * What makes a retry "the same request" (by default a hash of the events' types and data);
   * the same key with another hash is refused. Callers whose events carry fresh ids on every
   * try hash the request they were given instead.
   */
  requestHash?: string;
}

export interface AppendResult {
  streamVersion: number;
  /** Global positions of the appended events, in order. */
  positions: number[];
}

export interface ReadStreamOptions {
  fromVersion?: number;
  toVersion?: number;
}

export interface ReadAllOptions {
  after?: Checkpoint;
  limit?: number;
  /** Also read what each event's hash covers and chains to (RecordedEvent.integrity), for auditors. */
  integrity?: boolean;
}

export interface ReadAllResult {
  events: RecordedEvent[];
  /** Where to continue from: the last event returned, or `after` when there was none. */
  checkpoint: Checkpoint;
}

export type Queryable = Pick<Pool | PoolClient, 'query'>;

/**
 * A fixed cut of the log, for reading it in another order than the global one (a rebuild reads
 * it stream by stream): the events of every transaction below `before`, which had all ended when
 * the cut was taken, so no event can join the cut later. `checkpoint` is its last event in the
 * safe order: readAll after it returns exactly the events the cut left out.
 */
export interface LogCut {
  /** Transactions from this one on are left out; null for a cut in the past (see cut()). */
  before: string | null;
  checkpoint: Checkpoint;
  /** How many events the cut holds, and when its last event (in the safe order) was recorded. */
  events: number;
  lastRecordedAt?: Date;
  /** A cut of the log as it was: through an event's transaction, or up to a moment (see cut()). */
  until?: LogBound;
}

/**
 * The end of a cut in the past: an event's checkpoint (the log through the transaction that wrote
 * it, in the safe order), or a moment.
 */
export type LogBound = Checkpoint | Date;

/** Where a stream-by-stream read has got to: the last event read. */
export interface StreamCursor {
  streamId: string;
  streamVersion: number;
}

/** A stream's events before a version. */
export interface StreamBound {
  streamId: string;
  beforeVersion: number;
}

const UNIQUE_VIOLATION = '23505';
const COLUMNS = `global_position, stream_id, stream_version, type, schema_version, data, metadata,
  recorded_at, transaction_id::text AS transaction_id`;

/**
 * One statement appends a batch, so an append is atomic and takes one round trip. With an
 * expected version N it inserts versions N+1.. after checking that version N exists (nothing to
 * check for a new stream); a writer that got there first holds N+1, and the unique
 * (stream_id, stream_version) key refuses the second. With 'any' it appends after the stream's
 * current version. Each event's hash chains to the one before it (event-hash.ts): the statement
 * reads the hash of version N along with the check, and chains a batch with a recursive query.
 *
 * The log is read in transaction order, so a stream may only grow in transactions no older than
 * the one that wrote its last event: otherwise a transaction that began before version N was
 * written, and appends N+1 after it, would put N+1 before N in the log. Such an append finds no
 * base and is refused with StreamOrderError (a single-statement append never is: its
 * transaction begins after the version it extends was committed).
 *
 * Parameters: $1 stream, $2 expected version (null for 'any'), then the events' types, schema
 * versions, and canonical data and metadata ($3-$6: arrays for a batch, scalars for one event),
 * then the idempotency key and request hash.
 */
function appendStatement(shape: { any: boolean; idempotent: boolean }) {
  const base = shape.any
    ? `SELECT latest.version, latest.hash FROM (
         SELECT 0 AS version, NULL::bytea AS hash
         UNION ALL (SELECT stream_version, hash FROM events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1)
       ) AS latest
       WHERE $2::int IS NULL
         AND NOT EXISTS (SELECT 1 FROM events WHERE stream_id = $1 AND transaction_id > pg_current_xact_id())
       ORDER BY latest.version DESC LIMIT 1`
    : EXPECTED_BASE;
  const chainedHash = (previous: string, version: string) =>
    hashDocumentSql({ data: 'n.data', metadata: 'n.metadata', previous, recordedAt: 'now()', schemaVersion: 'n.schema_version', stream: '$1::text', type: 'n.type', version });
  const remember = shape.idempotent
    ? `, remembered AS (
         INSERT INTO event_idempotency_keys (stream_id, idempotency_key, request_hash, stream_version, positions)
         SELECT $1, $7, $8, max(stream_version), array_agg(global_position ORDER BY global_position)
         FROM appended HAVING count(*) > 0
       )`
    : '';
  return {
    name: `event-store.append.${shape.any ? 'any' : 'expected'}${shape.idempotent ? '.idempotent' : ''}`,
    text: `
      WITH RECURSIVE new_events AS (
        SELECT * FROM unnest($3::text[], $4::int[], $5::text[], $6::text[]) WITH ORDINALITY
          AS e(type, schema_version, data, metadata, ordinality)
      ),
      chained AS (
        SELECT n.ordinality, base.version + 1 AS stream_version, base.hash AS previous_hash,
               ${chainedHash('base.hash', 'base.version + 1')} AS hash
        FROM (${base}) AS base JOIN new_events n ON n.ordinality = 1
        UNION ALL
        SELECT n.ordinality, c.stream_version + 1, c.hash, ${chainedHash('c.hash', 'c.stream_version + 1')}
        FROM chained c JOIN new_events n ON n.ordinality = c.ordinality + 1
      ),
      appended AS (
        INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, previous_hash, hash)
        SELECT $1, c.stream_version, n.type, n.schema_version, n.data::json, n.metadata::json, c.previous_hash, c.hash
        FROM chained c JOIN new_events n USING (ordinality)
        ORDER BY c.ordinality
        RETURNING global_position, stream_version
      )${remember}
      SELECT global_position, stream_version FROM appended ORDER BY global_position`,
  };
}

/** The version an append expects, with its hash: none for a new stream, else only if it is there. */
const EXPECTED_BASE = `
  SELECT 0 AS version, NULL::bytea AS hash WHERE $2::int = 0
  UNION ALL
  SELECT stream_version, hash FROM events
  WHERE stream_id = $1 AND stream_version = $2::int AND $2::int > 0 AND transaction_id <= pg_current_xact_id()`;

const APPEND_STATEMENTS = new Map<string, { name: string; text: string }>(
  [false, true].flatMap((any) =>
    [false, true].map((idempotent) => [`batch/${any}/${idempotent}`, appendStatement({ any, idempotent })] as const),
  ),
);

/** The hot path, one event at an expected version, as the plainest statement the planner can get. */
APPEND_STATEMENTS.set('one/false/false', {
  name: 'event-store.append.one.expected',
  text: `
    INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, previous_hash, hash)
    SELECT $1, base.version + 1, $3, $4, $5::text::json, $6::text::json, base.hash,
           ${hashDocumentSql({ data: '$5::text', metadata: '$6::text', previous: 'base.hash', recordedAt: 'now()', schemaVersion: '$4::int', stream: '$1::text', type: '$3::text', version: 'base.version + 1' })}
    FROM (${EXPECTED_BASE}) AS base
    RETURNING global_position, stream_version`,
});

/**
 * The hotter path still: one event starting a new stream. Its version is 1 and it has no previous
 * hash, so there is no base to look up; the unique (stream_id, stream_version) key refuses it if
 * the stream exists. Parameters: stream, type, schema version, canonical data and metadata.
 */
const START_STREAM = {
  name: 'event-store.append.one.new',
  text: `
    INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, previous_hash, hash)
    VALUES ($1, 1, $2, $3, $4::text::json, $5::text::json, NULL,
            ${hashDocumentSql({ data: '$4::text', metadata: '$5::text', previous: 'NULL::bytea', recordedAt: 'now()', schemaVersion: '$3::int', stream: '$1::text', type: '$2::text', version: '1' })})
    RETURNING global_position, stream_version`,
};

/**
 * Many new streams in one statement, for bulk imports: each stream's events take versions 1..n,
 * chained as append chains them (the first has no previous hash). The unique (stream_id,
 * stream_version) key refuses the whole statement if any of the streams exists. Parameters: the
 * events' streams, versions, types, schema versions, canonical data and metadata, as arrays.
 */
const START_STREAMS = {
  name: 'event-store.start-streams',
  text: `
    WITH RECURSIVE new_events AS (
      SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::text[], $6::text[]) WITH ORDINALITY
        AS e(stream_id, stream_version, type, schema_version, data, metadata, ordinality)
    ),
    chained AS (
      SELECT n.ordinality, n.stream_id, n.stream_version, NULL::bytea AS previous_hash,
             ${hashDocumentSql({ data: 'n.data', metadata: 'n.metadata', previous: 'NULL::bytea', recordedAt: 'now()', schemaVersion: 'n.schema_version', stream: 'n.stream_id', type: 'n.type', version: '1' })} AS hash
      FROM new_events n WHERE n.stream_version = 1
      UNION ALL
      SELECT n.ordinality, n.stream_id, n.stream_version, c.hash,
             ${hashDocumentSql({ data: 'n.data', metadata: 'n.metadata', previous: 'c.hash', recordedAt: 'now()', schemaVersion: 'n.schema_version', stream: 'n.stream_id', type: 'n.type', version: 'n.stream_version' })}
      FROM chained c JOIN new_events n ON n.stream_id = c.stream_id AND n.stream_version = c.stream_version + 1
    )
    INSERT INTO events (stream_id, stream_version, type, schema_version, data, metadata, previous_hash, hash)
    SELECT c.stream_id, c.stream_version, n.type, n.schema_version, n.data::json, n.metadata::json, c.previous_hash, c.hash
    FROM chained c JOIN new_events n USING (ordinality)
    ORDER BY c.ordinality
    RETURNING stream_id, global_position`,
};

/**
 * Only transactions that no running transaction can precede: see checkpoint.ts. The ORDER BY
 * names the table's column: a bare `transaction_id` would mean the text output column, sorting
 * '100' before '99' (and sorting every page instead of reading the index in order).
 */
/**
 * The events of a cut in the past: through the transaction that wrote an event ($1; a
 * transaction's events are never split), or recorded by a moment given to the millisecond ($2,
 * as times are shown; the database keeps microseconds). Null: no bound.
 */
const BOUNDED = `AND ($1::xid8 IS NULL OR transaction_id <= $1::xid8)
  AND ($2::timestamptz IS NULL OR recorded_at < $2::timestamptz + interval '1 millisecond')`;

function boundValues(until?: LogBound): [transactionId: string | null, recordedBy: Date | null] {
  if (until instanceof Date) return [null, until];
  return [until?.transactionId ?? null, null];
}

const INTEGRITY_COLUMNS = `encode(hash, 'hex') AS hash, encode(previous_hash, 'hex') AS previous_hash,
  ${RECORDED_AT_TEXT('recorded_at')} AS recorded_at_text`;

const readAllStatement = (integrity: boolean) => `
  SELECT ${COLUMNS}${integrity ? `, ${INTEGRITY_COLUMNS}` : ''} FROM events
  WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY events.transaction_id, events.global_position
  LIMIT $3`;

const READ_ALL = { plain: readAllStatement(false), withIntegrity: readAllStatement(true) };

export class EventStore {
  /** Appends of one event at an expected version that arrive together, written together (on a pool only). */
  private readonly groups?: AppendGroups;

  constructor(
    private readonly db: Queryable,
    readonly schemas: EventSchemas = new EventSchemas(),
    private readonly appendListeners = new Set<() => void>(),
  ) {
    if (db instanceof pg.Pool) this.groups = new AppendGroups(db);
  }

  /** The same store over one connection, so its reads and appends join that connection's transaction. */
  on(connection: Queryable): EventStore {
    return new EventStore(connection, this.schemas, this.appendListeners);
  }

  /**
   * Called after each append in this process, to wake its projections without waiting for a
   * poll. An append inside a caller's transaction is not visible until that commits: listeners
   * must treat the call as a hint to look, not as a promise of new events.
   */
  onAppended(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error(`Nothing to append to ${streamId}`);
    const key = options.idempotencyKey;
    const requestHash = key === undefined ? undefined : (options.requestHash ?? hashEvents(events));
    if (key !== undefined) {
      const remembered = await this.idempotentResult(streamId, key, requestHash!);
      if (remembered) return remembered;
    }

    // 'any' has no expectation to break: when another writer takes the next version first,
    // read the new version and try again.
    for (let attempt = 1; ; attempt++) {
      try {
        const rows = await this.appendOnce(streamId, expected, events, key, requestHash);
        if (rows.length > 0) {
          for (const listener of this.appendListeners) listener();
          return {
            streamVersion: rows[rows.length - 1].stream_version,
            positions: rows.map((row) => Number(row.global_position)),
          };
        }
        // The same request may have landed since we looked: then this is its retry.
        const remembered = key === undefined ? undefined : await this.idempotentResult(streamId, key, requestHash!);
        if (remembered) return remembered;
        const actual = await this.streamVersion(streamId);
        // The version expected is there, so what stopped the append is the order of transactions.
        if (expected === 'any' || expected === actual) throw new StreamOrderError(streamId);
        throw new WrongExpectedVersionError(streamId, expected, actual);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        if (key !== undefined) {
          const remembered = await this.idempotentResult(streamId, key, requestHash!);
          if (remembered) return remembered;
        }
        if (expected !== 'any' || attempt >= 20) {
          throw new WrongExpectedVersionError(streamId, expected, await this.streamVersion(streamId));
        }
      }
    }
  }

  /**
   * Starts many new streams at once, all or none: the bulk import's append. Each stream gets its
   * events as versions 1..n, and the log gets them in the order given. When any of the streams
   * exists already, nothing is appended (StreamsExistError names them).
   *
   * With `copy` (a pool on a server), the rows go in by COPY, hashed here with the transaction's
   * own now(), which is what recorded_at takes: the database then only stores them. Otherwise one
   * statement appends them and hashes them as append does.
   */
  async startStreams(streams: readonly { streamId: string; events: readonly NewEvent[] }[], options: { copy?: boolean } = {}): Promise<AppendResult[]> {
    if (streams.length === 0) return [];
    const rows: NewRow[] = streams.flatMap(({ streamId, events }) => {
      if (events.length === 0) throw new Error(`Nothing to append to ${streamId}`);
      return events.map((event, index) => ({
        streamId,
        streamVersion: index + 1,
        type: event.type,
        schemaVersion: this.schemas.currentVersion(event.type),
        canonicalData: canonicalJson(event.data),
        canonicalMetadata: canonicalJson(event.metadata ?? {}),
      }));
    });
    let written: { stream_id: string; global_position: string }[];
    try {
      written = options.copy ? await this.copyNewRows(rows) : await this.insertNewRows(rows);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new StreamsExistError(await this.existing(streams.map(({ streamId }) => streamId)));
    }
    if (written.length !== rows.length) throw new Error(`Started ${written.length} of ${rows.length} events: streams given twice?`);
    for (const listener of this.appendListeners) listener();
    const positions = new Map<string, number[]>();
    for (const row of written) positions.set(row.stream_id, [...(positions.get(row.stream_id) ?? []), Number(row.global_position)]);
    return streams.map(({ streamId, events }) => ({
      streamVersion: events.length,
      positions: positions.get(streamId)!.sort((a, b) => a - b),
    }));
  }

  private async insertNewRows(rows: readonly NewRow[]) {
    const values = [
      rows.map((row) => row.streamId),
      rows.map((row) => row.streamVersion),
      rows.map((row) => row.type),
      rows.map((row) => row.schemaVersion),
      rows.map((row) => row.canonicalData),
      rows.map((row) => row.canonicalMetadata),
    ];
    return (await this.db.query<{ stream_id: string; global_position: string }>({ ...START_STREAMS, values })).rows;
  }

  private async copyNewRows(rows: readonly NewRow[]) {
    if (!(this.db instanceof pg.Pool)) throw new Error('COPY needs a pool to take a connection from');
    const client = await this.db.connect();
    let broken = false;
    try {
      // One round trip each for the start and the end: a bulk import runs one transaction per batch.
      const [, started] = (await client.query(`BEGIN; SELECT ${RECORDED_AT_TEXT('now()')} AS now`)) as unknown as pg.QueryResult[];
      const { now } = started.rows[0];
      let previous: Buffer | null = null;
      const copy = new CopyRows();
      for (const row of rows) {
        if (row.streamVersion === 1) previous = null;
        const hash = eventHash({ ...row, recordedAt: now }, previous);
        copy.add(
          [
            copyText(row.streamId),
            row.streamVersion,
            copyText(row.type),
            row.schemaVersion,
            copyText(row.canonicalData),
            copyText(row.canonicalMetadata),
            now,
            previous === null ? '\\N' : `\\\\x${previous.toString('hex')}`,
            `\\\\x${hash.toString('hex')}`,
          ].join('\t'),
        );
        previous = hash;
      }
      // recorded_at is given as the very text the hashes cover (it is the transaction's now() too).
      await copy.send(client, 'COPY events (stream_id, stream_version, type, schema_version, data, metadata, recorded_at, previous_hash, hash) FROM STDIN');
      const [written] = (await client.query(
        `SELECT stream_id, global_position FROM events
         WHERE transaction_id = pg_current_xact_id() ORDER BY transaction_id, global_position; COMMIT`,
      )) as unknown as pg.QueryResult<{ stream_id: string; global_position: string }>[];
      return written.rows;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** The streams among these that have events. */
  async existing(streamIds: readonly string[]): Promise<string[]> {
    if (streamIds.length === 0) return [];
    const { rows } = await this.db.query<{ stream_id: string }>({
      name: 'event-store.existing',
      text: 'SELECT DISTINCT stream_id FROM events WHERE stream_id = ANY($1::text[]) AND stream_version = 1',
      values: [streamIds],
    });
    return rows.map((row) => row.stream_id);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.db.query({
      name: 'event-store.read-stream',
      text: `SELECT ${COLUMNS} FROM events
             WHERE stream_id = $1 AND stream_version >= $2 AND stream_version <= $3
             ORDER BY stream_version`,
      values: [streamId, options.fromVersion ?? 1, options.toVersion ?? 2 ** 31 - 1],
    });
    return rows.map((row) => this.toRecordedEvent(row));
  }

  /**
   * Reads the global log in its safe order, never skipping an event that commits late: a
   * transaction still running holds back everything that comes after it.
   */
  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const after = options.after ?? LOG_START;
    const { rows } = await this.db.query({
      name: options.integrity ? 'event-store.read-all.integrity' : 'event-store.read-all',
      text: options.integrity ? READ_ALL.withIntegrity : READ_ALL.plain,
      values: [after.transactionId, after.position, options.limit ?? 1000],
    });
    const events = rows.map((row) => this.toRecordedEvent(row));
    return { events, checkpoint: events.length ? checkpointOf(events[events.length - 1]) : after };
  }

  /**
   * Cuts the log where readAll would stop now (see LogCut), or earlier: after the transaction
   * that wrote an event, or at a moment (the events recorded by then; an event's recorded time is the
   * start of the transaction that wrote it).
   *
   * A cut in the past is not followed by readAll, so it does not stop at the oldest running
   * transaction: it holds every committed event up to its end that the reader's snapshot sees
   * (read it in one REPEATABLE READ transaction to see it whole). A transaction that began
   * before that end and commits later joins it then: the past settles once such transactions
   * are over.
   */
  async cut(until?: LogBound): Promise<LogCut> {
    const { rows } = await this.db.query(
      `WITH cut AS (SELECT CASE WHEN $3 THEN NULL ELSE pg_snapshot_xmin(pg_current_snapshot()) END AS before),
       included AS (
         SELECT transaction_id, global_position, recorded_at FROM events, cut
         WHERE (cut.before IS NULL OR transaction_id < cut.before) ${BOUNDED})
       SELECT cut.before::text AS before, last.transaction_id::text AS transaction_id, last.global_position,
              last.recorded_at, (SELECT count(*) FROM included) AS events
       FROM cut LEFT JOIN LATERAL (
         SELECT * FROM included ORDER BY transaction_id DESC, global_position DESC LIMIT 1) last ON true`,
      [...boundValues(until), until !== undefined],
    );
    const row = rows[0];
    return {
      before: row.before ?? null,
      checkpoint: row.transaction_id ? { transactionId: row.transaction_id, position: Number(row.global_position) } : LOG_START,
      events: Number(row.events),
      lastRecordedAt: row.recorded_at ?? undefined,
      until,
    };
  }

  /**
   * Where readAll would stop now: the last event of a transaction older than every running one.
   * cut() says the same and counts the events before it; this only finds it (one index probe).
   */
  async safeEnd(): Promise<Checkpoint | undefined> {
    const { rows } = await this.db.query({
      name: 'event-store.safe-end',
      text: `SELECT transaction_id::text AS transaction_id, global_position FROM events
             WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
             ORDER BY events.transaction_id DESC, events.global_position DESC LIMIT 1`,
    });
    return rows[0] ? { transactionId: rows[0].transaction_id, position: Number(rows[0].global_position) } : undefined;
  }

  /**
   * The cut's events of the streams whose id starts with `prefix`, stream by stream (in the
   * order of their ids) and each stream in version order, from just after `after`; with
   * `streamsBefore`, only of the streams whose ids sort before it (a part of them: see
   * stream-rebuild.ts).
   */
  async readCutByStream(
    cut: LogCut,
    options: { prefix: string; after?: StreamCursor; streamsBefore?: string; limit: number },
  ): Promise<RecordedEvent[]> {
    const after = options.after ?? { streamId: options.prefix, streamVersion: 0 };
    const values = [...boundValues(cut.until), after.streamId, after.streamVersion, options.prefix, cut.before, options.limit];
    // The upper bound as a plain condition, which ends the index scan there (`$8 IS NULL OR …`
    // would be a filter, and the part's last read would scan every stream after it).
    const bounded = options.streamsBefore !== undefined;
    const { rows } = await this.db.query({
      name: bounded ? 'event-store.read-cut-by-stream-before' : 'event-store.read-cut-by-stream',
      text: `SELECT ${COLUMNS} FROM events
             WHERE (stream_id, stream_version) > ($3, $4) AND starts_with(stream_id, $5) AND ($6::xid8 IS NULL OR transaction_id < $6::xid8) ${BOUNDED}
               ${bounded ? 'AND stream_id < $8' : ''}
             ORDER BY stream_id, stream_version LIMIT $7`,
      values: bounded ? [...values, options.streamsBefore] : values,
    });
    return rows.map((row) => this.toRecordedEvent(row));
  }

  /**
   * Each stream's events before the version given for it, stream by stream, each in version
   * order: what a projection needs, besides a batch, to fold the streams the batch touches.
   */
  async readStreamsBefore(bounds: readonly StreamBound[]): Promise<RecordedEvent[]> {
    if (bounds.length === 0) return [];
    const { rows } = await this.db.query({
      name: 'event-store.read-streams-before',
      text: `SELECT ${COLUMNS} FROM events JOIN unnest($1::text[], $2::int[]) AS bound(stream_id, version) USING (stream_id)
             WHERE stream_version < bound.version
             ORDER BY stream_id, stream_version`,
      values: [bounds.map((bound) => bound.streamId), bounds.map((bound) => bound.beforeVersion)],
    });
    return rows.map((row) => this.toRecordedEvent(row));
  }

  /** The checkpoint of the event at a global position, if there is one. */
  async checkpointAt(position: number): Promise<Checkpoint | undefined> {
    const { rows } = await this.db.query('SELECT transaction_id::text FROM events WHERE global_position = $1', [position]);
    return rows[0] ? { transactionId: rows[0].transaction_id, position } : undefined;
  }

  async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.db.query({
      name: 'event-store.stream-version',
      text: 'SELECT coalesce(max(stream_version), 0) AS version FROM events WHERE stream_id = $1',
      values: [streamId],
    });
    return rows[0].version;
  }

  private async appendOnce(
    streamId: string,
    expected: ExpectedVersion,
    events: readonly NewEvent[],
    idempotencyKey?: string,
    requestHash?: string,
  ): Promise<AppendedRows> {
    const request: AppendRequest = {
      streamId,
      version: expected === 'any' ? null : expected === 'no_stream' ? 0 : expected,
      types: events.map((event) => event.type),
      schemaVersions: events.map((event) => this.schemas.currentVersion(event.type)),
      // The canonical form is what the hash covers, and is as good JSON as any for the json columns.
      data: events.map((event) => canonicalJson(event.data)),
      metadata: events.map((event) => canonicalJson(event.metadata ?? {})),
    };
    const alone = () => this.appendAlone(request, idempotencyKey, requestHash);
    const { version, types, schemaVersions, data, metadata } = request;
    if (this.groups && version !== null && idempotencyKey === undefined && events.length === 1) {
      return this.groups.append({ streamId, version, type: types[0], schemaVersion: schemaVersions[0], data: data[0], metadata: metadata[0] }, alone);
    }
    return alone();
  }

  private async appendAlone(request: AppendRequest, idempotencyKey?: string, requestHash?: string): Promise<AppendedRows> {
    const { streamId, version } = request;
    const any = version === null;
    const idempotent = idempotencyKey !== undefined;
    const hotPath = request.types.length === 1 && !any && !idempotent;
    if (hotPath && version === 0) {
      const values = [streamId, request.types[0], request.schemaVersions[0], request.data[0], request.metadata[0]];
      return (await this.db.query({ ...START_STREAM, values })).rows;
    }
    const statement = APPEND_STATEMENTS.get(`${hotPath ? 'one' : 'batch'}/${any}/${idempotent}`)!;
    const columns = [request.types, request.schemaVersions, request.data, request.metadata];
    const rows = hotPath ? columns.map((column) => column[0]) : columns;
    const values = [streamId, version, ...rows, ...(idempotent ? [idempotencyKey, requestHash] : [])];
    return (await this.db.query({ ...statement, values })).rows;
  }

  /** What an earlier append with this key returned, if there was one. */
  async idempotentResult(streamId: string, key: string, requestHash: string): Promise<AppendResult | undefined> {
    const { rows } = await this.db.query({
      name: 'event-store.idempotency-key',
      text: `SELECT request_hash, stream_version, positions
             FROM event_idempotency_keys WHERE stream_id = $1 AND idempotency_key = $2`,
      values: [streamId, key],
    });
    if (rows.length === 0) return undefined;
    const row = rows[0];
    if (row.request_hash !== requestHash) throw new IdempotencyKeyReusedError(streamId, key);
    return { streamVersion: row.stream_version, positions: row.positions.map(Number) };
  }

  private toRecordedEvent(row: QueryResultRow): RecordedEvent {
    return this.schemas.upcast({
      globalPosition: Number(row.global_position),
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      type: row.type,
      schemaVersion: row.schema_version,
      data: row.data,
      metadata: row.metadata as EventMetadata,
      recordedAt: row.recorded_at,
      transactionId: row.transaction_id,
      ...(row.recorded_at_text && { integrity: { hash: row.hash, previousHash: row.previous_hash, recordedAt: row.recorded_at_text } }),
    });
  }
}

/** An append as the store writes it: its events' columns, canonical data and metadata included. */
interface AppendRequest {
  streamId: string;
  /** The version the append expects the stream to be at (0: a new stream), or null for 'any'. */
  version: number | null;
  types: string[];
  schemaVersions: number[];
  data: string[];
  metadata: string[];
}

/** A new stream's event as startStreams writes it. */
type NewRow = Omit<HashedContent, 'recordedAt'>;

/** What makes two appends "the same request": the events' types and data, not their metadata. */
function hashEvents(events: readonly NewEvent[]): string {
  const content = JSON.stringify(events.map((event) => [event.type, event.data]));
  return createHash('sha256').update(content).digest('hex');
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === UNIQUE_VIOLATION;
}
