import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getMetadataStorage } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { IncidentPointInTimeDto } from '../../src/incidents/http/dto/incident-queries.dto.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
const http = () => t.http();

const TITLE = 'اغتيال الشيخ مطشر الهفل';
const CORRECTED_TITLE = 'اغتيال الشيخ مطشر الهفل وقريبه دعار الخلف';
const AKIDAT = 'عشيرة العكيدات';
const NORTH_PRESS = { outlet: 'نورث برس', reporter: 'هوشنك حسن', publishedOn: '2020-08-08', language: 'ar', access: 'relayed' };
const ENAB_BALADI = { outlet: 'عنب بلدي', url: 'https://www.enabbaladi.net/archives/409856', language: 'ar', access: 'relayed' };
const OCCURRED = { from: '2020-07-26', to: '2020-08-01', precision: 'week', note: 'Publication day P inferred as 2020-08-08.' };

const REASONS = {
  correction: 'A second report dates the killing to 31 July and names his relative.',
  fatalities: 'A third person died of his wounds.',
  actor: 'The report speaks of tribal notables as targets.',
  retraction: 'Duplicate of another record.',
};

interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

interface HistoryEntry {
  position: number;
  version: number;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
  by?: string;
  reason?: string;
  source?: Record<string, unknown>;
  changes: FieldChange[];
}

/** The worked example's assassination, told in six events by three people. */
interface Story {
  id: string;
  northPress: Record<string, unknown>;
  enabBaladi: Record<string, unknown>;
  history: HistoryEntry[];
  current: { body: Record<string, any>; etag?: string };
}

let story: Story;

async function tellStory(): Promise<Story> {
  const as = (actor: string) => ({
    post: async (path: string, body: object) =>
      (await t.as(actor)).post(path).send(body).expect((r) => expect(r.status).toBeLessThan(300)),
  });
  // Apart in time, so an instant between two events exists even at the millisecond the API shows.
  const step = async <T>(work: () => Promise<T>) => {
    await sleep(5);
    return work();
  };

  const recorded = await as('analyst@example.org').post('/incidents', {
    category: 'assassination',
    title: { text: TITLE, language: 'ar' },
    occurred: OCCURRED,
    place: { name: 'ريف دير الزور الشرقي', countryCode: 'SY', admin1: 'SY09', precision: 'region' },
    actors: [
      { name: 'الشيخ مطشر الهفل', role: 'victim' },
      { name: 'دعار الخلف', role: 'victim' },
    ],
    fatalities: { low: 2, best: 2, high: 2 },
    sources: [NORTH_PRESS],
    tags: ['tribal-notables'],
  });
  const id: string = recorded.body.id;
  const sources = async () => (await http().get(`/incidents/${id}`).expect(200)).body.sources as Record<string, unknown>[];
  const [northPress] = await sources();

  await step(() =>
    as('editor-1').post(`/incidents/${id}/corrections`, {
      changes: { title: { text: CORRECTED_TITLE, language: 'ar' }, occurred: { from: '2020-07-31', precision: 'day' } },
      reason: REASONS.correction,
      sourceId: northPress.id,
    }),
  );
  await step(() =>
    as('editor-2').post(`/incidents/${id}/fatalities`, {
      fatalities: { low: 2, best: 3, high: 3 },
      reason: REASONS.fatalities,
      sourceId: northPress.id,
    }),
  );
  await step(() => as('editor-1').post(`/incidents/${id}/sources`, ENAB_BALADI));
  const enabBaladi = (await sources())[1];
  await step(() =>
    as('editor-2').post(`/incidents/${id}/actors`, {
      actor: { name: AKIDAT, role: 'target' },
      reason: REASONS.actor,
      sourceId: enabBaladi.id,
    }),
  );
  await step(() => as('reviewer').post(`/incidents/${id}/retraction`, { reason: REASONS.retraction }));

  const history = (await http().get(`/incidents/${id}/history`).expect(200)).body.events;
  const current = await http().get(`/incidents/${id}`).expect(200);
  return { id, northPress, enabBaladi, history, current: { body: current.body, etag: current.headers.etag } };
}

beforeAll(async () => {
  t = await openTestApp();
  story = await tellStory();
});
afterAll(() => t.close());

