import type { Pool } from 'pg';
import { isEmbeddedPool } from '../database/data-source.js';
import { inTransaction } from '../database/transaction.js';
import type { EventStore, LogBound, Queryable } from '../event-store/index.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { liveTables, type Projection, type TableNames } from '../projections/projection.js';
import { isStreamProjection } from '../projections/stream-projection.js';
import { loadCutByStream } from '../projections/stream-rebuild.js';

/** Where a replay writes its read models: a schema of its own, dropped when it is done. */
const SCHEMA = 'audit_replay';
const SERIALIZATION_FAILURE = '40001';
const SETTLE_MS = 30_000;

export interface TableReplay {
  table: string;
  rows: number;
  /** `<rows>:<sum of the rows' hashes, modulo 2^64, in hex>`: independent of the rows' order. */
  checksum: string;
  /** Rows the replay made that the live table lacks, and rows the live table has that the replay did not make. */
  missingFromLive: string[];
  notInReplay: string[];
}

export interface ProjectionReplay {
  projection: string;
  checksum: string;
  tables: TableReplay[];
}

export interface ReplayReport {
  /** Compared with the live read models (a replay of the whole log is; one `until` a point in the past is not). */
  compared: boolean;
  events: number;
  /** Committed events left out of the comparison: transactions still open held them back. */
  heldBack: number;
  projections: ProjectionReplay[];
  differs: boolean;
}

/**
 * Replays the log through every projection into scratch tables and, for a replay of the whole
 * log, compares them with the live read models row for row.
 *
 * The replay loads a cut of the log stream by stream (as a rebuild does), then follows the log.
 * To compare at one point of the log, the last step runs in one REPEATABLE READ transaction that
 * locks the projections' checkpoints: it brings the live read models and the replay to the same
 * end of the log (both read it through the same snapshot), then compares. Live projections wait
 * meanwhile, in every process.
 */
export async function replayProjections(
  pool: Pool,
  store: EventStore,
  projections: readonly Projection[],
  options: { until?: LogBound; onProgress?: (events: number) => void } = {},
): Promise<ReplayReport> {
  const scratch = new Map(projections.map((projection) => [projection, scratchTables(projection)]));
  // One replay at a time: a second would drop and fill the first one's scratch tables. (The
  // embedded database serves one process, and its one connection cannot be set aside for this.)
  const guard = isEmbeddedPool(pool) ? undefined : await pool.connect();
  if (guard) {
    const { rows } = await guard.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [SCHEMA]);
    if (!rows[0].locked) {
      guard.release();
      throw new Error('another audit replay is running on this database');
    }
  }
  await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA}`);
  try {
    let events = 0;
    for (const [projection, tables] of scratch) {
      for (const table of projection.tables) await pool.query(`CREATE TABLE ${tables[table]} (LIKE ${table} INCLUDING ALL)`);
      if (!isStreamProjection(projection)) throw new Error(`${projection.name} cannot be replayed: it does not fold streams`);
      const cut = await loadCutByStream(pool, store, projection, tables, { until: options.until, onProgress: options.onProgress });
      events = cut.events;
      if (options.until) continue;
      await pool.query(
        `INSERT INTO projection_checkpoints (name, transaction_id, position, events_handled) VALUES ($1, $2::xid8, $3, $4)
         ON CONFLICT (name) DO UPDATE SET transaction_id = excluded.transaction_id, position = excluded.position,
           events_handled = excluded.events_handled, state = 'running', error = NULL`,
        [replayCheckpoint(projection), cut.checkpoint.transactionId, cut.checkpoint.position, cut.events],
      );
      const runner = replayRunner(pool, store, projection, tables);
      while (!(await runner.step()).caughtUp);
    }
    if (options.until) {
      const results = await inTransaction(pool, async (client) => {
        await client.query(`SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO'; SET LOCAL extra_float_digits = 1`);
        const summaries: ProjectionReplay[] = [];
        for (const [projection, tables] of scratch) summaries.push(await summarise(client, projection, tables, false));
        return summaries;
      });
      return { compared: false, events, heldBack: 0, projections: results, differs: false };
    }
    for (const projection of projections) await new ProjectionRunner(pool, store, projection).register();
    // A transaction still open anywhere on the server holds back the log's safe order: the
    // comparison waits (up to SETTLE_MS) for a point where no committed event is held back.
    const deadline = Date.now() + SETTLE_MS;
    for (let failures = 0; ; ) {
      try {
        const report = await compareAtOnePoint(pool, store, scratch, Date.now() < deadline);
        if (report) return report;
      } catch (error) {
        if ((error as { code?: string }).code !== SERIALIZATION_FAILURE || ++failures >= 5) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await pool.query('DELETE FROM projection_checkpoints WHERE name = ANY($1)', [projections.map(replayCheckpoint)]);
    if (guard) {
      await guard.query('SELECT pg_advisory_unlock(hashtext($1))', [SCHEMA]).catch(() => {});
      guard.release();
    }
  }
}

