/**
 * Appends per second of the event store at library level, for 8 and 32 concurrent writers and two
 * shapes of append: one event to a new stream, and a batch of 10 events to a stream that exists
 * (each writer appends to streams of its own at the version it knows, so there are no conflicts).
 * Next to it, in the same run and with as many connections as writers:
 * - pgbench on the same server, each transaction one INSERT of as many rows as the append has
 *   events (the same JSON, for one stream), into a table with nothing but a key;
 * - Emmett's PostgreSQL event store making the same appends (bench/support/emmett-appends.ts).
 *
 * The ratios, per writers and shape:
 *   store ÷ pgbench = store appends/s ÷ pgbench transactions/s   (goal >= 0.6; as both commit one
 *                     transaction per append with the same rows, also events/s ÷ rows/s)
 *   store ÷ Emmett  = store appends/s ÷ Emmett appends/s         (goal >= 3)
 * Each is the median over the rounds of that round's ratio, its two figures measured one after
 * the other, so it may differ a little from the ratio of the medians printed beside it. A round
 * runs store, Emmett, pgbench for each shape in turn, so drift on the machine (checkpoints, other
 * load) hits all three; a warm-up comes first. The batch shape also shows pgbench's single-row rate,
 * to set its events/s against. node CPU is this process's CPU
 * (% of one core) while the store, then Emmett, appended: the client side of their cost.
 *
 * Every event counted must be a row of its store's table at the end, or the run fails.
 * benchAppend() returns the figures as plain JSON for the suite; run as a script it prints them.
 *
 *   npm run bench:append                      BENCH_ROUNDS=3 BENCH_SECONDS=10 by default
 *   PGOPTIONS='-c synchronous_commit=off' npm run bench:append
 *       the same per session for all three (node-pg and libpq both read PGOPTIONS): shows how
 *       much of the time is waiting for the WAL flush, without touching the server's settings.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrate, openDataSource, type DatabaseTarget } from '../src/database/data-source.js';
import { EventStore } from '../src/event-store/index.js';
import { INCIDENT_DATA, INCIDENT_JSON, INCIDENT_TYPE } from './support/incident-payload.js';
import { median, positiveInteger, withScratchDatabase } from './support/bench-database.js';
import { EMMETT_EVENTS_TABLE, NODE_PG_DEFAULT_TYPES, emmettAppend, migrateEmmett } from './support/emmett-appends.js';
import { isEntryPoint } from './support/entry-point.js';
import { PGBENCH_TABLE_DDL, pgbenchInsertRate } from './support/pgbench.js';

export const APPEND_GOALS = { ofPgbench: 0.6, ofEmmett: 3 };

const WRITERS = [8, 32];
interface Shape {
  name: string;
  /** Events per append; more than one means a batch to a stream that exists. */
  events: number;
}
const NEW_STREAM: Shape = { name: 'new stream, 1 event', events: 1 };
const SHAPES = [NEW_STREAM, { name: 'existing stream, 10 events', events: 10 }];
/** Each writer's own streams for the batch shape, appended to in turn. */
const STREAMS_PER_WRITER = 4;
const WARM_UP_SECONDS = 2;
const EVENT = { type: INCIDENT_TYPE, data: INCIDENT_DATA };

export interface WriterFigures {
  appendsPerSecond: number;
  eventsPerSecond: number;
  /** CPU this process used, in % of one core. */
  clientCpu: number;
}

export interface PgbenchFigures {
  /** Transactions/s, each one INSERT of `rowsPerInsert` rows. */
  perSecond: number;
  rowsPerInsert: number;
}

export interface AppendRound {
  store: WriterFigures;
  emmett: WriterFigures;
  pgbench: PgbenchFigures;
  /** store appends/s ÷ pgbench transactions/s. */
  ofPgbench: number;
  /** store appends/s ÷ Emmett appends/s. */
  ofEmmett: number;
}

