import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { apiSurface, describeOperation, fillPath, type ApiSurface, type Operation } from './support/api-surface.js';
import { answer, eventCount, expectHandled, expectRefused, settle } from './support/answers.js';
import { check, counted, reportCases, TEST_TIMEOUT_MS } from './support/cases.js';
import {
  accept,
  authorization,
  CLIENT_REQUEST_ID,
  contentType,
  idempotencyKey,
  idempotencyKeyRefused,
  ifMatch,
  ifMatchRefused,
  requestId,
  stray,
  UNREAD_TYPES,
} from './support/hostile-headers.js';
import { hostilePathValue, hostileQuery } from './support/hostile-queries.js';
import {
  deeplyNested,
  encodedJunk,
  encodeForUrl,
  foreignKey,
  hostileJson,
  hostileString,
  malformedJsonText,
  toJsonText,
  type HostileJson,
} from './support/hostile-values.js';
import { World } from './support/world.js';

/**
 * Hostile requests to every endpoint the OpenAPI document lists: junk bodies, hostile headers,
 * hostile paths and query strings. A write answers junk with a 4xx (never a 5xx, never a 2xx) and
 * records nothing; a read never answers a 5xx.
 */

jest.setTimeout(TEST_TIMEOUT_MS);

let t: TestApp;
let surface: ApiSurface;
let world: World;
let adminKey: string;
let viewerKey: string;
/** Reads answered without a key, found by asking without one. */
const open = new Set<Operation>();

beforeAll(async () => {
  t = await openTestApp();
  surface = await apiSurface(t);
  world = new World(t, surface);
  adminKey = (await t.keys.create('hostile-admin', 'admin', 'test')).key;
  viewerKey = (await t.keys.create('hostile-viewer', 'viewer', 'test')).key;
  const subjects = await world.subjects();
  for (const operation of surface.operations.filter((operation) => !operation.writes)) {
    const response = await settle(t.anonymous().get(fillPath(operation.path, world.pathValues(operation, subjects))));
    if (response.status !== 401) open.add(operation);
  }
});
afterAll(async () => {
  reportCases(import.meta.url);
  await t.close();
});

const writes = () => surface.operations.filter((operation) => operation.writes);
const bodyWrites = () => writes().filter((operation) => operation.body);

it('finds every endpoint in the OpenAPI document', () => {
  expect(writes().map(describeOperation)).toEqual(
    expect.arrayContaining(['POST /incidents', 'POST /incidents/{id}/corrections', 'POST /actors/{id}/merge', 'POST /keys']),
  );
  expect(surface.operations.filter((operation) => !operation.writes).map(describeOperation)).toEqual(
    expect.arrayContaining(['GET /incidents/{id}', 'GET /actors', 'GET /places/resolve', 'GET /timeline.csv', 'GET /events', 'GET /changes']),
  );
  expect([...open].map(describeOperation)).toEqual(['GET /health']);
});

