import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { apiSurface, describeOperation, fillPath, type ApiSurface } from './support/api-surface.js';
import { answer, eventCount, expectHandled, expectReadModelsHealthy, expectRefused } from './support/answers.js';
import { check, counted, reportCases, TEST_TIMEOUT_MS } from './support/cases.js';
import { mutation } from './support/mutations.js';
import { incidentBody, World } from './support/world.js';

/**
 * Valid bodies spoiled one field at a time, to every endpoint that takes a body, at real
 * incidents, actors and keys: the spoilt field gets past the checks before it, so validation is
 * reached field by field and the domain rules behind it (dates after today, links to itself,
 * p-codes that do not exist, merges into itself). Whatever the API accepts must then be readable,
 * and the read models must hold it.
 */

jest.setTimeout(TEST_TIMEOUT_MS);

let t: TestApp;
let surface: ApiSurface;
let world: World;
beforeAll(async () => {
  t = await openTestApp();
  surface = await apiSurface(t);
  world = new World(t, surface);
});
afterAll(async () => {
  reportCases(import.meta.url);
  await t.close();
});

describe('valid bodies spoiled one field at a time', () => {
  it('answers every spoilt body without a 5xx, refuses the wrong types and fields, and keeps the read models whole', async () => {
    const statuses = new Map<number, number>();
    const operations = surface.operations.filter((operation) => operation.writes && operation.body);
    await check(
      fc.record({ operation: fc.constantFrom(...operations), spoil: mutation }),
      async ({ operation, spoil }) => {
        const subjects = await world.subjects();
        const body = world.validBody(operation, subjects);
        const spoilt = spoil(body, { surface, schema: operation.body!, subjects });
        fc.pre(spoilt !== undefined);
        await world.prepare(operation, subjects);
        const url = fillPath(operation.path, world.pathValues(operation, subjects));
        const before = await eventCount(t);
        const response = await t.http()[operation.method](url).send(body as object);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        try {
          if (spoilt.mustBeRefused) await expectRefused(t, response, before);
          else await expectHandled(t, response, before);
        } catch (error) {
          throw new Error(`${describeOperation(operation)} with ${spoilt.describe}: ${(error as Error).message}`);
        }
        if (response.status >= 300) return;

        world.changed();
        // Whatever was accepted can be read back, and its history too.
        const [subject, id] = operation.path.startsWith('/actors')
          ? ['actors', response.body.id]
          : operation.path.startsWith('/incidents')
            ? ['incidents', response.body.id]
            : [undefined, undefined];
        if (subject) {
          for (const read of [`/${subject}/${id}`, `/${subject}/${id}/history`]) {
            const shown = await t.http().get(read);
            if (shown.status !== 200) throw new Error(`${spoilt.describe} was accepted, then ${read} answered ${answer(shown)}`);
          }
          expect(await eventCount(t)).toBeGreaterThan(before);
        }
      },
      400,
    );
    await expectReadModelsHealthy(t);
    // Not vacuous: some spoilt bodies are still valid, most are refused, and some get as far as the domain's rules.
    const seen = [...statuses.keys()];
    expect(seen.some((status) => status < 300)).toBe(true);
    expect(seen).toEqual(expect.arrayContaining([400, 409, 422]));
    console.log(`spoilt bodies by status: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
  });

  it('knows a valid body for every endpoint that takes one', async () => {
    // A new endpoint gets a body made from its schema; it should get one written for it, which this names.
    for (const operation of surface.operations.filter((operation) => operation.body)) {
      const subjects = await world.subjects();
      await world.prepare(operation, subjects);
      const url = fillPath(operation.path, world.pathValues(operation, subjects));
      const response = await t.http()[operation.method](url).send(world.validBody(operation, subjects) as object);
      expect({ endpoint: describeOperation(operation), status: response.status < 300 ? 'accepted' : answer(response) }).toEqual({
        endpoint: describeOperation(operation),
        status: 'accepted',
      });
      world.changed();
      counted();
    }
  });
});

describe('what the hostile tests found', () => {
  const record = (spoil: (body: Record<string, any>) => void) => {
    const body = incidentBody();
    spoil(body);
    return t.http().post('/incidents').send(body);
  };

  it('refuses an incident dated in year 0, which PostgreSQL has no date for and which stopped every read model', async () => {
    const before = await eventCount(t);
    const response = await record((body) => (body.occurred = { from: '0000-01-01', precision: 'year' }));
    await expectRefused(t, response, before, 400);
    expect(response.body.errors).toEqual([{ path: 'occurred.from', message: 'from must be a real calendar date (YYYY-MM-DD)' }]);
    await expectReadModelsHealthy(t);
    counted();
  });

  it('refuses year 0 in the timeline filters and the change feed, which answered 500', async () => {
    for (const url of ['/timeline?from=0000-01-01', '/timeline?to=0000-12-31', '/timeline/stats?from=0000-01-01', '/timeline.csv?from=0000-01-01', '/changes?since=0000-01-01T00:00:00Z']) {
      const response = await t.http().get(url);
      expect({ url, status: response.status }).toEqual({ url, status: 400 });
      counted();
    }
  });

  it('refuses a cursor made by hand that names a day that is not one, which answered 500', async () => {
    for (const day of ['2020-02-30', '0000-01-01', '2020-13-01']) {
      const cursor = Buffer.from(JSON.stringify([day, 1])).toString('base64url');
      const response = await t.http().get(`/timeline?cursor=${cursor}`);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ path: 'cursor', message: 'cursor must be a nextCursor from an earlier page' }]);
      counted();
    }
  });

  it('refuses at once a minPosition no write answered, which held the request 5 s and answered 503', async () => {
    const started = Date.now();
    const response = await t.http().get('/timeline?minPosition=9007199254740991');
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'minPosition', message: expect.stringContaining('position a write answered') }]);
    expect(Date.now() - started).toBeLessThan(2_000);
    const { position } = (await t.http().post('/incidents').send(incidentBody()).expect(201)).body;
    await t.http().get(`/timeline?minPosition=${position}`).expect(200);
    counted(2);
  });

  it('refuses an Idempotency-Key too long for the store, which failed the append with a 500', async () => {
    const { id } = (await t.http().post('/incidents').send(incidentBody()).expect(201)).body;
    const key = Buffer.from(Array.from({ length: 6000 }, (_, i) => (i * 7919) % 251)).toString('base64'); // incompressible
    for (const [url, body] of [
      ['/incidents', incidentBody()],
      [`/incidents/${id}/dispute`, { reason: 'The family denies the date.' }],
    ] as const) {
      const before = await eventCount(t);
      const response = await t.http().post(url).set('Idempotency-Key', key).send(body);
      await expectRefused(t, response, before, 400);
      expect(response.body.errors).toEqual([{ path: 'Idempotency-Key', message: 'Idempotency-Key must be at most 200 characters' }]);
      counted();
    }
    await t.http().post(`/incidents/${id}/dispute`).set('Idempotency-Key', 'k'.repeat(200)).send({ reason: 'The family denies the date.' }).expect(200);
  });

  it('refuses JSON nested thousands deep with a 400 naming where, which overflowed the stack with a 500', async () => {
    const before = await eventCount(t);
    const response = await t.http().post('/keys').set('Content-Type', 'application/json').send(`${'['.repeat(1468)}${']'.repeat(1468)}`);
    await expectRefused(t, response, before, 400);
    expect(response.body.errors).toEqual([{ path: '[0]'.repeat(32), message: expect.stringContaining('nested more than 32 levels deep') }]);
    counted();
  });

  it('refuses a body sent as text or a form, which verified an incident on every source with the body unread', async () => {
    const { id } = (await t.http().post('/incidents').send(incidentBody()).expect(201)).body;
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const before = await eventCount(t);
      const response = await t.http().post(`/incidents/${id}/verification`).set('Content-Type', type).send('{"sourceIds":[]}');
      await expectRefused(t, response, before, 415);
      counted();
    }
    await t.http().post(`/incidents/${id}/verification`).send({}).expect(200);
  });

  it('refuses __proto__, constructor and prototype keys, which were dropped without a word', async () => {
    for (const body of [
      `{"__proto__":{"polluted":true},"reason":"x"}`,
      `{"reason":"x","constructor":{"prototype":{"polluted":true}}}`,
    ]) {
      const { id } = (await t.http().post('/incidents').send(incidentBody()).expect(201)).body;
      const before = await eventCount(t);
      const response = await t.http().post(`/incidents/${id}/dispute`).set('Content-Type', 'application/json').send(body);
      await expectRefused(t, response, before, 400);
      expect(response.body.errors).toEqual([{ path: expect.stringMatching(/^(__proto__|constructor)$/), message: expect.stringMatching(/should not exist$/) }]);
      counted();
    }
    const before = await eventCount(t);
    const externalIds = await record((body) => (body.externalIds = { 'ucdp-ged': '1', constructor: '2' }));
    await expectRefused(t, externalIds, before, 400);
    expect(externalIds.body.errors).toEqual([{ path: 'externalIds.constructor', message: 'property constructor should not exist' }]);
  });
});

describe('a key revocation', () => {
  it('refuses a null, blank or half-surrogate reason, as every other reason does', async () => {
    for (const reason of [null, '', '   ', 'lost \ud800']) {
      const name = `hostile-revoke-${reason === null ? 'null' : reason.length}-${Date.now()}`;
      await t.http().post('/keys').send({ name, role: 'viewer' }).expect(201);
      const response = await t.http().post(`/keys/${name}/revocation`).send({ reason });
      expect({ reason, status: response.status }).toEqual({ reason, status: 400 });
      expect(response.body.errors).toEqual([expect.objectContaining({ path: 'reason' })]);
      counted();
    }
  });
});