/** One writers count and shape: medians over the rounds, each ratio the median of the rounds' ratios. */
export interface AppendRun extends AppendRound {
  writers: number;
  shape: string;
  eventsPerAppend: number;
  /** With pgbench's single-row INSERTs/s for as many clients, measured in the same rounds. */
  pgbench: PgbenchFigures & { singleRowPerSecond: number };
  met: { ofPgbench: boolean; ofEmmett: boolean };
  rounds: AppendRound[];
}

export interface AppendBenchResult {
  server: { version: string; synchronousCommit: string };
  rounds: number;
  seconds: number;
  eventBytes: number;
  runs: AppendRun[];
  goals: typeof APPEND_GOALS;
  allGoalsMet: boolean;
  /** Events each store acknowledged, and the rows its table holds: always equal, or the run throws. */
  integrity: { store: { counted: number; rows: number }; emmett: { counted: number; rows: number } };
}

/** One append as a writer makes it: `expected` 0 starts the stream; resolves to the stream's new version. */
type Append = (streamId: string, expected: number, events: (typeof EVENT)[]) => Promise<number>;

/** A store under test: its database, how it appends through a pool, and what it has acknowledged. */
interface Side {
  url: string;
  types?: pg.CustomTypesConfig;
  appendOn(pool: pg.Pool): Append;
  /** Events acknowledged over the whole run. */
  counted: number;
  /** Per writer, the streams it owns for the batch shape, with the version it last wrote. */
  streams: { id: string; version: number }[][];
}

interface Run {
  store: Side;
  emmett: Side;
  rounds: number;
  seconds: number;
  log: (line: string) => void;
}

export async function benchAppend(options: { rounds?: number; seconds?: number; log?: (line: string) => void } = {}): Promise<AppendBenchResult> {
  const rounds = options.rounds ?? positiveInteger('BENCH_ROUNDS', 3);
  const seconds = options.seconds ?? positiveInteger('BENCH_SECONDS', 10);
  const log = options.log ?? console.log;
  return withScratchDatabase('bench_append', (storeUrl) =>
    withScratchDatabase('bench_append_emmett', async (emmettUrl) => {
      await prepareStoreDatabase(storeUrl);
      await migrateEmmett(emmettUrl);
      const server = await queryOne(
        storeUrl,
        `SELECT split_part(current_setting('server_version'), ' ', 1) AS version, current_setting('synchronous_commit') AS "synchronousCommit"`,
      );
      log(
        `append benchmark: PostgreSQL ${server.version} (synchronous_commit=${server.synchronousCommit}), ` +
          `${Buffer.byteLength(INCIDENT_JSON)}-byte events, ${rounds} rounds x ${seconds} s, ` +
          `store, Emmett and pgbench each with as many connections as writers\n`,
      );
      log(row('writers, shape', 'round', 'store/s', 'events/s', 'Emmett/s', 'pgbench/s', '÷pgbench', '÷Emmett', 'node CPU'));

      const store: Side = {
        url: storeUrl,
        types: NODE_PG_DEFAULT_TYPES,
        appendOn: (pool) => {
          const eventStore = new EventStore(pool);
          return async (streamId, expected, events) =>
            (await eventStore.append(streamId, expected === 0 ? 'no_stream' : expected, events)).streamVersion;
        },
        counted: 0,
        streams: [],
      };
      const emmett: Side = { url: emmettUrl, appendOn: (pool) => emmettAppend(emmettUrl, pool), counted: 0, streams: [] };

      const runs: AppendRun[] = [];
      for (const writers of WRITERS) runs.push(...(await benchWriters(writers, { store, emmett, rounds, seconds, log })));

      // A benchmark that loses events is lying: every event counted must be a row.
      const integrity = {
        store: { counted: store.counted, rows: (await queryOne(storeUrl, 'SELECT count(*)::int AS n FROM events')).n },
        emmett: { counted: emmett.counted, rows: (await queryOne(emmettUrl, `SELECT count(*)::int AS n FROM ${EMMETT_EVENTS_TABLE}`)).n },
      };
      for (const [name, { counted, rows }] of Object.entries(integrity)) {
        log(`${name} events: ${rows} rows, ${counted} counted ${rows === counted ? '(match)' : '(MISMATCH)'}`);
      }
      if (Object.values(integrity).some(({ counted, rows }) => counted !== rows)) {
        throw new Error('An event store lost or invented events: its figures are not to be trusted');
      }
      return {
        server,
        rounds,
        seconds,
        eventBytes: Buffer.byteLength(INCIDENT_JSON),
        runs,
        goals: APPEND_GOALS,
        allGoalsMet: runs.every((run) => run.met.ofPgbench && run.met.ofEmmett),
        integrity,
      };
    }),
  );
}

