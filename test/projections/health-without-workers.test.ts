import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStore } from '../../src/event-store/index.js';
import { assassinationBody } from '../../src/incidents/http/dto/testing/worked-example-body.js';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections.js';
import { ProjectionDaemon } from '../../src/projections/projection-daemon.js';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { describeOnServer } from '../support/test-database.js';

/** An API with PROJECTIONS=off tells its monitors when no worker is left to keep its read models. */

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp({ projections: { runInProcess: false } });
});
afterAll(() => t?.close());

const health = async (status: number) => (await t.http().get('/health').expect(status)).body;

/** Polls /health until it answers 200 with every projection caught up. */
async function caughtUp(timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await t.http().get('/health');
    const projections = Object.values(answer.body.details?.projections ?? {}).filter((value) => typeof value === 'object');
    if (answer.status === 200 && projections.every((projection: any) => projection.lagEvents === 0)) return answer.body;
    if (Date.now() > deadline) throw new Error(`/health stayed ${answer.status}: ${JSON.stringify(answer.body)}`);
    await sleep(100);
  }
}

describeOnServer('GET /health of an API whose projections are left to workers', () => {
  it('is down while events wait and no process works the projections, and up while a worker does', async () => {
    await t.http().post('/incidents').send(assassinationBody()).expect(201);
    const down = await health(503);
    expect(down.error.projections.timeline).toMatchObject({ state: 'running', working: false });
    expect(down.error.projections.timeline.lagEvents).toBeGreaterThan(0);
    expect(down.error.projections.timeline.workedBy).toBeUndefined();

    // A worker's daemon, on a connection of its own, takes every projection's lock and catches up.
    const worker = new ProjectionDaemon(t.db.pool, new EventStore(t.db.pool), ALL_PROJECTIONS, { serverUrl: t.db.target.url, pollMs: 100 });
    await worker.start();
    try {
      const up = await caughtUp();
      for (const name of ALL_PROJECTIONS.map((projection) => projection.name)) {
        // Named by host and pid: the worker here is this test's own process.
        expect(up.details.projections[name]).toMatchObject({ state: 'running', working: true, lagEvents: 0, workedBy: `${hostname()}:${process.pid}` });
      }
    } finally {
      await worker.stop();
    }

    // The worker gone, nothing waits yet: up; the next write waits for no one: down.
    expect((await health(200)).details.projections.timeline).toMatchObject({ working: false, lagEvents: 0 });
    await t.http().post('/incidents').send(assassinationBody()).expect(201);
    expect((await health(503)).error.projections.timeline).toMatchObject({ working: false, lagEvents: 1 });
  });
});
