import pg, { type Pool, type PoolClient } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { hashUnhashedEvents } from '../event-store/hash-backfill.js';
import type { Queryable } from '../event-store/index.js';
import { loadBundledPlaces } from '../places/load/load-places.js';
import { loadSqlMigrations } from './sql-migrations.js';
import { isDatabaseUnavailable } from './unavailable.js';

export interface DatabaseTarget {
  url: string;
  /** Embedded PostgreSQL serves one session at a time: see embedded-postgres.ts. */
  embedded: boolean;
  /** Streaming replicas of the server at `url`, for reads of the read models (see readPoolOf). */
  replicaUrls?: readonly string[];
}

/**
 * How long a request waits for a connection (a new one, or a turn in the pool's queue) before it
 * is answered 503: a server that accepts connections and then says nothing must not hold
 * requests until the client gives up. A refused connection fails at once regardless.
 */
export const CONNECTION_TIMEOUT_MS = 5000;

export function dataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  const onConnect = (client: PoolClient) => prepareConnection(client, target);
  const replicaUrls = target.embedded ? [] : (target.replicaUrls ?? []);
  return {
    type: 'postgres',
    // TypeORM gives each server a pool of its own, every one with `extra` below.
    ...(replicaUrls.length
      ? { replication: { master: { url: target.url }, slaves: replicaUrls.map((url) => ({ url })) } }
      : { url: target.url }),
    synchronize: false,
    migrations: loadSqlMigrations(),
    migrationsTransactionMode: 'each',
    // Embedded PostgreSQL lives in this process and cannot go away on its own; its one
    // connection is taken in turns, sometimes for long (a replay, an import batch), so a
    // request waits for it rather than fail.
    extra: target.embedded
      ? { max: 1, onConnect }
      : {
          max: 20,
          onConnect,
          connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
          // A server that vanished without closing its sockets (a network cut) is noticed on
          // idle connections instead of on the next request.
          keepAlive: true,
          keepAliveInitialDelayMillis: 10_000,
        },
  };
}

/**
 * Whether a pool reaches the embedded database: its pool holds one connection, since the
 * embedded database is a single session (and its socket does not carry COPY).
 */
export function isEmbeddedPool(pool: Pool): boolean {
  return pool.options.max === 1;
}

/**
 * The replicas that accept a connection now, and those that do not. TypeORM connects to every
 * replica when it starts and fails if one is down: the API leaves those out (until its next
 * start) rather than not start at all.
 */
export async function reachableReplicas(urls: readonly string[]): Promise<{ reachable: string[]; unreachable: string[] }> {
  const reached = await Promise.all(
    urls.map(async (url) => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECTION_TIMEOUT_MS });
      client.on('error', () => {});
      try {
        await client.connect();
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => {});
      }
    }),
  );
  return { reachable: urls.filter((_, index) => reached[index]), unreachable: urls.filter((_, index) => !reached[index]) };
}

/** A connected data source (migrations not yet run). */
export async function openDataSource(target: DatabaseTarget): Promise<DataSource> {
  return new DataSource(dataSourceOptions(target)).initialize();
}

/** Each new connection of the pool, before the pool hands it out. */
async function prepareConnection(client: PoolClient, target: DatabaseTarget): Promise<void> {
  // When the server goes away (a restart, a failover), every connection emits 'error'. The pool
  // listens on its idle ones and drops them; one taken out of the pool (a transaction in
  // progress) has no listener, and an 'error' event without one ends the process. The query in
  // progress fails on its own and the pool drops the connection when it is released, so the
  // event needs nothing more than a listener.
  client.on('error', () => {});
  // Embedded PostgreSQL keeps one session for all connections, so a new connection (pg-pool
  // replaces one after any failed query) finds the old one's prepared statements still there,
  // and preparing them again would fail.
  if (target.embedded) await client.query('DEALLOCATE ALL').catch(() => {});
}

/**
 * The `pg` pool of the primary under TypeORM: the event store talks to it directly for prepared
 * statements, and everything that writes, or reads the log, uses it.
 */
export function poolOf(dataSource: DataSource): Pool {
  return driverPools(dataSource).master;
}

let nextReplica = 0;

/** How long a replica that could not answer a read is passed over. */
const REPLICA_REST_MS = 5_000;
/** Until when each replica that could not answer is passed over. */
const restingUntil = new WeakMap<Pool, number>();

/**
 * Where to read the read models: a replica, in turn, or the primary when there are none. A
 * replica is behind the primary by its replay lag, so a read that must see a write (minPosition)
 * waits for it on the very server it then reads from: take one per request.
 *
 * A read the replica cannot answer, because it cannot be reached or because its replay cancelled
 * the query (a recovery conflict), is answered by the primary, which is never behind it; that
 * replica is then passed over for a few seconds.
 */
export function readPoolOf(dataSource: DataSource): Queryable {
  const { master, slaves } = driverPools(dataSource);
  const now = Date.now();
  const ready = slaves.filter((slave) => (restingUntil.get(slave) ?? 0) <= now);
  if (ready.length === 0) return master;
  const replica = ready[nextReplica++ % ready.length]!;
  const query = async (...args: unknown[]) => {
    try {
      return await (replica.query as (...args: unknown[]) => Promise<unknown>)(...args);
    } catch (error) {
      if (!isDatabaseUnavailable(error) && !isRecoveryConflict(error)) throw error;
      restingUntil.set(replica, Date.now() + REPLICA_REST_MS);
      return (master.query as (...args: unknown[]) => Promise<unknown>)(...args);
    }
  };
  return { query } as Queryable;
}

/**
 * A standby cancels a query that holds back its replay with SQLSTATE 40001 ("conflict with
 * recovery"), or 40P01 when it would deadlock with it: nothing a retry elsewhere cannot answer.
 */
const isRecoveryConflict = (error: unknown) => ['40001', '40P01'].includes((error as { code?: string })?.code ?? '');

const driverPools = (dataSource: DataSource) => dataSource.driver as unknown as { master: Pool; slaves: Pool[] };

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
