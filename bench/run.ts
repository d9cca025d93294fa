/**
 * The benchmark suite: every benchmark in turn on the local PostgreSQL server, one table of
 * figures, goals and ratios, and the whole record in bench/results/<date>.json (<date>-2.json for
 * a second run that day).
 *
 *   npm run bench                       builds, then runs them all (about 20 minutes)
 *   BENCH_ONLY=append,http npm run bench  a subset: append, http, import, rebuild, verify
 *
 * Each benchmark takes its own settings from the environment (BENCH_ROUNDS, BENCH_SECONDS,
 * BENCH_EVENTS, BENCH_ROWS: see each file). Every figure is a median of several rounds and every
 * ratio divides two figures measured in the same run, on the same server.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { promisify } from 'node:util';
import pg from 'pg';
import { benchAppend } from './append.js';
import { benchHttp } from './http.js';
import { benchImport } from './import.js';
import { benchRebuild } from './rebuild.js';
import { serverUrl } from './support/bench-database.js';
import { benchVerify } from './verify.js';

const BENCHMARKS = ['append', 'http', 'import', 'rebuild', 'verify'] as const;
type Benchmark = (typeof BENCHMARKS)[number];

/** One line of the table: what was measured, against what, and whether it meets the goal. */
interface Row {
  figure: string;
  measured: string;
  reference: string;
  ratio: string;
  goal: string;
  met: boolean;
}

const only = (process.env.BENCH_ONLY ?? BENCHMARKS.join(',')).split(',').map((name) => name.trim());
for (const name of only) {
  if (!BENCHMARKS.includes(name as Benchmark)) throw new Error(`BENCH_ONLY: no benchmark "${name}"; there are ${BENCHMARKS.join(', ')}`);
}
const runs = (name: Benchmark) => only.includes(name);
const log = (line: string) => console.log(`  ${line}`);

const started = new Date();
const results: Record<string, unknown> = {};
const rows: Row[] = [];
const n = (value: number) => Math.round(value).toLocaleString('en');
const ms = (value: number) => `${value.toFixed(1)} ms`;

if (runs('append')) {
  console.log('\nappend (library level)');
  const append = await benchAppend({ log });
  results.append = append;
  for (const run of append.runs) {
    const label = `append ${run.shape}, ${run.writers} writers`;
    rows.push({
      figure: `${label} vs pgbench`,
      measured: `${n(run.store.appendsPerSecond)} appends/s`,
      reference: `${n(run.pgbench.perSecond)} tx/s`,
      ratio: run.ofPgbench.toFixed(2),
      goal: `>= ${append.goals.ofPgbench}`,
      met: run.ofPgbench >= append.goals.ofPgbench,
    });
    rows.push({
      figure: `${label} vs Emmett`,
      measured: `${n(run.store.appendsPerSecond)} appends/s`,
      reference: `${n(run.emmett.appendsPerSecond)} appends/s`,
      ratio: run.ofEmmett.toFixed(2),
      goal: `>= ${append.goals.ofEmmett}`,
      met: run.ofEmmett >= append.goals.ofEmmett,
    });
  }
}

if (runs('http')) {
  console.log('\nHTTP (autocannon, the built service in a child process)');
  const http = await benchHttp({ log });
  results.http = http;
  const { writes, reads, goals } = http;
  // The reference: the service's own work for the same requests, called in process (bench/support/in-process.ts).
  rows.push({
    figure: `POST /incidents, ${http.connections} connections`,
    measured: `${n(writes.requestsPerSecond)}/s, p50 ${ms(writes.p50Ms)}, p99 ${ms(writes.p99Ms)}`,
    reference: `in process ${n(writes.inProcess.requestsPerSecond)}/s, p99 ${ms(writes.inProcess.p99Ms)}`,
    ratio: (writes.requestsPerSecond / writes.inProcess.requestsPerSecond).toFixed(2),
    goal: `>= ${n(goals.writesPerSecond)}/s, p99 <= ${goals.writeP99Ms} ms`,
    met: writes.requestsPerSecond >= goals.writesPerSecond && writes.p99Ms <= goals.writeP99Ms,
  });
  rows.push({
    figure: `GET /timeline, ${http.connections} connections`,
    measured: `${n(reads.requestsPerSecond)}/s, p50 ${ms(reads.p50Ms)}, p99 ${ms(reads.p99Ms)} (${n(reads.incidents)} incidents)`,
    reference: `in process ${n(reads.inProcess.requestsPerSecond)}/s, p99 ${ms(reads.inProcess.p99Ms)}`,
    ratio: (reads.requestsPerSecond / reads.inProcess.requestsPerSecond).toFixed(2),
    goal: `p99 <= ${goals.readP99Ms} ms`,
    met: reads.p99Ms <= goals.readP99Ms,
  });
  rows.push({
    figure: 'service peak memory (VmHWM)',
    measured: `${n(http.peakMemoryMb)} MB`,
    reference: '',
    ratio: '',
    goal: `<= ${goals.peakMemoryMb} MB`,
    met: http.peakMemoryMb <= goals.peakMemoryMb,
  });
}