describe('junk bodies to every write', () => {
  /** Where a junk request goes: at a real incident, actor or key, or at an id that is junk too. */
  const target = fc.oneof(
    { weight: 4, arbitrary: fc.constant<'real'>('real') },
    { weight: 1, arbitrary: fc.oneof(fc.uuid(), hostileString.map(encodeForUrl), encodedJunk).map((id) => ({ id })) },
  );

  async function urlFor(operation: Operation, aim: 'real' | { id: string }): Promise<string> {
    const values =
      aim === 'real' ? world.pathValues(operation, await world.subjects()) : Object.fromEntries(operation.pathParams.map((name) => [name, aim.id]));
    return fillPath(operation.path, values);
  }

  /** JSON media types the service reads; junk in any of them is junk all the same. */
  const jsonType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/merge-patch+json', 'APPLICATION/JSON');

  async function sendJunk(operation: Operation, aim: 'real' | { id: string }, type: string, body: string | Buffer, status?: number): Promise<void> {
    const url = await urlFor(operation, aim);
    const before = await eventCount(t);
    const response = await settle(t.http()[operation.method](url).set('Content-Type', type).send(body));
    await expectRefused(t, response, before, status);
  }

  /** An object no endpoint takes: hostile fields, the API's own names among them, and one field no body has. */
  const junkObject = () =>
    fc
      .tuple(
        fc.array(fc.tuple(fc.oneof(fc.constantFrom(...surface.fieldNames), fc.string({ maxLength: 8 })), hostileJson(surface.fieldNames)), { maxLength: 6 }),
        foreignKey,
        hostileJson(surface.fieldNames, 2),
        fc.nat(),
      )
      .map(([entries, key, value, at]): HostileJson => {
        const all: [string, HostileJson][] = [...entries];
        all.splice(at % (all.length + 1), 0, [key, value]);
        return { entries: all };
      });

  it('refuses objects with hostile fields and values: operators, injections, wrong types, odd numbers, lone surrogates', async () => {
    await check(
      fc.record({ operation: fc.constantFrom(...writes()), aim: target, type: jsonType, body: junkObject() }),
      ({ operation, aim, type, body }) => sendJunk(operation, aim, type, toJsonText(body)),
      400,
    );
  });

  it('refuses JSON that is not an object', async () => {
    const notAnObject = hostileJson(surface.fieldNames).filter((value) => value === null || typeof value !== 'object' || Array.isArray(value) || 'raw' in value);
    await check(
      fc.record({ operation: fc.constantFrom(...writes()), aim: target, body: notAnObject }),
      ({ operation, aim, body }) => sendJunk(operation, aim, 'application/json', toJsonText(body)),
      60,
    );
  });

  it('refuses text that is not JSON, and bytes that are not UTF-8', async () => {
    const notUtf8 = fc
      .uint8Array({ minLength: 1, maxLength: 64 })
      .map((junk) => Buffer.concat([Buffer.from('{"reason":"'), Buffer.from(junk), Buffer.from('","$where":1}')]));
    await check(
      fc.record({ operation: fc.constantFrom(...writes()), aim: target, body: fc.oneof(malformedJsonText.filter((text) => text.trim() !== ''), notUtf8) }),
      ({ operation, aim, body }) => sendJunk(operation, aim, 'application/json', body),
      100,
    );
  });

  it('refuses JSON nested deeper than any body, rather than overflow the stack', async () => {
    await check(
      fc.record({ operation: fc.constantFrom(...writes()), nested: deeplyNested }),
      ({ operation, nested }) => sendJunk(operation, 'real', 'application/json', nested.text),
      30,
    );
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const body = JSON.stringify({ reason: 'x'.repeat(1024 * 1024) });
    for (const operation of writes()) {
      await sendJunk(operation, 'real', 'application/json', body, 413);
      counted();
    }
  });

  it('refuses a body in a media type it does not read, rather than act as if it had none', async () => {
    // Once found by the property below: one byte in UTF-16 decodes to nothing, and nothing read as {}.
    for (const operation of writes()) {
      await sendJunk(operation, 'real', 'application/json; charset=utf-16', 'x', 415);
      counted();
    }
    await check(
      fc.record({
        operation: fc.constantFrom(...writes()),
        type: fc.constantFrom(...UNREAD_TYPES),
        body: fc.constantFrom('{"note":"x"}', '{}', 'reason=x', 'x', '<reason>x</reason>'),
      }),
      ({ operation, type, body }) => sendJunk(operation, 'real', type, body),
      60,
    );
  });

  it('refuses the keys __proto__, constructor and prototype at any depth, rather than drop them silently', async () => {
    await check(
      fc.record({
        operation: fc.constantFrom(...bodyWrites()),
        key: fc.constantFrom('__proto__', 'constructor', 'prototype'),
        value: fc.constantFrom<HostileJson>({ entries: [['polluted', true]] }, { entries: [['toString', 1]] }, 'x', null, []),
        depth: fc.nat({ max: 3 }),
      }),
      async ({ operation, key, value, depth }) => {
        const body = world.validBody(operation, await world.subjects()) as Record<string, unknown>;
        await sendJunk(operation, 'real', 'application/json', withKeyAt(body, depth, key, value));
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      },
      60,
    );
  });
});

