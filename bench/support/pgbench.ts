import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const TPS = /^tps = ([\d.]+) \(without initial connection time\)$/m;

export const PGBENCH_TABLE_DDL = `CREATE TABLE pgbench_single_row (
  id bigserial PRIMARY KEY, stream_id text NOT NULL, data jsonb NOT NULL)`;

/**
 * The JSON goes in as a bind parameter (pgbench -D, then :data), not as a literal: with
 * -M prepared a literal would be parsed into jsonb once at prepare time, while the store
 * sends and parses its payload on every append. A literal would also break on pgbench's
 * :variable syntax wherever the JSON has a number after a colon.
 */
const SCRIPT = `INSERT INTO pgbench_single_row (stream_id, data) VALUES (md5(random()::text), :data::jsonb);\n`;

/** pgbench's single-row insert rate (transactions per second) over `seconds`. */
export async function pgbenchInsertRate(url: string, json: string, clients: number, seconds: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-append-'));
  try {
    const script = join(dir, 'insert.sql');
    await writeFile(script, SCRIPT);
    const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds)];
    const { stdout } = await run('pgbench', [...args, '-D', `data=${json}`, '-f', script, url]);
    const tps = TPS.exec(stdout);
    if (!tps) throw new Error(`No tps line in pgbench output:\n${stdout}`);
    return Number(tps[1]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
