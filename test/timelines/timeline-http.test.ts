import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CATEGORY_TAXONOMY } from '../../src/incidents/domain/index.js';
import { incidentStreamId } from '../../src/incidents/incident-stream.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

const http = () => t.http();

const incident = (title: string) => ({
  category: 'armed_clash',
  title: { text: title, language: 'en' },
  occurred: { from: '2018-05-14', precision: 'day' },
  place: { name: 'Hajin', countryCode: 'SY', precision: 'locality' },
  actors: [{ name: 'SDF', role: 'perpetrator' }],
  sources: [{ outlet: 'UCDP GED', language: 'en', access: 'relayed' }],
});

async function record(title: string) {
  return (await http().post('/incidents').send(incident(title)).expect(201)).body as { id: string; position: number };
}

describe('read-your-writes with minPosition', () => {
  it('sees a write at once when given the position the write returned', async () => {
    const { id, position } = await record(`Clash ${randomUUID()}`);
    const response = await http().get('/timeline').query({ minPosition: position, region: 'SY0902' }).expect(200);
    expect(response.body.entries.map((entry: { id: string }) => entry.id)).toContain(id);
    // Nothing may cache it, so no body is hashed for an ETag.
    expect(response.headers.etag).toBeUndefined();
  });

  it('answers 503 with Retry-After when the read models do not get there in time', async () => {
    await t.db.pool.query(`UPDATE projection_checkpoints SET state = 'stopped', error = 'held for the test' WHERE name = 'timeline'`);
    try {
      // Recorded while the timeline is stopped: a real position it cannot reach.
      const { position } = await record(`Clash ${randomUUID()}`);
      const response = await http().get('/timeline').query({ minPosition: position }).expect(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.body).toMatchObject({ type: '/problems/not-yet-visible', status: 503 });
    } finally {
      await t.db.pool.query(`UPDATE projection_checkpoints SET state = 'running', error = NULL WHERE name = 'timeline'`);
    }
  }, 15_000);
});

describe('an entry', () => {
  it('holds every field the incident has, leaves out those it has not, and writes no null', async () => {
    const marker = randomUUID();
    const full = await http()
      .post('/incidents')
      .send({
        ...incident(`Full ${marker}`),
        category: 'assassination',
        occurred: { from: '2018-05-14', precision: 'day' },
        place: { name: 'Hajin', countryCode: 'SY', admin1: 'SY09', admin2: 'SY0902', latitude: 34.6934, longitude: 40.8337, precision: 'locality' },
        fatalities: { low: 1, best: 2, high: 4 },
      })
      .expect(201);
    const bare = await http()
      .post('/incidents')
      .send({ ...incident(`Bare ${marker}`), category: 'statement', occurred: { from: '2018-05-01', precision: 'month' }, place: { name: 'Syria', countryCode: 'SY', precision: 'country' } })
      .expect(201);
    const response = await http().get('/timeline').query({ q: marker, minPosition: bare.body.position }).expect(200);

    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.text).not.toContain('null');
    const recordedAt = async (id: string) => {
      const { rows } = await t.db.pool.query(`SELECT recorded_at FROM events WHERE stream_id = $1 AND stream_version = 1`, [incidentStreamId(id)]);
      return (rows[0].recorded_at as Date).toISOString();
    };
    const actors = [{ name: 'SDF', role: 'perpetrator' }];
    expect(response.body).toStrictEqual({
      entries: [
        {
          id: bare.body.id,
          title: { text: `Bare ${marker}`, language: 'en' },
          category: 'statement',
          cameo: CATEGORY_TAXONOMY.statement.cameo,
          occurred: { from: '2018-05-01', to: '2018-05-31', precision: 'month' },
          place: { name: 'Syria', countryCode: 'SY', precision: 'country' },
          actors,
          status: 'unverified',
          version: 1,
          position: bare.body.position,
          recordedAt: await recordedAt(bare.body.id),
          lastChangedAt: await recordedAt(bare.body.id),
        },
        {
          id: full.body.id,
          title: { text: `Full ${marker}`, language: 'en' },
          category: 'assassination',
          acled: CATEGORY_TAXONOMY.assassination.acled,
          cameo: CATEGORY_TAXONOMY.assassination.cameo,
          occurred: { from: '2018-05-14', to: '2018-05-14', precision: 'day' },
          place: { name: 'Hajin', countryCode: 'SY', admin1: 'SY09', admin2: 'SY0902', latitude: 34.6934, longitude: 40.8337, precision: 'locality' },
          actors,
          fatalities: { low: 1, best: 2, high: 4 },
          status: 'unverified',
          version: 1,
          position: full.body.position,
          recordedAt: await recordedAt(full.body.id),
          lastChangedAt: await recordedAt(full.body.id),
        },
      ],
    });
  });
});

describe('retracted incidents', () => {
  it('are left out unless includeRetracted=true, and found by status', async () => {
    const title = `Retracted ${randomUUID()}`;
    const { id } = await record(title);
    const { position } = (await http().post(`/incidents/${id}/retraction`).send({ reason: 'A duplicate.' }).expect(200)).body;
    const find = async (query: Record<string, string | number | boolean>) =>
      (await http().get('/timeline').query({ q: title, minPosition: position, ...query }).expect(200)).body.entries;

    expect(await find({})).toEqual([]);
    expect(await find({ includeRetracted: true })).toEqual([expect.objectContaining({ id, status: 'retracted' })]);
    expect(await find({ status: 'retracted' })).toEqual([expect.objectContaining({ id })]);
  });
});

