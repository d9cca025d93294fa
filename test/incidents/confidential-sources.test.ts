import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from 'supertest';
import { assassinationBody } from '../../src/incidents/http/dto/testing/worked-example-body.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

/**
 * A confidential source: its reporter, contact, url and quote are withheld from viewers and from
 * reporters other than the one who added it, shown to editors, auditors and admins, and every
 * answer that shows them is first recorded in the access log.
 */

/** What must never reach a reader without the right, nor any request log line. */
const SECRET = {
  reporter: 'أبو محمد الديري',
  contact: 'signal:+963-999-000-111',
  url: 'https://example.org/witness/7/',
  quote: 'رأيتهم يطلقون النار من سيارة بيضاء',
  translation: 'I saw them shoot from a white car',
};

const witness = (overrides: object = {}) => ({
  outlet: 'local witness',
  reporter: SECRET.reporter,
  contact: SECRET.contact,
  url: SECRET.url,
  language: 'ar',
  access: 'first_hand',
  quote: { text: SECRET.quote, language: 'ar' },
  quoteTranslations: [{ text: SECRET.translation, language: 'en' }],
  confidential: true,
  ...overrides,
});

const logLines: string[] = [];
let t: TestApp;
let as: Record<'rami' | 'salma' | 'viewer' | 'editor' | 'auditor', Agent>;
let id: string;
let sourceIds: { published: string; witness: string };

beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  t = await openTestApp({ logging: { level: 'info', stream } });
  as = {
    rami: await t.as('rami', 'reporter'),
    salma: await t.as('salma', 'reporter'),
    viewer: await t.as('viewer-1', 'viewer'),
    editor: await t.as('editor-1', 'editor'),
    auditor: await t.as('auditor-1', 'auditor'),
  };
  const body = assassinationBody();
  body.sources.push(witness());
  id = (await as.rami.post('/incidents').send(body).expect(201)).body.id;
  const sources = (await t.http().get(`/incidents/${id}`).expect(200)).body.sources;
  sourceIds = { published: sources[0].id, witness: sources[1].id };
});
afterAll(() => t.close());

const mentionsASecret = (body: unknown) => Object.values(SECRET).some((secret) => JSON.stringify(body).includes(secret));

/** The access log's entry for a request, as auditors query it, once the projection has caught up with it. */
async function accessLogEntry(query: Record<string, string>, requestId: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { entries } = (await as.auditor.get('/audit/access-log').query(query).expect(200)).body;
    const entry = entries.find((candidate: { requestId?: string }) => candidate.requestId === requestId);
    if (entry || Date.now() > deadline) return entry;
    await sleep(100);
  }
}

