import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { loadConfig } from './config/config.js';
import { migrate, openDataSource } from './database/data-source.js';
import { startDatabase } from './database/database.js';

/**
 * A projection worker: follows the log and keeps the read models, with no HTTP. Several may run
 * with the API (start that with PROJECTIONS=off to leave the work to them); each projection is
 * worked by one of them at a time, and another takes it over when that one dies.
 */
async function main() {
  const config = loadConfig();
  const logger = new Logger('Worker');
  if (!config.databaseUrl) {
    throw new Error('A worker needs a PostgreSQL server (DATABASE_URL): embedded PostgreSQL serves one process, the API.');
  }
  const database = await startDatabase(config);
  const dataSource = await openDataSource(database.target);
  await migrate(dataSource, database.target);
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(dataSource, { runInProcess: true, serverUrl: database.target.url }),
    { logger: ['error', 'warn', 'log'] },
  );
  app.enableShutdownHooks();
  logger.log(`Working projections on ${database.description}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
