import { isIP } from 'node:net';
import { join, resolve } from 'node:path';

export interface AppConfig {
  /** HTTP port; 0 lets the OS pick one (tests). */
  port: number;
  /** A PostgreSQL server; when absent the service runs on embedded PostgreSQL in `dataDir`. */
  databaseUrl?: string;
  /** DATABASE_REPLICA_URLS: streaming replicas of that server, for the read models' reads. */
  databaseReplicaUrls: string[];
  /** Where embedded PostgreSQL keeps its files, so a restart keeps everything. */
  dataDir: string;
  /** PROJECTIONS=off leaves the projections to `npm run worker` processes (on a server only). */
  projectionsInProcess: boolean;
  sealing: SealingConfig;
  /** PUBLIC_READ=true: reads a viewer may make need no key. */
  publicRead: boolean;
  /** RATE_LIMIT_PER_MINUTE: requests per key per minute, counted by all API processes together; 0 for none. */
  rateLimitPerMinute: number;
  /** CORS_ORIGINS: origins (comma-separated) whose pages may call the API; none by default. */
  corsOrigins: string[];
  /** LOG_LEVEL: fatal, error, warn, info (every request), debug, trace or silent. */
  logLevel: LogLevel;
  /**
   * TRUST_PROXY: the proxies in front of the API whose X-Forwarded-For to believe, as Express
   * takes them (its `trust proxy` setting): a number of hops, or addresses, subnets and
   * `loopback`, `linklocal`, `uniquelocal`; none by default.
   */
  trustProxy: number | string[];
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface SealingConfig {
  /** The Ed25519 private key as PEM (SEAL_KEY), else the file holding it (made on first start). */
  keyPem?: string;
  keyFile: string;
  /** Public keys (raw, base64url) whose seals count besides the configured key's: keys used before. */
  trustedKeys: Buffer[];
  /** How often this process seals the log; 0 leaves sealing to another process. */
  intervalMs: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer between 0 and 65535, got "${env.PORT}"`);
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !isPostgresUrl(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const databaseReplicaUrls = (env.DATABASE_REPLICA_URLS ?? '').split(',').map((url) => url.trim()).filter(Boolean);
  if (databaseReplicaUrls.length && !databaseUrl) {
    throw new ConfigError('DATABASE_REPLICA_URLS needs DATABASE_URL: replicas follow a PostgreSQL server, and embedded PostgreSQL has none');
  }
  if (!databaseReplicaUrls.every(isPostgresUrl)) {
    throw new ConfigError('DATABASE_REPLICA_URLS must list postgres:// or postgresql:// URLs, separated by commas');
  }
  const projections = env.PROJECTIONS?.trim() || 'in-process';
  if (projections !== 'in-process' && projections !== 'off') {
    throw new ConfigError(`PROJECTIONS must be "in-process" or "off", got "${env.PROJECTIONS}"`);
  }
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const publicRead = env.PUBLIC_READ?.trim() || 'false';
  if (publicRead !== 'true' && publicRead !== 'false') {
    throw new ConfigError(`PUBLIC_READ must be "true" or "false", got "${env.PUBLIC_READ}"`);
  }
  const rateLimitPerMinute = Number(env.RATE_LIMIT_PER_MINUTE?.trim() || 1200);
  if (!Number.isInteger(rateLimitPerMinute) || rateLimitPerMinute < 0) {
    throw new ConfigError(`RATE_LIMIT_PER_MINUTE must be a whole number, 0 for no limit, got "${env.RATE_LIMIT_PER_MINUTE}"`);
  }
  const corsOrigins = (env.CORS_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(`CORS_ORIGINS must list origins such as https://maps.example.org (no path), got "${origin}"`);
    }
  }
  const trustProxy = trustProxyConfig(env.TRUST_PROXY);
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  return {
    port,
    databaseUrl,
    databaseReplicaUrls,
    dataDir,
    projectionsInProcess: projections === 'in-process',
    sealing: sealingConfig(env, dataDir),
    publicRead: publicRead === 'true',
    rateLimitPerMinute,
    corsOrigins,
    logLevel,
    trustProxy,
  };
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** A number of hops, or a list of proxies: addresses, subnets (address/bits) and Express's names for ranges. */
function trustProxyConfig(value = ''): number | string[] {
  const trimmed = value.trim();
  if (trimmed === '') return 0;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const proxies = trimmed.split(',').map((proxy) => proxy.trim()).filter(Boolean);
  for (const proxy of proxies) {
    const [address, bits, ...rest] = proxy.split('/');
    const version = isIP(address!);
    const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (version === 6 ? 128 : 32));
    if (!PROXY_NAMES.includes(proxy) && !(version && validBits && rest.length === 0)) {
      throw new ConfigError(
        `TRUST_PROXY must be a number of proxies, or list their addresses or subnets (10.0.0.0/8) or ${PROXY_NAMES.join(', ')}, got "${proxy}"`,
      );
    }
  }
  return proxies;
}

const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url) && URL.canParse(url);

function sealingConfig(env: NodeJS.ProcessEnv, dataDir: string): SealingConfig {
  const interval = Number(env.SEAL_INTERVAL_SECONDS ?? 60);
  // Node's timers take at most 2^31 - 1 ms (about 24 days).
  if (!Number.isFinite(interval) || interval < 0 || interval > 2_147_483) {
    throw new ConfigError(`SEAL_INTERVAL_SECONDS must be a number of seconds up to 2147483, 0 for none, got "${env.SEAL_INTERVAL_SECONDS}"`);
  }
  const trustedKeys = (env.SEAL_TRUSTED_KEYS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean)
    .map((key) => {
      const raw = Buffer.from(key, 'base64url');
      if (raw.length !== 32 || raw.toString('base64url') !== key) {
        throw new ConfigError(`SEAL_TRUSTED_KEYS must list raw Ed25519 public keys in base64url (43 characters), got "${key}"`);
      }
      return raw;
    });
  return {
    keyPem: env.SEAL_KEY?.trim() || undefined,
    keyFile: resolve(env.SEAL_KEY_FILE ?? join(dataDir, 'seal-key.pem')),
    trustedKeys,
    intervalMs: interval * 1000,
  };
}
