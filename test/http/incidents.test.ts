import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { openTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

const http = () => t.http();
const eventCount = async () => Number((await t.db.pool.query('SELECT count(*) FROM events')).rows[0].count);

/** Incident 1 of the worked example: the assassination of Sheikh Mutashar al-Hafl. */
const assassination = () => ({
  category: 'assassination',
  title: { text: 'اغتيال الشيخ مطشر الهفل وقريبه دعار الخلف', language: 'ar' },
  summary: {
    text: 'اغتيال الشيخ مطشر الهفل من وجهاء عشيرة العكيدات وقريبه دعار الخلف في ريف دير الزور الشرقي.',
    language: 'ar',
  },
  translations: [{ language: 'en', title: "Assassination of Sheikh Mutashar al-Hafl and his relative Da'ar al-Khalaf" }],
  occurred: { from: '2020-07-26', to: '2020-08-01', precision: 'week', note: 'Publication day P inferred as 2020-08-08.' },
  place: { name: 'ريف دير الزور الشرقي', countryCode: 'SY', admin1: 'SY09', precision: 'region' },
  actors: [
    { name: 'الشيخ مطشر الهفل', role: 'victim', affiliation: 'عشيرة العكيدات' },
    { name: 'دعار الخلف', role: 'victim', affiliation: 'عشيرة العكيدات' },
  ],
  fatalities: { low: 2, best: 2, high: 2 },
  sources: [
    { outlet: 'نورث برس', reporter: 'هوشنك حسن', publishedOn: '2020-08-08', language: 'ar', access: 'relayed' },
  ],
  tags: ['tribal-notables'],
});

async function record(body: object = assassination()) {
  const response = await (await t.as('analyst@example.org', 'reporter')).post('/incidents').send(body).expect(201);
  return response.body as { id: string; version: number; position: number };
}

describe('POST /incidents', () => {
  it('records the incident as an event and answers with where it lives', async () => {
    const response = await (await t.as('analyst@example.org', 'reporter')).post('/incidents').send(assassination());

    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: expect.any(String), version: 1, position: expect.any(Number) });
    expect(response.headers.location).toBe(`/incidents/${response.body.id}`);
    expect(response.headers.etag).toBe('"1"');
  });

  it('returns the first result for a retried Idempotency-Key and records once', async () => {
    const before = await eventCount();
    const first = await http().post('/incidents').set('Idempotency-Key', 'report-42').send(assassination()).expect(201);
    const retry = await http().post('/incidents').set('Idempotency-Key', 'report-42').send(assassination()).expect(201);

    expect(retry.body).toEqual(first.body);
    expect(await eventCount()).toBe(before + 1);
  });

  it('refuses an Idempotency-Key reused for a different body', async () => {
    await http().post('/incidents').set('Idempotency-Key', 'report-43').send(assassination()).expect(201);
    const before = await eventCount();
    const other = { ...assassination(), tags: ['other'] };
    const response = await http().post('/incidents').set('Idempotency-Key', 'report-43').send(other);

    expect(response.status).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await eventCount()).toBe(before);
  });
});

describe('GET /incidents/:id', () => {
  it('shows the current state at once, Arabic as written, with its version as ETag', async () => {
    const { id } = await record();
    const response = await http().get(`/incidents/${id}`).expect(200);

    expect(response.headers.etag).toBe('"1"');
    expect(response.body).toMatchObject({
      id,
      version: 1,
      status: 'unverified',
      category: 'assassination',
      title: { text: 'اغتيال الشيخ مطشر الهفل وقريبه دعار الخلف', language: 'ar' },
      occurred: { from: '2020-07-26', to: '2020-08-01', precision: 'week' },
      place: { name: 'ريف دير الزور الشرقي', admin1: 'SY09', precision: 'region' },
      fatalities: { low: 2, best: 2, high: 2 },
    });
    expect(response.body.sources[0]).toMatchObject({ id: expect.any(String), outlet: 'نورث برس' });
    expect(response.body.recordedAt).toBeDefined();
    expect(response.body.lastChangedAt).toBeDefined();
  });

  it('answers 404 problem+json for an unknown id and 400 for a malformed one', async () => {
    const missing = await http().get(`/incidents/${randomUUID()}`).expect(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.body).toMatchObject({ status: 404, title: 'No such incident' });

    const malformed = await http().get('/incidents/not-an-id').expect(400);
    expect(malformed.body.errors).toEqual([{ path: 'id', message: expect.stringContaining('UUID') }]);
  });
});

