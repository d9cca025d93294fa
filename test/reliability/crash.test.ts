import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import type { Queryable } from '../../src/event-store/index.js';
import { assassinationBody } from '../../src/incidents/http/dto/testing/worked-example-body.js';
import { foldIncidentStreams, readModelDiscrepancies } from '../projections/support/read-models.js';
import { stopAllProcesses } from '../support/child-processes.js';
import { openTestDatabase, serverUrl, type TestDatabase } from '../support/test-database.js';
import type { Client } from './support/http.js';
import { timelineIds } from './support/http.js';
import { startService, type Service } from './support/service.js';

/**
 * Crash: the service (src/main.ts in a process of its own) is killed with SIGKILL in the middle
 * of a write load and started again on the same database. Every write it acknowledged is in the
 * log exactly once; the writes in flight at the kill, sent again with their Idempotency-Keys,
 * are recorded once whether or not they had landed; and the read models catch up with all of it.
 *
 * On the test server it runs on a fresh server database; on embedded PostgreSQL, on a DATA_DIR
 * on disk that the restarted service opens again, as `npm start` does after a crash.
 */

const CLIENTS = 24;
/**
 * The service warms up on the first write of each client (a fresh process compiles and loads
 * as it goes); then the load runs for LOAD_MS, and until MIN_ACKNOWLEDGED writes are answered
 * (a busy machine answers few), and the service is killed.
 */
const LOAD_MS = 3000;
const MIN_ACKNOWLEDGED = 3 * CLIENTS;
/** Acknowledged writes sent again with their keys, to show a retry records nothing. */
const RETRIED_ACKNOWLEDGED = 16;

interface Write {
  requestId: string;
  body: object;
  /** The 201's body; absent when no answer came (in flight at the kill, or sent after it). */
  result?: { id: string; version: number; position: number };
  /** How long the 201 took, and when it came (performance.now()). */
  ms?: number;
  answeredAt?: number;
}

interface CrashRun {
  acknowledged: Write[];
  unacknowledged: Write[];
  /** Answers other than 201 before the kill: there must be none. */
  refused: { requestId: string; status: number; body: unknown }[];
  /** Writes acknowledged after the warm-up and before the kill, and over how long: the throughput held. */
  measuredWrites: number;
  measuredSeconds: number;
  /** Their median time to answer. */
  measuredMedianMs: number;
  /** Date.now() at the SIGKILL. */
  killedAt: number;
  restartMs: number;
  /** The unacknowledged writes sent again, and what each answered. */
  resent: { write: Write; status: number; result: Write['result'] }[];
  /** Acknowledged writes sent again (with a new X-Request-Id): each must answer as the first time. */
  retried: { write: Write; status: number; body: unknown }[];
  timeline: string[];
}

const temporary: string[] = [];
let db: TestDatabase | undefined;
let embedded: { postgres: EmbeddedPostgres; pool: pg.Pool } | undefined;
afterAll(async () => {
  await stopAllProcesses();
  await embedded?.pool.end();
  await embedded?.postgres.stop();
  await db?.close();
  await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function temporaryDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'crash-'));
  temporary.push(dir);
  return dir;
}

function incidentBody(requestId: string): object {
  const body = assassinationBody();
  body.title.text = `${body.title.text} (${requestId})`;
  delete body.related;
  return body;
}

/** Each write with its own X-Request-Id and Idempotency-Key (the same: one per request). */
const writeHeaders = (write: Write, requestId = write.requestId) => ({ 'X-Request-Id': requestId, 'Idempotency-Key': write.requestId });

/**
 * CLIENTS clients recording incidents one after another until the service stops answering.
 * Returns when every client has met the dead service.
 */
async function writeLoad(api: Client, run: Pick<CrashRun, 'acknowledged' | 'unacknowledged' | 'refused'>): Promise<void> {
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let n = 0; ; n++) {
        const requestId = `crash-${client}-${n}`;
        const write: Write = { requestId, body: incidentBody(requestId) };
        try {
          const reply = await api.post('/incidents', { body: write.body, headers: writeHeaders(write) });
          if (reply.status === 201) run.acknowledged.push({ ...write, result: reply.body, ms: reply.ms, answeredAt: performance.now() });
          else run.refused.push({ requestId, status: reply.status, body: reply.body });
        } catch {
          run.unacknowledged.push(write);
          return;
        }
      }
    }),
  );
}

