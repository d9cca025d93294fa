import { Command, InvalidArgumentError } from 'commander';
import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { progressLine } from '../common/progress.js';
import { poolOf } from '../database/data-source.js';
import type { Checkpoint } from '../event-store/index.js';
import { EventLog, parseLogCheckpoint } from './event-log.js';
import { exportEvents } from './export-events.js';

type WithDatabase = <T>(work: (dataSource: DataSource) => Promise<T>) => Promise<T>;

export interface ExportOutput {
  /** Where the data goes: stdout, unless a test collects it. */
  out: Writable;
  /** Progress and the summary, kept off the data. */
  diagnostics: (text: string) => void;
}

const STANDARD: ExportOutput = { out: process.stdout, diagnostics: (text) => process.stderr.write(text) };

/** `export events [--after <checkpoint>]` */
export function exportCommand(withDatabase: WithDatabase, output: ExportOutput = STANDARD): Command {
  const command = new Command('export').description('write the log out, for auditors and archives');

  command
    .command('events')
    .description(
      'write the whole log to stdout as NDJSON, one event a line in the safe order, shaped as GET /events shows it; ' +
        'events appended after the export starts are left for the next one. Run it as ' +
        '`npm run --silent cli -- export events > log.ndjson` (without --silent, npm prints a header to stdout)',
    )
    .option('--after <checkpoint>', 'continue an earlier export: the "checkpoint" of its last line', checkpoint)
    .action((options: { after?: Checkpoint }) =>
      withDatabase(async (dataSource) => {
        const { out, diagnostics } = output;
        const progress = progressLine('Exported', diagnostics);
        const result = await exportEvents(new EventLog(poolOf(dataSource)), out, { after: options.after, onProgress: progress.draw })
          .catch((error) => {
            progress.end();
            // `… | head` closes the pipe early: say so, rather than "write EPIPE".
            if ((error as { code?: string }).code === 'EPIPE') throw new Error('stdout was closed before the export finished');
            throw error;
          });
        progress.end();
        diagnostics(
          `Exported ${result.events} events, up to checkpoint ${result.checkpoint} ` +
            `(the log held ${result.cut.events} events when the export began). ` +
            `To continue later: export events --after ${result.checkpoint}\n`,
        );
      }),
    );
  return command;
}

function checkpoint(value: string): Checkpoint {
  const parsed = parseLogCheckpoint(value);
  if (!parsed) throw new InvalidArgumentError('expected a checkpoint such as 1234-567: the "checkpoint" of the last line exported');
  return parsed;
}
