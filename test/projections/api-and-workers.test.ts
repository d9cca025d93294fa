import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, hostname, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKeys } from '../../src/access/api-keys.js';
import { statementBody } from '../../src/incidents/http/dto/testing/worked-example-body.js';
import { projectionsPassed } from '../../src/projections/projection-status.js';
import { timelineIds } from '../reliability/support/http.js';
import { stopAllProcesses } from '../support/child-processes.js';
import { describeOnServer, openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startApi, type ApiProcess } from './support/api-processes.js';
import { startBalancedLoad, type BalancedLoad } from './support/balanced-load.js';
import { allRunning, checkpoints, foldIncidentStreams, PROJECTION_NAMES, readModelDiscrepancies, waitUntilCaughtUp } from './support/read-models.js';
import { daemonsConnected, projectionLeaders, startWorker, type WorkerProcess } from './support/workers.js';

/**
 * More than one machine, on one: two API processes (PROJECTIONS=off) and two projection
 * workers on one database, with clients spreading their requests over both APIs as a load
 * balancer would. The APIs keep nothing of their own, so a write through one is read through
 * the other; the leading worker is killed in the middle of the load, and the other takes every
 * projection over within 5 seconds, losing and doubling nothing.
 */

const TAKEOVER_MS = 5000;
const CLIENTS = 6;
/** Acknowledged writes before the kill: the load is running and the leader working on it. */
const WRITES_BEFORE_KILL = 4 * CLIENTS;
/**
 * Writes go on after the kill for this long, and until each client has sent at least one: those
 * can only reach the read models through the survivor.
 */
const WRITING_AFTER_KILL_MS = 1500;

let db: TestDatabase;
let apis: ApiProcess[];
let workers: WorkerProcess[];
const dataDirs: string[] = [];
/** The writes made before the load, one through each API: the log must hold them and the load's, nothing else. */
const crossWrites: { requestId: string; id: string; position: number }[] = [];

