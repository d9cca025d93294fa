import { RUN_SOURCES, fromRoot, startNode, type NodeProcess } from '../../support/child-processes.js';
import { client, type Client } from '../../reliability/support/http.js';

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
