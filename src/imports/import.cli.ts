import { NestFactory } from '@nestjs/core';
import { Command } from 'commander';
import type { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { progressBar, progressLine } from '../common/progress.js';
import { poolOf } from '../database/data-source.js';
import { EventStore } from '../event-store/index.js';
import { catchUpProjections } from '../projections/catch-up.js';
import { importFile, type ImportFormat } from './import-files.js';
import { ImportStopped, type ImportSummary } from './incident-importer.js';

type WithDatabase = <T>(work: (dataSource: DataSource) => Promise<T>) => Promise<T>;

interface ImportFlags {
  strict?: boolean;
  actor: string;
  catchUp: boolean;
  json?: boolean;
}

/** `npm run cli -- import ucdp|ndjson <file>` */
export function importCommand(withDatabase: WithDatabase): Command {
  const command = new Command('import').description('record incidents from a file, in bulk');
  const formats: [ImportFormat, string][] = [
    ['ucdp', 'a UCDP GED export (CSV): one incident per event, keyed on its UCDP id'],
    ['ndjson', 'incidents as POST /incidents takes them, one JSON object per line'],
  ];
  for (const [format, description] of formats) {
    command
      .command(format)
      .argument('<file>')
      .description(description)
      .option('--strict', 'stop at the first bad row (the rows before it stay recorded)')
      .option('--actor <who>', 'who imports, recorded on every event', 'import')
      .option('--no-catch-up', 'leave the read models to the service or a worker')
      .option('--json', 'print the summary as JSON')
      .action((file: string, flags: ImportFlags) => withDatabase((dataSource) => runImport(dataSource, format, file, flags)));
  }
  return command;
}

async function runImport(dataSource: DataSource, format: ImportFormat, file: string, flags: ImportFlags): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(dataSource), { logger: ['error', 'warn'] });
  try {
    const progress = progressBar('Read', 'rows');
    let summary: ImportSummary;
    try {
      summary = await importFile(app, format, file, {
        actor: flags.actor,
        strict: flags.strict,
        onProgress: (soFar, through) => progress.draw(soFar.read, through),
      });
    } catch (error) {
      progress.end();
      if (!(error instanceof ImportStopped)) throw error;
      report(error.summary, flags);
      throw new Error(`Stopped at line ${error.problem.line} (--strict): ${error.problem.reason}`);
    }
    progress.end();
    report(summary, flags);
    if (flags.catchUp) {
      const projected = progressLine('Read models: applied');
      await catchUpProjections(poolOf(dataSource), app.get(EventStore), {
        through: summary.lastPosition,
        onProgress: (handled) => projected.draw(handled),
      });
      projected.end();
      console.error('Read models are up to date.');
    }
  } finally {
    await app.close();
  }
}

function report(summary: ImportSummary, flags: ImportFlags) {
  if (flags.json) return console.log(JSON.stringify(summary, null, 2));
  const { read, recorded, unchanged, corrected, rejected, seconds } = summary;
  const rate = seconds > 0 ? Math.round(read / seconds) : read;
  console.log(`Read ${read} rows: ${recorded} recorded, ${unchanged} unchanged, ${corrected} corrected, ${rejected} rejected (${seconds.toFixed(1)} s, ${rate} rows/s).`);
  for (const { line, incidentId, fields } of summary.kept) {
    console.log(`line ${line}: kept what an analyst changed in ${fields.join(', ')} of /incidents/${incidentId} (the row changed it too)`);
  }
  for (const problem of summary.problems) {
    console.log(`line ${problem.line}: ${problem.reason}`);
    for (const error of problem.errors ?? []) console.log(`  ${error.path}: ${error.message}`);
  }
}
