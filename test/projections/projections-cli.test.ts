import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { recordWorkedExample } from '../../src/demo/run-demo.js';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections.js';
import { projectionsCommand } from '../../src/projections/projections.cli.js';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { logSettled } from '../support/test-database.js';
import { waitUntilCaughtUp } from './support/read-models.js';

/** `npm run cli -- projections status|rebuild`, run on the test's database. */

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
  await recordWorkedExample(t.app.get(CommandBus));
});
afterAll(() => t.close());

async function cli(...args: string[]): Promise<{ tables: unknown[]; lines: string[] }> {
  const tables: unknown[] = [];
  const lines: string[] = [];
  const table = jest.spyOn(console, 'table').mockImplementation((rows) => void tables.push(rows));
  const log = jest.spyOn(console, 'log').mockImplementation((line) => void lines.push(String(line)));
  const progress = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await projectionsCommand((work) => work(t.db.dataSource))
      .exitOverride()
      .parseAsync(args, { from: 'user' });
  } finally {
    table.mockRestore();
    log.mockRestore();
    progress.mockRestore();
  }
  return { tables, lines };
}

/** Every projection past every event; returns how many events the log holds. */
async function caughtUp(): Promise<number> {
  await logSettled(t.db.pool);
  await waitUntilCaughtUp(t.db.pool, { timeoutMs: 10_000 });
  return Number((await t.db.pool.query('SELECT count(*) FROM events')).rows[0].count);
}

describe('npm run cli -- projections', () => {
  it('status prints every projection with its checkpoint, events handled, lag and state', async () => {
    const total = await caughtUp();
    const { tables } = await cli('status');
    // Listed by name.
    const names = ALL_PROJECTIONS.map((projection) => projection.name).sort();
    expect(tables).toEqual([
      names.map((name) =>
        expect.objectContaining({
          projection: name,
          state: 'running',
          checkpoint: expect.stringMatching(/^\d+-\d+$/),
          handled: total,
          'lag (events)': 0,
        }),
      ),
    ]);
  });

  it('rebuild <name> rebuilds and says how fast; an unknown name is refused', async () => {
    const total = await caughtUp();
    const { lines } = await cli('rebuild', 'timeline');
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^Rebuilt timeline: ${total} events in [\\d.]+ s \\(\\d+ events/s\\); swapped in\\.$`))]);
    await expect(cli('rebuild', 'nonsense')).rejects.toThrow('no projection is named "nonsense"');
  });
});