describe('a confidential source', () => {
  it('is withheld from a viewer: the fields are gone and named, the rest of the incident is whole', async () => {
    const incident = (await as.viewer.get(`/incidents/${id}`).expect(200)).body;
    expect(incident.sources[1]).toEqual({
      id: sourceIds.witness,
      outlet: 'local witness',
      language: 'ar',
      access: 'first_hand',
      confidential: true,
      withheld: ['reporter', 'contact', 'url', 'quote', 'quoteTranslations'],
    });
    expect(incident.sources[0]).toEqual({ ...assassinationBody().sources[0], id: sourceIds.published });
    expect(mentionsASecret(incident)).toBe(false);
  });

  it('is withheld from another reporter, and shown in full to the reporter who added it', async () => {
    expect(mentionsASecret((await as.salma.get(`/incidents/${id}`).expect(200)).body)).toBe(false);
    const own = (await as.rami.get(`/incidents/${id}`).expect(200)).body;
    expect(own.sources[1]).toMatchObject({ reporter: SECRET.reporter, contact: SECRET.contact, url: SECRET.url, confidential: true });
    expect(own.sources[1]).not.toHaveProperty('withheld');
  });

  it('is shown in full to editors, auditors and admins, in the incident and in its history', async () => {
    for (const reader of [as.editor, as.auditor, t.http()]) {
      const incident = (await reader.get(`/incidents/${id}`).expect(200)).body;
      expect(incident.sources[1]).toMatchObject({ quote: { text: SECRET.quote }, quoteTranslations: [{ text: SECRET.translation }] });
      const history = (await reader.get(`/incidents/${id}/history`).expect(200)).body;
      expect(JSON.stringify(history)).toContain(SECRET.contact);
    }
  });

  it('is withheld at every past version and moment, in the change feed, and when attached later', async () => {
    const attached = await as.rami.post(`/incidents/${id}/sources`).send(witness({ url: 'https://example.org/witness/8/' })).expect(200);
    const version = attached.body.version;
    for (const path of [`/incidents/${id}?version=${version}`, `/incidents/${id}?asOf=${new Date().toISOString()}`, '/changes']) {
      const body = (await as.viewer.get(path).expect(200)).body;
      expect(mentionsASecret(body)).toBe(false);
      expect(JSON.stringify(body)).toContain('"withheld"');
    }
    const shown = (await as.viewer.get(`/incidents/${id}`).expect(200)).body;
    expect(shown.sources).toHaveLength(3);
    expect(shown.sources[2]).not.toHaveProperty('url');
    // An editor reading the change feed sees the attached one too.
    expect(JSON.stringify((await as.editor.get('/changes').expect(200)).body)).toContain('https://example.org/witness/8/');
  });

  it("is withheld from a history's data and diffs for whoever may read histories without the right", async () => {
    // No role reads histories without seeing confidential sources today; the withholding is the
    // same function as for the incident, applied to the events the history is built from.
    await as.viewer.get(`/incidents/${id}/history`).expect(403);
  });

  it('has each read that shows it recorded first, with who, through what and the request id, for auditors', async () => {
    await as.editor.get(`/incidents/${id}`).set('X-Request-Id', 'editor-read-1').expect(200);
    expect(await accessLogEntry({ reader: 'editor-1', incidentId: id }, 'editor-read-1')).toMatchObject({
      reader: 'editor-1',
      role: 'editor',
      via: 'GET /incidents/:id',
      // The witness, and the second confidential source attached by an earlier test.
      sources: expect.arrayContaining([{ incidentId: id, sourceId: sourceIds.witness }]),
    });
    // The event is in the log itself, as any other fact.
    const { rows } = await t.db.pool.query(
      `SELECT data FROM events WHERE type = 'access.confidential_sources_read' AND metadata->>'requestId' = 'editor-read-1'`,
    );
    expect(rows).toHaveLength(1);
  });

  it('records the reads of the adder, of histories and of the log feed, and none for a reader it was withheld from', async () => {
    await as.viewer.get(`/incidents/${id}`).set('X-Request-Id', 'viewer-read').expect(200);
    await as.rami.get(`/incidents/${id}`).set('X-Request-Id', 'rami-read').expect(200);
    await as.auditor.get(`/incidents/${id}/history`).set('X-Request-Id', 'auditor-history').expect(200);
    await as.auditor.get('/events').set('X-Request-Id', 'auditor-feed').expect(200);
    const { rows } = await t.db.pool.query(
      `SELECT metadata->>'requestId' AS request, data->>'via' AS via FROM events WHERE type = 'access.confidential_sources_read'`,
    );
    const via = Object.fromEntries(rows.map((row) => [row.request, row.via]));
    expect(via).toMatchObject({ 'rami-read': 'GET /incidents/:id', 'auditor-history': 'GET /incidents/:id/history', 'auditor-feed': 'GET /events' });
    expect(via).not.toHaveProperty('viewer-read');
  });

  it('is a read only auditors and admins may query', async () => {
    await as.editor.get('/audit/access-log').expect(403);
    await as.viewer.get('/audit/access-log').expect(403);
    await as.auditor.get('/audit/access-log').query({ incidentId: 'not-a-uuid' }).expect(400);
  });

  it('never reaches the request log', async () => {
    expect(logLines.length).toBeGreaterThan(10);
    for (const secret of Object.values(SECRET)) expect(logLines.join('')).not.toContain(secret);
  });

  it('stays public when not marked, and a flag other than true is refused', async () => {
    const body = assassinationBody();
    body.sources[0] = { ...body.sources[0], confidential: 'yes' };
    const refused = await as.rami.post('/incidents').send(body).expect(400);
    expect(refused.body.errors).toEqual([{ path: 'sources[0].confidential', message: 'confidential must be a boolean value' }]);
  });
});
