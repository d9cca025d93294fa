import { availableParallelism } from 'node:os';
import type { Pool, PoolClient } from 'pg';
import { compact } from '../common/plain-data.js';
import { runWorker, startWorker } from '../common/worker-thread.js';
import { CopyRows, copyText } from '../database/copy-rows.js';
import { isEmbeddedPool } from '../database/data-source.js';
import type { EventStore, LogBound, LogCut, RecordedEvent } from '../event-store/index.js';
import { projectionNamed } from './all-projections.js';
import type { TableNames } from './projection.js';
import { addRows, evolveNamingEvent, insertRows, RowSums, type Row, type StreamProjection } from './stream-projection.js';
import type { PartLoad } from './stream-rebuild.worker.js';

/** Events read per round trip: large enough that a round trip costs little beside the rows. */
const CHUNK = 5000;

/**
 * How many parts loadCutInParts loads side by side: one per core, up to four. Each also keeps the
 * database busy (reading the log, taking the rows), so more parts than cores gain nothing.
 */
const PARTS = Math.min(4, availableParallelism());

/** A cut smaller than this loads whole: a thread takes a few hundred milliseconds to start. */
const EVENTS_FOR_PARTS = 100_000;

/** Stream ids from `from` on and before `before`; open at an end not given. */
export interface StreamIdRange {
  from?: string;
  before?: string;
}

/**
 * loadCutByStream in parts side by side: folding the streams and making their rows is most of a
 * rebuild's work, and all of it in one thread, while the database has time to spare. The streams
 * are split by their ids (streamIdParts); this thread loads the first part and worker threads
 * (stream-rebuild.worker.ts) the others, each on connections of its own, all from one cut.
 *
 * A projection of counts adds them up in each part, and this thread adds up the parts' and
 * writes them once. Loaded whole, as before: a small cut, the embedded database (one session), a
 * projection not among the service's (a thread knows only those), and with a store that upcasts
 * events (its upcasters are code, which a thread cannot be given).
 */
export async function loadCutInParts(
  pool: Pool,
  store: EventStore,
  projection: StreamProjection,
  tables: TableNames,
  options: {
    chunk?: number;
    onProgress?: (events: number) => void;
    /** How many parts; by default one per core (up to four), and one for a small cut. */
    parts?: number;
  } = {},
): Promise<LogCut> {
  const { chunk, onProgress } = options;
  // A thread finds the projection by its name, and reads with a store of its own.
  const threadsCan = !isEmbeddedPool(pool) && !store.schemas.upcasts && projectionNamed(projection.name) === projection;
  if (!threadsCan) return loadCutByStream(pool, store, projection, tables, { chunk, onProgress });
  const cut = await store.cut();
  const parts = options.parts ?? (cut.events < EVENTS_FOR_PARTS ? 1 : PARTS);
  if (parts < 2) return loadCutByStream(pool, store, projection, tables, { chunk, onProgress, cut });
  const loaded: number[] = new Array(parts).fill(0);
  const progress = (index: number) => (events: number) => {
    loaded[index] = events;
    onProgress?.(loaded.reduce((sum, part) => sum + part, 0));
  };
  const [first, ...rest] = streamIdParts(projection.streamPrefix, parts);
  // Only what a thread can be given: no functions (the pool's connect hook is for the service's sessions).
  const connection = Object.fromEntries(Object.entries(pool.options).filter(([, value]) => typeof value !== 'function'));
  const workers = rest.map((part, index) => {
    const load: PartLoad = { connection, projection: projection.name, tables, cut, part, chunk };
    return runWorker(startWorker(import.meta.url, 'stream-rebuild.worker', load), progress(index + 1));
  });
  // Counts: each part adds up its own, and this thread adds theirs to its own and writes them once.
  const sums = 'sum' in projection.rowsBy ? new RowSums(projection) : undefined;
  const loads = [
    loadCutByStream(pool, store, projection, tables, { chunk, cut, part: first, sums, onProgress: progress(0) }),
    ...workers.map(({ done }) => done),
  ];
  try {
    const [, ...partSums] = await Promise.all(loads);
    if (sums) {
      for (const tableSums of partSums as [string, Row[]][][]) sums.add(Object.fromEntries(tableSums), 1);
      await writeRows(pool, projection, tables, sums.tables());
    }
    return cut;
  } finally {
    // When a part fails, the rebuild drops its tables: first, every part stops writing to them.
    await Promise.all(workers.map(({ stop }) => stop()));
    await Promise.allSettled(loads);
  }
}

/**
 * `parts` ranges of the ids of the streams under `prefix`, split on the character after it as
 * a hex digit: the ids are the prefix and a UUID, whose digits spread evenly. Any other id falls
 * in one range or the next all the same, so every stream is loaded once, whatever its id.
 */
function streamIdParts(prefix: string, parts: number): StreamIdRange[] {
  const bounds = Array.from({ length: parts - 1 }, (_, index) => prefix + '0123456789abcdef'[Math.round((16 * (index + 1)) / parts)]);
  return Array.from({ length: parts }, (_, index) => compact({ from: bounds[index - 1], before: bounds[index] }));
}

/**
 * Fills a stream projection's fresh (empty) tables from a cut of the log, read stream by stream:
 * each stream is folded in memory and its rows written once, with COPY (INSERT on the embedded
 * database); counts are added up in memory and written at the end. The next chunk is read
 * on a second connection while this one is written, so the database reads and writes while this
 * process folds. Each COPY commits by itself: a long transaction would hold back every reader of
 * the log in the cluster (see checkpoint.ts), and a rebuild that dies leaves only fresh tables,
 * which the next rebuild drops.
 *
 * Returns the cut; the caller goes on from its checkpoint in the log's order (unless the cut was
 * taken `until` a point in the past, to see the read models as they were then).
 */
