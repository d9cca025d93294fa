import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../database/transaction.js';
import type { EventStore, Queryable } from '../event-store/index.js';
import type { Projection, TableNames } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';

const SUFFIX = '__rebuild';

export interface RebuildResult {
  events: number;
  seconds: number;
}

interface Index {
  name: string;
  definition: string;
  primary: boolean;
}

/**
 * Rebuilds a projection from the start of the log into fresh tables, while the live tables go on
 * serving reads and following the log. Once caught up, it holds the live checkpoint's row lock
 * (the live runner, in whatever process, waits on it), handles the last events, and swaps the
 * tables and the checkpoint in one transaction: readers see the old tables or the new ones,
 * never a mix. A rebuild also restarts a projection that stopped on an event: the rebuild runs
 * the current code, and stops with the error if that still fails.
 *
 * The fresh tables get their primary keys at once (projections upsert on them) and their other
 * indexes once filled: building an index once costs far less than keeping it up row by row.
 */
export async function rebuildProjection(
  pool: Pool,
  store: EventStore,
  projection: Projection,
  options: { batchSize?: number; onProgress?: (handled: number) => void } = {},
): Promise<RebuildResult> {
  const started = performance.now();
  const fresh: TableNames = Object.fromEntries(projection.tables.map((table) => [table, `${table}${SUFFIX}`]));
  const checkpointName = `${projection.name}${SUFFIX}`;
  const indexes = new Map<string, Index[]>();
  await inTransaction(pool, async (client) => {
    for (const table of projection.tables) {
      indexes.set(table, await indexesOf(client, table));
      await client.query(`DROP TABLE IF EXISTS ${fresh[table]}`);
      await client.query(`CREATE TABLE ${fresh[table]} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      for (const index of indexes.get(table)!.filter((index) => index.primary)) {
        await client.query(retarget(index, table, fresh[table]!));
        await client.query(`ALTER TABLE ${fresh[table]} ADD CONSTRAINT ${index.name}${SUFFIX} PRIMARY KEY USING INDEX ${index.name}${SUFFIX}`);
      }
    }
    await client.query('DELETE FROM projection_checkpoints WHERE name = $1', [checkpointName]);
    await client.query('INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [projection.name]);
  });
  const runner = new ProjectionRunner(pool, store, projection, { batchSize: options.batchSize ?? 5000, checkpointName, tables: fresh });
  await runner.register();

  let handled = 0;
  for (;;) {
    const step = await runner.step();
    handled += step.handled;
    options.onProgress?.(handled);
    if (step.caughtUp) break;
  }
  await inTransaction(pool, async (client) => {
    for (const table of projection.tables) {
      for (const index of indexes.get(table)!.filter((index) => !index.primary)) {
        await client.query(retarget(index, table, fresh[table]!));
      }
      await client.query(`ANALYZE ${fresh[table]}`);
    }
  });
  await inTransaction(pool, async (client) => {
    await client.query('SELECT 1 FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [projection.name]);
    for (;;) {
      const step = await runner.stepWith(client);
      handled += step.handled;
      if (step.caughtUp) break;
    }
    const { rows } = await client.query('SELECT state, error FROM projection_checkpoints WHERE name = $1', [checkpointName]);
    if (rows[0].state !== 'running') throw new Error(`rebuild of ${projection.name} stopped: ${rows[0].error}`);
    await swap(client, projection, fresh, indexes);
    await client.query(
      `UPDATE projection_checkpoints live
       SET transaction_id = rebuilt.transaction_id, position = rebuilt.position, events_handled = rebuilt.events_handled,
           last_event_recorded_at = rebuilt.last_event_recorded_at, state = 'running', error = NULL,
           error_position = NULL, updated_at = now()
       FROM projection_checkpoints rebuilt
       WHERE live.name = $1 AND rebuilt.name = $2`,
      [projection.name, checkpointName],
    );
    await client.query('DELETE FROM projection_checkpoints WHERE name = $1', [checkpointName]);
  });
  return { events: handled, seconds: (performance.now() - started) / 1000 };
}

/** The fresh tables and their indexes take the live ones' names, so the next rebuild finds them as before. */
async function swap(client: PoolClient, projection: Projection, fresh: TableNames, indexes: Map<string, Index[]>) {
  for (const table of projection.tables) {
    await client.query(`DROP TABLE ${table}`);
    await client.query(`ALTER TABLE ${fresh[table]} RENAME TO ${table}`);
    for (const index of indexes.get(table)!) await client.query(`ALTER INDEX ${index.name}${SUFFIX} RENAME TO ${index.name}`);
  }
}

async function indexesOf(db: Queryable, table: string): Promise<Index[]> {
  const { rows } = await db.query(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition, x.indisprimary AS primary
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     WHERE x.indrelid = $1::regclass ORDER BY x.indisprimary DESC, i.relname`,
    [table],
  );
  return rows;
}

/** The index's definition, for the same columns of another table, under the name `<index>__rebuild`. */
function retarget(index: Index, table: string, target: string): string {
  return index.definition
    .replace(` INDEX ${index.name} ON `, ` INDEX ${index.name}${SUFFIX} ON `)
    .replace(new RegExp(` ON (\\w+\\.)?${table} USING `), ` ON ${target} USING `);
}