/** Both shapes with `writers` writers: warm-up, then rounds of store, Emmett, pgbench for each shape. */
async function benchWriters(writers: number, { store, emmett, rounds, seconds, log }: Run): Promise<AppendRun[]> {
  for (const side of [store, emmett]) await startStreams(side, writers);
  const measure = async (shape: Shape, duration: number) => ({
    store: await appendFor(store, shape.events, duration),
    emmett: await appendFor(emmett, shape.events, duration),
    pgbench: {
      perSecond: await pgbenchInsertRate({ url: store.url, json: INCIDENT_JSON, clients: writers, seconds: duration, rows: shape.events }),
      rowsPerInsert: shape.events,
    },
  });
  for (const shape of SHAPES) await measure(shape, WARM_UP_SECONDS);

  const measured = new Map(SHAPES.map((shape) => [shape, [] as AppendRound[]]));
  for (let round = 1; round <= rounds; round++) {
    for (const shape of SHAPES) {
      const figures = await measure(shape, seconds);
      const result = {
        ...figures,
        ofPgbench: figures.store.appendsPerSecond / figures.pgbench.perSecond,
        ofEmmett: figures.store.appendsPerSecond / figures.emmett.appendsPerSecond,
      };
      measured.get(shape)!.push(result);
      log(roundRow(`${writers}, ${shape.name}`, `${round}`, result));
    }
  }
  const singleRowPerSecond = median(measured.get(NEW_STREAM)!.map((round) => round.pgbench.perSecond));
  const runs = SHAPES.map((shape) => summarise(writers, shape, measured.get(shape)!, singleRowPerSecond));
  for (const run of runs) log(roundRow(`${writers}, ${run.shape}`, 'median', run));
  return runs;
}

/** The store's tables, and pgbench's beside them. */
async function prepareStoreDatabase(url: string): Promise<void> {
  const target: DatabaseTarget = { url, embedded: false };
  const dataSource = await openDataSource(target);
  await migrate(dataSource, target);
  await dataSource.query(PGBENCH_TABLE_DDL);
  await dataSource.destroy();
}

async function queryOne(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

/**
 * `work` appending through exactly `connections` connections, all opened before it starts, so no
 * clock times their start, and all closed after: so that only the side being measured holds any.
 * The default max_connections of 100 would not hold 32 each for the store, Emmett and pgbench
 * beside other people's sessions.
 */
async function withConnections<T>(side: Side, connections: number, work: (append: Append) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: side.url, max: connections, types: side.types });
  try {
    const clients = await Promise.all(Array.from({ length: connections }, () => pool.connect()));
    for (const client of clients) client.release();
    return await work(side.appendOn(pool));
  } finally {
    await pool.end();
  }
}

/** The streams the batch shape appends to: a few per writer, each begun with one event. */
async function startStreams(side: Side, writers: number): Promise<void> {
  side.streams = await withConnections(side, writers, (append) =>
    Promise.all(
      Array.from({ length: writers }, async () => {
        const own = [];
        for (let i = 0; i < STREAMS_PER_WRITER; i++) {
          const id = `incident-${randomUUID()}`;
          own.push({ id, version: await append(id, 0, [EVENT]) });
          side.counted++;
        }
        return own;
      }),
    ),
  );
}

/**
 * Each writer appends until time is up: one event to a new stream each time, or a batch to the
 * next of its own streams at the version it last wrote there.
 */
