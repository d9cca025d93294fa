import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { openTestApp, type TestApp } from '../support/test-app.js';
import {
  ENDPOINTS,
  ROLES,
  expectUnauthorized,
  makeFixture,
  mayUse,
  send,
  sendCounting,
  servedOperations,
  type Endpoint,
} from './support/endpoints.js';

/**
 * Who may do what, over every endpoint the service serves: each role against the table in
 * support/endpoints.ts, and requests without a key or with a bad one. The writes send bodies that
 * would be recorded, so a refusal that leaves the log as it was shows the guard stopped them.
 */

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

const withoutKey = ENDPOINTS.filter((endpoint) => endpoint.roles !== 'anyone');
const aRead = ENDPOINTS.find((endpoint) => endpoint.operation === 'GET /timeline')!;
const aWrite = ENDPOINTS.find((endpoint) => endpoint.operation === 'POST /incidents')!;

describe('the table of who may use what', () => {
  it('has exactly one entry for every endpoint in the OpenAPI document, and none for an endpoint that is gone', async () => {
    const served = (await servedOperations(t)).sort();
    const written = ENDPOINTS.map((endpoint) => endpoint.operation).sort();
    // A new endpoint shows here as missing from the table: add a row saying who may use it.
    expect({ missingFromTable: served.filter((op) => !written.includes(op)), notServed: written.filter((op) => !served.includes(op)) }).toEqual({
      missingFromTable: [],
      notServed: [],
    });
    expect(new Set(written).size).toBe(written.length);
  });
});

describe.each(ROLES)('a key with the role %s', (role) => {
  it('gets past the guard on every endpoint its role allows, and 403 naming the permission on every other, writing nothing', async () => {
    const agent = await t.as(`matrix-${role}`, role);
    const fixture = await makeFixture(t, role);
    const outcomes: { operation: string; status: number }[] = [];
    for (const endpoint of ENDPOINTS) {
      const { response, wroteNothing } = await sendCounting(t, agent, endpoint, fixture);
      if (mayUse(endpoint, role)) {
        // Past the guard: whatever the endpoint answers, it is not a refusal of the key. A write's
        // body is a good one, so it is recorded: the refusals below are the guard's doing.
        outcomes.push({ operation: endpoint.operation, status: response.status });
        const answered = endpoint.succeeds === undefined ? ![401, 403].includes(response.status) : response.status === endpoint.succeeds;
        expect({ operation: endpoint.operation, status: response.status, answered, body: answered ? undefined : response.body }).toEqual({
          operation: endpoint.operation,
          status: response.status,
          answered: true,
          body: undefined,
        });
      } else {
        expect({ operation: endpoint.operation, status: response.status, wroteNothing }).toEqual({
          operation: endpoint.operation,
          status: 403,
          wroteNothing: true,
        });
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ status: 403, type: '/problems/forbidden', requiredPermission: endpoint.permission, role });
        expect(response.body.detail).toContain(role);
      }
    }
    // Every role may read something, and the admin may do everything.
    expect(outcomes.length).toBeGreaterThan(0);
    if (role === 'admin') expect(outcomes).toHaveLength(ENDPOINTS.length);
  });
});

describe('requests without a good key', () => {
  it('answers 401 with a Bearer challenge on every endpoint but /health when no key is sent, writing nothing', async () => {
    const fixture = await makeFixture(t, 'no-key');
    for (const endpoint of withoutKey) expectUnauthorized(endpoint, await sendCounting(t, t.anonymous(), endpoint, fixture));
  });

  it.each([
    ['another scheme', 'Basic dGVzdC1hZG1pbjpzZWNyZXQ='],
    ['Bearer without a key', 'Bearer'],
    ['Bearer with two words', 'Bearer cit_one two'],
    ['an empty header', ''],
    ['the key without its scheme', 'cit_abcdefghijklmnopqrstuvwxyz'],
  ])('answers 401 to a malformed Authorization header (%s), to reads and writes', async (_, header) => {
    const fixture = await makeFixture(t, `malformed-${randomBytes(3).toString('hex')}`);
    for (const endpoint of [aRead, aWrite]) {
      expectUnauthorized(endpoint, await sendCounting(t, t.anonymous().set('Authorization', header), endpoint, fixture));
    }
  });

  it.each([
    ['a key nobody was given', `cit_${randomBytes(32).toString('base64url')}`],
    ['a key without the prefix', randomBytes(32).toString('base64url')],
    ['a very long key', `cit_${'a'.repeat(5000)}`],
  ])('answers 401 to %s, to reads and writes', async (_, key) => {
    const fixture = await makeFixture(t, `unknown-${randomBytes(3).toString('hex')}`);
    for (const endpoint of [aRead, aWrite]) {
      const result = await sendCounting(t, t.anonymous().set('Authorization', `Bearer ${key}`), endpoint, fixture);
      expectUnauthorized(endpoint, result);
      expect(result.response.headers['www-authenticate']).toContain('error="invalid_token"');
      // The key sent is never echoed back.
      expect(JSON.stringify(result.response.body)).not.toContain(key.slice(0, 40));
    }
  });

  it('lets a key sent as "bearer" (any case, as RFC 6750 allows) through', async () => {
    const { key } = await t.keys.create('lower-case-scheme', 'viewer', 'test');
    await t.anonymous().get('/timeline').set('Authorization', `bearer ${key}`).expect(200);
  });

  it('serves /health, /docs and the OpenAPI document without a key', async () => {
    await t.anonymous().get('/health').expect(200);
    const docs = await t.anonymous().get('/docs').expect(200);
    expect(docs.headers['content-type']).toMatch(/^text\/html/);
    await t.anonymous().get('/docs-json').expect(200);
  });

  it('documents the Bearer scheme as required on every endpoint but /health', async () => {
    const document = (await t.anonymous().get('/docs-json').expect(200)).body;
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.security).toEqual([{ bearer: [] }]);
  });
});

describe('a refusal', () => {
  it('tells a reporter that a correction needs "edit", and leaves the incident as it was', async () => {
    const reporter = await t.as('refused-reporter', 'reporter');
    const fixture = await makeFixture(t, 'refused-reporter');
    const correction = ENDPOINTS.find((endpoint) => endpoint.operation === 'POST /incidents/{id}/corrections') as Endpoint;
    const before = (await t.http().get(`/incidents/${fixture.incidentId}`).expect(200)).body;

    const response = await send(reporter, correction, fixture).expect(403);

    expect(response.body).toMatchObject({ requiredPermission: 'edit', role: 'reporter', detail: expect.stringContaining('refused-reporter') });
    expect((await t.http().get(`/incidents/${fixture.incidentId}`).expect(200)).body).toEqual(before);
  });
});
