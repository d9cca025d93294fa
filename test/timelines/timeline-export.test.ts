import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Response as AgentResponse } from 'superagent';
import { recordWorkedExample } from '../../src/demo/run-demo.js';
import { WORKED_EXAMPLE_IDS as WORKED } from '../../src/demo/worked-example.js';
import { EventStore } from '../../src/event-store/index.js';
import type { IncidentRecordedData } from '../../src/incidents/domain/index.js';
import { Projections } from '../../src/projections/projections.module.js';
import { streamTo } from '../../src/timelines/export/stream-to.js';
import { TimelineExport } from '../../src/timelines/export/timeline-export.js';
import { TimelineQueries } from '../../src/timelines/queries/timeline-queries.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

/** The columns as the README promises them: ACLED's where they map, then the tracker's own. */
const COLUMNS = [
  'id', 'event_date', 'year', 'time_precision', 'disorder_type', 'event_type', 'sub_event_type',
  'actor1', 'assoc_actor_1', 'inter1', 'actor2', 'assoc_actor_2', 'inter2', 'interaction',
  'iso', 'country', 'admin1', 'admin2', 'admin3', 'location', 'latitude', 'longitude', 'geo_precision',
  'source', 'source_scale', 'notes', 'fatalities', 'timestamp',
  'category', 'cameo_code', 'fatalities_low', 'fatalities_high', 'status', 'version', 'external_ids',
  'event_date_to', 'admin1_pcode', 'admin2_pcode', 'admin3_pcode',
];

/** Every export of this file spans several pages: page boundaries are where rows get lost or doubled. */
const PAGE_SIZE = 3;

const QUOTED_TITLE = 'He said "stop", then left\nثم قال: "قف"، وغادر';
const FORMULA_TITLE = '=HYPERLINK("http://example.com/x","click")';
const SAME_DAY = '2021-03-15';

let t: TestApp;
let lastPosition: number;
const ids = {
  quoted: '',
  formula: '',
  baghdad: '',
  externalIds: randomUUID(),
  sameDay: [] as string[],
};

const http = () => t.http();

const incident = (overrides: Record<string, unknown>) => ({
  category: 'armed_clash',
  title: { text: 'Clash', language: 'en' },
  occurred: { from: SAME_DAY, precision: 'day' },
  place: { name: 'Hajin', countryCode: 'SY', precision: 'locality' },
  actors: [{ name: 'SDF', role: 'perpetrator' }],
  sources: [{ outlet: 'UCDP GED', language: 'en', access: 'relayed' }],
  ...overrides,
});

const record = async (body: Record<string, unknown>) => (await http().post('/incidents').send(incident(body)).expect(201)).body.id as string;

beforeAll(async () => {
  t = await openTestApp();
  t.app.get(TimelineExport).pageSize = PAGE_SIZE;
  await recordWorkedExample(t.app.get(CommandBus));
  ids.quoted = await record({
    category: 'statement',
    title: { text: QUOTED_TITLE, language: 'ar' },
    summary: { text: 'Homs, Syria; "quoted", twice', language: 'en' },
    occurred: { from: '2020-08-05', precision: 'day' },
    place: { name: 'حمص', countryCode: 'SY', admin1: 'SY04', precision: 'governorate' },
    actors: [{ name: 'محافظ حمص', role: 'speaker' }],
  });
  ids.formula = await record({
    title: { text: FORMULA_TITLE, language: 'en' },
    occurred: { from: '2020-08-04', precision: 'day' },
    place: { name: 'Homs', countryCode: 'SY', admin1: 'SY04', precision: 'governorate' },
  });
  ids.baghdad = await record({
    title: { text: 'Outside the gazetteer', language: 'en' },
    occurred: { from: '2020-08-02', precision: 'day' },
    place: { name: 'Baghdad', countryCode: 'IQ', precision: 'locality' },
  });
  for (let n = 0; n < 7; n++) ids.sameDay.push(await record({ title: { text: `Same day ${n}`, language: 'en' } }));
  // Incidents carry ids in other datasets from now on; recorded straight to the log, as an import would.
  const data: IncidentRecordedData & { externalIds: Record<string, string> } = {
    id: ids.externalIds,
    category: 'armed_clash',
    title: { text: 'From UCDP', language: 'en' },
    translations: [],
    occurred: { from: '2017-10-01', to: '2017-10-31', precision: 'month' },
    place: { name: 'Deir ez-Zor city', countryCode: 'SY', admin1: 'SY09', admin2: 'SY0901', admin3: 'SY090100', precision: 'locality' },
    actors: [],
    fatalities: { low: 3, best: 5, high: 9 },
    sources: [{ id: randomUUID(), outlet: 'UCDP GED', language: 'en', access: 'relayed' }],
    related: [],
    tags: [],
    externalIds: { 'ucdp-ged': '230050', acled: 'SYR1234' },
  };
  await t.app.get(EventStore).append(`incident-${ids.externalIds}`, 'no_stream', [{ type: 'incident.recorded', data }]);
  lastPosition = Number((await t.db.pool.query('SELECT max(global_position) AS p FROM events')).rows[0].p);
});
afterAll(() => t.close());