export async function loadCutByStream(
  pool: Pool,
  store: EventStore,
  projection: StreamProjection,
  tables: TableNames,
  options: {
    chunk?: number;
    until?: LogBound;
    onProgress?: (events: number) => void;
    /** Read and write on this connection alone (one whose session holds the tables), none from the pool. */
    connection?: PoolClient;
    /** Load this cut, taken already (by loadCutInParts), rather than take one. */
    cut?: LogCut;
    /** Load only the streams whose ids are in this part of their range (see loadCutInParts). */
    part?: StreamIdRange;
    /** For a projection of counts: add them up into these, which the caller writes, rather than write them. */
    sums?: RowSums;
  } = {},
): Promise<LogCut> {
  const chunk = options.chunk ?? CHUNK;
  const embedded = isEmbeddedPool(pool);
  const writer = options.connection ?? (await pool.connect());
  let reader: PoolClient | undefined;
  let next: Promise<RecordedEvent[]> | undefined;
  let failed = false;
  try {
    // The embedded database is a single session: reads and writes queue on its one connection.
    // (So do those on a connection given, whose reads then each see the log as it is.)
    reader = embedded || options.connection ? writer : await pool.connect();
    // A cut in the past is read through one snapshot (the embedded database has no other session).
    const snapshot = options.until !== undefined && reader !== writer;
    if (snapshot) await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const cut = options.cut ?? (await store.on(reader).cut(options.until));
    // Where COPY is not to be had, an INSERT per table and chunk, as when following the log.
    const write = embedded
      ? (table: string, rows: readonly Row[]) => insertRows(writer, tables[table]!, rows)
      : await copyStatements(writer, projection, tables);
    const { from, before } = options.part ?? {};
    // A part starts at the first event of its `from` stream, or of the first stream after it.
    const start = from === undefined ? undefined : { streamId: from, streamVersion: 0 };
    const read = (after?: RecordedEvent) =>
      store.on(reader!).readCutByStream(cut, {
        prefix: projection.streamPrefix,
        after: after ? { streamId: after.streamId, streamVersion: after.streamVersion } : start,
        streamsBefore: before,
        limit: chunk,
      });

    let events = 0;
    let current: { streamId: string; state: unknown } | undefined;
    // Counts add up over the whole cut, and are written once at its end.
    const sums = options.sums ?? ('sum' in projection.rowsBy ? new RowSums(projection) : undefined);
    next = read();
    for (;;) {
      const batch = await next;
      const full = batch.length === chunk;
      if (full) next = read(batch.at(-1));
      const rows = new Map<string, Row[]>(projection.tables.map((table) => [table, []]));
      for (const event of batch) {
        if (current && current.streamId !== event.streamId) {
          addRows(rows, projection.rows(current.state));
          current = undefined;
        }
        current = { streamId: event.streamId, state: evolveNamingEvent(projection, current?.state, event) };
      }
      // The stream read last may go on in the next chunk; the last chunk ends it.
      if (!full && current) addRows(rows, projection.rows(current.state));
      if (sums) sums.add(Object.fromEntries(rows), 1);
      else for (const [table, tableRows] of rows) await write(table, tableRows);
      events += batch.length;
      options.onProgress?.(events);
      if (!full) break;
    }
    if (!options.sums) for (const [table, tableRows] of sums?.tables() ?? []) await write(table, tableRows);
    if (snapshot) await reader.query('COMMIT');
    return cut;
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // A read started ahead may still be running when the rest fails: let it end first.
    await next?.catch(() => {});
    // A reader left inside its snapshot transaction (after a failure) is not given back as it is.
    if (reader && reader !== writer) reader.release(failed);
    if (writer !== options.connection) writer.release();
  }
}

/** Rows by table, by COPY on a connection of their own. */
async function writeRows(pool: Pool, projection: StreamProjection, tables: TableNames, rows: [table: string, rows: Row[]][]): Promise<void> {
  const client = await pool.connect();
  try {
    const write = await copyStatements(client, projection, tables);
    for (const [table, tableRows] of rows) await write(table, tableRows);
  } finally {
    client.release();
  }
}

/**
 * One COPY per table and chunk, its columns in the table's order. Values are written as the
 * INSERT path's jsonb_populate_recordset would read them: JSON for json and jsonb columns.
 */
async function copyStatements(client: PoolClient, projection: StreamProjection, tables: TableNames) {
  const columns = new Map<string, { name: string; json: boolean }[]>();
  for (const table of projection.tables) {
    const { rows } = await client.query(
      `SELECT attname AS name, atttypid IN ('json'::regtype, 'jsonb'::regtype) AS json FROM pg_attribute
       WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [tables[table]],
    );
    columns.set(table, rows);
  }
  const copy = new CopyRows();
  return async (table: string, rows: readonly Row[]): Promise<void> => {
    if (rows.length === 0) return;
    const tableColumns = columns.get(table)!;
    for (const row of rows) {
      let line = '';
      for (const [index, { name, json }] of tableColumns.entries()) line += (index ? '\t' : '') + copyValue(row[name], json);
      copy.add(line);
    }
    await copy.send(client, `COPY ${tables[table]} (${tableColumns.map(({ name }) => `"${name}"`).join(', ')}) FROM STDIN`);
  };
}

/** A value in COPY's text format: JSON for json columns, dates in ISO 8601; no PostgreSQL arrays. */
function copyValue(value: unknown, json: boolean): string {
  if (value === null || value === undefined) return '\\N';
  if (json) return copyText(JSON.stringify(value));
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) throw new Error('array columns are not written by COPY: keep lists in jsonb columns');
  const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return copyText(text);
}