/** The comparison, or undefined (when `waitForSettled`) if open transactions hold back committed events. */
async function compareAtOnePoint(
  pool: Pool,
  store: EventStore,
  scratch: Map<Projection, TableNames>,
  waitForSettled: boolean,
): Promise<ReplayReport | undefined> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    // The lock comes before the snapshot (LOCK takes none): live runners wait, and none can move a
    // checkpoint after the snapshot was taken.
    await client.query('LOCK TABLE projection_checkpoints IN EXCLUSIVE MODE');
    // The checksums print rows as text: the same text whatever the session's settings.
    await client.query(`SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO'; SET LOCAL extra_float_digits = 1`);
    const { rows: held } = await client.query(
      `SELECT count(*)::int AS events FROM events WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())`,
    );
    if (held[0].events > 0 && waitForSettled) {
      await client.query('ROLLBACK');
      return undefined;
    }
    const results: ProjectionReplay[] = [];
    let events = 0;
    for (const [projection, tables] of scratch) {
      for (const runner of [new ProjectionRunner(pool, store, projection), replayRunner(pool, store, projection, tables)]) {
        while (!(await runner.stepWith(client)).caughtUp);
      }
      const { rows } = await client.query('SELECT events_handled, state, error FROM projection_checkpoints WHERE name = $1', [
        replayCheckpoint(projection),
      ]);
      if (rows[0].state !== 'running') throw new Error(`the replay of ${projection.name} stopped: ${rows[0].error}`);
      events = Number(rows[0].events_handled);
      results.push(await summarise(client, projection, tables, true));
    }
    await client.query('COMMIT');
    const differs = results.some((result) => result.tables.some((table) => table.missingFromLive.length + table.notInReplay.length > 0));
    return { compared: true, events, heldBack: held[0].events, projections: results, differs };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Checksums of the replayed tables and, when comparing, the rows that differ from the live ones. */
async function summarise(db: Queryable, projection: Projection, tables: TableNames, compare: boolean): Promise<ProjectionReplay> {
  const live = liveTables(projection);
  const results: TableReplay[] = [];
  for (const table of projection.tables) {
    const { rows } = await db.query(
      `SELECT count(*)::int AS rows, coalesce(sum(('x' || left(md5(r::text), 16))::bit(64)::bigint::numeric), 0)::text AS sum
       FROM ${tables[table]} r`,
    );
    const difference = async (from: string, minus: string) =>
      compare
        ? (await db.query(`SELECT r::text AS row FROM (SELECT * FROM ${from} EXCEPT ALL SELECT * FROM ${minus}) r ORDER BY 1`)).rows.map(
            (row) => row.row as string,
          )
        : [];
    results.push({
      table,
      rows: rows[0].rows,
      checksum: `${rows[0].rows}:${BigInt.asUintN(64, BigInt(rows[0].sum)).toString(16).padStart(16, '0')}`,
      missingFromLive: await difference(tables[table]!, live[table]!),
      notInReplay: await difference(live[table]!, tables[table]!),
    });
  }
  const checksum = results.map((result) => `${result.table}=${result.checksum}`).join(' ');
  return { projection: projection.name, checksum, tables: results };
}

const scratchTables = (projection: Projection): TableNames =>
  Object.fromEntries(projection.tables.map((table) => [table, `${SCHEMA}.${table}`]));

const replayCheckpoint = (projection: Projection) => `${projection.name}__replay`;

const replayRunner = (pool: Pool, store: EventStore, projection: Projection, tables: TableNames) =>
  new ProjectionRunner(pool, store, projection, { batchSize: 5000, checkpointName: replayCheckpoint(projection), tables });