/** The raw bytes, so the byte order mark is seen as sent (superagent hands a parser Node's response). */
function bytes(res: AgentResponse, done: (error: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

async function csv(query: Record<string, string | number> = {}) {
  const response = await http().get('/timeline.csv').query({ minPosition: lastPosition, ...query }).buffer(true).parse(bytes).expect(200);
  const body = response.body as Buffer;
  const text = body.toString('utf8');
  const [header, ...rows] = parse(text, { bom: true }) as string[][];
  const records = rows.map((row) => Object.fromEntries(header.map((column, i) => [column, row[i]])));
  return { response, body, text, header, records, byId: new Map(records.map((row) => [row.id, row])) };
}

async function geojson(query: Record<string, string | number> = {}) {
  return http().get('/timeline.geojson').query({ minPosition: lastPosition, ...query }).expect(200);
}

const timelineIds = async (query: Record<string, string | number> = {}) =>
  (await http().get('/timeline').query({ minPosition: lastPosition, limit: 500, ...query }).expect(200)).body.entries.map(
    (entry: { id: string }) => entry.id,
  );

describe('GET /timeline.csv', () => {
  it('is UTF-8 CSV with a byte order mark, a filename, and the ACLED columns first', async () => {
    const { response, body, header, records } = await csv();
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="timeline.csv"');
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(header).toEqual(COLUMNS);
    for (const row of records) expect(Object.keys(row)).toHaveLength(COLUMNS.length);
  });

  it('writes the worked example as ACLED would read it, Arabic as written', async () => {
    const { byId } = await csv({ region: 'SY09' });
    expect(byId.get(WORKED.assassination)).toEqual({
      id: WORKED.assassination,
      event_date: '2020-07-26',
      year: '2020',
      time_precision: '2',
      disorder_type: 'Political violence',
      event_type: 'Violence against civilians',
      sub_event_type: 'Attack',
      // The perpetrator is unknown: no actor1, and so no interaction.
      actor1: '',
      assoc_actor_1: '',
      inter1: '',
      actor2: 'Sheikh Mutashar al-Hafl',
      assoc_actor_2: "Da'ar al-Khalaf",
      inter2: '',
      interaction: '',
      iso: '760',
      country: 'Syria',
      admin1: 'Deir ez-Zor',
      admin2: '',
      admin3: '',
      location: 'ريف دير الزور الشرقي',
      // Known only to the governorate: its centroid, at ACLED's coarsest precision.
      latitude: '35.16667',
      longitude: '40.28333',
      geo_precision: '3',
      source: 'نورث برس',
      source_scale: '',
      notes:
        'اغتيال الشيخ مطشر الهفل وقريبه دعار الخلف — ' +
        'اغتيال الشيخ مطشر الهفل، من وجهاء عشيرة العكيدات، وقريبه دعار الخلف في ريف دير الزور الشرقي. الفاعل مجهول.',
      fatalities: '2',
      timestamp: expect.stringMatching(/^\d{10}$/),
      category: 'assassination',
      cameo_code: '186',
      fatalities_low: '2',
      fatalities_high: '2',
      status: 'unverified',
      version: '2',
      external_ids: '',
      event_date_to: '2020-08-01',
      admin1_pcode: 'SY09',
      admin2_pcode: '',
      admin3_pcode: '',
    });
    const timestamp = Number(byId.get(WORKED.assassination)!.timestamp);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(600);

    expect(byId.get(WORKED.baghouz)).toMatchObject({
      event_date: '2019-03-01',
      event_date_to: '2019-03-31',
      time_precision: '3',
      event_type: 'Battles',
      sub_event_type: 'Non-state actor overtakes territory',
      actor1: 'Syrian Democratic Forces',
      inter1: '2',
      actor2: 'Islamic State',
      inter2: '2',
      interaction: '22',
      admin1: 'Deir ez-Zor',
      admin2: 'Abu Kamal',
      admin2_pcode: 'SY0902',
      location: 'الباغوز',
      latitude: '34.43221',
      longitude: '40.99226',
      geo_precision: '1',
      fatalities: '',
      notes: 'قوات سوريا الديمقراطية تعلن السيطرة على الباغوز، آخر جيوب تنظيم "الدولة الإسلامية"',
    });
    expect(byId.get(WORKED.accusation)).toMatchObject({
      actor1: 'SDF General Command',
      inter1: '2',
      actor2: 'Turkey',
      assoc_actor_2: 'Syrian government',
      inter2: '8',
      interaction: '28',
      disorder_type: '',
      cameo_code: '112',
      time_precision: '1',
    });
    expect(byId.get(WORKED.demand)).toMatchObject({
      actor1: 'Al-Akidat',
      inter1: '4',
      actor2: 'Global Coalition against ISIS',
      inter2: '8',
      interaction: '48',
    });
    // A spokesman: the one he spoke for is associated with him; a person has no ACLED code of his own.
    expect(byId.get(WORKED.statement)).toMatchObject({
      actor1: 'Col. Myles Caggins',
      assoc_actor_1: 'Global Coalition against ISIS',
      inter1: '',
      actor2: '',
      interaction: '',
    });
    // Three participants: the first two face each other, the third stands with the first.
    expect(byId.get(WORKED.meeting)).toMatchObject({
      actor1: 'US Department of State',
      actor2: 'Global Coalition against ISIS',
      assoc_actor_1: 'قيادات من المجتمع المدني والهيئات الحاكمة وقوات الأمن وشيوخ العشائر',
      interaction: '88',
    });
  });

  it('quotes quotes, commas and line breaks, so the text comes back whole', async () => {
    const { text, byId } = await csv({ category: 'statement' });
    const row = byId.get(ids.quoted)!;
    expect(row.notes).toBe(`${QUOTED_TITLE} — Homs, Syria; "quoted", twice`);
    expect(row.actor1).toBe('محافظ حمص');
    expect(row.location).toBe('حمص');
    expect(text).toContain('"He said ""stop"", then left\nثم قال: ""قف""، وغادر — Homs, Syria; ""quoted"", twice"');
    expect(row).toMatchObject({ admin1: 'Homs', admin1_pcode: 'SY04', geo_precision: '3', actor2: '', interaction: '' });
  });

  it('keeps a spreadsheet from running text as a formula', async () => {
    const { byId } = await csv({ from: '2020-08-04', to: '2020-08-04' });
    expect(byId.get(ids.formula)!.notes).toBe(`'${FORMULA_TITLE}`);
  });

  it('writes ids in other datasets as key:value pairs, and a lone actor1 with a code as ACLED does', async () => {
    const { byId } = await csv({ from: '2017-01-01', to: '2017-12-31' });
    expect(byId.get(ids.externalIds)).toMatchObject({
      external_ids: 'acled:SYR1234; ucdp-ged:230050',
      fatalities: '5',
      fatalities_low: '3',
      fatalities_high: '9',
      admin3_pcode: 'SY090100',
      admin2: 'Deir ez-Zor',
      // A locality known only to its subdistrict: the subdistrict's centroid is district-ish.
      geo_precision: '2',
      actor1: '',
    });
  });

  it('applies the filters of GET /timeline, in its order', async () => {
    const rowIds = async (query: Record<string, string>) => (await csv(query)).records.map((row) => row.id);
    expect(await rowIds({ region: 'SY09' })).toEqual(await timelineIds({ region: 'SY09' }));
    expect(await rowIds({ region: 'SY09', from: '2020-01-01', to: '2020-12-31' })).toEqual([
      WORKED.pattern, WORKED.assassination, WORKED.demand, WORKED.meeting, WORKED.accusation, WORKED.tweet, WORKED.statement,
    ]);
    expect(await rowIds({ category: 'accusation' })).toEqual([WORKED.accusation]);
    expect(await rowIds({ from: '2020-08-01', to: '2020-08-01' })).toEqual([WORKED.pattern, WORKED.assassination, WORKED.demand]);
    expect(await rowIds({ region: 'IQ' })).toEqual([ids.baghdad]);
    expect(await rowIds({ region: 'SY08' })).toEqual([]);
  });

  it('gives every entry once across pages, ties on one day in the order they were recorded', async () => {
    const { records } = await csv();
    const rowIds = records.map((row) => row.id);
    const all = await timelineIds();
    expect(all.length).toBeGreaterThan(PAGE_SIZE * 5);
    expect(rowIds).toEqual(all);
    expect(new Set(rowIds).size).toBe(rowIds.length);
    expect((await csv({ from: SAME_DAY, to: SAME_DAY })).records.map((row) => row.id)).toEqual(ids.sameDay);
  });

  it('answers an empty timeline with the header alone', async () => {
    const { records, header } = await csv({ region: 'SY08' });
    expect(header).toEqual(COLUMNS);
    expect(records).toEqual([]);
  });
});

describe('GET /timeline.geojson', () => {
  it('is an RFC 7946 FeatureCollection of the same entries', async () => {
    const response = await geojson();
    expect(response.headers['content-type']).toBe('application/geo+json; charset=utf-8');
    const collection = response.body;
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features.map((feature: { id: string }) => feature.id)).toEqual(await timelineIds());
    for (const feature of collection.features) {
      expect(feature.type).toBe('Feature');
      expect(Object.keys(feature.properties)).toEqual(COLUMNS);
    }
  });

  it('places a feature at its coordinates, else at its unit centroid, else nowhere', async () => {
    const features = new Map<string, any>((await geojson()).body.features.map((feature: { id: string }) => [feature.id, feature]));
    expect(features.get(WORKED.baghouz).geometry).toEqual({ type: 'Point', coordinates: [40.99226, 34.43221] });
    expect(features.get(WORKED.assassination).geometry).toEqual({ type: 'Point', coordinates: [40.28333, 35.16667] });
    expect(features.get(ids.baghdad).geometry).toBeNull();
    expect(features.get(ids.baghdad).properties).toMatchObject({ iso: 368, country: 'Iraq', admin1: null, latitude: null, longitude: null });
  });

  it('gives the fields as JSON values', async () => {
    const features = new Map<string, any>((await geojson({ region: 'SY09' })).body.features.map((feature: { id: string }) => [feature.id, feature]));
    expect(features.get(WORKED.baghouz).properties).toMatchObject({
      year: 2019,
      time_precision: 3,
      inter1: 2,
      inter2: 2,
      interaction: 22,
      iso: 760,
      latitude: 34.43221,
      geo_precision: 1,
      fatalities: null,
      version: 1,
      external_ids: {},
      location: 'الباغوز',
      timestamp: expect.any(Number),
    });
    expect(features.get(ids.externalIds).properties.external_ids).toEqual({ acled: 'SYR1234', 'ucdp-ged': '230050' });
    expect(features.get(WORKED.assassination).properties).toMatchObject({ fatalities: 2, actor1: null, cameo_code: '186' });
  });

  it('applies the filters', async () => {
    const ids = (await geojson({ category: 'accusation' })).body.features.map((feature: { id: string }) => feature.id);
    expect(ids).toEqual([WORKED.accusation]);
    expect((await geojson({ region: 'SY08' })).body).toEqual({ type: 'FeatureCollection', features: [] });
  });
});

describe('streaming', () => {
  it('reads the next page only when the client has taken the last, holding no connection meanwhile', async () => {
    const pagesRead = jest.spyOn(t.app.get(TimelineQueries), 'timeline');
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const received: string[] = [];
    const slowClient = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, done) {
        received.push(chunk.toString('utf8'));
        void released.then(() => done());
      },
    });
    try {
      const sending = streamTo(slowClient, await t.app.get(TimelineExport).csv({}));
      await sleep(300);
      const readWhileBlocked = pagesRead.mock.calls.length;
      // Embedded PostgreSQL has one connection: this would wait forever if the export held it.
      await http().get('/timeline').query({ limit: 1 }).timeout(5000).expect(200);
      release();
      expect(await sending).toEqual({ sent: true });

      const pages = pagesRead.mock.calls.length;
      expect(pages).toBeGreaterThan(5);
      expect(readWhileBlocked).toBeLessThanOrEqual(3);
      const [, ...rows] = parse(received.join(''), { bom: true }) as string[][];
      expect(rows.map((row) => row[0])).toEqual(await timelineIds());
    } finally {
      release();
      pagesRead.mockRestore();
    }
  });

  it('cuts the transfer short when a page cannot be read halfway, rather than end a file that looks whole', async () => {
    const queries = t.app.get(TimelineQueries);
    const timeline = queries.timeline.bind(queries);
    let calls = 0;
    const failing = jest.spyOn(queries, 'timeline').mockImplementation(async (query) => {
      if (++calls > 2) throw new Error('the database went away (a test)');
      return timeline(query);
    });
    try {
      await expect(http().get('/timeline.csv').buffer(true).parse(bytes)).rejects.toThrow();
    } finally {
      failing.mockRestore();
    }
    expect(calls).toBe(3);
  });
});

