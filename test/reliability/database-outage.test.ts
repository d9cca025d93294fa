import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { CONNECTION_TIMEOUT_MS, openDataSource } from '../../src/database/data-source.js';
import { isDatabaseUnavailable } from '../../src/database/unavailable.js';
import { assassinationBody } from '../../src/incidents/http/dto/testing/worked-example-body.js';
import { PROJECTION_NAMES, foldIncidentStreams, readModelDiscrepancies } from '../projections/support/read-models.js';
import { lockHolders } from '../projections/support/workers.js';
import { fromRoot, startNode, stopAllProcesses, type NodeProcess } from '../support/child-processes.js';
import { serverUrl } from '../support/test-database.js';
import { timelineIds, type Client } from './support/http.js';
import { createPrivateCluster, POSTGRES_BIN, privateClusterPossible, type PrivateCluster } from './support/private-cluster.js';
import { startService, type Service } from './support/service.js';

/**
 * Database outage: PostgreSQL stops in the middle of a write load and comes back a few seconds
 * later. Meanwhile every request is answered at once with 503, problem+json and Retry-After (no
 * hang, no 500) and /health says 503; afterwards the service carries on by itself: writes
 * succeed, the projections and the sealer resume, and nothing acknowledged is lost. The writes
 * refused meanwhile, sent again with their Idempotency-Keys, are recorded once.
 *
 * The database is a cluster of the test's own (support/private-cluster.ts), stopped with
 * `pg_ctl stop -m fast`: every session is ended (57P01), then connections are refused. The
 * shared test server is never stopped.
 */

const LOAD_CLIENTS = 8;
/** How long the database stays down. */
const OUTAGE_MS = 3000;
/** A 503 that takes longer than this waited for something: a failure must be seen at once. */
const FAST_MS = 2000;

interface Write {
  requestId: string;
  body: object;
  result?: { id: string; version: number; position: number };
}

interface Answer {
  path: string;
  /** When it was sent and how long it took, from the start of the load (performance.now()). */
  sentAt: number;
  ms: number;
  /** 0: no answer at all (refused, cut, or timed out on the client's side). */
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  body: any;
}

interface Outage {
  answers: Answer[];
  written: Write[];
  /** Writes answered with anything but 201, later sent again. */
  refused: Write[];
  resent: { write: Write; status: number; result?: Write['result'] }[];
  /** performance.now() when `pg_ctl stop` began and ended, and when `pg_ctl start` began and ended. */
  stopBegan: number;
  stopped: number;
  startBegan: number;
  started: number;
  /** The first write sent once the database began to start that was answered 201, and the first 200 from /health. */
  firstWriteBack?: Answer;
  healthyBack?: Answer;
  timeline: string[];
}

const runsHere = serverUrl && privateClusterPossible();
const describeWithPrivateCluster = runsHere
  ? describe
  : (name: string, fn: () => void) =>
      describe.skip(`${name} [needs the PostgreSQL server tools in ${POSTGRES_BIN} (POSTGRES_BIN) and TEST_DATABASE_URL]`, fn);