describe('GET /incidents/:id/history', () => {
  it('keeps every entry as the log holds it', () => {
    expect(story.history.map((entry) => [entry.version, entry.type])).toEqual([
      [1, 'incident.recorded'],
      [2, 'incident.corrected'],
      [3, 'incident.fatalities_revised'],
      [4, 'incident.source_attached'],
      [5, 'incident.actor_added'],
      [6, 'incident.retracted'],
    ]);
    for (const entry of story.history) {
      expect(entry).toEqual(
        expect.objectContaining({
          position: expect.any(Number),
          schemaVersion: 1,
          data: expect.any(Object),
          metadata: expect.objectContaining({ actor: entry.by, requestId: expect.any(String) }),
          recordedAt: expect.any(String),
        }),
      );
    }
  });

  it('shows the recording as every field added, with no before, by whoever recorded it', () => {
    const [recorded] = story.history;
    expect(recorded.by).toBe('analyst@example.org');
    expect(recorded).not.toHaveProperty('reason');
    expect(recorded).not.toHaveProperty('source');
    expect(recorded.changes.map((change) => change.path)).toEqual([
      'actors',
      'category',
      'fatalities',
      'id',
      'occurred',
      'place',
      'related',
      'sources',
      'status',
      'tags',
      'title',
      'translations',
    ]);
    for (const change of recorded.changes) expect(change).not.toHaveProperty('before');
    expect(recorded.changes).toEqual(
      expect.arrayContaining([
        { path: 'id', after: story.id },
        { path: 'status', after: 'unverified' },
        { path: 'title', after: { text: TITLE, language: 'ar' } },
        { path: 'fatalities', after: { low: 2, best: 2, high: 2 } },
        { path: 'occurred', after: OCCURRED },
        { path: 'sources', after: [story.northPress] },
        { path: 'tags', after: ['tribal-notables'] },
      ]),
    );
  });

  it('shows a correction field by field, with who, why and the source it cites', () => {
    const corrected = story.history[1];
    expect(corrected).toMatchObject({ by: 'editor-1', reason: REASONS.correction, source: story.northPress });
    expect(corrected.source).toEqual({ id: story.northPress.id, ...NORTH_PRESS });
    expect(corrected.changes).toEqual([
      { path: 'occurred.from', before: '2020-07-26', after: '2020-07-31' },
      { path: 'occurred.note', before: OCCURRED.note },
      { path: 'occurred.precision', before: 'week', after: 'day' },
      { path: 'occurred.to', before: '2020-08-01', after: '2020-07-31' },
      { path: 'title.text', before: TITLE, after: CORRECTED_TITLE },
    ]);
  });

  it('shows a revision of the fatalities as the counts that changed', () => {
    const revised = story.history[2];
    expect(revised.by).toBe('editor-2');
    expect(revised.reason).toBe(REASONS.fatalities);
    expect(revised.source).toEqual({ id: story.northPress.id, ...NORTH_PRESS });
    expect(revised.changes).toEqual([
      { path: 'fatalities.best', before: 2, after: 3 },
      { path: 'fatalities.high', before: 2, after: 3 },
    ]);
  });

  it('shows an attached source as its source and as the new item of the list', () => {
    const attached = story.history[3];
    const enabBaladi = { id: story.enabBaladi.id, ...ENAB_BALADI };
    expect(attached.by).toBe('editor-1');
    expect(attached).not.toHaveProperty('reason');
    expect(attached.source).toEqual(enabBaladi);
    expect(attached.changes).toEqual([{ path: 'sources[1]', after: enabBaladi }]);
  });

  it('resolves the source an added actor cites to the source attached before it', () => {
    const added = story.history[4];
    expect(added).toMatchObject({ by: 'editor-2', reason: REASONS.actor });
    expect(added.source).toEqual({ id: story.enabBaladi.id, ...ENAB_BALADI });
    expect(added.changes).toEqual([
      { path: 'actors[2]', after: { name: AKIDAT, role: 'target', resolution: { status: 'unresolved', candidates: [] } } },
    ]);
  });

  it('shows a retraction as the status it changed and the retraction it added, citing no source', () => {
    const retracted = story.history[5];
    expect(retracted).toMatchObject({ by: 'reviewer', reason: REASONS.retraction });
    expect(retracted).not.toHaveProperty('source');
    expect(retracted.changes).toEqual([
      { path: 'retraction', after: { reason: REASONS.retraction } },
      { path: 'status', before: 'unverified', after: 'retracted' },
    ]);
  });

  it('shows a cleared field with no after, a removed actor by its old index, and a verification', async () => {
    const { id } = (
      await http()
        .post('/incidents')
        .send({
          category: 'assassination',
          title: { text: TITLE, language: 'ar' },
          summary: { text: 'ملخص', language: 'ar' },
          occurred: { from: '2020-07-26', precision: 'week' },
          place: { name: 'ريف دير الزور الشرقي', countryCode: 'SY', admin1: 'SY09', precision: 'region' },
          actors: [
            { name: 'الشيخ مطشر الهفل', role: 'victim' },
            { name: 'دعار الخلف', role: 'victim' },
          ],
          sources: [NORTH_PRESS],
          tags: ['tribal-notables'],
        })
        .expect(201)
    ).body;
    await http().post(`/incidents/${id}/corrections`).send({ changes: { summary: null, tags: ['akidat'] }, reason: 'Recoded.' }).expect(200);
    await http()
      .post(`/incidents/${id}/actors/removals`)
      .send({ actor: { name: 'الشيخ مطشر الهفل', role: 'victim' }, reason: 'Named twice.' })
      .expect(200);
    await http().post(`/incidents/${id}/verification`).send({ note: 'Confirmed.' }).expect(200);

    const [, corrected, removed, verified] = (await http().get(`/incidents/${id}/history`).expect(200)).body.events as HistoryEntry[];
    const unresolved = { status: 'unresolved', candidates: [] };
    expect(corrected.changes).toEqual([
      { path: 'summary', before: { text: 'ملخص', language: 'ar' } },
      { path: 'tags[0]', before: 'tribal-notables', after: 'akidat' },
    ]);
    expect(removed.changes).toEqual([{ path: 'actors[0]', before: { name: 'الشيخ مطشر الهفل', role: 'victim', resolution: unresolved } }]);
    expect(removed.by).toBe('test-admin');
    expect(verified).not.toHaveProperty('reason');
    expect(verified.changes).toEqual([
      { path: 'status', before: 'unverified', after: 'verified' },
      { path: 'verification', after: { sourceIds: [expect.any(String)], note: 'Confirmed.' } },
    ]);
  });

  it('answers 404 for an unknown incident', async () => {
    const response = await http().get(`/incidents/${randomUUID()}/history`).expect(404);
    expect(response.body).toMatchObject({ status: 404, title: 'No such incident' });
  });
});

