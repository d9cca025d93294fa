import type { Queryable, RecordedEvent, StreamBound } from '../event-store/index.js';
import type { Projection, ProjectionTarget } from './projection.js';

/** A read-model row: column name → value (scalars, dates, and objects for jsonb columns). */
export type Row = Readonly<Record<string, unknown>>;

/**
 * How a stream's rows meet the table: replaced, in every table, by the stream's key (its id after
 * the prefix) in `keyColumn`; or, for counts, added up: rows equal but for the `sum` columns are
 * one row, whose sums add (each table then needs a unique index on the other columns).
 */
export type RowsBy = { keyColumn: string } | { sum: readonly string[] };

/**
 * A read model whose rows each come from one stream's events alone: an incident's summary, its
 * timeline entry, its share of the counts. It is defined by a fold (`evolve`) and by the rows
 * that show a stream's state (`rows`); this module keeps the tables from those two.
 *
 * Following the log, a batch's streams are folded from their first event (the events before the
 * batch are read from the store) and their rows replaced, or their counts moved from the rows of
 * the state before the batch to those of the state after it. A rebuild can do better: the rows
 * depend on nothing but their stream, so it reads the log stream by stream and writes each row
 * once (see stream-rebuild.ts), as Marten's rebuilds of single-stream projections do.
 */
export interface StreamProjection<State = unknown> extends Projection {
  /** The streams that feed the read model: those whose id starts with this. Others pass by. */
  readonly streamPrefix: string;
  readonly rowsBy: RowsBy;
  /** The stream's state after one more of its events (`undefined` before the first). Throws on an event it cannot handle. */
  evolve(state: State | undefined, event: RecordedEvent): State;
  /** The rows that show a stream in its state, by logical table name. */
  rows(state: State): Readonly<Record<string, readonly Row[]>>;
}

export function streamProjection<State>(definition: Omit<StreamProjection<State>, 'apply'>): StreamProjection<State> {
  const projection: StreamProjection<State> = {
    ...definition,
    apply: (events, target) => applyToStreams(projection, events, target),
  };
  return projection;
}

export function isStreamProjection(projection: Projection): projection is StreamProjection {
  return 'streamPrefix' in projection && 'evolve' in projection && 'rows' in projection;
}

async function applyToStreams<State>(
  projection: StreamProjection<State>,
  events: readonly RecordedEvent[],
  { db, store, tables }: ProjectionTarget,
): Promise<void> {
  const batch = groupByStream(events.filter((event) => event.streamId.startsWith(projection.streamPrefix)));
  if (batch.size === 0) return;
  // A batch is a stretch of the log, and a stream's events come in version order: a stream's
  // events in the batch follow one another, and only those before its first one are missing.
  const missing: StreamBound[] = [...batch.values()]
    .filter((streamEvents) => streamEvents[0]!.streamVersion > 1)
    .map(([first]) => ({ streamId: first!.streamId, beforeVersion: first!.streamVersion }));
  const earlier = groupByStream(await store.readStreamsBefore(missing));

  if ('sum' in projection.rowsBy) {
    const sums = new RowSums(projection);
    for (const [streamId, streamEvents] of batch) {
      const before = earlier.get(streamId);
      if (before) sums.add(projection.rows(fold(projection, before)), -1);
      sums.add(projection.rows(fold(projection, [...(before ?? []), ...streamEvents])), 1);
    }
    for (const [table, rows] of sums.tables()) await addToRows(db, tables[table]!, projection.rowsBy.sum, rows);
    return;
  }
  const keys: string[] = [];
  const rows = new Map<string, Row[]>(projection.tables.map((table) => [table, []]));
  for (const [streamId, streamEvents] of batch) {
    const state = fold(projection, [...(earlier.get(streamId) ?? []), ...streamEvents]);
    keys.push(streamId.slice(projection.streamPrefix.length));
    addRows(rows, projection.rows(state));
  }
  for (const [table, tableRows] of rows) {
    const name = tables[table]!;
    await db.query(`DELETE FROM ${name} WHERE ${projection.rowsBy.keyColumn} = ANY($1)`, [keys]);
    await insertRows(db, name, tableRows);
  }
}