async function crashAndRestart(options: { dataDir: string; databaseUrl?: string }): Promise<{ run: CrashRun; restarted: Service }> {
  const run: CrashRun = {
    acknowledged: [],
    unacknowledged: [],
    refused: [],
    measuredWrites: 0,
    measuredSeconds: 0,
    measuredMedianMs: 0,
    killedAt: 0,
    restartMs: 0,
    resent: [],
    retried: [],
    timeline: [],
  };
  const service = await startService('service', options);

  const loadStarted = performance.now();
  const load = writeLoad(service.api, run);
  const warmedUp = () => run.acknowledged[CLIENTS - 1]?.answeredAt;
  const loaded = () => performance.now() - (warmedUp() ?? Infinity) >= LOAD_MS && run.acknowledged.length >= MIN_ACKNOWLEDGED;
  while (!loaded() && performance.now() - loadStarted < 90_000) await sleep(50);
  // Answers that cross the kill are acknowledged too, but the throughput counts those before it.
  const measured = run.acknowledged.slice(CLIENTS);
  run.measuredWrites = measured.length;
  run.measuredSeconds = (performance.now() - warmedUp()!) / 1000;
  run.measuredMedianMs = measured.map((write) => write.ms!).sort((a, b) => a - b)[measured.length >> 1]!;
  run.killedAt = Date.now();
  await service.process.kill();
  await load;

  const restarted: Service = await startService('restarted service', options);
  run.restartMs = restarted.startedInMs;
  const api = restarted.api;
  run.resent = await Promise.all(
    run.unacknowledged.map(async (write) => {
      const reply = await api.post('/incidents', { body: write.body, headers: writeHeaders(write) });
      return { write, status: reply.status, result: reply.status === 201 ? reply.body : undefined };
    }),
  );
  run.retried = await Promise.all(
    run.acknowledged.slice(0, RETRIED_ACKNOWLEDGED).map(async (write) => {
      const reply = await api.post('/incidents', { body: write.body, headers: writeHeaders(write, `${write.requestId}.retry`) });
      return { write, status: reply.status, body: reply.body };
    }),
  );
  const positions = [...run.acknowledged, ...run.resent].map((write) => write.result?.position ?? 0);
  run.timeline = await timelineIds(api, Math.max(...positions));
  return { run, restarted };
}

interface LoggedEvent {
  request_id: string;
  stream_id: string;
  stream_version: number;
  position: number;
  recorded_at: Date;
}

/** Every incident event, with the request that caused it, by request id. */
async function incidentEvents(db: Queryable): Promise<{ events: LoggedEvent[]; byRequest: Map<string, LoggedEvent[]> }> {
  const { rows } = await db.query<LoggedEvent>(
    `SELECT metadata->>'requestId' AS request_id, stream_id, stream_version, global_position::int AS position, recorded_at
     FROM events WHERE stream_id LIKE 'incident-%'`,
  );
  const byRequest = new Map<string, LoggedEvent[]>();
  for (const row of rows) byRequest.set(row.request_id, [...(byRequest.get(row.request_id) ?? []), row]);
  return { events: rows, byRequest };
}

