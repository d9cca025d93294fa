import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { incidentNaming, tribe, uniqueName } from '../actors/support/actor-requests.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

/**
 * The request log: one JSON line per request, with the id the response sends back as X-Request-Id
 * and the events it wrote carry as metadata.requestId, and the name of the key's principal. What
 * the log must never hold: the key itself, the Authorization header, any other header, a query,
 * or a body, where a confidential source's reporter, contact, url and quote travel. Every test
 * sends a marker it made in those places and looks for it in everything the service wrote.
 */

const output: string[] = [];
const collector = new Writable({
  write(chunk, _encoding, done) {
    output.push(String(chunk));
    done();
  },
});

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp({ logging: { level: 'info', stream: collector } });
});
afterAll(() => t.close());

type LogLine = Record<string, any> & { req?: { id: string; method: string; path: string } };

const everything = () => output.join('');
const lines = (): LogLine[] =>
  everything()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));

/** The line of the request with this id: written when the response finishes, so it may come a moment after it. */
async function lineOf(requestId: string | undefined): Promise<LogLine> {
  expect(requestId).toEqual(expect.any(String));
  for (let tries = 0; tries < 100; tries++) {
    const found = lines().filter((line) => line.req?.id === requestId);
    if (found.length > 0) {
      expect(found).toHaveLength(1);
      return found[0];
    }
    await sleep(20);
  }
  throw new Error(`No request log line has req.id ${requestId}`);
}

/** A marker no one else writes, to look for in the log. */
const marker = (what: string) => `${what}-${randomBytes(8).toString('hex')}`;

/** A key of the test's own, so the test knows what must never be logged. */
async function keyFor(name: string, role: 'reporter' | 'editor' | 'auditor' | 'admin' | 'viewer') {
  const { key } = await t.keys.create(name, role, 'test');
  return { key, agent: () => t.anonymous().set('Authorization', `Bearer ${key}`) };
}

const eventsOfRequest = async (requestId: string) =>
  (await t.db.pool.query(`SELECT metadata FROM events WHERE metadata->>'requestId' = $1 ORDER BY global_position`, [requestId])).rows.map(
    (row) => row.metadata as Record<string, unknown>,
  );

