import { mkdirSync } from 'node:fs';
import type { AppConfig } from '../config/config.js';
import type { DatabaseTarget } from './data-source.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface Database {
  target: DatabaseTarget;
  /** For people: which database this is, without credentials. */
  description: string;
  /** Stops embedded PostgreSQL; a server is left alone. */
  stop(): Promise<void>;
}

/** The configured server, or embedded PostgreSQL keeping its files in DATA_DIR. */
export async function startDatabase(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>): Promise<Database> {
  if (config.databaseUrl) {
    return {
      target: { url: config.databaseUrl, embedded: false },
      description: `PostgreSQL at ${serverAt(config.databaseUrl)}`,
      stop: async () => {},
    };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const embedded = await startEmbeddedPostgres(config.dataDir);
  return {
    target: { url: embedded.url, embedded: true },
    description: `embedded PostgreSQL (PGlite) in ${config.dataDir}, served at ${new URL(embedded.url).host}`,
    stop: () => embedded.stop(),
  };
}

/** Where a postgres:// URL points (host:port/database), without its user or password. */
export function serverAt(postgresUrl: string): string {
  const url = new URL(postgresUrl);
  return `${url.hostname}:${url.port || 5432}${url.pathname}`;
}
