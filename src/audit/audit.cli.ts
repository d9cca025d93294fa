import { Command } from 'commander';
import type { DataSource } from 'typeorm';
import { progressLine } from '../common/progress.js';
import { poolOf } from '../database/data-source.js';
import { EventStore, type LogBound } from '../event-store/index.js';
import { ALL_PROJECTIONS } from '../projections/all-projections.js';
import { replayProjections } from './replay.js';
import { addTamperEvidenceCommands } from './tamper-evidence/tamper-evidence.cli.js';

type WithDatabase = <T>(work: (dataSource: DataSource) => Promise<T>) => Promise<T>;

/** `npm run cli -- audit replay [--until <timestamp|position>]`, `audit verify`, `audit seal` */
export function auditCommand(withDatabase: WithDatabase): Command {
  const command = new Command('audit').description('checks for auditors: the read models replayed from the log, and the log against its hashes and seals');

  command
    .command('replay')
    .description(
      'replay the whole log through every projection into a scratch schema, compare with the live read models, ' +
        'print a checksum per projection and every differing row; exits 1 on any difference',
    )
    .option('--until <timestamp|position>', 'replay the log only up to a moment (ISO 8601) or a global position; nothing is compared')
    .action((options: { until?: string }) =>
      withDatabase(async (dataSource) => {
        const pool = poolOf(dataSource);
        const store = new EventStore(pool);
        const until = options.until === undefined ? undefined : await parseUntil(store, options.until);
        const { rows } = await pool.query('SELECT count(*)::int AS total FROM events');
        const progress = progressLine('Replayed');
        const report = await replayProjections(pool, store, ALL_PROJECTIONS, {
          until,
          onProgress: (events) => progress.draw(events, rows[0].total),
        });
        progress.end();
        console.log(`Replayed ${report.events} events${options.until ? ` up to ${options.until}` : ''}.`);
        for (const projection of report.projections) {
          console.log(`${projection.projection}: ${projection.checksum}`);
          for (const table of projection.tables) {
            for (const row of table.missingFromLive) console.log(`  ${table.table}: replayed, not live: ${row}`);
            for (const row of table.notInReplay) console.log(`  ${table.table}: live, not replayed: ${row}`);
          }
        }
        if (report.heldBack > 0) console.log(`${report.heldBack} committed events were held back by transactions still open, and left out.`);
        if (!report.compared) console.log('Not compared with the live read models: they stand at the end of the log.');
        else console.log(report.differs ? 'The live read models DIFFER from the replay.' : 'The live read models equal the replay.');
        if (report.differs) process.exitCode = 1;
      }),
    );
  addTamperEvidenceCommands(command, withDatabase);
  return command;
}

async function parseUntil(store: EventStore, text: string): Promise<LogBound> {
  if (/^\d+$/.test(text)) {
    const checkpoint = await store.checkpointAt(Number(text));
    if (!checkpoint) throw new Error(`--until ${text}: no event has that position`);
    return checkpoint;
  }
  const moment = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(moment.getTime())) {
    throw new Error(`--until ${text}: give an ISO 8601 timestamp (2020-08-01T12:00:00Z) or a global position`);
  }
  return moment;
}