describe('the request log', () => {
  it("has one JSON line per request whose req.id is the response's X-Request-Id and the requestId of the events it wrote, with the principal", async () => {
    const amina = await keyFor('amina', 'reporter');
    const response = await amina.agent().post('/incidents').send(incidentNaming([{ name: uniqueName('Sheikh'), role: 'victim' }])).expect(201);

    const requestId = response.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const line = await lineOf(requestId);
    expect(line).toMatchObject({
      req: { id: requestId, method: 'POST', path: '/incidents' },
      res: { statusCode: 201 },
      principal: 'amina',
      role: 'reporter',
      responseTime: expect.any(Number),
    });
    const events = await eventsOfRequest(requestId);
    expect(events).toEqual([expect.objectContaining({ requestId, actor: 'amina' })]);
  });

  it('gives every request its own id', async () => {
    const viewer = await keyFor('id-counter', 'viewer');
    const ids = new Set<string>();
    for (let n = 0; n < 5; n++) ids.add((await viewer.agent().get('/timeline').expect(200)).headers['x-request-id']);
    expect(ids.size).toBe(5);
    for (const id of ids) expect((await lineOf(id)).principal).toBe('id-counter');
  });

  it("keeps a client's own X-Request-Id, to follow its request through logs and events, but not a long or odd one", async () => {
    const editor = await keyFor('tracing-editor', 'editor');
    const given = marker('client-trace');
    const response = await editor.agent().post('/actors').set('X-Request-Id', given).send(tribe()).expect(201);
    expect(response.headers['x-request-id']).toBe(given);
    expect((await lineOf(given)).principal).toBe('tracing-editor');
    expect(await eventsOfRequest(given)).toEqual([expect.objectContaining({ actor: 'tracing-editor', requestId: given })]);

    for (const odd of ['two words', 'x'.repeat(200), '{"principal":"root"}']) {
      const replaced = await editor.agent().get('/timeline').set('X-Request-Id', odd).expect(200);
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('names the principal of a refused request too, and logs a request without a key with no principal', async () => {
    const viewer = await keyFor('nosy-viewer', 'viewer');
    const refused = await viewer.agent().get('/events').expect(403);
    expect(await lineOf(refused.headers['x-request-id'])).toMatchObject({ principal: 'nosy-viewer', role: 'viewer', res: { statusCode: 403 } });

    const anonymous = await t.anonymous().get('/events').expect(401);
    const line = await lineOf(anonymous.headers['x-request-id']);
    expect(line.res).toEqual({ statusCode: 401 });
    expect(line.principal).toBeUndefined();
  });

  it('never holds a key, the Authorization header, other headers, queries or bodies', async () => {
    const reporter = await keyFor('careful-reporter', 'reporter');
    const badKey = `cit_${randomBytes(32).toString('base64url')}`;
    const [header, cookie, query, title, note, unparsable] = ['header', 'cookie', 'query', 'title', 'note', 'unparsable'].map(marker);
    const body = incidentNaming([{ name: uniqueName('Sheikh'), role: 'victim' }]);

    const requests = [
      await reporter
        .agent()
        .post('/incidents')
        .set('X-Custom', header)
        .set('Cookie', `session=${cookie}`)
        .send({ ...body, title: { text: title, language: 'en' }, notes: note }),
      await reporter.agent().get('/actors').query({ q: query }),
      await reporter.agent().post('/incidents').set('Content-Type', 'application/json').send(`{"title": "${unparsable}",`),
      await t.anonymous().get('/timeline').set('Authorization', `Bearer ${badKey}`),
    ];
    expect(requests.map((response) => response.status)).toEqual([201, 200, 400, 401]);
    // The unparsable body is refused before the logger sees it (see the test of that below).
    for (const response of requests.filter((response) => response.status !== 400)) await lineOf(response.headers['x-request-id']);

    const log = everything();
    for (const secret of [reporter.key, reporter.key.slice(4), badKey, badKey.slice(4), header, cookie, query, title, note, unparsable]) {
      expect({ secret, logged: log.includes(secret) }).toEqual({ secret, logged: false });
    }
    expect(log).not.toMatch(/authorization|bearer|cookie|x-custom/i);
    // The query is dropped, the path kept.
    expect((await lineOf(requests[1].headers['x-request-id'])).req?.path).toBe('/actors');
  });

  it('never holds a key made over HTTP, which the response carries once', async () => {
    const admin = await keyFor('key-maker', 'admin');
    const made = await admin.agent().post('/keys').send({ name: 'made-over-http', role: 'viewer' }).expect(201);
    await t.anonymous().get('/timeline').set('Authorization', `Bearer ${made.body.key}`).expect(200);
    await lineOf(made.headers['x-request-id']);
    expect(everything()).not.toContain(made.body.key.slice(4));
    expect(everything()).not.toContain(admin.key.slice(4));
  });

  // Confidential sources are being added (src/incidents/confidential-sources.ts). Whatever the
  // roles may see of them, their fields travel only in bodies, and the log holds no body: this
  // holds the log to that for writing one and for every read that shows one in full.
  it("never holds a confidential source's reporter, contact, url or quote, written or read", async () => {
    const reporter = await keyFor('confidential-reporter', 'reporter');
    const editor = await keyFor('confidential-editor', 'editor');
    const auditor = await keyFor('confidential-auditor', 'auditor');
    const [name, contact, path, quote] = ['reporter', 'contact', 'url', 'quote'].map(marker);
    const source = {
      outlet: 'A local contact',
      reporter: name,
      contact,
      url: `https://example.org/${path}`,
      quote: { text: quote, language: 'ar' },
      language: 'ar',
      access: 'first_hand',
      confidential: true,
    };

    const recorded = await reporter.agent().post('/incidents').send({ ...incidentNaming([]), sources: [source] });
    expect({ status: recorded.status, body: recorded.status === 201 ? undefined : recorded.body }).toEqual({ status: 201, body: undefined });
    const another = { ...source, url: `https://example.org/${path}/2`, contact: `${contact}-2` };
    const attached = await reporter.agent().post(`/incidents/${recorded.body.id}/sources`).send(another).expect(200);
    const reads = [
      await editor.agent().get(`/incidents/${recorded.body.id}`).expect(200),
      await editor.agent().get(`/incidents/${recorded.body.id}/history`).expect(200),
      await auditor.agent().get('/events').expect(200),
      await auditor.agent().get('/changes').expect(200),
    ];
    // The reads that may show it in full did show it: so the log had the chance to take it.
    expect(JSON.stringify(reads[0].body)).toContain(contact);
    for (const response of [recorded, attached, ...reads]) await lineOf(response.headers['x-request-id']);

    const log = everything();
    for (const secret of [name, contact, path, quote]) expect({ secret, logged: log.includes(secret) }).toEqual({ secret, logged: false });
  });

  it('logs a request whose body is refused before it is read (malformed JSON, over 1 MiB) with its id, like any other', async () => {
    const reporter = await keyFor('clumsy-reporter', 'reporter');
    const malformed = await reporter.agent().post('/incidents').set('Content-Type', 'application/json').send('{"title": ');
    const tooLarge = await reporter.agent().post('/incidents').send({ notes: 'x'.repeat(1_100_000) });
    expect([malformed.status, tooLarge.status]).toEqual([400, 413]);

    // Refusals of this kind are what probing looks like: the log must show them, and the client
    // must get the id to quote.
    for (const response of [malformed, tooLarge]) {
      expect(response.headers['x-request-id']).toEqual(expect.any(String));
      expect(await lineOf(response.headers['x-request-id'])).toMatchObject({ req: { method: 'POST', path: '/incidents' }, res: { statusCode: response.status } });
    }
  });

  it('does not log the health checks load balancers make every few seconds', async () => {
    const before = lines().length;
    const response = await t.anonymous().get('/health').expect(200);
    await sleep(100);
    expect(lines().slice(before).filter((line) => line.req?.path === '/health')).toEqual([]);
    expect(response.headers['x-request-id']).toBeDefined();
  });

  it('writes nothing but JSON lines, each with a level and a time', () => {
    const all = everything().split('\n').filter((line) => line.trim() !== '');
    expect(all.length).toBeGreaterThan(10);
    for (const line of all) {
      const parsed = JSON.parse(line);
      expect({ level: typeof parsed.level, time: typeof parsed.time }).toEqual({ level: 'number', time: 'number' });
    }
  });
});
