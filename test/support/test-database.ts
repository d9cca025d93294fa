import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe } from '@jest/globals';
import pg, { type Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { migrate, openDataSource, poolOf, type DatabaseTarget } from '../../src/database/data-source.js';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

export interface TestDatabase {
  target: DatabaseTarget;
  dataSource: DataSource;
  pool: Pool;
  close(): Promise<void>;
}

/** The suite runs on embedded PostgreSQL unless TEST_DATABASE_URL names a server. */
export const serverUrl = process.env.TEST_DATABASE_URL;

/**
 * A migrated database of this test file's own: a fresh database on the server, or a fresh
 * in-memory embedded PostgreSQL, so test files can run in parallel.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres();
    return open({ url: embedded.url, embedded: true }, () => embedded.stop());
  }
  const name = `test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return open({ url: url.toString(), embedded: false }, () =>
    withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  );
}

async function open(target: DatabaseTarget, dispose: () => Promise<unknown>): Promise<TestDatabase> {
  const dataSource = await openDataSource(target);
  await migrate(dataSource, target);
  return {
    target,
    dataSource,
    pool: poolOf(dataSource),
    async close() {
      // The application may have closed the shared data source already.
      if (dataSource.isInitialized) await dataSource.destroy();
      await dispose();
    },
  };
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Tests of true concurrency (several sessions at once) need a PostgreSQL server: embedded
 * PostgreSQL runs one session at a time. On the embedded run they are skipped, and say why.
 */
export const describeOnServer: (name: string, fn: () => void) => void = serverUrl
  ? describe
  : (name, fn) => describe.skip(`${name} [needs a PostgreSQL server: set TEST_DATABASE_URL]`, fn);

/**
 * Waits until every committed event of this database can be read in the log's safe order. The
 * order is held back by any transaction still open on the server, in any database (see
 * src/event-store/checkpoint.ts), and other test files run at the same time: a test that reads
 * the whole log right after writing it waits for this first.
 */
export async function logSettled(db: Pick<Pool, 'query'>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query(
      `SELECT NOT EXISTS (SELECT 1 FROM events WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS settled`,
    );
    if (rows[0].settled) return;
    if (Date.now() > deadline) throw new Error('the log did not settle: a transaction stayed open on the server');
    await sleep(20);
  }
}
