import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { EventStore, StreamOrderError, type NewEvent, type RecordedEvent } from '../../src/event-store/index.js';
import { ALL_PROJECTIONS } from '../../src/projections/all-projections.js';
import { ProjectionDaemon } from '../../src/projections/projection-daemon.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import type { Projection } from '../../src/projections/projection.js';
import { describeOnServer, logSettled, openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { audited, createAuditTable } from './support/audited.js';
import { correction, correctionsOf, recorded, streamOf } from './support/incidents.js';
import {
  allRunning,
  PROJECTION_NAMES,
  checkpoints,
  foldIncidentStreams,
  incidentsPresent,
  readModelDiscrepancies,
  waitUntilCaughtUp,
} from './support/read-models.js';

/**
 * Concurrency: 16 writers record and correct 5,000 incidents while the projections follow the
 * log. Some transactions are held open and commit after later positions have committed; a few
 * roll back. A daemon and three competing runners per projection (no leadership among them:
 * only the checkpoint's row lock keeps them apart) work the projections all along.
 */

const INCIDENTS = 5000;
const WRITERS = 16;
const RUNNERS_PER_PROJECTION = 3;

/** How incident `n` is written: most event by event, some in transactions held open 0-300 ms. */
function planFor(n: number): 'held' | 'corrections held' | 'rolled back' | 'corrections rolled back' | 'one by one' {
  if (n % 250 === 13) return 'rolled back';
  if (n % 125 === 56) return 'corrections rolled back';
  if (n % 10 === 3) return 'held';
  if (n % 10 === 6) return 'corrections held';
  return 'one by one';
}

let db: TestDatabase;
let store: EventStore;
let writerPool: pg.Pool;

/** What the writers did: events committed, incidents whose recording rolled back. */
let committedEvents = 0;
const rolledBack: string[] = [];
/** Held transactions that found a later position already committed when they committed. */
let overtaken = 0;

/** Appends `events` to the stream in one transaction held open 0-300 ms, then commits or rolls back. */
async function inHeldTransaction(streamId: string, version: number, events: NewEvent[], outcome: 'COMMIT' | 'ROLLBACK') {
  const client = await writerPool.connect();
  try {
    await client.query('BEGIN');
    const { positions } = await store.on(client).append(streamId, version === 0 ? 'no_stream' : version, events);
    await sleep(Math.random() * 300);
    if (outcome === 'COMMIT') {
      const { rows } = await db.pool.query('SELECT max(global_position) AS latest FROM events');
      if (Number(rows[0].latest) > positions[positions.length - 1]!) overtaken++;
    }
    await client.query(outcome);
    if (outcome === 'COMMIT') committedEvents += events.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function appendOneByOne(streamId: string, version: number, events: NewEvent[]) {
  for (const event of events) {
    await store.append(streamId, version === 0 ? 'no_stream' : version, [event]);
    version++;
    committedEvents++;
  }
}

async function writeIncident(n: number) {
  const id = randomUUID();
  const stream = streamOf(id);
  const corrections = correctionsOf(n);
  switch (planFor(n)) {
    case 'rolled back':
      rolledBack.push(id);
      return inHeldTransaction(stream, 0, [recorded(id, n), ...corrections], 'ROLLBACK');
    case 'held':
      return inHeldTransaction(stream, 0, [recorded(id, n), ...corrections], 'COMMIT');
    case 'corrections held':
    case 'corrections rolled back':
      await appendOneByOne(stream, 0, [recorded(id, n)]);
      if (corrections.length === 0) return;
      return inHeldTransaction(stream, 1, corrections, planFor(n) === 'corrections held' ? 'COMMIT' : 'ROLLBACK');
    case 'one by one':
      return appendOneByOne(stream, 0, [recorded(id, n), ...corrections]);
  }
}

/** What the competing runners failed with: a step that throws rolls its batch back. */
const runnerErrors: string[] = [];

/** A runner of `projection` stepped in a loop until stopped, next to the daemon's. */
function competingRunner(projection: Projection, name: string) {
  const runner = new ProjectionRunner(db.pool, store, audited(projection, name), { batchSize: 37 });
  let stopped = false;
  const loop = (async () => {
    await runner.register();
    while (!stopped) {
      try {
        if ((await runner.step()).caughtUp) await sleep(5);
      } catch (error) {
        runnerErrors.push(`${projection.name} ${name}: ${error instanceof Error ? error.message : error}`);
        await sleep(5);
      }
    }
  })().catch((error) => runnerErrors.push(`${projection.name} ${name}: ${error}`));
  return async () => {
    stopped = true;
    await loop;
  };
}

/** Stops the daemon and the competing runners: after the writes, or in afterAll when the writes failed. */
let stopProjections = async () => {};

afterAll(async () => {
  await stopProjections();
  await writerPool?.end();
  await db?.close();
});

describeOnServer('the projections while 16 writers record and correct 5,000 incidents', () => {
  beforeAll(async () => {
    Logger.overrideLogger(['warn', 'error']);
    db = await openTestDatabase();
    store = new EventStore(db.pool);
    writerPool = new pg.Pool({ connectionString: db.target.url, max: WRITERS });
    // pool.end() may still be closing a connection when the test database is dropped, which
    // terminates it: an error on a pool without a listener would fail the whole test file.
    writerPool.on('error', () => {});
    await createAuditTable(db.pool);

    const daemon = new ProjectionDaemon(
      db.pool,
      store,
      ALL_PROJECTIONS.map((projection) => audited(projection, 'daemon')),
      { serverUrl: db.target.url, pollMs: 100, batchSize: 100 },
    );
    await daemon.start();
    const stopRunners = ALL_PROJECTIONS.flatMap((projection) =>
      Array.from({ length: RUNNERS_PER_PROJECTION }, (_, k) => competingRunner(projection, `runner ${k + 1}`)),
    );
    stopProjections = async () => {
      stopProjections = async () => {};
      await Promise.allSettled(stopRunners.map((stop) => stop()));
      await daemon.stop();
    };

    const started = Date.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        for (let n = writer; n < INCIDENTS; n += WRITERS) await writeIncident(n);
      }),
    );
    const writtenMs = Date.now() - started;
    const caughtUpMs = await waitUntilCaughtUp(db.pool, { timeoutMs: 60_000 });
    console.log(`${committedEvents} events written in ${writtenMs} ms; projections caught up ${caughtUpMs} ms after the last commit`);
    await stopProjections();
  }, 240_000);

  it('holds each committed incident exactly once in every read model, in its final state', async () => {
    const expected = await foldIncidentStreams(db.pool);
    expect(expected.size).toBe(INCIDENTS - rolledBack.length);
    expect(await readModelDiscrepancies(db.pool, expected)).toEqual([]);
  });

  it('holds nothing of the incidents whose transactions rolled back', async () => {
    expect(rolledBack.length).toBeGreaterThan(0);
    expect(await incidentsPresent(db.pool, rolledBack)).toEqual([]);
  });

  it('has handled every committed event exactly once, by its checkpoint and by the audit of what it applied', async () => {
    const { rows: events } = await db.pool.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE stream_id LIKE 'incident-%')::int AS incident_events FROM events`,
    );
    expect(events[0]).toEqual({ total: committedEvents, incident_events: committedEvents });
    expect(await checkpoints(db.pool)).toEqual(allRunning(committedEvents));
    const { rows: audit } = await db.pool.query(
      `SELECT projection, count(*)::int AS applications, count(DISTINCT global_position)::int AS events,
              count(*) FILTER (WHERE global_position NOT IN (SELECT global_position FROM events))::int AS unknown
       FROM projection_audit GROUP BY projection ORDER BY projection`,
    );
    expect(audit).toEqual(
      [...PROJECTION_NAMES].sort().map((projection) => ({
        projection,
        applications: committedEvents,
        events: committedEvents,
        unknown: 0,
      })),
    );
  });

  it('really raced: commits landed out of position order, and several runners applied batches without failing', async () => {
    expect(overtaken).toBeGreaterThan(0);
    expect(runnerErrors).toEqual([]);
    const { rows } = await db.pool.query(
      `SELECT projection, count(DISTINCT applied_by)::int AS runners FROM projection_audit GROUP BY projection ORDER BY projection`,
    );
    for (const row of rows) expect(row.runners).toBeGreaterThanOrEqual(2);
  });
});

describeOnServer('a correction from a transaction that began before the incident was recorded', () => {
  // Writer 1 opens a transaction and records incident P: its transaction id is taken now.
  // Writer 2 records incident Q and commits. Writer 1 then tries to correct Q: accepting it would
  // give Q's version 2 a lower transaction id than its version 1, so the store refuses it, and
  // writer 1 corrects Q again in a new transaction.
  let own: TestDatabase;
  let q: string;
  let log: RecordedEvent[];

  beforeAll(async () => {
    own = await openTestDatabase();
    const ownStore = new EventStore(own.pool);
    const [p, qId] = [randomUUID(), randomUUID()];
    q = qId;
    const writer1 = await own.pool.connect();
    try {
      await writer1.query('BEGIN');
      await ownStore.on(writer1).append(streamOf(p), 'no_stream', [recorded(p, 1)]);
      await ownStore.append(streamOf(q), 'no_stream', [recorded(q, 2)]);
      await expect(ownStore.on(writer1).append(streamOf(q), 1, [correction(2, 2)])).rejects.toBeInstanceOf(StreamOrderError);
      await writer1.query('COMMIT');
      await ownStore.append(streamOf(q), 1, [correction(2, 2)]);
    } finally {
      writer1.release();
    }
    await logSettled(own.pool);
    log = (await ownStore.readAll()).events;
    for (const projection of ALL_PROJECTIONS) {
      const runner = new ProjectionRunner(own.pool, ownStore, projection);
      await runner.register();
      while (!(await runner.step()).caughtUp);
    }
  });
  afterAll(() => own?.close());

  it("reads the incident's events from the log in version order", () => {
    const versions = log.filter((event) => event.streamId === streamOf(q)).map((event) => event.streamVersion);
    expect(versions).toEqual([1, 2]);
  });

  it('keeps the projections running, with the incident in its corrected state', async () => {
    expect(await checkpoints(own.pool)).toEqual(allRunning(3));
    expect(await readModelDiscrepancies(own.pool, await foldIncidentStreams(own.pool))).toEqual([]);
  });
});
