import 'reflect-metadata';
import { Command } from 'commander';
import { loadConfig } from './config/config.js';
import { migrate, openDataSource } from './database/data-source.js';
import { startDatabase } from './database/database.js';
import { exportCommand } from './audit/export.cli.js';
import { auditCommand } from './audit/audit.cli.js';
import { runDemo } from './demo/run-demo.js';
import { importCommand } from './imports/import.cli.js';
import { keysCommand } from './access/keys.cli.js';
import { placesCommand } from './places/places.cli.js';
import { projectionsCommand } from './projections/projections.cli.js';

/** Opens the configured database (embedded unless DATABASE_URL is set), migrated, for one command. */
async function withDatabase<T>(work: (dataSource: Awaited<ReturnType<typeof openDataSource>>) => Promise<T>) {
  const database = await startDatabase(loadConfig());
  console.error(`Database: ${database.description}`);
  const dataSource = await openDataSource(database.target);
  try {
    const applied = await migrate(dataSource, database.target);
    console.error(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Migrations: up to date');
    return await work(dataSource);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.stop();
  }
}

const program = new Command()
  .name('npm run cli --')
  .description('Command-line tool of the conflict incident tracker')
  .showHelpAfterError();

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(() => withDatabase(async () => {}));

program
  .command('demo')
  .description('record the eight incidents of the worked example (a North Press report of August 2020)')
  .action(() => withDatabase((dataSource) => runDemo(dataSource)));

program.addCommand(placesCommand(withDatabase));
program.addCommand(projectionsCommand(withDatabase));
program.addCommand(auditCommand(withDatabase));
program.addCommand(exportCommand(withDatabase));
program.addCommand(importCommand(withDatabase));
program.addCommand(keysCommand(withDatabase));

program.parseAsync().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
