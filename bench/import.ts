/**
 * `import ndjson` on the local PostgreSQL server: BENCH_ROWS incidents (default 50,000) as POST
 * /incidents bodies, one per line, imported into a fresh database BENCH_ROUNDS times (default 3).
 * The reference, measured in the same run: raw `COPY ... FROM STDIN` of the very event rows the
 * import wrote (same columns, values and indexes, no triggers), into a copy of the events table.
 *
 *   npm run bench:import          BENCH_ROWS=50000 BENCH_ROUNDS=3
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { ActorDirectory } from '../src/actors/queries/actor-directory.js';
import { Clock } from '../src/common/clock.js';
import { migrate, openDataSource, poolOf } from '../src/database/data-source.js';
import { EventStore } from '../src/event-store/index.js';
import { IncidentImporter } from '../src/imports/incident-importer.js';
import { ndjsonRows } from '../src/imports/ndjson-rows.js';
import { rememberingActors } from '../src/imports/remembering-actors.js';
import { Gazetteer } from '../src/places/gazetteer.js';
import { PlaceResolver } from '../src/places/resolve/place-resolver.service.js';
import { median, positiveInteger, withScratchDatabase } from './support/bench-database.js';
import { isEntryPoint } from './support/entry-point.js';
import { incidentBody } from './support/incident-bodies.js';

export const IMPORT_GOALS = { perSecond: 20_000, ofCopy: 0.4 };

export interface ImportBenchResult {
  rows: number;
  rounds: number;
  importPerSecond: number;
  copyPerSecond: number;
  /** Median over rounds of import/COPY, each pair measured in the same round. */
  ratio: number;
  goals: typeof IMPORT_GOALS;
}

async function importOnce(url: string, file: string, rows: number): Promise<{ seconds: number; copySeconds: number; events: number }> {
  const target = { url, embedded: false };
  const dataSource = await openDataSource(target);
  await migrate(dataSource, target);
  const pool = poolOf(dataSource);
  try {
    const gazetteer = new Gazetteer(pool, { memoize: true });
    const importer = new IncidentImporter(
      {
        db: pool,
        store: new EventStore(pool),
        actors: rememberingActors(new ActorDirectory(dataSource)),
        places: { gazetteer, resolver: new PlaceResolver(gazetteer) },
        clock: new Clock(),
      },
      { format: 'ndjson', file: 'bench.ndjson', actor: 'bench' },
    );
    const summary = await importer.import(ndjsonRows(file));
    if (summary.recorded !== rows) throw new Error(`recorded ${summary.recorded} of ${rows}: ${JSON.stringify(summary.problems.slice(0, 3))}`);
    return { seconds: summary.seconds, copySeconds: await copyTheSameRows(pool), events: summary.recorded };
  } finally {
    await dataSource.destroy();
  }
}

/** The reference: the rows the import wrote, read out, then written back by raw COPY into a twin table. */
async function copyTheSameRows(pool: pg.Pool): Promise<number> {
  const columns = 'stream_id, stream_version, type, schema_version, data, metadata, recorded_at, transaction_id, previous_hash, hash';
  await pool.query('CREATE TABLE events_copy (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)');
  const client = await pool.connect();
  try {
    const chunks: Buffer[] = [];
    const out = client.query(copyTo(`COPY (SELECT ${columns} FROM events WHERE type = 'incident.recorded' ORDER BY global_position) TO STDOUT`));
    for await (const chunk of out) chunks.push(chunk as Buffer);
    const started = performance.now();
    await pipeline(Readable.from(chunks), client.query(copyFrom(`COPY events_copy (${columns}) FROM STDIN`)));
    return (performance.now() - started) / 1000;
  } finally {
    client.release();
  }
}

export async function benchImport(options: { rows?: number; rounds?: number; log?: (line: string) => void } = {}): Promise<ImportBenchResult> {
  const rows = options.rows ?? positiveInteger('BENCH_ROWS', 50_000);
  const rounds = options.rounds ?? positiveInteger('BENCH_ROUNDS', 3);
  const log = options.log ?? console.log;
  const dir = await mkdtemp(join(tmpdir(), 'bench-import-'));
  const file = join(dir, 'incidents.ndjson');
  await writeFile(file, Array.from({ length: rows }, (_, i) => JSON.stringify(incidentBody(i))).join('\n') + '\n');
  log(`import benchmark: ${fmt(rows)} incidents, ${rounds} rounds, each into a fresh database\n`);
  const imports: number[] = [];
  const copies: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const { seconds, copySeconds } = await withScratchDatabase('bench_import', (url) => importOnce(url, file, rows));
    imports.push(rows / seconds);
    copies.push(rows / copySeconds);
    log(`round ${round + 1}: import ${fmt(rows / seconds)} incidents/s, raw COPY ${fmt(rows / copySeconds)} rows/s`);
  }
  const ratio = median(imports.map((rate, i) => rate / copies[i]!));
  log(`\nimport ndjson (median of ${rounds})   ${fmt(median(imports))} incidents/s (goal: 20,000)`);
  log(`raw COPY of the same rows (median)  ${fmt(median(copies))} rows/s`);
  log(`import / COPY (median of ratios)    ${ratio.toFixed(2)} (goal: 0.4)`);
  await rm(dir, { recursive: true, force: true });
  return { rows, rounds, importPerSecond: median(imports), copyPerSecond: median(copies), ratio, goals: IMPORT_GOALS };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

if (isEntryPoint(import.meta.url)) await benchImport();