describe('commands on an incident', () => {
  it('corrects, revises, attaches, links, verifies, disputes and retracts, each a new event', async () => {
    const { id } = await record();
    const other = await record();
    const editor = await t.as('editor-1', 'editor');
    const as = (path: string, body: object) => editor.post(`/incidents/${id}${path}`).send(body);

    await as('/corrections', {
      changes: { occurred: { from: '2020-07-31', precision: 'day' } },
      reason: 'A second report dates the killing to 31 July.',
    }).expect(200);
    await as('/fatalities', { fatalities: { low: 2, best: 2, high: 3 }, reason: 'A third person may have died.' }).expect(200);
    const attached = await as('/sources', {
      outlet: 'Enab Baladi',
      url: 'https://example.org/enab-baladi/2020/08/hafl',
      language: 'ar',
      access: 'relayed',
    }).expect(200);
    expect(attached.body.version).toBe(4);
    await as('/actors', { actor: { name: 'عشيرة العكيدات', role: 'target' } }).expect(200);
    await as('/actors/removals', { actor: { name: 'عشيرة العكيدات', role: 'target' }, reason: 'The tribe was not itself targeted.' }).expect(200);
    await as('/links', { incidentId: other.id, relation: 'part_of' }).expect(200);
    await as('/verification', { note: 'Confirmed by two outlets.' }).expect(200);
    await as('/dispute', { reason: 'The family denies the date.' }).expect(200);
    const retracted = await as('/retraction', { reason: 'Duplicate of another record.' }).expect(200);
    expect(retracted.body).toEqual({ id, version: 10, position: expect.any(Number) });

    const incident = (await http().get(`/incidents/${id}`).expect(200)).body;
    expect(incident).toMatchObject({
      status: 'retracted',
      occurred: { from: '2020-07-31', to: '2020-07-31', precision: 'day' },
      fatalities: { low: 2, best: 2, high: 3 },
      related: [{ incidentId: other.id, relation: 'part_of' }],
    });
    expect(incident.sources).toHaveLength(2);

    const history = (await http().get(`/incidents/${id}/history`).expect(200)).body;
    expect(history.events.map((e: { type: string }) => e.type)).toEqual([
      'incident.recorded',
      'incident.corrected',
      'incident.fatalities_revised',
      'incident.source_attached',
      'incident.actor_added',
      'incident.actor_removed',
      'incident.linked',
      'incident.verified',
      'incident.disputed',
      'incident.retracted',
    ]);
    expect(history.events[1]).toMatchObject({
      version: 2,
      position: expect.any(Number),
      data: { reason: 'A second report dates the killing to 31 July.' },
      metadata: { actor: 'editor-1', requestId: expect.any(String) },
      recordedAt: expect.any(String),
    });
    expect(history.events[0].metadata.actor).toBe('analyst@example.org');
  });

  it('refuses a change to a retracted incident with 409 and records nothing', async () => {
    const { id } = await record();
    await http().post(`/incidents/${id}/retraction`).send({ reason: 'Fabricated report.' }).expect(200);
    const before = await eventCount();

    const response = await http()
      .post(`/incidents/${id}/corrections`)
      .send({ changes: { tags: ['x'] }, reason: 'late edit' });

    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ status: 409, code: 'retracted' });
    expect(await eventCount()).toBe(before);
  });

  it('honours If-Match: the current version passes, a stale one gets 412', async () => {
    const { id } = await record();
    await http()
      .post(`/incidents/${id}/dispute`)
      .set('If-Match', '"1"')
      .send({ reason: 'Contradicted by local sources.' })
      .expect(200);
    const before = await eventCount();

    const stale = await http().post(`/incidents/${id}/retraction`).set('If-Match', '"1"').send({ reason: 'x' });

    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ status: 412, currentVersion: 2 });
    expect(await eventCount()).toBe(before);
  });

  it('answers 404 for a command on an unknown incident', async () => {
    const response = await http().post(`/incidents/${randomUUID()}/dispute`).send({ reason: 'x' });
    expect(response.status).toBe(404);
  });
});

