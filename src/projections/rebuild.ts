import type { Pool, PoolClient } from 'pg';
import { isEmbeddedPool } from '../database/data-source.js';
import { inTransaction } from '../database/transaction.js';
import type { EventStore, Queryable } from '../event-store/index.js';
import type { Projection, TableNames } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';
import { isStreamProjection, type StreamProjection } from './stream-projection.js';
import { loadCutInParts } from './stream-rebuild.js';

const SUFFIX = '__rebuild';
/** Connections that build a rebuild's indexes side by side. */
const INDEX_BUILDERS = 3;

export interface RebuildResult {
  events: number;
  seconds: number;
}

interface Index {
  name: string;
  definition: string;
  primary: boolean;
  unique: boolean;
}

/**
 * Rebuilds a projection from the start of the log into fresh tables, while the live tables go on
 * serving reads and following the log. Once caught up, it holds the live checkpoint's row lock
 * (the live runner, in whatever process, waits on it), handles the last events, and swaps the
 * tables and the checkpoint in one transaction: readers see the old tables or the new ones,
 * never a mix. A rebuild also restarts a projection that stopped on an event: the rebuild runs
 * the current code, and stops with the error if that still fails.
 *
 * A stream projection is first loaded from a cut of the log read stream by stream, in parts side
 * by side (stream-rebuild.ts); the runner then goes on from the cut's checkpoint in the log's order.
 *
 * A stream projection's fresh tables get all their indexes once loaded, before following the
 * log replaces rows by key: building an index once costs far less than keeping it up row by row
 * (a primary key too: COPY of the timeline's entries took a third to a half longer with one).
 * Another projection upserts from its first event, so its tables get their primary keys and
 * unique indexes at once.
 */
