import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { ensureFirstAdminKey } from './access/first-admin-key.js';
import { ApiKeys } from './access/api-keys.js';
import { createApp } from './app.js';
import { loadSealKey } from './audit/tamper-evidence/seal-key.js';
import { boundHeapGrowth } from './common/heap-growth.js';
import { loadConfig } from './config/config.js';
import { migrate, openDataSource, poolOf, reachableReplicas } from './database/data-source.js';
import { serverAt, startDatabase } from './database/database.js';

async function main() {
  boundHeapGrowth();
  const config = loadConfig();
  const logger = new Logger('Main');
  const database = await startDatabase(config);
  // Only the API reads from replicas: workers and the CLI write, or read the log.
  const replicas = await reachableReplicas(config.databaseReplicaUrls);
  for (const url of replicas.unreachable) logger.warn(`The replica at ${serverAt(url)} cannot be reached: reads leave it out until the next start`);
  const dataSource = await openDataSource({ ...database.target, replicaUrls: replicas.reachable });
  const applied = await migrate(dataSource, database.target);
  if (applied.length) logger.log(`Applied migrations: ${applied.join(', ')}`);

  // On a server, `npm run worker` processes may work the projections instead (PROJECTIONS=off here).
  const serverUrl = database.target.embedded ? undefined : database.target.url;
  const sealKey = loadSealKey({ pem: config.sealing.keyPem, file: config.sealing.keyFile });
  const app = await createApp(dataSource, {
    projections: { runInProcess: config.projectionsInProcess || !serverUrl, serverUrl },
    sealing: { key: sealKey, trustedKeys: config.sealing.trustedKeys, intervalMs: config.sealing.intervalMs },
    access: { publicRead: config.publicRead, rateLimit: { perMinute: config.rateLimitPerMinute } },
    logging: { level: config.logLevel },
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
  });
  const firstKeyFile = await ensureFirstAdminKey(new ApiKeys(poolOf(dataSource)), join(config.dataDir, 'first-admin.key'));
  if (firstKeyFile) {
    logger.warn(`No API keys existed: made the admin key "first-admin" and wrote it to ${firstKeyFile} (readable only by you). Make your own keys with it, then revoke it.`);
  }
  await app.listen(config.port);
  logger.log(`Listening on ${await app.getUrl()} (API docs at /docs)`);
  logger.log(`Database: ${database.description}`);
  if (replicas.reachable.length) {
    logger.log(`Timelines, statistics, exports and actor search read from the replicas at ${replicas.reachable.map(serverAt).join(', ')}`);
  }
  logger.log(`Seals are signed with Ed25519 public key ${sealKey.publicKey.toString('base64url')}`);

  // Close HTTP first, then the pool, then embedded PostgreSQL, so its files are left clean.
  const shutdown = async (signal: string) => {
    logger.log(`${signal}: shutting down`);
    await app.close();
    await database.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
