import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActorDirectory } from '../../src/actors/queries/actor-directory.js';
import { Clock } from '../../src/common/clock.js';
import { EventStore } from '../../src/event-store/index.js';
import { importFile } from '../../src/imports/import-files.js';
import { IncidentImporter } from '../../src/imports/incident-importer.js';
import { recordIncidentValidator } from '../../src/incidents/http/dto/fast-validation.js';
import { assassinationBody } from '../../src/incidents/http/dto/testing/worked-example-body.js';
import { Gazetteer } from '../../src/places/gazetteer.js';
import { PlaceResolver } from '../../src/places/resolve/place-resolver.service.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

/** `import ndjson`: POST /incidents bodies, one per line, judged as the API judges them. */

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await openTestApp();
  dir = await mkdtemp(join(tmpdir(), 'ndjson-import-'));
});
afterAll(() => t.close());

const pool = () => t.db.pool;
const http = () => t.http();
const eventCount = async () => Number((await pool().query('SELECT count(*) FROM events')).rows[0].count);

/** An incident to import: the worked example's assassination, without its link to an incident not here. */
function incident(overrides: Record<string, unknown> = {}) {
  const { related: _, ...body } = assassinationBody();
  return { ...body, ...overrides };
}

async function file(name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

const importNdjson = (path: string, strict = false) => importFile(t.app, 'ndjson', path, { actor: 'ndjson-test', strict });

async function recordedFrom(externalId: string) {
  const { rows } = await pool().query(`SELECT data->>'id' AS id FROM events WHERE type = 'incident.recorded' AND data->'externalIds'->>'test' = $1`, [externalId]);
  return rows.map((row) => row.id as string);
}

describe('import ndjson', () => {
  const keyed = incident({ externalIds: { test: 'one' } });
  const unkeyed = incident({ title: { text: 'اغتيال في ريف دير الزور', language: 'ar' } });

  it('records the good lines and reports each bad one with its line number and reason', async () => {
    const path = await file('first.ndjson', [
      JSON.stringify(keyed),
      JSON.stringify(unkeyed),
      '',
      '{"category": "assassination",',
      JSON.stringify(incident({ fatalities: { low: 3, best: 2, high: 2 }, externalIds: { test: 'bad' } })),
      JSON.stringify(incident({ occurred: { from: '2999-01-01', precision: 'day' } })),
      '[1, 2]',
      JSON.stringify(incident({ place: { name: 'X', countryCode: 'SY', admin1: 'SY99', precision: 'governorate' } })),
      `{"category":"assassination","title":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
      JSON.stringify(incident({ title: { text: 'اغتيال \ud800', language: 'ar' } })),
    ]);
    const before = await eventCount();
    const summary = await importNdjson(path);
    expect(summary).toMatchObject({ read: 9, recorded: 2, unchanged: 0, corrected: 0, rejected: 7 });
    expect(summary.problems).toEqual([
      { line: 4, reason: expect.stringMatching(/^not JSON: /) },
      { line: 5, reason: 'invalid fields', errors: [{ path: 'fatalities.low', message: 'low must be <= best <= high' }] },
      { line: 6, reason: expect.stringMatching(/^occurred_in_future: /) },
      { line: 7, reason: 'the row must be an incident, as a JSON object' },
      {
        line: 8,
        reason: expect.stringMatching(/^unknown_place: /),
        errors: [{ path: 'place.admin1', message: 'SY99 is not a unit of SY in the gazetteer' }],
      },
      // Judged as POST /incidents judges it: nested past 32 levels, refused with where.
      {
        line: 9,
        reason: 'invalid fields',
        errors: [{ path: `title${'[0]'.repeat(31)}`, message: `title${'[0]'.repeat(31)} is nested more than 32 levels deep` }],
      },
      {
        line: 10,
        reason: 'invalid fields',
        errors: [{ path: 'title.text', message: 'text must be well-formed Unicode (it holds half of a surrogate pair)' }],
      },
    ]);
    // Only the two good rows wrote anything, one event each.
    expect(await eventCount()).toBe(before + 2);
    const [id] = await recordedFrom('one');
    const shown = (await http().get(`/incidents/${id}`).expect(200)).body;
    expect(shown).toMatchObject({ title: keyed.title, externalIds: { test: 'one' }, place: { admin1: 'SY09' } });
    const { rows } = await pool().query(`SELECT metadata FROM events WHERE stream_id = $1`, [`incident-${id}`]);
    expect(rows[0].metadata).toMatchObject({ actor: 'ndjson-test', import: { format: 'ndjson', file: 'first.ndjson', line: 1 } });
  });

  it('records nothing when the same lines come again, whatever their formatting', async () => {
    const before = await eventCount();
    // The same incidents with their keys in another order and spaced out: the same rows.
    const reordered = (body: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(body).reverse()), null, 0).replace(/,"/g, ', "');
    const summary = await importNdjson(await file('again.ndjson', [reordered(keyed), reordered(unkeyed)]));
    expect(summary).toMatchObject({ read: 2, recorded: 0, unchanged: 2, corrected: 0, rejected: 0 });
    expect(await eventCount()).toBe(before);
  });

  it('corrects an incident whose keyed line changed, in one transaction', async () => {
    const changed = { ...keyed, title: { text: 'اغتيال الشيخ مطشر الهفل', language: 'ar' }, fatalities: { low: 2, best: 3, high: 3 } };
    const summary = await importNdjson(await file('changed.ndjson', [JSON.stringify(changed)]));
    expect(summary).toMatchObject({ read: 1, recorded: 0, corrected: 1 });
    const [id] = await recordedFrom('one');
    const { rows } = await pool().query(
      `SELECT type, data, transaction_id::text AS tx FROM events WHERE stream_id = $1 ORDER BY stream_version`,
      [`incident-${id}`],
    );
    expect(rows.map((row) => row.type)).toEqual(['incident.recorded', 'incident.corrected', 'incident.fatalities_revised']);
    expect(rows[1].data.changes).toEqual({ title: changed.title });
    expect(rows[1].tx).toBe(rows[2].tx);
    expect(rows[1].data.reason).toBe('The row changed in ndjson changed.ndjson (line 1).');
  });

  it('records a changed line without external ids as another incident: nothing says it is the same one', async () => {
    const summary = await importNdjson(await file('unkeyed.ndjson', [JSON.stringify({ ...unkeyed, notes: 'Another reading.' })]));
    expect(summary).toMatchObject({ read: 1, recorded: 1, corrected: 0 });
  });

  it('stops at the first bad line with strict, keeping the lines before it', async () => {
    const path = await file('strict.ndjson', [
      JSON.stringify(incident({ externalIds: { test: 'strict-1' } })),
      'nonsense',
      JSON.stringify(incident({ externalIds: { test: 'strict-3' } })),
    ]);
    await expect(importNdjson(path, true)).rejects.toMatchObject({ problem: { line: 2 }, summary: { read: 2, recorded: 1, rejected: 1 } });
    expect(await recordedFrom('strict-1')).toHaveLength(1);
    expect(await recordedFrom('strict-3')).toHaveLength(0);
  });

  it('records each incident once when two imports of the same file run at the same time', async () => {
    const lines = Array.from({ length: 1200 }, (_, i) => JSON.stringify(incident({ externalIds: { test: `race-${i}` } })));
    const path = await file('race.ndjson', lines);
    // The other import meets the same incidents in the opposite order: its batches and ours lock the same keys crosswise.
    const reversed = await file('race-reversed.ndjson', [...lines].reverse());
    const before = await eventCount();
    const [a, b] = await Promise.all([importNdjson(path), importNdjson(reversed)]);
    expect(a.recorded + b.recorded).toBe(1200);
    expect(a.recorded + a.unchanged).toBe(1200);
    expect(b.recorded + b.unchanged).toBe(1200);
    expect(await eventCount()).toBe(before + 1200);
    const { rows } = await pool().query(
      `SELECT count(DISTINCT stream_id)::int AS streams FROM events WHERE data->'externalIds'->>'test' LIKE 'race-%'`,
    );
    expect(rows[0].streams).toBe(1200);
  }, 120_000);

  it('keeps rows without external ids apart, even with an empty map of them', async () => {
    const lines = ['first', 'second', 'third'].map((word) => JSON.stringify(incident({ notes: word, externalIds: {} })));
    const summary = await importNdjson(await file('empty-ids.ndjson', lines));
    expect(summary).toMatchObject({ read: 3, recorded: 3, corrected: 0, rejected: 0 });
  });

  it('refuses a second row for the same incident in one file, the same way every time', async () => {
    const lines = [
      JSON.stringify(incident({ externalIds: { test: 'twice' } })),
      JSON.stringify(incident({ externalIds: { test: 'twice' }, notes: 'another reading' })),
    ];
    const path = await file('twice.ndjson', lines);
    const first = await importNdjson(path);
    expect(first).toMatchObject({ read: 2, recorded: 1, rejected: 1 });
    expect(first.problems).toEqual([{ line: 2, reason: 'the same incident as line 1 (the same external ids, or the same row twice)' }]);
    const again = await importNdjson(path);
    expect(again).toMatchObject({ read: 2, recorded: 0, unchanged: 1, corrected: 0, rejected: 1 });
  });

  it("merges a changed row with an analyst's changes: the row's new values where nobody else changed the field, the analyst's where both did", async () => {
    const original = incident({ externalIds: { test: 'merge' } });
    await importNdjson(await file('merge-1.ndjson', [JSON.stringify(original)]));
    const [id] = await recordedFrom('merge');
    const correct = (changes: Record<string, unknown>) =>
      t.http().post(`/incidents/${id}/corrections`).send({ changes, reason: 'analyst review' }).expect(200);
    const title = (text: string) => ({ text, language: 'ar' });

    // The analyst and the source agree: nothing to do.
    await correct({ title: title('B') });
    const agreed = { ...original, title: title('B') };
    expect(await importNdjson(await file('merge-2.ndjson', [JSON.stringify(agreed)]))).toMatchObject({ unchanged: 1, corrected: 0, kept: [] });

    // The analyst moves on; the source still says B: the analyst's C stays, and the import says so.
    await correct({ title: title('C') });
    const summary = await importNdjson(await file('merge-3.ndjson', [JSON.stringify(agreed)]));
    expect(summary).toMatchObject({ unchanged: 1, corrected: 0, kept: [{ line: 1, incidentId: id, fields: ['title'] }] });

    // The source changes another field: that change is made, the analyst's title stays.
    const later = { ...agreed, summary: { text: 'ملخص جديد', language: 'ar' } };
    expect(await importNdjson(await file('merge-4.ndjson', [JSON.stringify(later)]))).toMatchObject({ corrected: 1 });
    const shown = (await http().get(`/incidents/${id}`).expect(200)).body;
    expect(shown.title).toEqual(title('C'));
    expect(shown.summary).toEqual(later.summary);
  });

  it('stops with strict at a row its incident refuses, and writes nothing after it', async () => {
    const retracted = incident({ externalIds: { test: 'retracted' } });
    await importNdjson(await file('to-retract.ndjson', [JSON.stringify(retracted)]));
    const [id] = await recordedFrom('retracted');
    await http().post(`/incidents/${id}/retraction`).send({ reason: 'duplicate' }).expect(200);
    const path = await file('after-retraction.ndjson', [
      JSON.stringify({ ...retracted, notes: 'changed at the source' }),
      JSON.stringify(incident({ externalIds: { test: 'after-stop' } })),
    ]);
    await expect(importNdjson(path, true)).rejects.toMatchObject({
      problem: { line: 1, reason: expect.stringMatching(/^retracted: /) },
      summary: { read: 1, recorded: 0, rejected: 1 },
    });
    expect(await recordedFrom('after-stop')).toHaveLength(0);
  });

  it('writes two batches at a time, and still records each row once and reports every row', async () => {
    const gazetteer = new Gazetteer(pool(), { memoize: true });
    const store = new EventStore(pool());
    // How many batches are being written at once: the import writes the next while one commits.
    let writing = 0;
    let most = 0;
    const startStreams = store.startStreams.bind(store);
    store.startStreams = async (...args) => {
      most = Math.max(most, ++writing);
      try {
        return await startStreams(...args);
      } finally {
        writing--;
      }
    };
    const importer = () =>
      new IncidentImporter(
        { db: pool(), store, actors: new ActorDirectory(t.db.dataSource), places: { gazetteer, resolver: new PlaceResolver(gazetteer) }, clock: new Clock() },
        { format: 'ndjson', file: 'pairs.ndjson', actor: 'test', batchSize: 2 },
      );
    const body = (n: number, title = `اغتيال في ريف دير الزور رقم ${n}`) => incident({ title: { text: title, language: 'ar' }, externalIds: { test: `pair-${n}` } });
    async function* rows(bodies: unknown[]) {
      for (const [index, row] of bodies.entries()) yield { line: index + 1, digest: JSON.stringify(row), body: row };
    }

    const first = Array.from({ length: 12 }, (_, n) => body(n));
    expect(await importer().import(rows(first))).toMatchObject({ read: 12, recorded: 12, unchanged: 0, rejected: 0 });
    // Embedded PostgreSQL runs one session: there the second batch's writes queue behind the first's.
    expect(most).toBe(t.db.target.embedded ? 1 : 2);
    // Again, with one row changed, one bad and two new ones among them.
    const second = [...first.slice(0, 6), body(6, 'اغتيال قيادي في ريف دير الزور'), { category: 'assassination' }, ...first.slice(7), body(12), body(13)];
    const summary = await importer().import(rows(second));
    expect(summary).toMatchObject({ read: 15, recorded: 2, unchanged: 11, corrected: 1, rejected: 1, problems: [{ line: 8, reason: 'invalid fields' }] });
    for (let n = 0; n < 14; n++) expect(await recordedFrom(`pair-${n}`)).toHaveLength(1);
    const [changed] = await recordedFrom('pair-6');
    expect((await http().get(`/incidents/${changed}`).expect(200)).body.title.text).toBe('اغتيال قيادي في ريف دير الزور');
  });

  it('refuses only the row whose data the database will not store, when the rest of its batch is fine', async () => {
    const validateAsTheApiDoes = recordIncidentValidator();
    const gazetteer = new Gazetteer(pool(), { memoize: true });
    // A validator that lets half a surrogate pair through, as one that missed it would: jsonb refuses it.
    const lax = (body: unknown) => {
      const text = (body as { title: { text: string } }).title.text;
      const check = validateAsTheApiDoes({ ...(body as object), title: { ...(body as { title: object }).title, text: text.replace('\ud800', '') } });
      return check.ok ? { ok: true as const, value: body as never } : check;
    };
    const importer = new IncidentImporter(
      { db: pool(), store: new EventStore(pool()), actors: new ActorDirectory(t.db.dataSource), places: { gazetteer, resolver: new PlaceResolver(gazetteer) }, clock: new Clock() },
      { format: 'ndjson', file: 'lax.ndjson', actor: 'test', validate: lax },
    );
    async function* rows() {
      for (const [line, text] of ['fine 1', 'bad \ud800', 'fine 2'].entries()) {
        yield { line: line + 1, digest: text, body: incident({ title: { text, language: 'ar' }, externalIds: { test: `lax-${line}` } }) };
      }
    }
    const summary = await importer.import(rows());
    expect(summary).toMatchObject({ read: 3, recorded: 2, rejected: 1, problems: [{ line: 2, reason: expect.stringMatching(/^the database refuses its data: /) }] });
  });
});
