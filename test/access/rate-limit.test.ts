import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openTestApp, type TestApp } from '../support/test-app.js';

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
