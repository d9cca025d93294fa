import { resolve } from 'node:path';

export interface AppConfig {
  /** HTTP port; 0 lets the OS pick one (tests). */
  port: number;
  /** A PostgreSQL server; when absent the service runs on embedded PostgreSQL in `dataDir`. */
  databaseUrl?: string;
  /** Where embedded PostgreSQL keeps its files, so a restart keeps everything. */
  dataDir: string;
  /** PROJECTIONS=off leaves the projections to `npm run worker` processes (on a server only). */
  projectionsInProcess: boolean;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer between 0 and 65535, got "${env.PORT}"`);
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const projections = env.PROJECTIONS?.trim() || 'in-process';
  if (projections !== 'in-process' && projections !== 'off') {
    throw new ConfigError(`PROJECTIONS must be "in-process" or "off", got "${env.PROJECTIONS}"`);
  }
  return { port, databaseUrl, dataDir: resolve(env.DATA_DIR ?? './data'), projectionsInProcess: projections === 'in-process' };
}
