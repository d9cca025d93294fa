import type pg from 'pg';
import { EventStore } from '../../src/event-store/index.js';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections.js';
import { rebuildProjection } from '../../src/projections/rebuild.js';

export const REBUILD_GOAL = 50_000;

export interface RebuildFigures {
  events: number;
  /** The reference: copying the events' rows with one INSERT … SELECT, in rows/s. */
  copyPerSecond: number;
  projections: { name: string; seconds: number; perSecond: number; ofCopy: number }[];
}

/** Rebuilds every projection from the log in `pool`'s database, next to copying the log's rows. */
export async function rebuildAll(pool: pg.Pool, log: (line: string) => void = console.log): Promise<RebuildFigures> {
  await pool.query('VACUUM ANALYZE events');
  const { rows } = await pool.query('SELECT count(*)::int AS events FROM events');
  const events: number = rows[0].events;
  const started = performance.now();
  await pool.query('CREATE TABLE copied_events AS SELECT * FROM events');
  const copyPerSecond = events / ((performance.now() - started) / 1000);
  await pool.query('DROP TABLE copied_events');
  log(`reference: INSERT … SELECT of the events' rows    ${fmt(copyPerSecond)} rows/s`);
  const store = new EventStore(pool);
  const projections = [];
  for (const projection of ALL_PROJECTIONS) {
    const result = await rebuildProjection(pool, store, projection);
    const perSecond = result.events / result.seconds;
    projections.push({ name: projection.name, seconds: result.seconds, perSecond, ofCopy: perSecond / copyPerSecond });
    log(
      `rebuild ${projection.name.padEnd(20)} ${fmt(result.events)} events in ${result.seconds.toFixed(1)} s: ` +
        `${fmt(perSecond)} events/s (ratio ${(perSecond / copyPerSecond).toFixed(2)}; goal ${fmt(REBUILD_GOAL)} events/s)`,
    );
  }
  await pool.query('VACUUM ANALYZE timeline_entries, timeline_actors, incident_summaries');
  return { events, copyPerSecond, projections };
}

export const fmt = (value: number) => Math.round(value).toLocaleString('en');
