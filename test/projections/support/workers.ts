import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Queryable } from '../../../src/event-store/index.js';

/**
 * Projection workers as child processes, to be killed with SIGKILL. Every process started here
 * is remembered, so `stopAllWorkers()` in afterAll kills whatever a failed test left running.
 */

const root = new URL('../../../', import.meta.url);
const fromRoot = (path: string) => fileURLToPath(new URL(path, root));

/**
 * `npm run worker` runs src/worker.ts compiled by `nest build`. tsx alone cannot run it (it
 * emits no decorator metadata, which Nest's injection needs), so the hooks in
 * with-decorator-metadata.mjs compile src/ with it.
 */
const REAL_WORKER = ['--import', 'tsx', '--import', fromRoot('test/projections/support/with-decorator-metadata.mjs'), fromRoot('src/worker.ts')];

export interface WorkerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when its output contains `text`; rejects when it exits first or after `timeoutMs`. */
  said(text: string, timeoutMs?: number): Promise<void>;
  /** SIGKILL, and waits until it is gone. */
  kill(): Promise<void>;
}

const running = new Set<WorkerProcess>();

/** `src/worker.ts`, the real worker, on the database at `databaseUrl`. */
export function startWorker(name: string, databaseUrl: string): WorkerProcess {
  return startProcess(name, REAL_WORKER, { DATABASE_URL: databaseUrl });
}

/** A fixture script under test/projections/fixtures, with arguments. */
export function startFixture(name: string, fixture: string, args: string[]): WorkerProcess {
  return startProcess(name, ['--import', 'tsx', fromRoot(`test/projections/fixtures/${fixture}`), ...args], {});
}

function startProcess(name: string, args: string[], env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, args, {
    cwd: fromRoot('.'),
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters = new Set<() => void>();
  const exited = once(child, 'exit');
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      output += chunk;
      waiters.forEach((check) => check());
    });
  }
  child.on('exit', () => waiters.forEach((check) => check()));

  const worker: WorkerProcess = {
    name,
    child,
    pid: child.pid!,
    output: () => output,
    said(text, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`${name} did not say "${text}" in ${timeoutMs} ms; it said:\n${output}`)), timeoutMs);
        const check = () => {
          if (output.includes(text)) finish();
          else if (child.exitCode !== null || child.signalCode !== null) {
            finish(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before saying "${text}"; it said:\n${output}`));
          }
        };
        const finish = (error?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve();
        };
        waiters.add(check);
        check();
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      running.delete(worker);
    },
  };
  running.add(worker);
  return worker;
}

export async function stopAllWorkers(): Promise<void> {
  await Promise.all([...running].map((worker) => worker.kill()));
}

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
     LEFT JOIN pg_locks l
       ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid::bigint = ((hashtext('projection:' || p.name)::bigint >> 32) & 4294967295)
      AND l.objid::bigint = (hashtext('projection:' || p.name)::bigint & 4294967295)
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
