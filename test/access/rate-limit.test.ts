import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { openDataSource } from '../../src/database/data-source.js';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { describeOnServer } from '../support/test-database.js';

/**
 * Requests per key per minute. A small limit, so the test reaches it in a few requests; each test
 * uses keys of its own, since the counts last the minute. That a second key is unaffected when the
 * first is refused shows the count is per key, so made after the key was looked up.
 */

const PER_MINUTE = 3;

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp({ access: { publicRead: false, rateLimit: { perMinute: PER_MINUTE } } });
});
afterAll(() => t.close());

describe(`a limit of ${PER_MINUTE} requests a minute`, () => {
  it('answers the request over the limit with 429 problem+json and Retry-After, while another key goes on', async () => {
    const busy = await t.as('busy-desk', 'viewer');
    const quiet = await t.as('quiet-desk', 'viewer');

    for (let n = 1; n <= PER_MINUTE; n++) {
      const response = await busy.get('/timeline').expect(200);
      expect(response.headers['ratelimit-limit']).toBe(String(PER_MINUTE));
      expect(response.headers['ratelimit-remaining']).toBe(String(PER_MINUTE - n));
    }
    const refused = await busy.get('/timeline').expect(429);

    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 429, type: '/problems/rate-limited', detail: expect.stringContaining('busy-desk') });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);

    await quiet.get('/timeline').expect(200);

    // Refused for the rest of its minute from memory: the database is asked no more.
    await busy.get('/timeline').expect(429);
    const { rows } = await t.db.pool.query(`SELECT points FROM rate_limits WHERE key = 'key:busy-desk'`);
    expect(rows[0].points).toBe(PER_MINUTE + 1);
  });

  it('counts a key on every endpoint together, writes included, and refuses its write without recording it', async () => {
    const desk = await t.as('mixed-desk', 'reporter');
    await desk.get('/timeline').expect(200);
    await desk.get('/actors').expect(200);
    await desk.get('/timeline/stats').expect(200);

    const before = Number((await t.db.pool.query('SELECT count(*) FROM events')).rows[0].count);
    await desk.post('/incidents').send({}).expect(429);
    expect(Number((await t.db.pool.query('SELECT count(*) FROM events')).rows[0].count)).toBe(before);
  });

  it('does not count /health, which load balancers poll', async () => {
    for (let n = 0; n < PER_MINUTE * 3; n++) await t.anonymous().get('/health').expect(200);
    const admin = await t.as('health-checker', 'admin');
    for (let n = 0; n < PER_MINUTE * 3; n++) await admin.get('/health').expect(200);
    await admin.get('/timeline').expect(200);
  });

  it('keeps the count in the database, where every API process finds it', async () => {
    const desk = await t.as('counted-desk', 'viewer');
    await desk.get('/timeline').expect(200);
    await desk.get('/actors').expect(200);

    const { rows } = await t.db.pool.query(`SELECT points, expire FROM rate_limits WHERE key = 'key:counted-desk'`);
    expect(rows).toHaveLength(1);
    expect(rows[0].points).toBe(2);
    const endsIn = Number(rows[0].expire) - Date.now();
    expect(endsIn > 0 && endsIn <= 60_000).toBe(true);
  });

  it('answers a request without a key 401 rather than 429: the key is checked first', async () => {
    for (let n = 0; n < PER_MINUTE + 1; n++) await t.anonymous().get('/timeline').expect(401);
  });
});

describe('requests without a key behind a proxy (PUBLIC_READ)', () => {
  const anonymousFrom = (app: TestApp, client: string) => app.anonymous().set('X-Forwarded-For', client);

  it("count by the client address the trusted proxy gives (TRUST_PROXY), not the proxy's own", async () => {
    const behindProxy = await openTestApp({ access: { publicRead: true, rateLimit: { perMinute: PER_MINUTE } }, trustProxy: ['loopback'] });
    try {
      for (let n = 0; n < PER_MINUTE; n++) await anonymousFrom(behindProxy, '203.0.113.7').get('/timeline').expect(200);
      await anonymousFrom(behindProxy, '203.0.113.7').get('/timeline').expect(429);
      await anonymousFrom(behindProxy, '198.51.100.23').get('/timeline').expect(200);
    } finally {
      await behindProxy.close();
    }
  });

  it('count by the connection address when no proxy is trusted: a client cannot pick its own', async () => {
    const direct = await openTestApp({ access: { publicRead: true, rateLimit: { perMinute: PER_MINUTE } } });
    try {
      for (let n = 0; n < PER_MINUTE; n++) await anonymousFrom(direct, `203.0.113.${n}`).get('/timeline').expect(200);
      await anonymousFrom(direct, '198.51.100.23').get('/timeline').expect(429);
    } finally {
      await direct.close();
    }
  });
});

describeOnServer('several API processes on one database', () => {
  it('share one count a key: what one has counted, the other refuses past', async () => {
    const first = await openTestApp({ access: { publicRead: false, rateLimit: { perMinute: PER_MINUTE } } });
    const secondSource = await openDataSource(first.db.target);
    const second = await createApp(secondSource, {
      logging: { level: 'error' },
      projections: { runInProcess: false },
      access: { publicRead: false, rateLimit: { perMinute: PER_MINUTE } },
    });
    await second.init();
    try {
      const { key } = await first.keys.create('shared-desk', 'viewer', 'test');
      const viaFirst = () => request(first.app.getHttpServer()).get('/timeline').set('Authorization', `Bearer ${key}`);
      const viaSecond = () => request(second.getHttpServer()).get('/timeline').set('Authorization', `Bearer ${key}`);

      await viaFirst().expect(200);
      await viaSecond().expect(200);
      await viaFirst().expect(200);
      // Each process alone has seen at most two of the three.
      await viaSecond().expect(429);
      await viaFirst().expect(429);
    } finally {
      await second.close();
      if (secondSource.isInitialized) await secondSource.destroy();
      await first.close();
    }
  });
});

describe('when the count cannot be kept in the database', () => {
  it('each process counts in its own memory meanwhile: requests are neither refused nor let through unlimited', async () => {
    const app = await openTestApp({ access: { publicRead: false, rateLimit: { perMinute: PER_MINUTE } } });
    try {
      await app.db.pool.query('ALTER TABLE rate_limits RENAME TO rate_limits_gone');
      const desk = await app.as('desk-without-table', 'viewer');
      for (let n = 1; n <= PER_MINUTE; n++) {
        const response = await desk.get('/timeline').expect(200);
        expect(response.headers['ratelimit-remaining']).toBe(String(PER_MINUTE - n));
      }
      await desk.get('/timeline').expect(429);
    } finally {
      await app.close();
    }
  });
});
