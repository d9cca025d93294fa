import type { Queryable } from '../../../src/event-store/index.js';
import { RUN_SOURCES, fromRoot, startNode, type NodeProcess } from '../../support/child-processes.js';
import { client, type Client } from '../../reliability/support/http.js';
import { PROJECTION_NAMES } from './read-models.js';
import { lockHolders, workerOwningPort, type WorkerProcess } from './workers.js';

/**
 * API processes (src/main.ts) that leave the projections to workers, as they run behind a load
 * balancer, and which worker leads each projection.
 */

export interface ApiProcess {
  process: NodeProcess;
  api: Client;
}

export interface ApiOptions {
  databaseUrl: string;
  /** DATA_DIR of this process alone: nothing in it is shared with the other APIs. */
  dataDir: string;
  /**
   * An API key made before any API starts. Several APIs starting at once on an empty database
   * race to make the first admin key, and only the winner's DATA_DIR gets its file.
   */
  key: string;
}

/** Starts src/main.ts with PROJECTIONS=off on a port the OS picks, and waits until it listens. */
export async function startApi(name: string, { databaseUrl, dataDir, key }: ApiOptions): Promise<ApiProcess> {
  const child = startNode(name, [...RUN_SOURCES, fromRoot('src/main.ts')], {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    PORT: '0',
    PROJECTIONS: 'off',
    // The load would meet the per-process limit; sealing is not what is tested here.
    RATE_LIMIT_PER_MINUTE: '0',
    SEAL_INTERVAL_SECONDS: '0',
    // "Listening on …" is an info line.
    LOG_LEVEL: 'info',
  });
  // Several processes compile the sources at once on a busy machine: starting takes its time.
  await child.said('Listening on http', 180_000);
  const url = /Listening on (http:\/\/\S+)/.exec(child.output())![1]!;
  return { process: child, api: client(url, key) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
      if (worker && holder.applicationName === 'projection-daemon') byName[name] = worker;
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
      `SELECT count(*)::int AS daemons FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'projection-daemon'`,
    );
    if (rows[0].daemons === count) return;
    if (Date.now() > deadline) throw new Error(`expected ${count} daemon connections, found ${rows[0].daemons}`);
    await sleep(50);
  }
}
