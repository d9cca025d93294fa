import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStore } from '../../src/event-store/index.js';
import { describeOnServer, openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { appendIncidents } from './support/incidents.js';
import { allRunning, checkpoints, foldIncidentStreams, PROJECTION_NAMES, readModelDiscrepancies, waitUntilCaughtUp } from './support/read-models.js';
import { daemonsConnected, projectionLeaders, startWorker, stopAllWorkers, type WorkerProcess } from './support/workers.js';

/**
 * Two workers (`src/worker.ts`) on one database: each projection is worked by the one holding
 * its advisory lock; when that one is killed, the other takes the projection over.
 */

const TAKEOVER_MS = 5000;

let db: TestDatabase;
let store: EventStore;
let workers: WorkerProcess[];
/** Events appended so far, and the next incident number. */
let total = 0;
let next = 0;

afterAll(async () => {
  await stopAllWorkers();
  await db?.close();
});

async function append(incidents: number) {
  const { events } = await appendIncidents(store, next, incidents);
  next += incidents;
  total += events;
}

describeOnServer('two projection workers on one database', () => {
  beforeAll(async () => {
    db = await openTestDatabase();
    store = new EventStore(db.pool);
    workers = [startWorker('worker A', db.target.url), startWorker('worker B', db.target.url)];
    await Promise.all(workers.map((worker) => worker.said('Working projections on', 60_000)));
    // Both daemons are up, each listening on its own connection.
    await daemonsConnected(db.pool, 2);
  }, 60_000);

  it('gives each projection to exactly one worker, which keeps the read models', async () => {
    const leading = await projectionLeaders(db.pool, workers);
    for (const name of PROJECTION_NAMES) expect(workers).toContain(leading[name]);

    await append(300);
    await waitUntilCaughtUp(db.pool, { timeoutMs: 10_000 });
    expect(await readModelDiscrepancies(db.pool, await foldIncidentStreams(db.pool))).toEqual([]);
  });

  it(`lets the other worker take over within ${TAKEOVER_MS / 1000} seconds of the leader being killed, losing and doubling nothing`, async () => {
    const leader = (await projectionLeaders(db.pool, workers)).timeline!;
    const survivor = workers.find((worker) => worker !== leader)!;
    const handledBefore = (await checkpoints(db.pool)).timeline!.eventsHandled;

    // Kill the leader while it works: appends are coming in and it has started on them.
    const appending = append(300);
    for (const deadline = Date.now() + 10_000; (await checkpoints(db.pool)).timeline!.eventsHandled === handledBefore; await sleep(5)) {
      if (Date.now() > deadline) throw new Error('the leader did not start on the new events');
    }
    await leader.kill();
    const killedAt = Date.now();
    await appending;
    const appendedMs = Date.now() - killedAt;
    const caughtUpMs = await waitUntilCaughtUp(db.pool, { since: killedAt, timeoutMs: TAKEOVER_MS });
    console.log(`after the kill: appends done in ${appendedMs} ms, read models caught up ${caughtUpMs} ms after the kill`);

    const leading = await projectionLeaders(db.pool, workers, 1000);
    for (const name of PROJECTION_NAMES) expect(leading[name]).toBe(survivor);
    expect(await readModelDiscrepancies(db.pool, await foldIncidentStreams(db.pool))).toEqual([]);
    expect(await checkpoints(db.pool)).toEqual(allRunning(total));
  });
});