describe('GET /incidents/:id as it stood', () => {
  const recordedAt = (version: number) => story.history[version - 1].recordedAt;
  const between = (a: string, b: string) => new Date((Date.parse(a) + Date.parse(b)) / 2).toISOString();
  const at = (query: string) => http().get(`/incidents/${story.id}?${query}`);

  it('answers the current incident, with its version as ETag, when asked for no time', () => {
    expect(story.current.etag).toBe('"6"');
    expect(story.current.body).toMatchObject({ version: 6, status: 'retracted' });
    expect(story.current.body).not.toHaveProperty('asOf');
  });

  it('asOf between two changes: the earlier state, with its version and times, and no ETag to build on', async () => {
    const asOf = between(recordedAt(3), recordedAt(4));
    const response = await at(`asOf=${asOf}`).expect(200);

    expect(response.body).toMatchObject({
      id: story.id,
      version: 3,
      status: 'unverified',
      title: { text: CORRECTED_TITLE, language: 'ar' },
      fatalities: { low: 2, best: 3, high: 3 },
      recordedAt: recordedAt(1),
      lastChangedAt: recordedAt(3),
      asOf,
    });
    expect(response.body.sources).toEqual([story.northPress]);
    expect(response.body.actors).toHaveLength(2);
    expect(response.body).not.toHaveProperty('retraction');
    // No ETag at all: If-Match could take one for the current version.
    expect(response.headers.etag).toBeUndefined();
  });

  it('asOf is the same instant in any offset', async () => {
    const instant = new Date(between(recordedAt(2), recordedAt(3)));
    const inDamascus = new Date(instant.getTime() + 3 * 3_600_000).toISOString().replace('Z', '+03:00');
    const response = await at(`asOf=${encodeURIComponent(inDamascus)}`).expect(200);
    expect(response.body).toMatchObject({ version: 2, fatalities: { low: 2, best: 2, high: 2 }, asOf: instant.toISOString() });
  });

  it('asOf includes an event recorded at that very instant, as the history shows it', async () => {
    const response = await at(`asOf=${recordedAt(4)}`).expect(200);
    expect(response.body).toMatchObject({ version: 4, lastChangedAt: recordedAt(4) });
    expect(response.body.sources).toHaveLength(2);
  });

  it('asOf after the last change is the incident as it stands, still without an ETag', async () => {
    const response = await at('asOf=2999-01-01T00:00:00Z').expect(200);
    expect(response.body).toEqual({ ...story.current.body, asOf: '2999-01-01T00:00:00.000Z' });
    expect(response.headers.etag).toBeUndefined();
  });

  it('version=n: the state after n events, the same as asOf at its change', async () => {
    const response = await at('version=2').expect(200);
    expect(response.body).toMatchObject({
      version: 2,
      status: 'unverified',
      title: { text: CORRECTED_TITLE, language: 'ar' },
      occurred: { from: '2020-07-31', to: '2020-07-31', precision: 'day' },
      fatalities: { low: 2, best: 2, high: 2 },
      recordedAt: recordedAt(1),
      lastChangedAt: recordedAt(2),
    });
    expect(response.body).not.toHaveProperty('asOf');
    expect(response.headers.etag).toBeUndefined();

    const asOfTheChange = (await at(`asOf=${recordedAt(2)}`).expect(200)).body;
    expect(response.body).toEqual({ ...asOfTheChange, asOf: undefined });
  });

  it('version=1 is the incident as recorded; the current version is the incident as it stands', async () => {
    const first = (await at('version=1').expect(200)).body;
    expect(first).toMatchObject({ version: 1, title: { text: TITLE }, occurred: OCCURRED, lastChangedAt: recordedAt(1) });
    expect((await at('version=6').expect(200)).body).toEqual(story.current.body);
  });

  describe('refuses with 400 problem+json naming the field', () => {
    const cases: [string, string, string[]][] = [
      ['both asOf and version', `asOf=2020-08-08T12:00:00Z&version=2`, ['asOf', 'version']],
      ['asOf that is not a timestamp', 'asOf=yesterday', ['asOf']],
      ['asOf on a day that does not exist', 'asOf=2020-02-30T12:00:00Z', ['asOf']],
      ['asOf without a time zone', 'asOf=2020-08-08T12:00:00', ['asOf']],
      ['asOf without a time', 'asOf=2020-08-08', ['asOf']],
      ['asOf with a + the query string turned into a space', 'asOf=2020-08-08T12:00:00+03:00', ['asOf']],
      ['asOf twice', 'asOf=2020-08-08T12:00:00Z&asOf=2020-08-09T12:00:00Z', ['asOf']],
      ['version 0', 'version=0', ['version']],
      ['a negative version', 'version=-1', ['version']],
      ['a fractional version', 'version=1.5', ['version']],
      ['a version that is not a number', 'version=two', ['version']],
      ['an empty version', 'version=', ['version']],
      ['an unknown parameter', 'at=2', ['at']],
    ];

    it.each(cases)('%s', async (_, query, paths) => {
      const response = await at(query);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 400, title: 'Invalid request' });
      expect([...new Set(response.body.errors.map((error: { path: string }) => error.path))].sort()).toEqual(paths);
    });
  });

  describe('answers 404 problem+json', () => {
    it('asOf before the incident was recorded', async () => {
      const before = new Date(Date.parse(recordedAt(1)) - 1).toISOString();
      const response = await at(`asOf=${before}`).expect(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        status: 404,
        type: '/problems/not-yet-recorded',
        recordedAt: recordedAt(1),
        detail: expect.stringContaining(`first recorded at ${recordedAt(1)}`),
      });
    });

    it('a version the incident has not reached, saying which it is at', async () => {
      const response = await at('version=7').expect(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        status: 404,
        type: '/problems/version-not-found',
        currentVersion: 6,
        detail: expect.stringContaining('is at version 6; it has no version 7'),
      });
      expect((await at('version=99999999999').expect(404)).body).toMatchObject({ currentVersion: 6 });
    });

    it('an unknown incident, at any time', async () => {
      for (const query of ['version=1', 'asOf=2999-01-01T00:00:00Z']) {
        const response = await http().get(`/incidents/${randomUUID()}?${query}`).expect(404);
        expect(response.body).toMatchObject({ status: 404, title: 'No such incident' });
      }
    });
  });

  it('documents exactly the query parameters it validates', async () => {
    const document = (await http().get('/docs-json').expect(200)).body;
    const parameters = document.paths['/incidents/{id}'].get.parameters as { in: string; name: string; schema: object }[];
    const validated = getMetadataStorage()
      .getTargetValidationMetadatas(IncidentPointInTimeDto, '', true, false)
      .map((metadata) => metadata.propertyName);
    const documented = parameters.filter((parameter) => parameter.in === 'query');
    expect(documented.map((parameter) => parameter.name).sort()).toEqual([...new Set(validated)].sort());
    expect(documented.find((parameter) => parameter.name === 'version')?.schema).toMatchObject({ type: 'integer', minimum: 1 });
  });
});
