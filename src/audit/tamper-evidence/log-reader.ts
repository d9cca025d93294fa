import pg, { type QueryResultRow } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Checkpoint, Queryable } from '../../event-store/index.js';
import { givesHash, RECORDED_AT_TEXT, storedBytesGiveHash, type HashedContent, type HashedFields } from '../../event-store/event-hash.js';
import { canonicalFromJsonbText } from '../../event-store/jsonb-canonical.js';

/** An event as verification reads it: what its hash covers, its hashes, and its place in the log. */
export interface LogRow {
  position: number;
  /** The writing transaction's id: below 2^53 for as long as any database will run. */
  transaction: number;
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  /**
   * Data and metadata as stored, in UTF-8: the canonical text the hash covers (jsonb's text for
   * events stored before the migration events-exact-json).
   */
  data: Buffer;
  metadata: Buffer;
  /** As RECORDED_AT_TEXT writes it. */
  recordedAt: string;
  previousHash: Buffer | null;
  hash: Buffer | null;
}

/**
 * Whether an event gives the hash it holds. Its data and metadata are stored as the exact text the
 * hash covers, so those bytes are hashed as they are. Events stored before (as jsonb: see the
 * migration events-exact-json) hold jsonb's text of the same values: only when the stored bytes do
 * not give the hash is the text rewritten in canonical form (contentOf) and hashed again.
 */
export function givesItsHash(row: LogRow): boolean {
  if (row.hash === null) return false;
  if (storedBytesGiveHash(fieldsOf(row), row.data, row.metadata, row.previousHash, row.hash)) return true;
  const content = contentOf(row);
  return content !== undefined && givesHash(content, row.previousHash, row.hash);
}

function fieldsOf(row: LogRow): HashedFields {
  return { streamId: row.streamId, streamVersion: row.version, type: row.type, schemaVersion: row.schemaVersion, recordedAt: row.recordedAt };
}

/** What the hash covers, in canonical form; undefined for text no JSON writer could have given (a number out of range). */
export function contentOf(row: LogRow): HashedContent | undefined {
  try {
    return {
      ...fieldsOf(row),
      canonicalData: canonicalFromJsonbText(row.data.toString()),
      canonicalMetadata: canonicalFromJsonbText(row.metadata.toString()),
    };
  } catch {
    return undefined;
  }
}

/** LogRow's columns, as a query reads them (toLogRow); binary COPY reads its own. */
const LOG_ROW_COLUMNS = `global_position, transaction_id::text AS transaction, stream_id, stream_version, type, schema_version,
  data::text AS data, metadata::text AS metadata, ${RECORDED_AT_TEXT('recorded_at')} AS recorded_at, previous_hash, hash`;

function toLogRow(row: QueryResultRow): LogRow {
  return {
    position: Number(row.global_position),
    transaction: Number(row.transaction),
    streamId: row.stream_id,
    version: row.stream_version,
    type: row.type,
    schemaVersion: row.schema_version,
    data: Buffer.from(row.data),
    metadata: Buffer.from(row.metadata),
    recordedAt: row.recorded_at,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}

/** One stream's events in version order. */
export async function readStream(db: Queryable, streamId: string): Promise<LogRow[]> {
  const { rows } = await db.query({
    name: 'audit.verify.stream',
    text: `SELECT ${LOG_ROW_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`,
    values: [streamId],
  });
  return rows.map(toLogRow);
}

const RANGE = `(transaction_id, global_position) <= ($1::xid8, $2::bigint)`;
const ORDER = 'ORDER BY events.transaction_id, events.global_position';

/**
 * The log in its safe order up to a checkpoint, a batch of rows at a time: with `copy`, as one
 * binary COPY on a connection of its own, where the database sends the columns as it holds them
 * (no text to format for a time, a hash or a number) and the rows need no message each; else a
 * page at a time (embedded PostgreSQL does not carry COPY over its socket). COPY needs a pool:
 * on a single connection, the reader's other queries would wait behind it.
 */
export function readLogInSafeOrder(db: Queryable, through: Checkpoint, options: { copy: boolean; pageSize: number }): AsyncIterable<LogRow[]> {
  return options.copy && db instanceof pg.Pool ? binaryCopy(db, through) : pages(db, through, options.pageSize);
}

async function* pages(db: Queryable, through: Checkpoint, pageSize: number): AsyncIterable<LogRow[]> {
  const page = (after: { transaction: string; position: number }) =>
    db.query({
      name: 'audit.verify.log-page',
      text: `SELECT ${LOG_ROW_COLUMNS} FROM events WHERE ${RANGE} AND (transaction_id, global_position) > ($3::xid8, $4::bigint) ${ORDER} LIMIT $5`,
      values: [through.transactionId, through.position, after.transaction, after.position, pageSize],
    });
  // The database reads the next page while this one is checked. Should the reader stop early,
  // that page's failure (the database gone) is nobody's to handle: it must not crash the process.
  const prefetch = (after: { transaction: string; position: number }) => {
    const next = page(after);
    next.catch(() => {});
    return next;
  };
  let next = prefetch({ transaction: '0', position: 0 });
  for (;;) {
    const { rows } = await next;
    const last = rows[rows.length - 1];
    if (rows.length === pageSize) next = prefetch({ transaction: last.transaction, position: Number(last.global_position) });
    yield rows.map(toLogRow);
    if (rows.length < pageSize) return;
  }
}

const FIELDS = 11;
/** Microseconds from 1970 to 2000, where PostgreSQL counts its times from. */
const POSTGRES_EPOCH_US = 946_684_800_000_000;

async function* binaryCopy(pool: pg.Pool, through: Checkpoint): AsyncIterable<LogRow[]> {
  // COPY takes no parameters: the checkpoint is written in, from a parsed checkpoint's digits.
  if (!/^\d+$/.test(through.transactionId) || !Number.isSafeInteger(through.position)) throw new Error('Not a checkpoint');
  const client = await pool.connect();
  let ended = false;
  try {
    const stream = client.query(
      copyTo(`COPY (SELECT global_position, transaction_id, stream_id, stream_version, type, schema_version,
                           data::text, metadata::text, recorded_at, previous_hash, hash
                    FROM events WHERE ${RANGE.replace('$1', `'${through.transactionId}'`).replace('$2', String(through.position))} ${ORDER})
              TO STDOUT (FORMAT binary)`),
    );
    let pending: Buffer | undefined;
    let headerRead = false;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
      let at = 0;
      if (!headerRead) {
        // "PGCOPY\n\377\r\n\0", flags, and the length of a header extension to skip
        if (buffer.length < 19 || buffer.length < 19 + buffer.readInt32BE(15)) {
          pending = buffer;
          continue;
        }
        at = 19 + buffer.readInt32BE(15);
        headerRead = true;
      }
      const rows: LogRow[] = [];
      for (;;) {
        const tuple = tupleAt(buffer, at);
        if (tuple === undefined) break;
        if (tuple === 'end') {
          ended = true;
          break;
        }
        rows.push(tuple.row);
        at = tuple.next;
      }
      pending = at < buffer.length ? Buffer.from(buffer.subarray(at)) : undefined;
      if (rows.length) yield rows;
    }
    if (!ended) throw new Error('The log\'s COPY ended before its trailer: the rows read may not be all of them');
  } finally {
    // A COPY left unread (the reader stopped early, or failed) leaves its connection unusable: drop it.
    client.release(ended ? undefined : true);
  }
}

