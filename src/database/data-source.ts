import type { Pool } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { hashUnhashedEvents } from '../event-store/hash-backfill.js';
import { loadBundledPlaces } from '../places/load/load-places.js';
import { loadSqlMigrations } from './sql-migrations.js';

export interface DatabaseTarget {
  url: string;
  /** Embedded PostgreSQL serves one session at a time: see embedded-postgres.ts. */
  embedded: boolean;
}

export function dataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  return {
    type: 'postgres',
    url: target.url,
    synchronize: false,
    migrations: loadSqlMigrations(),
    migrationsTransactionMode: 'each',
    extra: { max: target.embedded ? 1 : 20 },
  };
}

/**
 * Whether a pool reaches the embedded database: its pool holds one connection, since the
 * embedded database is a single session (and its socket does not carry COPY).
 */
export function isEmbeddedPool(pool: Pool): boolean {
  return pool.options.max === 1;
}

/** A connected data source (migrations not yet run). */
export async function openDataSource(target: DatabaseTarget): Promise<DataSource> {
  const dataSource = await new DataSource(dataSourceOptions(target)).initialize();
  if (target.embedded) forgetPreparedStatementsOnReconnect(poolOf(dataSource));
  return dataSource;
}

/**
 * Embedded PostgreSQL keeps one session for all connections, so a new connection (pg-pool
 * replaces one after any failed query) finds the old connection's prepared statements still
 * there, and preparing them again would fail.
 */
function forgetPreparedStatementsOnReconnect(pool: Pool): void {
  pool.on('connect', (client) => {
    client.query('DEALLOCATE ALL').catch(() => {});
  });
}

/** The `pg` pool under TypeORM: the event store talks to it directly for prepared statements. */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/**
 * Runs pending migrations, then loads the reference data that ships with the code. On a server,
 * several processes may start at once, so they take turns under a session advisory lock held on
 * a connection of its own.
 */
export async function migrate(dataSource: DataSource, target: DatabaseTarget): Promise<string[]> {
  const run = async () => {
    const applied = (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    // Events recorded before the log was hash-chained get their hashes (see the migration).
    await hashUnhashedEvents(poolOf(dataSource));
    // Reference data that ships with the code (the gazetteer), reloaded only when it changed.
    await loadBundledPlaces(poolOf(dataSource));
    return applied;
  };
  if (target.embedded) return run();
  const lock = await poolOf(dataSource).connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', ['incident-tracker:migrations']);
    return await run();
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', ['incident-tracker:migrations']).catch(() => {});
    lock.release();
  }
}
