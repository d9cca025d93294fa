/**
 * Tamper evidence at scale, on the local PostgreSQL server, over a log of BENCH_EVENTS events
 * (default 1,000,000: incidents recorded, then sourced, verified or revised, 2.75 events each):
 * - `audit verify` throughput (median of BENCH_ROUNDS runs), next to the reference: reading the
 *   same rows in the same order (one binary COPY), parsed the same way, and doing nothing with them;
 * - hashing a log recorded before hash chaining (what migrate does once), and sealing it whole;
 * - an everyday seal: the last BENCH_NEW events (default 1,000) on top of the big one.
 *
 *   npm run bench:verify          BENCH_EVENTS=1000000 BENCH_ROUNDS=3 BENCH_NEW=1000
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { generateSealKey } from '../src/audit/tamper-evidence/seal-key.js';
import { Sealer } from '../src/audit/tamper-evidence/sealer.js';
import { verifyLog } from '../src/audit/tamper-evidence/verify.js';
import { migrate, openDataSource, poolOf } from '../src/database/data-source.js';
import { readLogInSafeOrder } from '../src/audit/tamper-evidence/log-reader.js';
import { hashUnhashedEvents } from '../src/event-store/hash-backfill.js';
import { EventStore } from '../src/event-store/index.js';
import { median, positiveInteger, withScratchDatabase } from './support/bench-database.js';
import { isEntryPoint } from './support/entry-point.js';
import { recordedIncident, seedActors, seedFollowUps, seedIncidents } from './support/timeline-seed.js';

export const VERIFY_GOAL = 100_000;

export interface VerifyBenchResult {
  events: number;
  rounds: number;
  verifyPerSecond: number;
  /** Reading the same rows verify reads, parsed the same way, doing nothing with them. */
  readPerSecond: number;
  backfillPerSecond: number;
  sealWholePerSecond: number;
  sealNewMs: number;
  goal: number;
}

interface VerifyOptions {
  events?: number;
  rounds?: number;
  fresh?: number;
  log?: (line: string) => void;
}

export function benchVerify(options: VerifyOptions = {}): Promise<VerifyBenchResult> {
  return withScratchDatabase('bench_verify', (url) => bench(url, options));
}

async function bench(url: string, options: VerifyOptions): Promise<VerifyBenchResult> {
  const events = options.events ?? positiveInteger('BENCH_EVENTS', 1_000_000);
  const rounds = options.rounds ?? positiveInteger('BENCH_ROUNDS', 3);
  const fresh = options.fresh ?? positiveInteger('BENCH_NEW', 1000);
  const log = options.log ?? console.log;
  const target = { url, embedded: false };
  const dataSource = await openDataSource(target);
  await migrate(dataSource, target);
  const pool = poolOf(dataSource);
  try {
    await seedIncidents(pool, Math.round(events / 2.75), await seedActors(pool, 200));
    await seedFollowUps(pool);
    const total = await count(pool);
    log(`verify benchmark: ${fmt(total)} events, ${fmt(await count(pool, 'DISTINCT stream_id'))} streams\n`);

    const backfill = await timed(() => hashUnhashedEvents(pool));
    log(`hash a log recorded before chaining (migrate, once)   ${fmt(total / backfill)} events/s`);
    await pool.query('ALTER TABLE events ADD CONSTRAINT events_hashed CHECK (hash IS NOT NULL) NOT VALID');
    // The backfill rewrote every row out of order; a log the tracker recorded lies on disk in the
    // order it was written, which is the order verify reads it in.
    await pool.query('CLUSTER events USING events_transaction_order');
    await pool.query('VACUUM ANALYZE events');

    const key = generateSealKey();
    const sealing = await timed(() => new Sealer(pool, key).seal());
    log(`seal the whole log at once                            ${fmt(total / sealing)} events/s`);

    const store = new EventStore(pool);
    for (let i = 0; i < fresh; i++) {
      const event = recordedIncident(randomUUID(), i);
      await store.append(`incident-${event.data.id}`, 'no_stream', [event]);
    }
    const everyday = await timed(() => new Sealer(pool, key).seal());
    log(`seal ${fmt(fresh)} new events on top                       ${(everyday * 1000).toFixed(0)} ms`);

    const all = total + fresh;
    const reference = median(await repeat(rounds, () => timed(() => readLikeVerify(pool))));
    const verifying: number[] = [];
    for (let round = 0; round < rounds; round++) {
      let ok = false;
      let lastReport: Awaited<ReturnType<typeof verifyLog>> | undefined;
      verifying.push(await timed(async () => (ok = (lastReport = await verifyLog(pool, { trustedKeys: [key.publicKey] })).ok)));
      if (!ok) throw new Error(`verify found the benchmark log tampered with: ${JSON.stringify(lastReport?.first)} ${lastReport?.findings.length}`);
    }
    const perSecond = all / median(verifying);
    log(`\nreference: read the rows verify reads, do nothing     ${fmt(all / reference)} events/s`);
    log(`audit verify (median of ${rounds})                         ${fmt(perSecond)} events/s: ${(median(verifying)).toFixed(1)} s, ` +
      `${(perSecond / (all / reference)).toFixed(2)} of the reference (goal: 100,000 events/s)`);
    return {
      events: all,
      rounds,
      verifyPerSecond: perSecond,
      readPerSecond: all / reference,
      backfillPerSecond: total / backfill,
      sealWholePerSecond: total / sealing,
      sealNewMs: everyday * 1000,
      goal: VERIFY_GOAL,
    };
  } finally {
    await dataSource.destroy();
  }
}

/** Verify's reading without its work: the same COPY, parsed into the same rows, and nothing done with them. */
async function readLikeVerify(pool: pg.Pool): Promise<void> {
  const end = await new EventStore(pool).safeEnd();
  for await (const rows of readLogInSafeOrder(pool, end!, { copy: true, pageSize: 5000 })) if (rows.length === 0) break;
}

async function repeat(rounds: number, run: () => Promise<number>): Promise<number[]> {
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) times.push(await run());
  return times;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function count(pool: pg.Pool, what = '*'): Promise<number> {
  const { rows } = await pool.query(`SELECT count(${what})::int AS n FROM events`);
  return rows[0].n;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

if (isEntryPoint(import.meta.url)) await benchVerify();