if (runs('import')) {
  console.log('\nimport ndjson');
  const imported = await benchImport({ log });
  results.import = imported;
  rows.push({
    figure: `import ndjson, ${n(imported.rows)} incidents`,
    measured: `${n(imported.importPerSecond)} incidents/s`,
    reference: `COPY ${n(imported.copyPerSecond)} rows/s`,
    ratio: imported.ratio.toFixed(2),
    goal: `>= ${imported.goals.ofCopy} (and ${n(imported.goals.perSecond)}/s)`,
    met: imported.ratio >= imported.goals.ofCopy && imported.importPerSecond >= imported.goals.perSecond,
  });
}

if (runs('rebuild')) {
  console.log('\nprojection rebuilds');
  const rebuild = await benchRebuild({ log });
  results.rebuild = rebuild;
  // The benchmark's log holds no confidential reads, so the access log's rebuild skips every event: no figure.
  for (const projection of rebuild.projections.filter((p) => p.name !== 'access-log')) {
    rows.push({
      figure: `rebuild ${projection.name}, ${n(rebuild.events)} events`,
      measured: `${n(projection.perSecond)} events/s`,
      reference: `INSERT…SELECT ${n(rebuild.copyPerSecond)} rows/s`,
      ratio: projection.ofCopy.toFixed(2),
      goal: `>= ${n(rebuild.goal)} events/s`,
      met: projection.perSecond >= rebuild.goal,
    });
  }
}

if (runs('verify')) {
  console.log('\naudit verify');
  const verify = await benchVerify({ log });
  results.verify = verify;
  rows.push({
    figure: `audit verify, ${n(verify.events)} events`,
    measured: `${n(verify.verifyPerSecond)} events/s`,
    reference: `read alone ${n(verify.readPerSecond)} events/s`,
    ratio: (verify.verifyPerSecond / verify.readPerSecond).toFixed(2),
    goal: `>= ${n(verify.goal)} events/s`,
    met: verify.verifyPerSecond >= verify.goal,
  });
}

const machine = await describeMachine();
const table = formatTable(rows);
console.log(`\n${machine.summary}\n\n${table}`);

// One file a run: a second run on the same day is <date>-2.json, and so on.
const date = started.toISOString().slice(0, 10);
await mkdir(new URL('results/', import.meta.url), { recursive: true });
let name = `${date}.json`;
for (let run = 2; existsSync(new URL(`results/${name}`, import.meta.url)); run++) name = `${date}-${run}.json`;
await writeFile(
  new URL(`results/${name}`, import.meta.url),
  JSON.stringify({ startedAt: started.toISOString(), finishedAt: new Date().toISOString(), machine, table: rows, results }, null, 2) + '\n',
);
console.log(`\nwritten to bench/results/${name}`);

async function describeMachine() {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  const { rows: [server] } = await client
    .query(`SELECT split_part(current_setting('server_version'), ' ', 1) AS version, current_setting('synchronous_commit') AS synchronous_commit,
                   current_setting('shared_buffers') AS shared_buffers`)
    .finally(() => client.end());
  const pgbench = await promisify(execFile)('pgbench', ['--version']).then(({ stdout }) => stdout.trim(), () => 'not found');
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: server.version as string,
    synchronousCommit: server.synchronous_commit as string,
    sharedBuffers: server.shared_buffers as string,
    pgbench,
  };
  const summary =
    `${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}, ` +
    `PostgreSQL ${machine.postgres} (synchronous_commit=${machine.synchronousCommit}, shared_buffers=${machine.sharedBuffers})`;
  return { ...machine, summary };
}

function formatTable(table: Row[]): string {
  const header: Row = { figure: 'figure', measured: 'measured', reference: 'reference', ratio: 'ratio', goal: 'goal', met: true };
  const cells = (row: Row) => [row.figure, row.measured, row.reference, row.ratio, row.goal, row === header ? 'met' : row.met ? 'yes' : 'NO'];
  const all = [header, ...table].map(cells);
  const widths = all[0]!.map((_, column) => Math.max(...all.map((line) => line[column]!.length)));
  return all.map((line) => line.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}