/**
 * The byte length of each field that has a fixed one: 8 for bigint and xid8 and times, 4 for
 * integers. Hashes are bytea, of any length: one of another length than 32 is a finding, not a
 * reason to stop reading.
 */
const FIXED_LENGTHS: Record<number, number> = { 0: 8, 1: 8, 3: 4, 5: 4, 8: 8 };

/** Where each field of the tuple being read starts, and its length (-1 for null): reused for every tuple. */
const starts = new Int32Array(FIELDS);
const lengths = new Int32Array(FIELDS);

/** The tuple at `at`, if all of it has arrived; 'end' at the trailer. */
function tupleAt(buffer: Buffer, at: number): { row: LogRow; next: number } | 'end' | undefined {
  if (at + 2 > buffer.length) return undefined;
  const count = buffer.readInt16BE(at);
  if (count === -1) return 'end';
  if (count !== FIELDS) throw new Error(`COPY sent ${count} fields, expected ${FIELDS}`);
  let cursor = at + 2;
  for (let field = 0; field < FIELDS; field++) {
    if (cursor + 4 > buffer.length) return undefined;
    const length = buffer.readInt32BE(cursor);
    const fixed = FIXED_LENGTHS[field];
    if (fixed !== undefined && length !== fixed) {
      throw new Error(`COPY sent ${length} bytes for field ${field}, expected ${fixed}`);
    }
    starts[field] = cursor + 4;
    lengths[field] = length;
    cursor += 4 + Math.max(length, 0);
    if (cursor > buffer.length) return undefined;
  }
  return {
    row: {
      position: int64(buffer, 0),
      transaction: int64(buffer, 1),
      streamId: text(buffer, 2),
      version: buffer.readInt32BE(starts[3]),
      type: text(buffer, 4),
      schemaVersion: buffer.readInt32BE(starts[5]),
      data: view(buffer, 6)!,
      metadata: view(buffer, 7)!,
      recordedAt: recordedAtText(int64(buffer, 8)),
      previousHash: view(buffer, 9),
      hash: copy(buffer, 10),
    },
    next: cursor,
  };
}

function text(buffer: Buffer, field: number): string {
  return buffer.toString('utf8', starts[field], starts[field] + lengths[field]);
}

function view(buffer: Buffer, field: number): Buffer | null {
  return lengths[field] < 0 ? null : buffer.subarray(starts[field], starts[field] + lengths[field]);
}

/** An event's own hash is kept as its stream's last: a copy, since a view would keep the whole chunk alive. */
function copy(buffer: Buffer, field: number): Buffer | null {
  return lengths[field] < 0 ? null : Buffer.from(buffer.subarray(starts[field], starts[field] + lengths[field]));
}

/** A 64-bit integer (a position, a transaction id, microseconds): exact below 2^53. */
function int64(buffer: Buffer, field: number): number {
  return buffer.readInt32BE(starts[field]) * 2 ** 32 + buffer.readUInt32BE(starts[field] + 4);
}

let lastSecond = Number.NaN;
let lastSecondText = '';

/**
 * A timestamptz as PostgreSQL sends it in binary (microseconds from 2000) as RECORDED_AT_TEXT
 * writes it. Events come in bursts within a second: the date and time up to it is reused.
 */
export function recordedAtText(microsecondsFrom2000: number): string {
  const microseconds = microsecondsFrom2000 + POSTGRES_EPOCH_US;
  const second = Math.floor(microseconds / 1_000_000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastSecondText = new Date(second * 1000).toISOString().slice(0, 19);
  }
  return `${lastSecondText}.${String(microseconds - second * 1_000_000).padStart(6, '0')}Z`;
}
