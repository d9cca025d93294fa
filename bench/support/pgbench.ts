import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const TPS = /^tps = ([\d.]+) \(without initial connection time\)$/m;

/** A table as plain as an event table gets: a key from a sequence, a stream, the event's JSON. */
export const PGBENCH_TABLE_DDL = `CREATE TABLE pgbench_events (
  id bigserial PRIMARY KEY, stream_id text NOT NULL, data jsonb NOT NULL)`;

/**
 * One transaction, one INSERT of `rows` rows for one stream: what an append of that many events
 * writes, without anything an event store adds.
 *
 * The JSON goes in as a bind parameter (pgbench -D, then :data), not as a literal: with
 * -M prepared a literal would be parsed into jsonb once at prepare time, while the stores send
 * and parse their payloads on every append. pgbench makes each :data a parameter of its own, so
 * the server receives and parses the JSON once per row, as it does for a batch of events. A
 * literal would also break on pgbench's :variable syntax wherever the JSON has a number after a
 * colon.
 */
function insertScript(rows: number): string {
  const values = Array.from({ length: rows }, () => `('incident-' || :stream::text, :data::jsonb)`).join(', ');
  return `\\set stream random(1, 1000000000)\nINSERT INTO pgbench_events (stream_id, data) VALUES ${values};\n`;
}

export interface PgbenchRun {
  url: string;
  json: string;
  clients: number;
  seconds: number;
  /** Rows per INSERT (and so per transaction). */
  rows: number;
}

/** pgbench's rate over `seconds`, in transactions (INSERTs of `rows` rows) per second. */
export async function pgbenchInsertRate({ url, json, clients, seconds, rows }: PgbenchRun): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-append-'));
  try {
    const script = join(dir, 'insert.sql');
    await writeFile(script, insertScript(rows));
    const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds)];
    const { stdout } = await run('pgbench', [...args, '-D', `data=${json}`, '-f', script, url]);
    const tps = TPS.exec(stdout);
    if (!tps) throw new Error(`No tps line in pgbench output:\n${stdout}`);
    return Number(tps[1]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
