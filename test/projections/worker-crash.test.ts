import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { EventStore } from '../../src/event-store/index.js';
import { describeOnServer, openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { appendIncidents } from './support/incidents.js';
import { allRunning, checkpoints, foldIncidentStreams, readModelDiscrepancies, waitUntilCaughtUp } from './support/read-models.js';
import { startFixture, startWorker, stopAllWorkers } from './support/workers.js';

/**
 * Crash: a worker is killed (SIGKILL) in the middle of a batch, with the batch's read-model rows
 * written and its checkpoint not yet moved. A new worker then finishes the work: nothing lost,
 * nothing applied twice.
 */

const INCIDENTS = 3000;
const BATCH = 50;
/** The hanging worker stops inside the timeline projection's 20th batch, part of the way through the log. */
const HANG_AT_BATCH = 20;

let db: TestDatabase;
let store: EventStore;
let total: number;
afterAll(async () => {
  await stopAllWorkers();
  await db?.close();
});

describeOnServer('a projection worker killed in the middle of a batch', () => {
  /** What the database showed just before the kill, and just after. */
  let openBatchLocks: string[];
  let handledBeforeKill: number;
  let handledAfterKill: number;

  beforeAll(async () => {
    db = await openTestDatabase();
    store = new EventStore(db.pool);
    ({ events: total } = await appendIncidents(store, 0, INCIDENTS));
    // Started after the appends, it hangs within a second and is killed at once: its open
    // transaction holds back every reader of the log on the server (readAll's safe order), and
    // other test files may be following logs on it.
    const hanging = startFixture('hanging worker', 'hanging-worker.ts', [db.target.url, String(BATCH), 'timeline', String(HANG_AT_BATCH)]);
    await hanging.said('hanging mid-batch', 60_000);

    // The batch's rows are written in a transaction still open: it holds row locks on both of
    // the timeline projection's tables.
    const { rows } = await db.pool.query(
      `SELECT DISTINCT c.relname FROM pg_locks l
       JOIN pg_stat_activity a ON a.pid = l.pid JOIN pg_class c ON c.oid = l.relation
       WHERE a.application_name = 'hanging-worker' AND a.state = 'idle in transaction' AND l.mode = 'RowExclusiveLock'
         AND c.relname IN ('timeline_entries', 'timeline_actors')`,
    );
    openBatchLocks = rows.map((row) => row.relname).sort();
    handledBeforeKill = (await checkpoints(db.pool)).timeline!.eventsHandled;
    await hanging.kill();
    handledAfterKill = (await checkpoints(db.pool)).timeline!.eventsHandled;
  }, 120_000);

  it('is killed with a batch written and uncommitted, part of the way through the log', () => {
    expect(openBatchLocks).toEqual(['timeline_actors', 'timeline_entries']);
    expect(handledBeforeKill).toBeGreaterThan(0);
    expect(handledBeforeKill).toBeLessThan(total);
    expect(handledAfterKill).toBe(handledBeforeKill);
  });

  it('after a new worker catches up, holds every incident exactly once in its final state', async () => {
    const started = Date.now();
    const worker = startWorker('restarted worker', db.target.url);
    await worker.said('Working projections on', 60_000);
    const caughtUpMs = await waitUntilCaughtUp(db.pool, { since: started, timeoutMs: 90_000 }).catch((error: Error) => {
      throw new Error(`${error.message}; the worker said:\n${worker.output()}`);
    });
    console.log(`restarted worker caught up ${total - handledAfterKill} timeline events in ${caughtUpMs} ms (with its start)`);

    expect(await readModelDiscrepancies(db.pool, await foldIncidentStreams(db.pool))).toEqual([]);
    expect(await checkpoints(db.pool)).toEqual(allRunning(total));
    const { rows } = await db.pool.query('SELECT count(DISTINCT stream_id)::int AS incidents, count(*)::int AS events FROM events');
    expect(rows[0]).toEqual({ incidents: INCIDENTS, events: total });
  }, 120_000);
});
