/**
 * Projection rebuilds over a log of BENCH_EVENTS events (default 1,000,000): incidents recorded,
 * then sourced, verified or revised (2.75 events each, as bench:verify seeds), each projection
 * rebuilt from the log in turn, next to copying the same rows with one INSERT … SELECT.
 * bench:timelines runs the same rebuilds on a log of recordings only, with query latencies.
 *
 *   npm run bench:rebuild          BENCH_EVENTS=1000000
 */
import { migrate, openDataSource, poolOf } from '../src/database/data-source.js';
import { positiveInteger, withScratchDatabase } from './support/bench-database.js';
import { isEntryPoint } from './support/entry-point.js';
import { REBUILD_GOAL, rebuildAll, fmt, type RebuildFigures } from './support/rebuilds.js';
import { seedActors, seedFollowUps, seedIncidents } from './support/timeline-seed.js';

export interface RebuildBenchResult extends RebuildFigures {
  goal: number;
}

export function benchRebuild(options: { events?: number; log?: (line: string) => void } = {}): Promise<RebuildBenchResult> {
  const events = options.events ?? positiveInteger('BENCH_EVENTS', 1_000_000);
  const log = options.log ?? console.log;
  return withScratchDatabase('bench_rebuild', async (url) => {
    const target = { url, embedded: false };
    const dataSource = await openDataSource(target);
    try {
      await migrate(dataSource, target);
      const pool = poolOf(dataSource);
      await seedIncidents(pool, Math.round(events / 2.75), await seedActors(pool, 200));
      await seedFollowUps(pool);
      log(`rebuild benchmark: ${fmt(events)} events, 2.75 per incident`);
      const figures = await rebuildAll(pool, log);
      return { ...figures, goal: REBUILD_GOAL };
    } finally {
      await dataSource.destroy();
    }
  });
}

if (isEntryPoint(import.meta.url)) await benchRebuild();
