import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { ApiKeys } from '../../src/access/api-keys.js';
import { createApp } from '../../src/app.js';
import { migrate, openDataSource, poolOf, reachableReplicas, readPoolOf, type DatabaseTarget } from '../../src/database/data-source.js';
import { assassinationBody } from '../../src/incidents/http/dto/testing/worked-example-body.js';
import { Projections } from '../../src/projections/projections.module.js';
import { describeOnServer } from '../support/test-database.js';
import {
  createPrivateCluster,
  createStreamingReplica,
  POSTGRES_BIN,
  streamingReplicaPossible,
  type PrivateCluster,
} from './support/private-cluster.js';

/**
 * Reads from a streaming replica: the API runs on a primary of the test's own and a real hot
 * standby of it (pg_basebackup), with the standby given as a replica. Pausing the standby's
 * replay shows where each request is answered from: timelines, statistics, exports and actor
 * search miss what the primary already has, while writes and incident reads carry on. A read
 * given a write's minPosition waits for the replica itself, never answering without the write.
 * A read the standby cancels for a recovery conflict, or one it cannot take at all, is answered
 * by the primary.
 */

const describeWithReplica = streamingReplicaPossible()
  ? describeOnServer
  : (name: string, fn: () => void) => describe.skip(`${name} [needs the PostgreSQL server tools in ${POSTGRES_BIN} (POSTGRES_BIN)]`, fn);

let primary: PrivateCluster | undefined;
let replica: PrivateCluster | undefined;
let dataSource: DataSource | undefined;
let app: NestExpressApplication | undefined;
/** A session on the replica, to pause and delay its replay. */
let standby: pg.Client | undefined;
let api: request.Agent;

afterAll(async () => {
  await app?.close();
  if (dataSource?.isInitialized) await dataSource.destroy();
  await standby?.end();
  await replica?.destroy();
  await primary?.destroy();
});

let recorded = 0;

async function recordIncident(): Promise<{ id: string; position: number }> {
  const body = assassinationBody();
  body.title.text = `${body.title.text} (${++recorded})`;
  delete body.related;
  return (await api.post('/incidents').send(body).expect(201)).body;
}

async function timelineIds(query: { minPosition?: number } = {}): Promise<string[]> {
  const { body } = await api.get('/timeline').query({ limit: 500, ...query }).expect(200);
  return body.entries.map((entry: { id: string }) => entry.id);
}

async function incidentsCounted(query: { minPosition?: number } = {}): Promise<number> {
  const { body } = await api.get('/timeline/stats').query(query).expect(200);
  return body.buckets.reduce((sum: number, bucket: { incidents: number }) => sum + bucket.incidents, 0);
}

async function actorsFound(q: string): Promise<string[]> {
  const { body } = await api.get('/actors').query({ q }).expect(200);
  return body.map((actor: { id: string }) => actor.id);
}

/** Waits until the replica has replayed all the primary has written so far. */
async function replicaCaughtUp(): Promise<void> {
  const { rows } = await poolOf(dataSource!).query('SELECT pg_current_wal_lsn()::text AS lsn');
  const deadline = Date.now() + 30_000;
  while (!(await standby!.query('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught_up', [rows[0].lsn])).rows[0].caught_up) {
    if (Date.now() > deadline) throw new Error('the replica did not catch up with the primary');
    await sleep(20);
  }
}

/** Queries the standby cancelled because they held a lock its replay needed, in this database. */
async function lockConflicts(): Promise<number> {
  const { rows } = await standby!.query('SELECT confl_lock::int AS conflicts FROM pg_stat_database_conflicts WHERE datname = current_database()');
  return rows[0].conflicts;
}

/** Whether a query holding this text runs on the replica now. */
async function replicaRunning(text: string): Promise<boolean> {
  const { rows } = await standby!.query(
    `SELECT count(*)::int AS running FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND strpos(query, $1) > 0`,
    [text],
  );
  return rows[0].running > 0;
}

/** Runs `work` while the replica receives the primary's WAL but replays none of it. */
async function whileReplayPaused<T>(work: () => Promise<T>): Promise<T> {
  await replicaCaughtUp();
  await standby!.query('SELECT pg_wal_replay_pause()');
  try {
    while ((await standby!.query('SELECT pg_get_wal_replay_pause_state() AS state')).rows[0].state !== 'paused') await sleep(10);
    return await work();
  } finally {
    await standby!.query('SELECT pg_wal_replay_resume()');
  }
}