let cluster: PrivateCluster | undefined;
let dataDir: string | undefined;
let log: pg.Pool | undefined;
afterAll(async () => {
  await stopAllProcesses();
  await log?.end();
  await cluster?.destroy();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function incidentBody(requestId: string): object {
  const body = assassinationBody();
  body.title.text = `${body.title.text} (${requestId})`;
  delete body.related;
  return body;
}

const headersOf = (write: Write) => ({ 'X-Request-Id': write.requestId, 'Idempotency-Key': write.requestId });

/** Sends a request and records its answer; a request that gets none is recorded with status 0. */
async function answer(outage: Outage, path: string, send: () => ReturnType<Client['get']>): Promise<Answer> {
  const sentAt = performance.now();
  const recorded: Answer = await send().then(
    (reply) => ({
      path,
      sentAt,
      ms: reply.ms,
      status: reply.status,
      contentType: reply.headers.get('content-type'),
      retryAfter: reply.headers.get('retry-after'),
      body: reply.body,
    }),
    (error: Error) => ({ path, sentAt, ms: performance.now() - sentAt, status: 0, contentType: null, retryAfter: null, body: String(error.cause ?? error) }),
  );
  outage.answers.push(recorded);
  return recorded;
}

/** LOAD_CLIENTS clients recording incidents, and a monitor polling /health and a read, until `done()`. */
function load(api: Client, outage: Outage, done: () => boolean): Promise<unknown> {
  const writers = Array.from({ length: LOAD_CLIENTS }, async (_, client) => {
    for (let n = 0; !done(); n++) {
      const write: Write = { requestId: `outage-${client}-${n}`, body: incidentBody(`outage-${client}-${n}`) };
      const reply = await answer(outage, 'POST /incidents', () => api.post('/incidents', { body: write.body, headers: headersOf(write) }));
      if (reply.status === 201) {
        outage.written.push({ ...write, result: reply.body });
        if (reply.sentAt >= outage.startBegan) outage.firstWriteBack ??= reply;
      } else {
        outage.refused.push(write);
        // A client that honoured Retry-After would wait 2 s; these keep probing how the service answers.
        await sleep(50);
      }
    }
  });
  const monitor = (async () => {
    while (!done()) {
      const health = await answer(outage, 'GET /health', () => api.get('/health'));
      if (health.status === 200 && health.sentAt >= outage.startBegan) outage.healthyBack ??= health;
      await answer(outage, 'GET /timeline', () => api.get('/timeline?limit=1'));
      await sleep(100);
    }
  })();
  return Promise.all([...writers, monitor]);
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen in ${timeoutMs} ms`);
    await sleep(20);
  }
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? NaN;

describeWithPrivateCluster('PostgreSQL stopped under a write load and started again', () => {
  const outage: Outage = {
    answers: [],
    written: [],
    refused: [],
    resent: [],
    stopBegan: Infinity,
    stopped: Infinity,
    startBegan: Infinity,
    started: Infinity,
    timeline: [],
  };
  let service: Service;
  let held: NodeProcess;

  /** Answers to requests sent while the database was down (from the stop until it was back). */
  const duringOutage = (path: string) =>
    outage.answers.filter((answer) => answer.path === path && answer.sentAt >= outage.stopped && answer.sentAt < outage.startBegan);

  beforeAll(async () => {
    cluster = await createPrivateCluster();
    dataDir = await mkdtemp(join(tmpdir(), 'outage-'));
    service = await startService('service', { dataDir, databaseUrl: cluster.url, env: { SEAL_INTERVAL_SECONDS: '1' } });
    held = startNode('held transaction', ['--import', 'tsx', fromRoot('test/reliability/fixtures/held-transaction.ts'), cluster.url], {});
    await held.said('holding a transaction');

    let loadDone = false;
    const running = load(service.api, outage, () => loadDone);
    await sleep(1000);
    outage.stopBegan = performance.now();
    await cluster.stop('fast');
    outage.stopped = performance.now();
    await sleep(OUTAGE_MS);
    outage.startBegan = performance.now();
    await cluster.start();
    outage.started = performance.now();
    await until(() => outage.firstWriteBack !== undefined && outage.healthyBack !== undefined, 30_000, 'recovery').catch((error: Error) => {
      const state = service.process.exited() ? `the service exited (${service.process.child.exitCode ?? service.process.child.signalCode})` : 'the service runs';
      throw new Error(`${error.message}; ${state}; it said last:\n${service.process.output().slice(-3000)}`);
    });
    // The load goes on a little, to show that the service stays back.
    await sleep(1500);
    loadDone = true;
    await running;

    held.child.kill('SIGUSR2');
    await held.said('reconnected', 30_000);
    outage.resent = await Promise.all(
      outage.refused.map(async (write) => {
        const reply = await service.api.post('/incidents', { body: write.body, headers: headersOf(write) });
        return { write, status: reply.status, result: reply.status === 201 ? reply.body : undefined };
      }),
    );
    const positions = [...outage.written, ...outage.resent].map((write) => write.result?.position ?? 0);
    outage.timeline = await timelineIds(service.api, Math.max(...positions));
    log = new pg.Pool({ connectionString: cluster.url, max: 2 });
  }, 180_000);

  it('answers every request, during the outage with 503 at once: problem+json and Retry-After, never a 500', () => {
    expect(outage.answers.filter((answer) => ![200, 201, 503].includes(answer.status))).toEqual([]);
    const refusedWrites = duringOutage('POST /incidents').filter((answer) => answer.status === 503);
    const refusedReads = duringOutage('GET /timeline').filter((answer) => answer.status === 503);
    expect(refusedWrites.length).toBeGreaterThan(LOAD_CLIENTS);
    expect(refusedReads.length).toBeGreaterThan(0);
    // Right after the stop the answers may still be 201s in flight; from then on, only 503s.
    expect(duringOutage('POST /incidents').filter((answer) => answer.sentAt > outage.stopped + 100 && answer.status !== 503)).toEqual([]);
    // Requests in flight at the stop are answered 503 too, once their session is ended.
    for (const answer of outage.answers.filter((answer) => answer.status === 503 && answer.path !== 'GET /health')) {
      expect({ contentType: answer.contentType, retryAfter: answer.retryAfter, type: answer.body.type }).toEqual({
        contentType: expect.stringMatching(/^application\/problem\+json/),
        retryAfter: '2',
        type: '/problems/database-unavailable',
      });
    }
    const refused = [...refusedWrites, ...refusedReads];
    const times = refused.map((answer) => answer.ms);
    expect(Math.max(...times)).toBeLessThan(FAST_MS);
    console.log(
      `database outage: ${refused.length} requests sent while PostgreSQL was down answered 503 in ${percentile(times, 0.5).toFixed(1)} ms ` +
        `(median), ${percentile(times, 0.99).toFixed(1)} ms (p99), ${Math.max(...times).toFixed(1)} ms (max); ` +
        `pg_ctl stop took ${(outage.stopped - outage.stopBegan).toFixed(0)} ms`,
    );
  });

  it('says 503 on /health while the database is down, with what is down, and 200 once it is back', () => {
    const health = duringOutage('GET /health');
    expect(health.length).toBeGreaterThan(0);
    for (const answer of health) {
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
      expect(answer.ms).toBeLessThan(FAST_MS);
    }
    expect(outage.healthyBack).toBeDefined();
  });

  it('recovers by itself when the database is back: writes succeed again', () => {
    expect(service.process.exited()).toBe(false);
    const back = outage.firstWriteBack!;
    const writesSince = outage.answers.filter((answer) => answer.path === 'POST /incidents' && answer.sentAt >= back.sentAt);
    expect(writesSince.filter((answer) => answer.status !== 201)).toEqual([]);
    expect(writesSince.length).toBeGreaterThan(LOAD_CLIENTS);
    // Times from when `pg_ctl start` began: it returns a little after PostgreSQL accepts connections.
    const since = (answer: Answer) => (answer.sentAt - outage.startBegan).toFixed(0);
    console.log(
      `database outage: down ${((outage.startBegan - outage.stopBegan) / 1000).toFixed(1)} s; pg_ctl start took ` +
        `${(outage.started - outage.startBegan).toFixed(0)} ms; the first write to succeed was sent ${since(back)} ms into the start ` +
        `(answered in ${back.ms.toFixed(0)} ms), and every write after it succeeded; /health 200 from ${since(outage.healthyBack!)} ms`,
    );
    expect(back.sentAt - outage.started).toBeLessThan(2000);
  });

  it('keeps every acknowledged write exactly once, and records each refused one once when it is sent again', async () => {
    expect(outage.resent.map(({ status }) => status)).toEqual(outage.refused.map(() => 201));
    const { rows } = await log!.query(
      `SELECT metadata->>'requestId' AS request_id, stream_id, stream_version, global_position::int AS position
       FROM events WHERE metadata->>'requestId' LIKE 'outage-%'`,
    );
    const found = new Map(rows.map((row) => [row.request_id, row]));
    expect(new Set(rows.map((row) => row.request_id)).size).toBe(rows.length);
    expect(rows).toHaveLength(outage.written.length + outage.resent.length);
    const wrong = [...outage.written, ...outage.resent.map(({ write, result }) => ({ ...write, result }))].filter(
      ({ requestId, result }) => {
        const row = found.get(requestId);
        return !row || row.stream_id !== `incident-${result!.id}` || row.stream_version !== 1 || row.position !== result!.position;
      },
    );
    expect(wrong).toEqual([]);
  });

  it('resumes the projections, leading them again on a new connection', async () => {
    const written = [...outage.written, ...outage.resent.map(({ result }) => ({ result }))].map((write) => write.result!.id);
    expect(new Set(outage.timeline)).toEqual(new Set(written));
    expect(await readModelDiscrepancies(log!, await foldIncidentStreams(log!))).toEqual([]);
    const holders = await lockHolders(log!, PROJECTION_NAMES);
    expect(Object.values(holders).map((holder) => holder?.applicationName)).toEqual(PROJECTION_NAMES.map(() => `projection-daemon ${hostname()}:${service.process.pid}`));
    expect(service.process.output()).toContain('projections paused');
    expect(service.process.output()).toContain('projections resumed');
  });

  it('seals again once the database is back, up to the last write', async () => {
    const last = Math.max(...[...outage.written, ...outage.resent].map((write) => write.result?.position ?? 0));
    const deadline = Date.now() + 20_000;
    let sealed = 0;
    while (sealed < last && Date.now() < deadline) {
      const { rows } = await log!.query('SELECT coalesce(max(checkpoint_position), 0)::int AS sealed FROM audit_seals');
      sealed = rows[0].sealed;
      if (sealed < last) await sleep(200);
    }
    expect(sealed).toBeGreaterThanOrEqual(last);
  });

  it('survives losing a connection in the middle of a transaction: the transaction fails, the pool reconnects', async () => {
    await held.said('reconnected');
    expect(held.output()).toContain('transaction failed: {"unavailable":true');
    if (!held.exited()) await once(held.child, 'exit');
    expect(held.child.exitCode).toBe(0);
  });
});

describe('a database that accepts connections and never answers', () => {
  it(`gives up connecting after the pool's connection timeout (${CONNECTION_TIMEOUT_MS} ms), as unavailable, rather than wait for ever`, async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const started = performance.now();
    const waitedTooLong = Symbol('still waiting');
    let giveUp: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      openDataSource({ url: `postgres://postgres@127.0.0.1:${port}/postgres`, embedded: false }).then(
        (dataSource) => dataSource.destroy(),
        (failure: unknown) => failure,
      ),
      new Promise((resolve) => (giveUp = setTimeout(resolve, CONNECTION_TIMEOUT_MS + 5000, waitedTooLong))),
    ]);
    const waited = performance.now() - started;
    clearTimeout(giveUp);
    // Hanging up ends a connection attempt still waiting, so that nothing outlives the test.
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => silent.close(resolve));

    expect(outcome).not.toBe(waitedTooLong);
    expect(isDatabaseUnavailable(outcome)).toBe(true);
    expect(waited).toBeGreaterThanOrEqual(CONNECTION_TIMEOUT_MS - 100);
  }, 30_000);
});