export async function rebuildProjection(
  pool: Pool,
  store: EventStore,
  projection: Projection,
  options: { batchSize?: number; onProgress?: (handled: number) => void } = {},
): Promise<RebuildResult> {
  const started = performance.now();
  const rebuild = await createFreshTables(pool, projection);
  const runner = new ProjectionRunner(pool, store, projection, {
    batchSize: options.batchSize ?? 5000,
    checkpointName: rebuild.checkpointName,
    tables: rebuild.fresh,
  });
  try {
    await runner.register();
    let handled = isStreamProjection(projection) ? await loadByStream(pool, store, projection, rebuild, options) : 0;
    // Following the log replaces rows by key: the indexes serve that from here on.
    await createIndexes(pool, projection, rebuild);
    for (;;) {
      const step = await runner.step();
      handled += step.handled;
      options.onProgress?.(handled);
      if (step.caughtUp) break;
    }
    handled += await swapIn(pool, projection, rebuild, runner);
    return { events: handled, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    // The live tables never changed; the fresh ones are of no use now.
    await inTransaction(pool, async (client) => {
      for (const table of projection.tables) await client.query(`DROP TABLE IF EXISTS ${rebuild.fresh[table]}`);
      await client.query('DELETE FROM projection_checkpoints WHERE name = $1', [rebuild.checkpointName]);
    }).catch(() => {});
    throw error;
  }
}

interface Rebuild {
  fresh: TableNames;
  checkpointName: string;
  /** The live tables' indexes, to give the fresh tables. */
  indexes: Map<string, Index[]>;
  /** Whether the unique indexes (and primary keys) were made with the tables, or come with the rest. */
  uniqueFirst: boolean;
}

/** Empty copies of the projection's tables: with their unique indexes if upserts need them at once. */
async function createFreshTables(pool: Pool, projection: Projection): Promise<Rebuild> {
  const fresh: TableNames = Object.fromEntries(projection.tables.map((table) => [table, `${table}${SUFFIX}`]));
  const checkpointName = `${projection.name}${SUFFIX}`;
  const indexes = new Map<string, Index[]>();
  const uniqueFirst = !isStreamProjection(projection);
  await inTransaction(pool, async (client) => {
    for (const table of projection.tables) {
      indexes.set(table, await indexesOf(client, table));
      await client.query(`DROP TABLE IF EXISTS ${fresh[table]}`);
      await client.query(`CREATE TABLE ${fresh[table]} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      if (!uniqueFirst) continue;
      for (const index of indexes.get(table)!.filter((index) => index.unique)) {
        await client.query(retarget(index, table, fresh[table]!));
        if (index.primary) await client.query(primaryKey(index, fresh[table]!));
      }
    }
    await client.query('DELETE FROM projection_checkpoints WHERE name = $1', [checkpointName]);
    await client.query('INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [projection.name]);
  });
  return { fresh, checkpointName, indexes, uniqueFirst };
}

/** Loads a cut of the log stream by stream, and puts the rebuild's checkpoint at the cut's end. */
async function loadByStream(
  pool: Pool,
  store: EventStore,
  projection: StreamProjection,
  { fresh, checkpointName }: Rebuild,
  options: { batchSize?: number; onProgress?: (handled: number) => void },
): Promise<number> {
  const cut = await loadCutInParts(pool, store, projection, fresh, { chunk: options.batchSize, onProgress: options.onProgress });
  await pool.query(
    `UPDATE projection_checkpoints
     SET transaction_id = $2::xid8, position = $3, events_handled = $4, last_event_recorded_at = $5, updated_at = now()
     WHERE name = $1`,
    [checkpointName, cut.checkpoint.transactionId, cut.checkpoint.position, cut.events, cut.lastRecordedAt ?? null],
  );
  return cut.events;
}

/**
 * The fresh tables' indexes not made with them, then their statistics. CREATE INDEX on one table
 * does not block another on it, so they are built side by side on a few connections (one,
 * embedded), longest first: the trigram index alone takes as long as all the others. A primary
 * key takes its index once all are built (ALTER TABLE would wait for the others on its table).
 */
async function createIndexes(pool: Pool, projection: Projection, { fresh, indexes, uniqueFirst }: Rebuild): Promise<void> {
  const toBuild = (index: Index) => !(uniqueFirst && index.unique);
  const statements = projection.tables
    .flatMap((table) => indexes.get(table)!.filter(toBuild).map((index) => retarget(index, table, fresh[table]!)))
    .sort((a, b) => Number(/ USING gin /.test(b)) - Number(/ USING gin /.test(a)));
  const connections = isEmbeddedPool(pool) ? 1 : INDEX_BUILDERS;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (let statement = statements.shift(); statement; statement = statements.shift()) await pool.query(statement);
    }),
  );
  for (const table of projection.tables) {
    for (const index of indexes.get(table)!.filter((index) => index.primary && toBuild(index))) await pool.query(primaryKey(index, fresh[table]!));
  }
  await Promise.all(projection.tables.map((table) => pool.query(`ANALYZE ${fresh[table]}`)));
}

/**
 * Holding the live checkpoint's row lock, handles the last events, then swaps the tables and
 * the checkpoint. Returns how many events it handled.
 */
async function swapIn(pool: Pool, projection: Projection, rebuild: Rebuild, runner: ProjectionRunner): Promise<number> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT 1 FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [projection.name]);
    let handled = 0;
    for (;;) {
      const step = await runner.stepWith(client);
      handled += step.handled;
      if (step.caughtUp) break;
    }
    const { rows } = await client.query('SELECT state, error FROM projection_checkpoints WHERE name = $1', [rebuild.checkpointName]);
    if (rows[0].state !== 'running') throw new Error(`rebuild of ${projection.name} stopped: ${rows[0].error}`);
    await swap(client, projection, rebuild);
    await client.query(
      `UPDATE projection_checkpoints live
       SET transaction_id = rebuilt.transaction_id, position = rebuilt.position, events_handled = rebuilt.events_handled,
           last_event_recorded_at = rebuilt.last_event_recorded_at, state = 'running', error = NULL,
           error_position = NULL, updated_at = now()
       FROM projection_checkpoints rebuilt
       WHERE live.name = $1 AND rebuilt.name = $2`,
      [projection.name, rebuild.checkpointName],
    );
    await client.query('DELETE FROM projection_checkpoints WHERE name = $1', [rebuild.checkpointName]);
    return handled;
  });
}

/** The fresh tables and their indexes take the live ones' names, so the next rebuild finds them as before. */
async function swap(client: PoolClient, projection: Projection, { fresh, indexes }: Rebuild) {
  for (const table of projection.tables) {
    await client.query(`DROP TABLE ${table}`);
    await client.query(`ALTER TABLE ${fresh[table]} RENAME TO ${table}`);
    for (const index of indexes.get(table)!) await client.query(`ALTER INDEX ${index.name}${SUFFIX} RENAME TO ${index.name}`);
  }
}

async function indexesOf(db: Queryable, table: string): Promise<Index[]> {
  const { rows } = await db.query(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition, x.indisprimary AS primary, x.indisunique AS unique
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     WHERE x.indrelid = $1::regclass ORDER BY x.indisprimary DESC, i.relname`,
    [table],
  );
  return rows;
}

/** Makes the index, retargeted at `target`, its primary key. */
const primaryKey = (index: Index, target: string) =>
  `ALTER TABLE ${target} ADD CONSTRAINT ${index.name}${SUFFIX} PRIMARY KEY USING INDEX ${index.name}${SUFFIX}`;

/** The index's definition, for the same columns of another table, under the name `<index>__rebuild`. */
function retarget(index: Index, table: string, target: string): string {
  return index.definition
    .replace(` INDEX ${index.name} ON `, ` INDEX ${index.name}${SUFFIX} ON `)
    .replace(new RegExp(` ON (\\w+\\.)?${table} USING `), ` ON ${target} USING `);
}