describe('refused requests: a clear 400, field by field, and nothing written', () => {
  const cases: [string, (body: any) => unknown, { path: unknown }[]][] = [
    ['latitude 200', (b) => Object.assign(b.place, { latitude: 200, longitude: 40 }), [{ path: 'place.latitude' }]],
    ['a latitude without a longitude', (b) => (b.place.latitude = 34.4), [{ path: 'place.longitude' }]],
    ['low > high', (b) => (b.fatalities = { low: 5, best: 3, high: 2 }), [{ path: expect.stringMatching(/^fatalities/) }]],
    ['an unknown category', (b) => (b.category = 'massacre-ish'), [{ path: 'category' }]],
    ['an impossible date', (b) => (b.occurred.from = '2020-02-30'), [{ path: 'occurred.from' }]],
    ['an unknown field', (b) => (b.colour = 'red'), [{ path: 'colour' }]],
    ['a wrong type', (b) => (b.fatalities.best = 'two'), [{ path: 'fatalities.best' }]],
    ['no source', (b) => (b.sources = []), [{ path: 'sources' }]],
    ['a nested unknown field', (b) => (b.sources[0].secret = 'x'), [{ path: 'sources[0].secret' }]],
  ];

  it.each(cases)('%s', async (_, spoil, expected) => {
    const body = assassination();
    spoil(body);
    const before = await eventCount();

    const response = await http().post('/incidents').send(body);

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, title: 'Invalid request' });
    expect(response.body.errors).toEqual(
      expect.arrayContaining(expected.map((e) => expect.objectContaining({ ...e, message: expect.any(String) }))),
    );
    expect(await eventCount()).toBe(before);
  });

  it('reports every bad field at once', async () => {
    const body: any = assassination();
    Object.assign(body.place, { latitude: 200, longitude: 40 });
    body.category = 'nope';
    const response = await http().post('/incidents').send(body).expect(400);
    expect(response.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['category', 'place.latitude']);
  });

  it('malformed JSON', async () => {
    const before = await eventCount();
    const response = await http().post('/incidents').set('Content-Type', 'application/json').send('{"category": ');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ status: 400, title: 'Malformed JSON' });
    expect(await eventCount()).toBe(before);
  });

  it('a body over 1 MiB gets 413', async () => {
    const before = await eventCount();
    const body = { ...assassination(), notes: 'x'.repeat(1024 * 1024 + 1) };
    const response = await http().post('/incidents').send(body);
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ status: 413 });
    expect(await eventCount()).toBe(before);
  });

  it('text PostgreSQL cannot store (a NUL character)', async () => {
    const before = await eventCount();
    const body = assassination();
    body.summary.text = 'nul \u0000 here';
    const response = await http().post('/incidents').send(body);
    expect(response.status).toBe(400);
    expect(await eventCount()).toBe(before);
  });
});

describe('service endpoints', () => {
  it('GET /health says the database is up and migrations are applied', async () => {
    const response = await http().get('/health').expect(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, migrations: { status: 'up' } },
    });
  });

  it('serves OpenAPI at /docs-json and the explorer at /docs', async () => {
    const spec = (await http().get('/docs-json').expect(200)).body;
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/incidents', '/incidents/{id}', '/incidents/{id}/history', '/incidents/{id}/corrections']),
    );
    await http().get('/docs').expect(200);
  });
});
