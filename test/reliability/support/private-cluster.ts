import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * A PostgreSQL cluster of a test's own, in a temporary directory on a free port, to stop and
 * start at will: the shared test server must never be stopped. Made with the server's own
 * tools (initdb, pg_ctl) from POSTGRES_BIN.
 */

const run = promisify(execFile);

export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

export const privateClusterPossible = () => existsSync(join(POSTGRES_BIN, 'initdb')) && existsSync(join(POSTGRES_BIN, 'pg_ctl'));

/** Whether a private cluster can have a streaming replica (createStreamingReplica). */
export const streamingReplicaPossible = () => privateClusterPossible() && existsSync(join(POSTGRES_BIN, 'pg_basebackup'));

export interface PrivateCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres, trust authentication. */
  url: string;
  port: number;
  /** `pg_ctl stop`: `fast` ends every session (57P01) and shuts down cleanly; `immediate` as in a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** `pg_ctl start`, waiting until it accepts connections. */
  start(): Promise<void>;
  /** Stops it, whatever state it is in, and removes its files. */
  destroy(): Promise<void>;
}

/** PostgreSQL refuses to run as root: then the cluster belongs to, and runs as, the postgres user. */
const asRoot = process.getuid?.() === 0;

function postgresTool(tool: string, args: string[]) {
  const path = join(POSTGRES_BIN, tool);
  return asRoot ? run('runuser', ['-u', 'postgres', '--', path, ...args]) : run(path, args);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function createPrivateCluster(): Promise<PrivateCluster> {
  const dir = await clusterDir();
  // UTF-8 character classes, as the README asks of a server (pg_trgm and Arabic).
  await postgresTool('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  return startCluster(dir);
}

/**
 * A hot standby of `primary`, started in a directory of its own on another free port: a base
 * backup taken with -R (which writes standby.signal and primary_conninfo), so it streams the
 * primary's WAL and replays it, open to reads. The primary needs nothing more than PostgreSQL
 * 15's defaults (wal_level replica, max_wal_senders 10), and `initdb -A trust` lets a local
 * connection replicate.
 */
export async function createStreamingReplica(primary: PrivateCluster): Promise<PrivateCluster> {
  const dir = await clusterDir();
  await postgresTool('pg_basebackup', [
    ...['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres'],
    ...['-D', join(dir, 'data'), '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync'],
  ]);
  return startCluster(dir);
}

async function clusterDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'private-pg-'));
  if (asRoot) await chown(dir, ...(await postgresIds()));
  return dir;
}

/** Starts the cluster whose files are in `dir`/data, on a free port. */
async function startCluster(dir: string): Promise<PrivateCluster> {
  const data = join(dir, 'data');
  const port = await freePort();
  // No fsync: the machine does not crash in these tests, only PostgreSQL stops.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const cluster: PrivateCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await postgresTool('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    },
    async stop(mode = 'fast') {
      await postgresTool('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
    },
    async destroy() {
      await postgresTool('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}

async function postgresIds(): Promise<[uid: number, gid: number]> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return [Number(uid), Number(gid)];
}