describe('hostile headers on every endpoint, with a valid body and real ids', () => {
  const request = () =>
    fc.record({
      operation: fc.constantFrom(...surface.operations),
      authorization: authorization(adminKey, viewerKey),
      ifMatch: fc.option(ifMatch, { nil: undefined }),
      idempotencyKey: fc.option(idempotencyKey, { nil: undefined }),
      contentType: fc.option(contentType, { nil: undefined }),
      requestId: fc.option(requestId, { nil: undefined }),
      correlationId: fc.option(requestId, { nil: undefined }),
      accept: fc.option(accept, { nil: undefined }),
      stray: fc.option(stray, { nil: undefined }),
    });

  it('answers no 5xx, refuses what it must, records nothing it refuses, and echoes no junk request id', async () => {
    const statuses = new Set<number>();
    await check(
      request(),
      async (r) => {
        const subjects = await world.subjects();
        const { operation } = r;
        const body = world.validBody(operation, subjects);
        let call = t.anonymous()[operation.method](fillPath(operation.path, world.pathValues(operation, subjects)));
        const headers: [string, string | undefined][] = [
          ['Authorization', r.authorization.value],
          ['If-Match', r.ifMatch],
          ['Idempotency-Key', r.idempotencyKey],
          ['X-Request-Id', r.requestId],
          ['X-Correlation-Id', r.correlationId],
          ['Accept', r.accept],
          ...(r.stray ? [r.stray] : []),
        ];
        for (const [name, value] of headers) if (value !== undefined) call = call.set(name, value);
        if (body !== undefined) call = call.set('Content-Type', r.contentType ?? 'application/json').send(JSON.stringify(body));

        const before = await eventCount(t);
        const response = await settle(call);
        statuses.add(response.status);
        const unreadBody = body !== undefined && r.contentType !== undefined && UNREAD_TYPES.includes(r.contentType);
        const refusedHeader =
          (r.ifMatch !== undefined && operation.headers.includes('If-Match') && ifMatchRefused(r.ifMatch)) ||
          (r.idempotencyKey !== undefined && operation.headers.includes('Idempotency-Key') && idempotencyKeyRefused(r.idempotencyKey));

        if (r.authorization.principal === 'nobody' && !open.has(operation)) {
          // The body is read before the key (as the JSON parser always was): an unreadable one may be said first.
          await expectRefused(t, response, before, unreadBody ? undefined : 401);
          if (response.status === 401) expect(response.headers['www-authenticate']).toMatch(/^Bearer realm=/);
        } else if ((r.authorization.principal === 'viewer' && operation.writes) || unreadBody || refusedHeader) {
          await expectRefused(t, response, before);
        } else {
          await expectHandled(t, response, before);
        }

        const echoed = response.headers['x-request-id'];
        if (echoed !== undefined && !CLIENT_REQUEST_ID.test(echoed)) throw new Error(`X-Request-Id echoed as ${JSON.stringify(echoed)}: ${answer(response)}`);
        if (operation.writes && response.status < 300) {
          world.changed();
          if ((await eventCount(t)) > before) {
            const { rows } = await t.db.pool.query('SELECT metadata FROM events ORDER BY global_position DESC LIMIT 1');
            expect(rows[0].metadata).toMatchObject({ requestId: echoed, actor: 'hostile-admin', correlationId: expect.any(String) });
            expect(rows[0].metadata.correlationId.length).toBeLessThanOrEqual(200);
          }
        }
      },
      500,
      // Every write once as a client sends it, the admin's key and no odd header: the random
      // cases alone may not make one of the few requests that create (201).
      surface.operations
        .filter((operation) => operation.writes)
        .map((operation) => ({
          operation,
          authorization: { value: `Bearer ${adminKey}`, principal: 'admin' as const },
          ifMatch: undefined,
          idempotencyKey: undefined,
          contentType: undefined,
          requestId: undefined,
          correlationId: undefined,
          accept: undefined,
          stray: undefined,
        })),
    );
    // Not vacuous: requests got through, and the headers were refused in each of their ways.
    expect([...statuses]).toEqual(expect.arrayContaining([200, 201, 400, 401, 403, 415]));
  });
});