describe('refusals come before the body, as problem+json', () => {
  it.each([
    ['/timeline.csv', { region: 'Deir ez-Zor' }, 'region'],
    ['/timeline.csv', { from: '2020-02-30' }, 'from'],
    ['/timeline.csv', { from: '2020-03-01', to: '2020-02-01' }, 'to'],
    ['/timeline.csv', { limit: 10 }, 'limit'],
    ['/timeline.csv', { cursor: 'abc' }, 'cursor'],
    ['/timeline.geojson', { category: 'picnic' }, 'category'],
    ['/timeline.geojson', { includeRetracted: 'maybe' }, 'includeRetracted'],
  ])('%s with %j is a 400 naming %s', async (path, query, field) => {
    const response = await http().get(path).query(query).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(field);
  });

  it('answers 404 for an actor that is not registered', async () => {
    const response = await http().get('/timeline.geojson').query({ actor: randomUUID() }).expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers 503 when the read models do not reach minPosition in time', async () => {
    // The read models stay short of the last position for this request.
    const waiting = jest.spyOn(t.app.get(Projections), 'waitFor').mockResolvedValue(false);
    try {
      const response = await http().get('/timeline.csv').query({ minPosition: lastPosition }).expect(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.body).toMatchObject({ type: '/problems/not-yet-visible' });
    } finally {
      waiting.mockRestore();
    }
  });

  it('answers 400 at once for a minPosition no write answered', async () => {
    const response = await http().get('/timeline.csv').query({ minPosition: lastPosition + 1000 }).expect(400);
    expect(response.body.errors).toEqual([{ path: 'minPosition', message: expect.stringContaining('position a write answered') }]);
  });
});
