/**
 * `import ndjson` on the local PostgreSQL server: BENCH_ROWS incidents (default 50,000) as POST
 * /incidents bodies, one per line, imported into a fresh database BENCH_ROUNDS times (default 3).
 * The reference, measured in the same run: raw `COPY ... FROM STDIN` of the very event rows the
 * import wrote (same columns, values and indexes, no triggers), into a copy of the events table.
 *
 *   npm run bench:import          BENCH_ROWS=50000 BENCH_ROUNDS=3
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
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

const rows = positiveInteger('BENCH_ROWS', 50_000);
const rounds = positiveInteger('BENCH_ROUNDS', 3);

const CATEGORIES = ['armed_clash', 'assassination', 'air_or_drone_strike', 'shelling_artillery_missile', 'abduction', 'arrest', 'statement'];
const DISTRICTS = [
  ['SY09', 'SY0901', 'دير الزور', 35.33, 40.14],
  ['SY09', 'SY0902', 'البوكمال', 34.45, 40.92],
  ['SY09', 'SY0903', 'الميادين', 35.02, 40.45],
  ['SY08', 'SY0800', 'الحسكة', 36.23, 40.73],
  ['SY11', 'SY1101', 'الرقة', 35.95, 39.01],
] as const;
const ACTORS = ['قوات سوريا الديمقراطية', 'تنظيم الدولة الإسلامية', 'قوات الحكومة السورية', 'عشيرة العكيدات', 'مجهولون', 'الدفاع الوطني'];
const OUTLETS = ['نورث برس', 'عنب بلدي', 'المرصد السوري لحقوق الإنسان', 'Deir ez-Zor 24', 'Syria Direct'];

/** One incident as an analyst's tool would send it: about 1 KB, Arabic as written, every row distinct. */
function body(i: number) {
  const [admin1, admin2, name, latitude, longitude] = DISTRICTS[i % DISTRICTS.length]!;
  const day = new Date(Date.UTC(2016, 0, 1) + (i % 1800) * 86_400_000).toISOString().slice(0, 10);
  return {
    category: CATEGORIES[i % CATEGORIES.length],
    title: { text: `اشتباكات بين الطرفين في ريف ${name} (${i})`, language: 'ar' },
    summary: { text: `أفادت مصادر محلية بوقوع اشتباكات عنيفة في ريف ${name}، وسقوط قتلى وجرحى من الطرفين.`, language: 'ar' },
    translations: [{ language: 'en', title: `Clashes in the countryside of ${admin2} (${i})` }],
    occurred: { from: day, precision: 'day' },
    place: { name: `ريف ${name}`, countryCode: 'SY', admin1, admin2, latitude, longitude, precision: 'district' },
    actors: [
      { name: ACTORS[i % ACTORS.length], role: 'participant' },
      { name: ACTORS[(i + 1) % ACTORS.length], role: 'participant' },
    ],
    fatalities: { low: i % 5, best: (i % 5) + 1, high: (i % 5) + 3 },
    sources: [
      {
        outlet: OUTLETS[i % OUTLETS.length],
        url: `https://example.org/reports/${i}`,
        publishedOn: day,
        language: 'ar',
        access: 'relayed',
        reliability: 'B',
        credibility: 2,
      },
    ],
    tags: ['bench'],
    externalIds: { bench: String(i) },
  };
}

async function importOnce(url: string, file: string): Promise<{ seconds: number; copySeconds: number; events: number }> {
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

async function bench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-import-'));
  const file = join(dir, 'incidents.ndjson');
  await writeFile(file, Array.from({ length: rows }, (_, i) => JSON.stringify(body(i))).join('\n') + '\n');
  console.log(`import benchmark: ${fmt(rows)} incidents, ${rounds} rounds, each into a fresh database\n`);
  const imports: number[] = [];
  const copies: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const { seconds, copySeconds } = await withScratchDatabase('bench_import', (url) => importOnce(url, file));
    imports.push(rows / seconds);
    copies.push(rows / copySeconds);
    console.log(`round ${round + 1}: import ${fmt(rows / seconds)} incidents/s, raw COPY ${fmt(rows / copySeconds)} rows/s`);
  }
  const ratio = median(imports.map((rate, i) => rate / copies[i]!));
  console.log(`\nimport ndjson (median of ${rounds})   ${fmt(median(imports))} incidents/s (goal: 20,000)`);
  console.log(`raw COPY of the same rows (median)  ${fmt(median(copies))} rows/s`);
  console.log(`import / COPY (median of ratios)    ${ratio.toFixed(2)} (goal: 0.4)`);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

await bench();
