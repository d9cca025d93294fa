import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { existsSync } from 'node:fs';
import { AppModule } from './app.module.js';
import { loadSealKey } from './audit/tamper-evidence/seal-key.js';
import { boundHeapGrowth } from './common/heap-growth.js';
import { loadConfig } from './config/config.js';
import { migrate, openDataSource } from './database/data-source.js';
import { startDatabase } from './database/database.js';

/**
 * A projection worker: follows the log and keeps the read models, with no HTTP. Several may run
 * with the API (start that with PROJECTIONS=off to leave the work to them); each projection is
 * worked by one of them at a time, and another takes it over when that one dies.
 *
 * It also seals the log every SEAL_INTERVAL_SECONDS, one sealer at a time (see Sealer), with the
 * installation's key: SEAL_KEY, or the key file the API or `audit seal` made. A worker never makes
 * a key of its own: one on another machine's disk would sign seals nobody else trusts.
 */
async function main() {
  boundHeapGrowth();
  const config = loadConfig();
  const logger = new Logger('Worker');
  if (!config.databaseUrl) {
    throw new Error('A worker needs a PostgreSQL server (DATABASE_URL): embedded PostgreSQL serves one process, the API.');
  }
  const database = await startDatabase(config);
  const dataSource = await openDataSource(database.target);
  await migrate(dataSource, database.target);
  const { keyPem, keyFile, trustedKeys, intervalMs } = config.sealing;
  const sealKey = keyPem || existsSync(keyFile) ? loadSealKey({ pem: keyPem, file: keyFile }) : undefined;
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(dataSource, { runInProcess: true, serverUrl: database.target.url }, { key: sealKey, trustedKeys, intervalMs }),
    { logger: ['error', 'warn', 'log'] },
  );
  app.enableShutdownHooks();
  logger.log(`Working projections on ${database.description}`);
  if (!sealKey) logger.log(`Not sealing: no sealing key (SEAL_KEY, or ${keyFile} as the API makes it)`);
  else if (intervalMs > 0) logger.log(`Sealing every ${intervalMs / 1000} s with Ed25519 public key ${sealKey.publicKey.toString('base64url')}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
