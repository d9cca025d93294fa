import { Command } from 'commander';
import type { DataSource } from 'typeorm';
import { progressLine } from '../common/progress.js';
import { isEmbeddedPool, poolOf } from '../database/data-source.js';
import { EventStore } from '../event-store/index.js';
import { ALL_PROJECTIONS, projectionNamed } from './all-projections.js';
import { projectionStatus } from './projection-status.js';
import { rebuildProjection } from './rebuild.js';

type WithDatabase = <T>(work: (dataSource: DataSource) => Promise<T>) => Promise<T>;

/** `npm run cli -- projections status|rebuild <name>` */
export function projectionsCommand(withDatabase: WithDatabase): Command {
  const command = new Command('projections').description('the read models kept from the log');

  command
    .command('status')
    .description("print each projection's checkpoint, lag and state")
    .action(() =>
      withDatabase(async (dataSource) => {
        const names = ALL_PROJECTIONS.map((projection) => projection.name);
        const pool = poolOf(dataSource);
        // On embedded PostgreSQL only one process runs at a time: no lock says who works what.
        const server = !isEmbeddedPool(pool);
        const statuses = await projectionStatus(pool, names);
        console.table(
          statuses.map((status) => ({
            projection: status.name,
            state: status.state,
            ...(server ? { 'worked by': status.workedBy ?? (status.working ? 'a process' : 'no one') } : {}),
            checkpoint: status.checkpoint,
            handled: status.eventsHandled,
            'lag (events)': status.lagEvents,
            'lag (s)': status.lagSeconds,
            error: status.error ?? '',
          })),
        );
        if (statuses.length < names.length) console.log('Projections not listed have not started yet: start the service or a worker.');
      }),
    );

  command
    .command('rebuild')
    .argument('<name>', `one of: ${ALL_PROJECTIONS.map((projection) => projection.name).join(', ')}`)
    .description('rebuild from the start of the log into fresh tables, then swap them in at once')
    .action((name: string) =>
      withDatabase(async (dataSource) => {
        const projection = projectionNamed(name);
        if (!projection) throw new Error(`no projection is named "${name}"`);
        const pool = poolOf(dataSource);
        const { rows } = await pool.query('SELECT count(*) AS total FROM events');
        const total = Number(rows[0].total);
        const progress = progressLine('Rebuilt');
        const result = await rebuildProjection(pool, new EventStore(pool), projection, {
          onProgress: (handled) => progress.draw(handled, total),
        });
        progress.end();
        const rate = result.seconds > 0 ? Math.round(result.events / result.seconds) : result.events;
        console.log(`Rebuilt ${name}: ${result.events} events in ${result.seconds.toFixed(1)} s (${rate} events/s); swapped in.`);
      }),
    );
  return command;
}
