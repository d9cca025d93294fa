import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_SOURCES, fromRoot, startNode, type NodeProcess } from '../../support/child-processes.js';
import { client, type Client } from './http.js';

/** The API (src/main.ts) as a child process, as `npm start` runs it, on a port the OS picks. */
export interface Service {
  process: NodeProcess;
  api: Client;
  /** How long it took from spawning to listening. */
  startedInMs: number;
}

export interface ServiceOptions {
  /** DATA_DIR: embedded PostgreSQL's files (without a server), the first admin key and the seal key. */
  dataDir: string;
  /** A PostgreSQL server; without it the service runs embedded PostgreSQL in dataDir. */
  databaseUrl?: string;
  /** More of the service's environment (SEAL_INTERVAL_SECONDS, …). */
  env?: Record<string, string>;
}

/**
 * Starts the service and waits until it listens. Its admin key is the one the first start on
 * an empty database wrote to `$DATA_DIR/first-admin.key`.
 */
export async function startService(name: string, { dataDir, databaseUrl, env = {} }: ServiceOptions): Promise<Service> {
  const started = Date.now();
  const child = startNode(name, [...RUN_SOURCES, fromRoot('src/main.ts')], {
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl ?? '',
    PORT: '0',
    // "Listening on …" is an info line; load tests must not meet the rate limit.
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  });
  await child.said('Listening on http', 120_000);
  const url = /Listening on (http:\/\/\S+)/.exec(child.output())![1]!;
  const key = (await readFile(join(dataDir, 'first-admin.key'), 'utf8')).trim();
  return { process: child, api: client(url, key), startedInMs: Date.now() - started };
}