describe('GET /health', () => {
  it("shows each projection's checkpoint, lag and state, and is down while one is stopped", async () => {
    const up = (await http().get('/health').expect(200)).body;
    expect(up.details.projections).toMatchObject({
      status: 'up',
      timeline: {
        state: 'running',
        checkpoint: expect.stringMatching(/^\d+-\d+$/),
        lagEvents: expect.any(Number),
        lagSeconds: expect.any(Number),
        // this process works its projections (on a server, it holds their locks)
        working: true,
      },
      'incident-summaries': { state: 'running' },
    });

    await t.db.pool.query(
      `UPDATE projection_checkpoints SET state = 'stopped', error = 'incident.recorded at position 7: boom', error_position = 7
       WHERE name = 'incident-summaries'`,
    );
    try {
      const down = (await http().get('/health').expect(503)).body;
      expect(down.error.projections['incident-summaries']).toMatchObject({
        state: 'stopped',
        error: 'incident.recorded at position 7: boom',
        errorPosition: 7,
      });
    } finally {
      await t.db.pool.query(`UPDATE projection_checkpoints SET state = 'running', error = NULL, error_position = NULL WHERE name = 'incident-summaries'`);
    }
  });
});

describe('bad timeline requests', () => {
  it.each([
    [{ region: 'Deir ez-Zor' }, 'region'],
    [{ actor: 'not-a-uuid' }, 'actor'],
    [{ role: 'bystander' }, 'role'],
    [{ category: 'picnic' }, 'category'],
    [{ from: '2020-02-30' }, 'from'],
    [{ from: '2020-03-01', to: '2020-02-01' }, 'to'],
    [{ status: 'rumoured' }, 'status'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 501 }, 'limit'],
    [{ includeRetracted: 'maybe' }, 'includeRetracted'],
    [{ minPosition: -1 }, 'minPosition'],
    // No write answered it: waiting for it would be in vain (test/hostile).
    [{ minPosition: Number.MAX_SAFE_INTEGER }, 'minPosition'],
    [{ cursor: 'not a cursor!' }, 'cursor'],
    [{ cursor: Buffer.from('["yesterday", 1]').toString('base64url') }, 'cursor'],
    [{ unknown: 'x' }, 'unknown'],
  ])('%j is a 400 naming %s', async (query, path) => {
    const response = await http().get('/timeline').query(query).expect(400);
    // The route declares JSON for its pages; a refusal is still a problem document.
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(path);
  });

  it('answers 404 for the timeline of an actor that is not registered', async () => {
    await http().get(`/actors/${randomUUID()}/timeline`).expect(404);
  });

  it('answers 400 for a groupBy it does not know and a malformed region in the path', async () => {
    await http().get('/timeline/stats').query({ groupBy: 'weather' }).expect(400);
    await http().get('/regions/sy09/timeline').expect(400);
  });

  it('finds nothing, rather than failing, for a region the gazetteer does not hold', async () => {
    expect((await http().get('/regions/IQ08/timeline').expect(200)).body).toEqual({ entries: [] });
  });
});

describe('the timeline as it was known at a moment (asOf)', () => {
  it('replays only the events recorded by then: an earlier title, and no incident recorded later', async () => {
    const marker = randomUUID();
    const first = await record(`Before ${marker}`);
    await sleep(20);
    const asOf = new Date().toISOString();
    await sleep(20);
    await http()
      .post(`/incidents/${first.id}/corrections`)
      .send({ changes: { title: { text: `Corrected ${marker}`, language: 'en' } }, reason: 'A later report.' })
      .expect(200);
    const second = await record(`After ${marker}`);
    const titles = async (query: Record<string, string | number>) =>
      (await http().get('/timeline').query({ q: marker, ...query }).expect(200)).body.entries.map(
        (entry: { title: { text: string } }) => entry.title.text,
      );

    expect(await titles({ asOf })).toEqual([`Before ${marker}`]);
    // A filter that looks up its region while the replay holds a connection (one, embedded).
    expect(await titles({ asOf, region: 'SY0902' })).toEqual([`Before ${marker}`]);
    expect(await titles({ minPosition: second.position })).toEqual([`Corrected ${marker}`, `After ${marker}`]);
    expect(await titles({ asOf: new Date().toISOString() })).toEqual([`Corrected ${marker}`, `After ${marker}`]);
    expect(await titles({ asOf: '2000-01-01T00:00:00Z' })).toEqual([]);
    // The live timeline is untouched by the replay.
    expect(await titles({})).toEqual([`Corrected ${marker}`, `After ${marker}`]);
  });

  it('refuses a moment that is not an ISO 8601 timestamp, field by field', async () => {
    for (const asOf of ['yesterday', '2020-W33', '2020-223', '2020-08-10T00:00:00']) {
      const { body } = await http().get('/timeline').query({ asOf }).expect(400);
      expect(JSON.stringify(body)).toContain('asOf');
    }
  });
});