afterAll(async () => {
  await stopAllProcesses();
  await db?.close();
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Polls `done` until it holds, and says how long after `since` it first did; fails after `timeoutMs`. */
async function msUntil(what: string, since: number, done: () => Promise<boolean>, timeoutMs = 3 * TAKEOVER_MS): Promise<number> {
  for (;;) {
    if (await done()) return Date.now() - since;
    if (Date.now() - since > timeoutMs) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await sleep(25);
  }
}

describeOnServer('two APIs and two projection workers on one database', () => {
  beforeAll(async () => {
    db = await openTestDatabase();
    // Made before either API starts: neither makes a first admin key, and both accept this one.
    const { key } = await new ApiKeys(db.pool).create('load-balanced-client', 'admin', 'api-and-workers test');
    for (const name of ['A', 'B']) dataDirs.push(await mkdtemp(join(tmpdir(), `api-${name}-`)));
    workers = [startWorker('worker A', db.target.url), startWorker('worker B', db.target.url)];
    apis = await Promise.all(
      ['API A', 'API B'].map((name, n) => startApi(name, { databaseUrl: db.target.url, dataDir: dataDirs[n]!, key })),
    );
    await Promise.all(workers.map((worker) => worker.said('Working projections on', 180_000)));
    await daemonsConnected(db.pool, workers.length);
    await projectionLeaders(db.pool, workers);
  }, 240_000);

  it('serves a write made through one API from the other at once: the incident, and the timeline with minPosition', async () => {
    const [a, b] = apis as [ApiProcess, ApiProcess];
    for (const [writer, reader] of [[a, b], [b, a]]) {
      const body = statementBody();
      // The worked example's related incident is not in this database.
      delete body.related;
      const requestId = `across-${crossWrites.length}`;
      const written = await writer.api.post('/incidents', { body, headers: { 'X-Request-Id': requestId } });
      expect(written.status).toBe(201);
      const { id, position } = written.body;
      crossWrites.push({ requestId, id, position });

      const incident = await reader.api.get(`/incidents/${id}`);
      expect({ status: incident.status, id: incident.body.id, version: incident.body.version }).toEqual({ status: 200, id, version: 1 });
      const timeline = await reader.api.get(`/timeline?minPosition=${position}&limit=500`);
      expect(timeline.status).toBe(200);
      expect(timeline.body.entries.map((entry: { id: string }) => entry.id)).toContain(id);
    }
  });

  it(`has the other worker take every projection over within ${TAKEOVER_MS / 1000} s of the leader's kill, mid-load, losing and doubling nothing`, async () => {
    const leadersBefore = await projectionLeaders(db.pool, workers);
    const leader = leadersBefore.timeline!;
    const ledByLeader = PROJECTION_NAMES.filter((name) => leadersBefore[name] === leader).length;
    const survivor = workers.find((worker) => worker !== leader)!;
    const timelineHandled = async () => (await checkpoints(db.pool)).timeline!.eventsHandled;
    const handledBeforeLoad = await timelineHandled();

    const load: BalancedLoad = startBalancedLoad(apis.map(({ api }) => api), CLIENTS);
    // Killed while it works: writes are coming in through both APIs and it has been handling them.
    const working = async () => load.acknowledged.length >= WRITES_BEFORE_KILL && (await timelineHandled()) > handledBeforeLoad;
    for (const deadline = Date.now() + 120_000; !(await working()); await sleep(20)) {
      if (Date.now() > deadline || load.problems.length) throw new Error(`the load did not get going: ${JSON.stringify(load.problems)}`);
    }
    await leader.kill();
    const killedAt = Date.now();
    const { rows } = await db.pool.query('SELECT max(global_position)::int AS last FROM events');
    const lastBeforeKill: number = rows[0].last;
    const timelineAtKill = (await checkpoints(db.pool)).timeline!;

    // While the writes go on: when the survivor held every lock, and when the read models had
    // every event committed before the kill.
    const survivorLeadsAll = msUntil('the survivor leading every projection', killedAt, async () => {
      const leaders = await projectionLeaders(db.pool, workers, 0).catch(() => ({}) as Record<string, WorkerProcess>);
      return PROJECTION_NAMES.every((name) => leaders[name] === survivor);
    });
    const passedTheKill = msUntil('the read models passing the kill', killedAt, () => projectionsPassed(db.pool, PROJECTION_NAMES, lastBeforeKill));
    // Both are awaited once the load has stopped; until then a failure must not count as unhandled.
    for (const measuring of [survivorLeadsAll, passedTheKill]) measuring.catch(() => {});
    const sentAfterKill = () => load.acknowledged.filter((write) => write.sentAt > killedAt).length;
    while (Date.now() - killedAt < WRITING_AFTER_KILL_MS || sentAfterKill() < CLIENTS) {
      if (Date.now() - killedAt > TAKEOVER_MS) break;
      await sleep(20);
    }
    await load.stop();
    const writingStoppedMs = Date.now() - killedAt;
    const [leadsAllMs, passedKillMs] = await Promise.all([survivorLeadsAll, passedTheKill]);
    const throughApi = (n: number) => load.acknowledged.filter((write) => write.writtenThrough === n).length;
    const caughtUpMs = await waitUntilCaughtUp(db.pool, { since: killedAt, timeoutMs: TAKEOVER_MS });

    console.log(
      `${load.acknowledged.length} incidents written by ${CLIENTS} clients, ${throughApi(0)} through API A and ` +
        `${throughApi(1)} through B; the worker leading ` +
        `${ledByLeader} of ${PROJECTION_NAMES.length} projections (the timeline among them) killed after ` +
        `${load.acknowledged.length - sentAfterKill()} writes sent, the timeline ${timelineAtKill.eventsHandled} events in; after the kill ` +
        `the survivor led every projection in ${leadsAllMs} ms, the read models had every event committed before the kill in ` +
        `${passedKillMs} ms, writes went on for ${writingStoppedMs} ms (${sentAfterKill()} sent after the kill), and the read ` +
        `models caught up with all of it ${caughtUpMs} ms after the kill; ${load.retriedReads} timeline reads had to retry, ` +
        `the slowest took ${load.slowestTimelineReadMs} ms (load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`,
    );

    // Every write answered 201 and read back through the other API, during the takeover too.
    expect(load.problems).toEqual([]);
    // Writes the killed worker never saw: only the survivor can have brought them in.
    expect(sentAfterKill()).toBeGreaterThanOrEqual(CLIENTS);
    expect(leadsAllMs).toBeLessThanOrEqual(TAKEOVER_MS);
    expect(passedKillMs).toBeLessThanOrEqual(TAKEOVER_MS);
    expect(caughtUpMs).toBeLessThanOrEqual(TAKEOVER_MS);
    const leaders = await projectionLeaders(db.pool, workers, 1000);
    for (const name of PROJECTION_NAMES) expect(leaders[name]).toBe(survivor);
    // And each API's /health names it as the process working every projection.
    for (const { api } of apis) {
      const { body } = await api.get('/health');
      for (const name of PROJECTION_NAMES) expect(body.details.projections[name].workedBy).toBe(`${hostname()}:${survivor.pid}`);
    }

    // Each acknowledged write once in the log, at the position it answered, and nothing else.
    const { rows: events } = await db.pool.query(
      `SELECT metadata->>'requestId' AS request_id, stream_id, stream_version, global_position::int AS position
       FROM events WHERE stream_id LIKE 'incident-%' ORDER BY global_position`,
    );
    const expected = [...crossWrites, ...load.acknowledged.map((write) => ({ requestId: write.requestId, ...write.result }))]
      .map((write) => ({ request_id: write.requestId, stream_id: `incident-${write.id}`, stream_version: 1, position: write.position }))
      .sort((a, b) => a.position - b.position);
    expect(events).toEqual(expected);

    // And once in the read models, as read through either API.
    expect(await readModelDiscrepancies(db.pool, await foldIncidentStreams(db.pool))).toEqual([]);
    const { rows: logged } = await db.pool.query('SELECT count(*)::int AS total FROM events');
    expect(await checkpoints(db.pool)).toEqual(allRunning(logged[0].total));
    const lastPosition = Math.max(...load.acknowledged.map((write) => write.result.position));
    const written = load.acknowledged.map((write) => write.result.id).sort();
    for (const { api } of apis) {
      const onTimeline = (await timelineIds(api, lastPosition)).filter((id) => written.includes(id));
      expect(onTimeline.sort()).toEqual(written);
    }
  }, 180_000);
});
