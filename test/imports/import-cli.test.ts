import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poolOf } from '../../src/database/data-source.js';
import { importCommand } from '../../src/imports/import.cli.js';
import { assassinationBody } from '../../src/incidents/http/dto/testing/worked-example-body.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

/** `npm run cli -- import ndjson|ucdp <file>`, run on the test's database. */

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await openTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'import-cli-'));
});
afterAll(() => db.close());

async function cli(...args: string[]): Promise<{ out: string[]; err: string }> {
  const out: string[] = [];
  let err = '';
  const log = jest.spyOn(console, 'log').mockImplementation((line) => void out.push(String(line)));
  const error = jest.spyOn(console, 'error').mockImplementation((line) => void (err += `${String(line)}\n`));
  const progress = jest.spyOn(process.stderr, 'write').mockImplementation((text) => ((err += String(text)), true));
  try {
    await importCommand((work) => work(db.dataSource)).exitOverride().parseAsync(args, { from: 'user' });
    return { out, err };
  } finally {
    // The command's application context closes the data source when it ends, as it should in the CLI.
    if (!db.dataSource.isInitialized) await db.dataSource.initialize();
    log.mockRestore();
    error.mockRestore();
    progress.mockRestore();
  }
}

describe('npm run cli -- import', () => {
  it('prints the summary and each bad line, draws a progress bar, and brings the read models up to date', async () => {
    const { related: _, ...body } = assassinationBody();
    const path = join(dir, 'two.ndjson');
    await writeFile(path, [JSON.stringify({ ...body, externalIds: { cli: '1' } }), JSON.stringify({ ...body, category: 'nonsense' })].join('\n'));
    const { out, err } = await cli('ndjson', path, '--actor', 'cli-test');
    expect(out[0]).toMatch(/^Read 2 rows: 1 recorded, 0 unchanged, 0 corrected, 1 rejected \(/);
    expect(out.slice(1)).toEqual(['line 2: invalid fields', '  category: category must be one of the incident categories']);
    expect(err).toContain('[##############################] Read 2 rows (100 %)');
    expect(err).toContain('Read models are up to date.');
    const { rows } = await poolOf(db.dataSource).query(`SELECT count(*)::int AS n FROM timeline_entries`);
    expect(rows[0].n).toBe(1);
  });

  it('prints the summary as JSON, and stops with --strict', async () => {
    const path = join(dir, 'bad.ndjson');
    await writeFile(path, 'not json\n');
    const { out } = await cli('ndjson', path, '--json', '--no-catch-up');
    expect(JSON.parse(out.join('\n'))).toMatchObject({ read: 1, rejected: 1, problems: [{ line: 1, reason: expect.stringMatching(/^not JSON/) }] });
    await expect(cli('ndjson', path, '--strict')).rejects.toThrow('Stopped at line 1 (--strict): not JSON');
  });
});
