/**
 * The timeline's figures at scale, on the local PostgreSQL server:
 * - rebuild throughput of each projection over a log of BENCH_EVENTS events (default 1,000,000),
 *   next to copying the same events' rows with one INSERT … SELECT (the reference), for two logs:
 *   one event per incident (every event a new row: the hardest case), and incidents recorded
 *   and then sourced, verified or revised (2.75 events per incident);
 * - timeline query latency at that size, region + date range and actor + date range, p50/p95;
 * - lag from append to visible on the timeline while appending BENCH_RATE incidents/s.
 *
 *   npm run bench:timelines          BENCH_EVENTS=1000000 BENCH_QUERIES=300 BENCH_RATE=1000 BENCH_SECONDS=10
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { migrate, openDataSource, poolOf } from '../src/database/data-source.js';
import { EventStore } from '../src/event-store/index.js';
import { Gazetteer } from '../src/places/gazetteer.js';
import { ALL_PROJECTIONS } from '../src/projections/all-projections.js';
import { notifyAppends } from '../src/projections/append-notifier.js';
import { ProjectionDaemon } from '../src/projections/projection-daemon.js';
import type { Projections } from '../src/projections/projections.module.js';
import { TimelineQueries } from '../src/timelines/queries/timeline-queries.js';
import { median, percentile, positiveInteger, withScratchDatabase } from './support/bench-database.js';
import { rebuildAll } from './support/rebuilds.js';
import { recordedIncident, seedActors, seedFollowUps, seedIncidents } from './support/timeline-seed.js';

const events = positiveInteger('BENCH_EVENTS', 1_000_000);
const queries = positiveInteger('BENCH_QUERIES', 300);
const rate = positiveInteger('BENCH_RATE', 1000);
const lagSeconds = positiveInteger('BENCH_SECONDS', 10);

async function bench(url: string): Promise<void> {
  await withDatabase(url, async (pool, dataSource) => {
    const actorIds = await seedActors(pool, 200);
    let seeded = performance.now();
    await seedIncidents(pool, events, actorIds);
    seeded = (performance.now() - seeded) / 1000;
    console.log(`timelines benchmark: ${fmt(events)} incident.recorded events seeded in ${seeded.toFixed(0)} s\n`);
    await rebuildAll(pool);
    await queryLatency(dataSource, actorIds);
    await lag(url, pool);
  });
}

/** The rebuilds again, over a log of incidents with their follow-ups. */
async function benchFollowUps(url: string): Promise<void> {
  await withDatabase(url, async (pool) => {
    await seedIncidents(pool, Math.round(events / 2.75), await seedActors(pool, 200));
    await seedFollowUps(pool);
    const { rows } = await pool.query('SELECT count(*)::int AS events, count(DISTINCT stream_id)::int AS incidents FROM events');
    console.log(`\n${fmt(rows[0].events)} events: ${fmt(rows[0].incidents)} incidents recorded, then sourced, verified or revised\n`);
    await rebuildAll(pool);
  });
}

