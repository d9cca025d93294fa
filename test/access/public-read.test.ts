import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { ENDPOINTS, expectUnauthorized, makeFixture, mayUse, sendCounting } from './support/endpoints.js';

/**
 * PUBLIC_READ=true opens what a viewer may read to requests without a key, and nothing more: a
 * write or a history without a key still needs one, and a key that is sent must be a good one (a
 * bad key is refused, not quietly read as the public).
 */

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp({ access: { publicRead: true, rateLimit: { perMinute: 0 } } });
});
afterAll(() => t.close());

const read = ENDPOINTS.find((endpoint) => endpoint.operation === 'GET /timeline')!;
const write = ENDPOINTS.find((endpoint) => endpoint.operation === 'POST /incidents')!;

describe('PUBLIC_READ=true', () => {
  it("serves every viewer's read without a key, and answers 401 with a Bearer challenge to everything else, writing nothing", async () => {
    const fixture = await makeFixture(t, 'public');
    const opened: string[] = [];
    for (const endpoint of ENDPOINTS) {
      const result = await sendCounting(t, t.anonymous(), endpoint, fixture);
      if (mayUse(endpoint, 'viewer')) {
        opened.push(endpoint.operation);
        expect({ operation: endpoint.operation, refused: [401, 403].includes(result.response.status) }).toEqual({ operation: endpoint.operation, refused: false });
      } else {
        expectUnauthorized(endpoint, result);
      }
    }
    // Reads of incidents, actors, places and timelines; no history, no log, no keys.
    expect(opened).toEqual(expect.arrayContaining(['GET /incidents/{id}', 'GET /actors/{id}', 'GET /places', 'GET /timeline', 'GET /timeline.csv']));
    expect(opened).not.toEqual(expect.arrayContaining(['GET /incidents/{id}/history']));
  });

  it('shows an incident to a reader without a key', async () => {
    const { incidentId } = await makeFixture(t, 'public-incident');
    const incident = await t.anonymous().get(`/incidents/${incidentId}`).expect(200);
    expect(incident.body).toMatchObject({ id: incidentId, version: 1 });
  });

  it.each([
    ['an unknown key', `Bearer cit_${randomBytes(32).toString('base64url')}`],
    ['a malformed header', 'Basic dGVzdDp0ZXN0'],
    ['an empty header', ''],
  ])('answers 401 to a read sent with %s rather than serving it as the public', async (_, header) => {
    const fixture = await makeFixture(t, `bad-${randomBytes(3).toString('hex')}`);
    for (const endpoint of [read, write]) {
      expectUnauthorized(endpoint, await sendCounting(t, t.anonymous().set('Authorization', header), endpoint, fixture));
    }
  });

  it('answers 401 to a read with a revoked key', async () => {
    const { key } = await t.keys.create('revoked-reader', 'viewer', 'test');
    await t.anonymous().get('/timeline').set('Authorization', `Bearer ${key}`).expect(200);
    await t.keys.revoke('revoked-reader', 'test', 'left the desk');
    const response = await t.anonymous().get('/timeline').set('Authorization', `Bearer ${key}`).expect(401);
    expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('still records a write made with a key, under that key', async () => {
    const reporter = await t.as('public-mode-reporter', 'reporter');
    const fixture = await makeFixture(t, 'public-write');
    const { response } = await sendCounting(t, reporter, write, fixture);
    expect(response.status).toBe(201);
    const { rows } = await t.db.pool.query(`SELECT metadata FROM events WHERE global_position = $1`, [response.body.position]);
    expect(rows[0].metadata).toMatchObject({ actor: 'public-mode-reporter', role: 'reporter' });
  });
});
