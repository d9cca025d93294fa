import { readdir, readFile, readlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queryable } from '../../../src/event-store/index.js';
import { projectionLockSql } from '../../../src/projections/projection-status.js';
import { RUN_SOURCES, fromRoot, startNode, stopAllProcesses, type NodeProcess } from '../../support/child-processes.js';
import { PROJECTION_NAMES } from './read-models.js';

/**
 * Projection workers as child processes, to be killed with SIGKILL. Every process started here
 * is remembered, so `stopAllWorkers()` in afterAll kills whatever a failed test left running.
 */

/** `npm run worker` runs src/worker.ts compiled by `nest build`; tests run the source (see RUN_SOURCES). */
const REAL_WORKER = [...RUN_SOURCES, fromRoot('src/worker.ts')];

export type WorkerProcess = NodeProcess;

/**
 * `src/worker.ts`, the real worker, on the database at `databaseUrl`; it seals nothing unless
 * `env` says how (SEAL_INTERVAL_SECONDS and a key).
 */
export function startWorker(name: string, databaseUrl: string, env: Record<string, string> = {}): WorkerProcess {
  return startNode(name, REAL_WORKER, { DATABASE_URL: databaseUrl, SEAL_INTERVAL_SECONDS: '0', ...env });
}

/** A fixture script under test/projections/fixtures, with arguments. */
export function startFixture(name: string, fixture: string, args: string[]): WorkerProcess {
  return startNode(name, ['--import', 'tsx', fromRoot(`test/projections/fixtures/${fixture}`), ...args], {});
}

export const stopAllWorkers = stopAllProcesses;

/**
 * Which connection holds each projection's advisory lock on this database (the lock the daemon
 * takes with `pg_try_advisory_lock(hashtext('projection:' || name))`), with its backend pid and
 * client port; null for a projection no one leads.
 */
export async function lockHolders(
  db: Queryable,
  names: readonly string[],
): Promise<Record<string, { backend: number; clientPort: number; applicationName: string } | null>> {
  const { rows } = await db.query(
    `SELECT p.name, a.pid AS backend, a.client_port, a.application_name
     FROM unnest($1::text[]) AS p(name)
     LEFT JOIN pg_locks l ON ${projectionLockSql('l', 'p.name')}
     LEFT JOIN pg_stat_activity a ON a.pid = l.pid`,
    [names],
  );
  return Object.fromEntries(
    rows.map((row) => [
      row.name,
      row.backend === null ? null : { backend: row.backend, clientPort: row.client_port, applicationName: row.application_name },
    ]),
  );
}

/**
 * The worker whose process owns the TCP connection with local port `port` (Linux: its sockets
 * in /proc/<pid>/fd, found in /proc/net/tcp by inode), or undefined.
 */
export async function workerOwningPort(workers: readonly WorkerProcess[], port: number): Promise<WorkerProcess | undefined> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const localPort = parseInt(fields[1]!.split(':')[1]!, 16);
      if (localPort === port) inodes.add(fields[9]!);
    }
  }
  for (const worker of workers) {
    const fds = await readdir(`/proc/${worker.pid}/fd`).catch(() => []);
    for (const fd of fds) {
      const link = await readlink(`/proc/${worker.pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode && inodes.has(inode)) return worker;
    }
  }
  return undefined;
}

/**
 * The worker holding each projection's lock, once every projection has one held by a worker's
 * daemon (never by an API process, which runs no projection with PROJECTIONS=off).
 */
export async function projectionLeaders(
  db: Queryable,
  workers: readonly WorkerProcess[],
  timeoutMs = 10_000,
): Promise<Record<string, WorkerProcess>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const holders = await lockHolders(db, PROJECTION_NAMES);
    const byName: Record<string, WorkerProcess> = {};
    for (const [name, holder] of Object.entries(holders)) {
      const worker = holder && (await workerOwningPort(workers, holder.clientPort));
      if (worker && holder.applicationName.startsWith('projection-daemon ')) byName[name] = worker;
    }
    if (Object.keys(byName).length === PROJECTION_NAMES.length) return byName;
    if (Date.now() > deadline) throw new Error(`not every projection has a leader among the workers: ${JSON.stringify(holders)}`);
    await sleep(50);
  }
}

/**
 * Waits until `count` projection daemons have their control connection, so that each worker is
 * ready to take a projection over rather than still starting.
 */
export async function daemonsConnected(db: Queryable, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query(
      `SELECT count(*)::int AS daemons FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'projection-daemon %'`,
    );
    if (rows[0].daemons === count) return;
    if (Date.now() > deadline) throw new Error(`expected ${count} daemon connections, found ${rows[0].daemons}`);
    await sleep(50);
  }
}