async function withDatabase(url: string, work: (pool: pg.Pool, dataSource: DataSource) => Promise<void>): Promise<void> {
  const target = { url, embedded: false };
  const dataSource = await openDataSource(target);
  await migrate(dataSource, target);
  try {
    await work(poolOf(dataSource), dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function queryLatency(dataSource: DataSource, actorIds: string[]): Promise<void> {
  const pool = poolOf(dataSource);
  const ready = { waitFor: async () => true } as unknown as Projections;
  const timelines = new TimelineQueries(dataSource, new Gazetteer(pool), ready, new EventStore(pool));
  const { rows } = await pool.query(`SELECT pcode FROM places WHERE country_code = 'SY' AND level IN (1, 2)`);
  const regions = rows.map((row) => row.pcode as string);
  const month = () => {
    const start = new Date(Date.UTC(2016 + Math.floor(Math.random() * 8), Math.floor(Math.random() * 12), 1));
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
    return { from: start.toISOString().slice(0, 10), to: end.toISOString().slice(0, 10) };
  };
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
  const year = () => {
    const start = 2016 + Math.floor(Math.random() * 8);
    return { from: `${start}-01-01`, to: `${start}-12-31` };
  };
  const governorates = regions.filter((pcode) => pcode.length === 4);
  const cases: Record<string, [query: () => Promise<unknown>, runs: number]> = {
    'timeline region + month': [() => timelines.timeline({ region: pick(regions), ...month(), limit: 50 }), queries],
    'timeline actor + month': [() => timelines.timeline({ actor: pick(actorIds), ...month(), limit: 50 }), queries],
    'stats by month, whole log': [() => timelines.stats({ groupBy: 'month' }), 10],
    'stats by district, governorate + year': [
      () => timelines.stats({ groupBy: 'region', region: pick(governorates), ...year() }),
      Math.ceil(queries / 10),
    ],
    'stats by actor, year': [() => timelines.stats({ groupBy: 'actor', ...year() }), 10],
  };
  console.log('');
  for (const [name, [query, runs]] of Object.entries(cases)) {
    for (let i = 0; i < Math.min(runs, 20); i++) await query(); // warm the caches
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await query();
      times.push(performance.now() - start);
    }
    console.log(
      `${name.padEnd(38)} p50 ${percentile(times, 50).toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms ` +
        `(${runs} queries at ${fmt(events)} incidents${name.startsWith('timeline') ? '; goal p95 ≤ 20 ms' : ''})`,
    );
  }
}

/** Appends at a steady rate with the projections running, and times each incident until it is on the timeline. */
async function lag(url: string, pool: pg.Pool): Promise<void> {
  const writers = new pg.Pool({ connectionString: url, max: 8 });
  const store = new EventStore(writers);
  // As the API does: its appends reach the projections (here, another pool's daemon) by NOTIFY.
  const stopNotifying = notifyAppends(store, writers);
  const daemon = new ProjectionDaemon(pool, new EventStore(pool), ALL_PROJECTIONS, { serverUrl: url });
  await daemon.start();
  const appendedAt = new Map<string, number>();
  const lags: number[] = [];
  let watching = true;
  const { rows } = await pool.query('SELECT coalesce(max(position), 0) AS position FROM timeline_entries');
  let seen = Number(rows[0].position);
  let deadline = Number.POSITIVE_INFINITY;
  const watcher = (async () => {
    while ((watching || appendedAt.size > 0) && performance.now() < deadline) {
      const fresh = await pool.query('SELECT incident_id, position FROM timeline_entries WHERE position > $1', [seen]);
      const now = performance.now();
      for (const row of fresh.rows) {
        seen = Math.max(seen, Number(row.position));
        const start = appendedAt.get(row.incident_id);
        if (start === undefined) continue;
        lags.push(now - start);
        appendedAt.delete(row.incident_id);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  const total = rate * lagSeconds;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async (_, writer) => {
      for (let i = writer; i < total; i += 8) {
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const id = randomUUID();
        appendedAt.set(id, performance.now());
        await store.append(`incident-${id}`, 'no_stream', [recordedIncident(id, i)]);
      }
    }),
  );
  const achieved = total / ((performance.now() - started) / 1000);
  watching = false;
  deadline = performance.now() + 30_000;
  await watcher;
  if (appendedAt.size > 0) console.log(`${appendedAt.size} incidents did not reach the timeline within 30 s`);
  await daemon.stop();
  stopNotifying();
  await writers.end();
  console.log(
    `\nlag append → on the timeline at ${fmt(achieved)} incidents/s for ${lagSeconds} s: ` +
      `p50 ${median(lags).toFixed(0)} ms  p99 ${percentile(lags, 99).toFixed(0)} ms  max ${Math.max(...lags).toFixed(0)} ms ` +
      `(${lags.length} incidents; goal p99 ≤ 250 ms)`,
  );
}

const fmt = (value: number) => Math.round(value).toLocaleString('en');

(async () => {
  await withScratchDatabase('bench_timelines', bench);
  await withScratchDatabase('bench_timelines_follow_ups', benchFollowUps);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
