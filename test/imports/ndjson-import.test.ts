import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { importFile } from '../../src/imports/import-files.js';
import { assassinationBody } from '../../src/incidents/http/dto/testing/worked-example-body.js';
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
const http = () => request(t.app.getHttpServer());
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
    ]);
    const before = await eventCount();
    const summary = await importNdjson(path);
    expect(summary).toMatchObject({ read: 8, recorded: 2, unchanged: 0, corrected: 0, rejected: 6 });
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
      { line: 9, reason: 'the row could not be judged: Maximum call stack size exceeded' },
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
    const before = await eventCount();
    const [a, b] = await Promise.all([importNdjson(path), importNdjson(path)]);
    expect(a.recorded + b.recorded).toBe(1200);
    expect(a.recorded + a.unchanged).toBe(1200);
    expect(b.recorded + b.unchanged).toBe(1200);
    expect(await eventCount()).toBe(before + 1200);
    const { rows } = await pool().query(
      `SELECT count(DISTINCT stream_id)::int AS streams FROM events WHERE data->'externalIds'->>'test' LIKE 'race-%'`,
    );
    expect(rows[0].streams).toBe(1200);
  }, 120_000);
});