describeWithReplica('reads from a streaming replica', () => {
  beforeAll(async () => {
    primary = await createPrivateCluster();
    replica = await createStreamingReplica(primary);
    const target: DatabaseTarget = { url: primary.url, embedded: false, replicaUrls: [replica.url] };
    dataSource = await openDataSource(target);
    await migrate(dataSource, target);
    app = await createApp(dataSource, {
      logging: { level: 'error' },
      projections: { runInProcess: true, serverUrl: primary.url, pollMs: 200 },
    });
    await app.init();
    const { key } = await new ApiKeys(poolOf(dataSource)).create('replica-test', 'admin', 'test');
    api = request.agent(app.getHttpServer()).set('Authorization', `Bearer ${key}`);
    standby = new pg.Client({ connectionString: replica.url });
    await standby.connect();
  }, 120_000);

  it('answers timelines, statistics, exports and actor search from the replica, waiting for it on minPosition', async () => {
    await replicaCaughtUp();
    const countedBefore = await incidentsCounted();
    const actorName = `Liwa Shuhada ${randomUUID().slice(0, 8)}`;

    const { id, position, actorId } = await whileReplayPaused(async () => {
      const { id, position } = await recordIncident();
      const { body: actor } = await api
        .post('/actors')
        .send({ kind: 'armed_group', names: [{ value: actorName, language: 'en', kind: 'primary' }] })
        .expect(201);
      // The primary's read models have the write…
      expect(await app!.get(Projections).waitFor(position, 10_000, poolOf(dataSource!))).toBe(true);
      // …but the answers come from the replica, which has not replayed it.
      expect(await timelineIds()).not.toContain(id);
      expect(await incidentsCounted()).toBe(countedBefore);
      expect(await actorsFound(actorName)).not.toContain(actor.id);

      // Given the write's position, a read waits for the replica, not the primary, and gives up.
      const waitedFrom = performance.now();
      const answers = await Promise.all([
        api.get('/timeline').query({ minPosition: position }),
        api.get('/timeline/stats').query({ minPosition: position }),
        api.get('/timeline.csv').query({ minPosition: position }),
      ]);
      expect(performance.now() - waitedFrom).toBeGreaterThan(4500);
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.headers['retry-after']).toBe('1');
        expect(answer.body).toMatchObject({ type: '/problems/not-yet-visible' });
      }
      return { id, position, actorId: actor.id as string };
    });

    // Replaying again, the replica catches up and the same reads see the write.
    expect(await timelineIds({ minPosition: position })).toContain(id);
    expect(await incidentsCounted({ minPosition: position })).toBe(countedBefore + 1);
    const csv = await api.get('/timeline.csv').query({ minPosition: position }).buffer(true).expect(200);
    expect(csv.text).toContain(id);
    await replicaCaughtUp();
    expect(await actorsFound(actorName)).toContain(actorId);
  }, 60_000);

  it('sees each write at once given its minPosition, while the replica lags behind the primary', async () => {
    // A replay delay of its own makes the replica lag on every commit, as a loaded one would:
    // had the read waited for the primary's checkpoints, it would miss the write each time.
    await standby!.query(`ALTER SYSTEM SET recovery_min_apply_delay = '50ms'`);
    await standby!.query('SELECT pg_reload_conf()');
    try {
      await sleep(200);
      await replicaCaughtUp();
      const countedBefore = await incidentsCounted();
      for (let n = 1; n <= 30; n++) {
        const { id, position } = await recordIncident();
        const [ids, counted] = await Promise.all([timelineIds({ minPosition: position }), incidentsCounted({ minPosition: position })]);
        expect(ids).toContain(id);
        expect(counted).toBe(countedBefore + n);
      }
    } finally {
      await standby!.query('ALTER SYSTEM RESET recovery_min_apply_delay');
      await standby!.query('SELECT pg_reload_conf()');
    }
  }, 60_000);

  it('records, changes and reads incidents on the primary, which a paused replica does not hold up', async () => {
    await whileReplayPaused(async () => {
      const { id, position } = await recordIncident();
      const retraction = (await api.post(`/incidents/${id}/retraction`).send({ reason: 'A duplicate.' }).expect(200)).body;
      const incident = await api.get(`/incidents/${id}`).expect(200);
      expect(incident.body).toMatchObject({ id, status: 'retracted', version: retraction.version });
      expect(incident.headers.etag).toBe(`"${retraction.version}"`);
      // The replica has none of it yet.
      const { rows } = await standby!.query('SELECT count(*)::int AS events FROM events WHERE global_position >= $1', [position]);
      expect(rows[0].events).toBe(0);
    });
  }, 60_000);

  it('answers from the primary a read the replica cancels for a recovery conflict, and passes the replica over', async () => {
    // The standby gives a query in the way of its replay this long before cancelling it (30 s by default).
    await standby!.query(`ALTER SYSTEM SET max_standby_streaming_delay = '100ms'`);
    await standby!.query('SELECT pg_reload_conf()');
    try {
      await recordIncident();
      await replicaCaughtUp();
      const conflictsBefore = await lockConflicts();
      // A read of the timeline's table that lasts, from wherever readPoolOf sends it (the replica).
      const read = readPoolOf(dataSource!).query(
        `SELECT pg_is_in_recovery() AS on_replica, (SELECT count(*)::int FROM timeline_entries) AS entries FROM pg_sleep(3)`,
      );
      for (const deadline = Date.now() + 10_000; !(await replicaRunning('pg_sleep(3)')); await sleep(10)) {
        if (Date.now() > deadline) throw new Error('the read did not start on the replica');
      }
      // An exclusive lock on the primary (as ALTER TABLE or VACUUM FULL takes one) reaches the
      // standby's replay, which the read holds up.
      const primarySession = await poolOf(dataSource!).connect();
      try {
        await primarySession.query('BEGIN');
        await primarySession.query('LOCK TABLE timeline_entries IN ACCESS EXCLUSIVE MODE');
        await primarySession.query('COMMIT');
      } finally {
        primarySession.release();
      }

      const { rows } = (await read) as pg.QueryResult;
      expect(rows[0].on_replica).toBe(false);
      expect(rows[0].entries).toBeGreaterThan(0);
      expect(await lockConflicts()).toBe(conflictsBefore + 1);
      // Passed over for a few seconds: the next read goes to the primary too.
      const next = (await readPoolOf(dataSource!).query('SELECT pg_is_in_recovery() AS on_replica')) as pg.QueryResult;
      expect(next.rows[0].on_replica).toBe(false);
    } finally {
      await standby!.query('ALTER SYSTEM RESET max_standby_streaming_delay');
      await standby!.query('SELECT pg_reload_conf()');
    }
    await sleep(5_500);
  }, 60_000);

  it('answers from the primary while the replica cannot be reached, and reads from the replica again once it is back', async () => {
    const { id, position } = await recordIncident();
    await replicaCaughtUp();
    // Stopping it ends its sessions: the API's pooled connections to it and the test's own.
    standby!.on('error', () => {});
    await replica!.stop('fast');
    const answers = await Promise.all([
      api.get('/timeline').query({ minPosition: position, limit: 500 }),
      api.get('/timeline/stats').query({ minPosition: position }),
      api.get('/timeline.csv').query({ minPosition: position }).buffer(true),
      api.get('/actors').query({ q: 'Sheikh' }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(answers[0]!.body.entries.map((entry: { id: string }) => entry.id)).toContain(id);
    expect(answers[2]!.text).toContain(id);
    // Passed over for a few seconds, then tried again: plain reads too come from the primary now.
    expect(await timelineIds()).toContain(id);
    // An API starting now leaves it out (TypeORM would not start with it).
    expect(await reachableReplicas([replica!.url])).toEqual({ reachable: [], unreachable: [replica!.url] });

    await replica!.start();
    expect(await reachableReplicas([replica!.url])).toEqual({ reachable: [replica!.url], unreachable: [] });
    standby = new pg.Client({ connectionString: replica!.url });
    await standby.connect();
    await sleep(5_500);
    // Back on the replica: with its replay paused, a plain read misses a fresh write again.
    await whileReplayPaused(async () => {
      const fresh = await recordIncident();
      await app!.get(Projections).waitFor(fresh.position, 10_000, poolOf(dataSource!));
      expect(await timelineIds()).not.toContain(fresh.id);
    });
  }, 90_000);
});
