/**
 * Appends per second of the event store at library level (8 concurrent writers, one event per
 * new stream), next to pgbench's single-row insert rate on the same server, as a ratio.
 * Rounds alternate store and pgbench so drift on the machine (checkpoints, other load) hits both.
 *
 *   npm run bench:append                      BENCH_ROUNDS=3 BENCH_SECONDS=10 by default
 *   PGOPTIONS='-c synchronous_commit=off' npm run bench:append
 *       the same per session for both sides (node-pg and libpq both read PGOPTIONS): shows how
 *       much of the time is waiting for the WAL flush, without touching the server's settings.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrate, openDataSource, type DatabaseTarget } from '../src/database/data-source.js';
import { EventStore } from '../src/event-store/index.js';
import { INCIDENT_DATA, INCIDENT_JSON, INCIDENT_TYPE } from './support/incident-payload.js';
import { median, positiveInteger, withScratchDatabase } from './support/bench-database.js';
import { PGBENCH_TABLE_DDL, pgbenchInsertRate } from './support/pgbench.js';

const WRITERS = 8;
const WARM_UP_SECONDS = 2;
const GOAL = 0.6;
const rounds = positiveInteger('BENCH_ROUNDS', 3);
const seconds = positiveInteger('BENCH_SECONDS', 10);

interface StoreRound {
  appends: number;
  perSecond: number;
  /** CPU this process used, in % of one core: the client side of the store's cost. */
  clientCpu: number;
}

async function main(): Promise<void> {
  await withScratchDatabase('bench_append', bench);
}

async function bench(url: string): Promise<void> {
  const target: DatabaseTarget = { url, embedded: false };
  const dataSource = await openDataSource(target);
  await migrate(dataSource, target);
  await dataSource.destroy();

  // One connection per writer, as pgbench has one per client.
  const pool = new pg.Pool({ connectionString: url, max: WRITERS });
  try {
    await pool.query(PGBENCH_TABLE_DDL);
    const store = new EventStore(pool);
    const { rows: [server] } = await pool.query(
      `SELECT split_part(current_setting('server_version'), ' ', 1) AS version, current_setting('synchronous_commit') AS sync`,
    );
    console.log(
      `append benchmark: PostgreSQL ${server.version} (synchronous_commit=${server.sync}), ${WRITERS} writers, ` +
        `one ${Buffer.byteLength(INCIDENT_JSON)}-byte event per new stream, ${rounds} rounds x ${seconds} s\n`,
    );

    let appended = (await appendFor(store, WARM_UP_SECONDS)).appends;
    await pgbenchInsertRate(url, INCIDENT_JSON, WRITERS, WARM_UP_SECONDS);

    const storeRates: number[] = [];
    const pgbenchRates: number[] = [];
    console.log(row('round', 'store/s', 'pgbench/s', 'ratio', 'node CPU'));
    for (let round = 1; round <= rounds; round++) {
      const measured = await appendFor(store, seconds);
      const pgbench = await pgbenchInsertRate(url, INCIDENT_JSON, WRITERS, seconds);
      appended += measured.appends;
      storeRates.push(measured.perSecond);
      pgbenchRates.push(pgbench);
      const { perSecond, clientCpu } = measured;
      console.log(row(`${round}`, fixed(perSecond, 0), fixed(pgbench, 0), fixed(perSecond / pgbench, 2), `${fixed(clientCpu, 0)}%`));
    }
    const ratio = median(storeRates) / median(pgbenchRates);
    console.log(row('median', fixed(median(storeRates), 0), fixed(median(pgbenchRates), 0), fixed(ratio, 2), ''));
    console.log(`\nratio (store / pgbench, medians): ${fixed(ratio, 2)} (goal >= ${GOAL})`);

    // A benchmark that loses events is lying: every counted append must be a row.
    const { rows: [{ count }] } = await pool.query('SELECT count(*)::bigint AS count FROM events');
    const ok = Number(count) === appended;
    console.log(`events rows: ${count}, appends counted: ${appended} ${ok ? '(match)' : '(MISMATCH)'}`);
    if (!ok) process.exitCode = 1;
  } finally {
    await pool.end();
  }
}

/** Each writer appends one event to a new stream, then the next, until time is up. */
async function appendFor(store: EventStore, seconds: number): Promise<StoreRound> {
  const event = { type: INCIDENT_TYPE, data: INCIDENT_DATA };
  const startCpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let appends = 0;
  const writer = async () => {
    while (performance.now() < deadline) {
      await store.append(`incident-${randomUUID()}`, 'no_stream', [event]);
      appends++;
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(startCpu);
  return {
    appends,
    perSecond: appends / (elapsedMs / 1000),
    clientCpu: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
  };
}

const fixed = (value: number, digits: number) => value.toFixed(digits);
const row = (...cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(7) : cell.padStart(10))).join('');

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