/** The assertions both databases must pass: `log` is the database the service wrote to. */
function provesNothingLostOrDoubled(label: string, scenario: () => { run: CrashRun; log: Queryable }) {
  it('acknowledged every write it answered before the kill, and left some in flight', () => {
    const { run } = scenario();
    expect(run.refused).toEqual([]);
    expect(run.acknowledged.length).toBeGreaterThanOrEqual(MIN_ACKNOWLEDGED);
    expect(run.unacknowledged).toHaveLength(CLIENTS);
    const { measuredWrites: writes, measuredSeconds: seconds } = run;
    // Other test files share the machine: its load says how far the figure is from an idle one's.
    const load = `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`;
    console.log(
      `crash on ${label}: after a warm-up, ${writes} incidents acknowledged in ${seconds.toFixed(1)} s by ${CLIENTS} clients ` +
        `(${Math.round(writes / seconds)} writes/s, median answer ${Math.round(run.measuredMedianMs)} ms, ${load}), ` +
        `then SIGKILL with ${run.unacknowledged.length} unanswered ` +
        `(${run.acknowledged.length - CLIENTS - writes} answered as it died); restarted and listening in ${(run.restartMs / 1000).toFixed(1)} s`,
    );
  });

  it('keeps every acknowledged write exactly once, at the version and position it answered', async () => {
    const { run, log } = scenario();
    const { byRequest } = await incidentEvents(log);
    const wrong = run.acknowledged.flatMap((write) => {
      const found = (byRequest.get(write.requestId) ?? []).map(({ recorded_at: _, ...event }) => event);
      const expected = [{ request_id: write.requestId, stream_id: `incident-${write.result!.id}`, stream_version: 1, position: write.result!.position }];
      return JSON.stringify(found) === JSON.stringify(expected) ? [] : [{ write: write.requestId, found }];
    });
    expect(wrong).toEqual([]);
  });

  it('records each write in flight at the kill once, whether it had landed or not, when it is sent again with its key', async () => {
    const { run, log } = scenario();
    expect(run.resent.map(({ status }) => status)).toEqual(run.unacknowledged.map(() => 201));
    const { events, byRequest } = await incidentEvents(log);
    for (const { write, result } of run.resent) {
      expect(byRequest.get(write.requestId)).toEqual([
        {
          request_id: write.requestId,
          stream_id: `incident-${result!.id}`,
          stream_version: 1,
          position: result!.position,
          recorded_at: expect.any(Date),
        },
      ]);
    }
    // Those recorded before the kill were written, and their answers lost: only the key kept them single.
    const landed = run.resent.filter(({ write }) => byRequest.get(write.requestId)![0]!.recorded_at.getTime() < run.killedAt);
    console.log(`crash on ${label}: ${landed.length} of the ${run.resent.length} writes in flight at the kill had been recorded unanswered`);
    // Nothing else: no write twice, no stream with a second event, no event of a retry.
    expect(events).toHaveLength(run.acknowledged.length + run.resent.length);
    expect(new Set(events.map((event) => event.stream_id)).size).toBe(events.length);
  });

  it('answers a retry of an acknowledged write as the first time, and records nothing', async () => {
    const { run, log } = scenario();
    expect(run.retried.map(({ status, body }) => ({ status, body }))).toEqual(
      run.retried.map(({ write }) => ({ status: 201, body: write.result })),
    );
    const { rows } = await log.query(`SELECT count(*)::int AS n FROM events WHERE metadata->>'requestId' LIKE '%.retry'`);
    expect(rows[0].n).toBe(0);
  });

  it('brings the read models up to date with every write after the restart', async () => {
    const { run, log } = scenario();
    const written = [...run.acknowledged, ...run.resent.map(({ result }) => ({ result }))].map((write) => write.result!.id);
    expect(new Set(run.timeline)).toEqual(new Set(written));
    expect(run.timeline).toHaveLength(written.length);
    expect(await readModelDiscrepancies(log, await foldIncidentStreams(log))).toEqual([]);
  });
}

(serverUrl ? describe : describe.skip)('the service killed under a write load, on a PostgreSQL server', () => {
  let run: CrashRun;
  beforeAll(async () => {
    db = await openTestDatabase();
    ({ run } = await crashAndRestart({ dataDir: await temporaryDir(), databaseUrl: db.target.url }));
  }, 180_000);

  provesNothingLostOrDoubled('a PostgreSQL server', () => ({ run, log: db!.pool }));
});

/**
 * Embedded PostgreSQL is the service's own process: the kill takes the database down with it,
 * mid-write, and the restart recovers its files. The log is read afterwards from the files,
 * once the restarted service has stopped cleanly (one process per DATA_DIR).
 */
(serverUrl ? describe.skip : describe)('the service killed under a write load, on embedded PostgreSQL', () => {
  let run: CrashRun;
  beforeAll(async () => {
    const dataDir = await temporaryDir();
    const crash = await crashAndRestart({ dataDir });
    run = crash.run;
    await crash.restarted.process.terminate();
    const postgres = await startEmbeddedPostgres(dataDir);
    embedded = { postgres, pool: new pg.Pool({ connectionString: postgres.url, max: 1 }) };
  }, 240_000);

  provesNothingLostOrDoubled('embedded PostgreSQL', () => ({ run, log: embedded!.pool }));
});