/** Inserts rows in one statement, each row's columns by name (absent ones are NULL). */
export async function insertRows(db: Queryable, table: string, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(null::${table}, $1::jsonb)`, [JSON.stringify(rows)]);
}

/** Adds rows' sums to the rows with the same other columns, and drops the rows that come to nothing. */
async function addToRows(db: Queryable, table: string, sum: readonly string[], rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const key = Object.keys(rows[0]!).filter((column) => !sum.includes(column));
  const { rows: emptied } = await db.query(
    `INSERT INTO ${table} AS t SELECT * FROM jsonb_populate_recordset(null::${table}, $1::jsonb)
     ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${sum.map((column) => `${column} = t.${column} + excluded.${column}`).join(', ')}
     RETURNING CASE WHEN ${sum.map((column) => `t.${column} = 0`).join(' AND ')} THEN t.ctid END AS row`,
    [JSON.stringify(rows)],
  );
  // This transaction holds those rows' locks since it updated them, so their ctids stay theirs.
  const gone = emptied.map((row) => row.row).filter(Boolean);
  if (gone.length > 0) await db.query(`DELETE FROM ${table} WHERE ctid = ANY($1::tid[])`, [gone]);
}

/**
 * Rows of several streams added up by table: rows equal but for the sum columns become one,
 * their sums added (with a sign: a stream's old rows are taken away as its new ones are added).
 */
export class RowSums {
  private readonly byTable: Map<string, Map<string, Record<string, unknown>>>;
  private readonly sum: readonly string[];

  constructor(projection: StreamProjection) {
    if (!('sum' in projection.rowsBy)) throw new Error(`${projection.name} does not add its rows up`);
    this.sum = projection.rowsBy.sum;
    this.byTable = new Map(projection.tables.map((table) => [table, new Map()]));
  }

  add(streamRows: Readonly<Record<string, readonly Row[]>>, sign: 1 | -1): void {
    for (const table in streamRows) {
      const sums = this.byTable.get(table);
      if (!sums) throw new Error(`rows for ${table}, which the projection does not own`);
      for (const row of streamRows[table]!) {
        // The other columns' names and values, as one string, built without an array of entries
        // per column (which took twice as long): a rebuild adds up millions of rows.
        const values: unknown[] = [];
        for (const column in row) if (!this.sum.includes(column)) values.push(column, row[column]);
        const key = JSON.stringify(values);
        let total = sums.get(key);
        if (!total) {
          total = { ...row };
          for (const column of this.sum) total[column] = 0;
          sums.set(key, total);
        }
        for (const column of this.sum) total[column] = (total[column] as number) + sign * (row[column] as number);
      }
    }
  }

  /** The sums by table, leaving out those that came to nothing. */
  tables(): [table: string, rows: Row[]][] {
    return [...this.byTable].map(([table, sums]) => [
      table,
      [...sums.values()].filter((row) => this.sum.some((column) => row[column] !== 0)),
    ]);
  }
}

/** Folds one stream's events, from its first, into its state. */
function fold<State>(projection: StreamProjection<State>, events: readonly RecordedEvent[]): State {
  let state: State | undefined;
  for (const event of events) state = evolveNamingEvent(projection, state, event);
  return state!;
}

/**
 * One more event, naming it when it cannot be folded: an event before a batch that the code can
 * no longer fold is then named as the cause, whichever event of the batch the runner stops at.
 */
export function evolveNamingEvent<State>(projection: StreamProjection<State>, state: State | undefined, event: RecordedEvent): State {
  try {
    return projection.evolve(state, event);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${event.type} at position ${event.globalPosition}: ${message}`, { cause: error });
  }
}

/** Appends a stream's rows to rows gathered by table, refusing a table the projection does not own. */
export function addRows(gathered: Map<string, Row[]>, streamRows: Readonly<Record<string, readonly Row[]>>): void {
  for (const [table, tableRows] of Object.entries(streamRows)) {
    const list = gathered.get(table);
    if (!list) throw new Error(`rows for ${table}, which the projection does not own`);
    list.push(...tableRows);
  }
}

function groupByStream(events: readonly RecordedEvent[]): Map<string, RecordedEvent[]> {
  const streams = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const list = streams.get(event.streamId);
    if (list) list.push(event);
    else streams.set(event.streamId, [event]);
  }
  return streams;
}