async function appendFor(side: Side, eventsPerAppend: number, seconds: number): Promise<WriterFigures> {
  const events = Array.from({ length: eventsPerAppend }, () => EVENT);
  return withConnections(side, side.streams.length, async (append) => {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    const deadline = start + seconds * 1000;
    let appends = 0;
    const writer = async (own: { id: string; version: number }[]) => {
      for (let i = 0; performance.now() < deadline; i++) {
        if (eventsPerAppend === 1) {
          await append(`incident-${randomUUID()}`, 0, events);
        } else {
          const stream = own[i % own.length]!;
          stream.version = await append(stream.id, stream.version, events);
        }
        appends++;
        side.counted += eventsPerAppend;
      }
    };
    await Promise.all(side.streams.map(writer));
    const elapsedMs = performance.now() - start;
    const cpu = process.cpuUsage(startCpu);
    return {
      appendsPerSecond: appends / (elapsedMs / 1000),
      eventsPerSecond: (appends * eventsPerAppend) / (elapsedMs / 1000),
      clientCpu: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
    };
  });
}

function summarise(writers: number, shape: Shape, rounds: AppendRound[], singleRowPerSecond: number): AppendRun {
  const figures = (pick: (round: AppendRound) => WriterFigures): WriterFigures => ({
    appendsPerSecond: median(rounds.map((round) => pick(round).appendsPerSecond)),
    eventsPerSecond: median(rounds.map((round) => pick(round).eventsPerSecond)),
    clientCpu: median(rounds.map((round) => pick(round).clientCpu)),
  });
  const ofPgbench = median(rounds.map((round) => round.ofPgbench));
  const ofEmmett = median(rounds.map((round) => round.ofEmmett));
  return {
    writers,
    shape: shape.name,
    eventsPerAppend: shape.events,
    store: figures((round) => round.store),
    emmett: figures((round) => round.emmett),
    pgbench: { perSecond: median(rounds.map((round) => round.pgbench.perSecond)), rowsPerInsert: shape.events, singleRowPerSecond },
    ofPgbench,
    ofEmmett,
    met: { ofPgbench: ofPgbench >= APPEND_GOALS.ofPgbench, ofEmmett: ofEmmett >= APPEND_GOALS.ofEmmett },
    rounds,
  };
}

const fixed = (value: number, digits: number) => value.toFixed(digits);
const row = (label: string, round: string, ...cells: string[]) => label.padEnd(38) + round.padEnd(7) + cells.map((cell) => cell.padStart(10)).join('');
const roundRow = (label: string, round: string, { store, emmett, pgbench, ofPgbench, ofEmmett }: AppendRound) =>
  row(label, round, ...[store.appendsPerSecond, store.eventsPerSecond, emmett.appendsPerSecond, pgbench.perSecond].map((rate) => fixed(rate, 0)),
    fixed(ofPgbench, 2), fixed(ofEmmett, 2), `${fixed(store.clientCpu, 0)}/${fixed(emmett.clientCpu, 0)}%`);

if (isEntryPoint(import.meta.url)) {
  const result = await benchAppend();
  console.log(`\ngoals: store >= ${APPEND_GOALS.ofPgbench} x pgbench, >= ${APPEND_GOALS.ofEmmett} x Emmett (medians of the rounds' ratios)`);
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  for (const run of result.runs) {
    const singleRow = run.eventsPerAppend > 1
      ? `; pgbench single row ${fixed(run.pgbench.singleRowPerSecond, 0)}/s, store ${fixed(run.store.eventsPerSecond, 0)} events/s`
      : '';
    console.log(
      `  ${`${run.writers} writers, ${run.shape}`.padEnd(40)}${fixed(run.ofPgbench, 2)} x pgbench (${verdict(run.met.ofPgbench)}), ` +
        `${fixed(run.ofEmmett, 2)} x Emmett (${verdict(run.met.ofEmmett)})${singleRow}`,
    );
  }
}