describe('hostile paths and query strings on every endpoint', () => {
  it('never answers a read with a 5xx, whatever its path and query', async () => {
    const reads = surface.operations.filter((operation) => !operation.writes);
    const statuses = new Set<number>();
    await check(
      fc.constantFrom(...reads).chain((operation) =>
        fc.record({
          operation: fc.constant(operation),
          path: fc.option(hostilePathValue, { nil: undefined, freq: 3 }),
          query: hostileQuery(surface, operation, [world.knownIds().actorId, world.knownIds().incidentId]),
        }),
      ),
      async ({ operation, path, query }) => {
        const subjects = await world.subjects();
        const values = path === undefined ? world.pathValues(operation, subjects) : Object.fromEntries(operation.pathParams.map((name) => [name, path]));
        const before = await eventCount(t);
        const response = await settle(t.http().get(`${fillPath(operation.path, values)}?${query}`));
        statuses.add(response.status);
        await expectHandled(t, response, before);
      },
      600,
    );
    expect([...statuses]).toEqual(expect.arrayContaining([200, 400, 404]));
  });

  it('refuses a write aimed at a path that names nothing, whatever its query, and records nothing', async () => {
    await check(
      fc.constantFrom(...writes().filter((operation) => operation.pathParams.length > 0)).chain((operation) =>
        fc.record({ operation: fc.constant(operation), path: hostilePathValue, query: hostileQuery(surface, operation, []) }),
      ),
      async ({ operation, path, query }) => {
        const body = world.validBody(operation, await world.subjects());
        const url = fillPath(operation.path, Object.fromEntries(operation.pathParams.map((name) => [name, path])));
        const before = await eventCount(t);
        await expectRefused(t, await settle(t.http()[operation.method](`${url}?${query}`).send(body as object)), before);
      },
      150,
    );
  });

  it('takes no instruction from the query of a write aimed at a real id', async () => {
    await check(
      fc.constantFrom(...writes()).chain((operation) => fc.record({ operation: fc.constant(operation), query: hostileQuery(surface, operation, []) })),
      async ({ operation, query }) => {
        const subjects = await world.subjects();
        const url = fillPath(operation.path, world.pathValues(operation, subjects));
        const before = await eventCount(t);
        const response = await settle(t.http()[operation.method](`${url}?${query}`).send(world.validBody(operation, subjects) as object));
        await expectHandled(t, response, before);
        if (response.status < 300) world.changed();
      },
      60,
    );
  });
});

/** The body's JSON with `"key": value` in it, at the top or in the object `depth` levels down its first object-valued fields. */
function withKeyAt(body: Record<string, unknown>, depth: number, key: string, value: HostileJson): string {
  let node: Record<string, unknown> = body;
  for (let level = 0; level < depth; level++) {
    const next = Object.values(node).find((item) => item !== null && typeof item === 'object');
    const object = Array.isArray(next) ? next.find((item) => item !== null && typeof item === 'object' && !Array.isArray(item)) : next;
    if (!object) break;
    node = object as Record<string, unknown>;
  }
  const marker = `__hostile_${randomUUID()}__`;
  node[marker] = 0;
  return JSON.stringify(body).replace(`"${marker}":0`, `${JSON.stringify(key)}:${toJsonText(value)}`);
}
