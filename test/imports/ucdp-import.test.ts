import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { parse } from 'csv-parse/sync';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyLog } from '../../src/audit/tamper-evidence/verify.js';
import { EventStore } from '../../src/event-store/index.js';
import { importFile } from '../../src/imports/import-files.js';
import { ImportStopped } from '../../src/imports/incident-importer.js';
import { ExecuteIncidentCommand } from '../../src/incidents/commands/execute-incident-command.js';
import { UCDP_SAMPLE } from '../../src/places/ucdp-check.js';
import { catchUpProjections } from '../../src/projections/catch-up.js';
import { logSettled } from '../support/test-database.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

/**
 * `import ucdp` on the real file: 2,115 UCDP GED events in Deir ez-Zor, 2016–2019 (CC BY 4.0;
 * Sundberg & Melander 2013, Högbladh 2019). The expected figures come from the CSV itself.
 */
type GedRow = Record<string, string>;

let t: TestApp;
let csv: string;
let rows: GedRow[];
let dir: string;
beforeAll(async () => {
  t = await openTestApp();
  csv = await readFile(UCDP_SAMPLE, 'utf8');
  rows = parse(csv, { columns: true });
  dir = await mkdtemp(join(tmpdir(), 'ucdp-import-'));
}, 60_000);
afterAll(() => t.close());

const pool = () => t.db.pool;
const importUcdp = (path: string, strict = false) => importFile(t.app, 'ucdp', path, { actor: 'ucdp-test', strict });
const eventCount = async () => Number((await pool().query('SELECT count(*) FROM events')).rows[0].count);
const catchUp = async () => {
  await logSettled(pool());
  await catchUpProjections(pool(), t.app.get(EventStore));
};
/** The incident recorded from a GED event, as GET /incidents/:id shows it. */
async function incidentOf(uid: string): Promise<{ id: string; state: any }> {
  const { rows: found } = await pool().query(
    `SELECT data->>'id' AS id FROM events WHERE type = 'incident.recorded' AND data->'externalIds'->>'ucdp-ged' = $1`,
    [uid],
  );
  expect(found).toHaveLength(1);
  const { id } = found[0];
  return { id, state: (await t.http().get(`/incidents/${id}`).expect(200)).body };
}

/** The file as written, with one event's columns changed (by UCDP id), keeping CSV quoting intact. */
async function fileWith(name: string, changes: Record<string, GedRow>): Promise<string> {
  const header = Object.keys(rows[0]);
  const quote = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  const lines = rows.map((row) => header.map((column) => quote({ ...row, ...changes[row.id] }[column] ?? '')).join(','));
  const path = join(dir, name);
  await writeFile(path, [header.join(','), ...lines].join('\n') + '\n');
  return path;
}

describe('import ucdp, on the real file', () => {
  it('records one incident per event and rejects none', async () => {
    const summary = await importUcdp(UCDP_SAMPLE);
    expect(summary).toMatchObject({ read: 2115, recorded: 2115, unchanged: 0, corrected: 0, rejected: 0, problems: [] });
    await catchUp();
  }, 120_000);

  it('gives the counts per year and the sum of best estimates the CSV gives', async () => {
    const expected: Record<string, { incidents: number; best: number }> = {};
    for (const row of rows) {
      const year = (expected[row.year] ??= { incidents: 0, best: 0 });
      year.incidents += 1;
      year.best += Number(row.best);
    }
    const { rows: years } = await pool().query(
      `SELECT extract(year FROM occurred_from)::int::text AS year, count(*)::int AS incidents, sum(fatalities_best)::int AS best
       FROM timeline_entries GROUP BY 1 ORDER BY 1`,
    );
    expect(Object.fromEntries(years.map(({ year, incidents, best }) => [year, { incidents, best }]))).toEqual(expected);
    expect(years.reduce((sum, year) => sum + year.best, 0)).toBe(14581);
  });

  it('keeps what UCDP says of an event: sides, place, dates, fatalities by side, sources, its id', async () => {
    const { state } = await incidentOf('230050');
    expect(state).toMatchObject({
      category: 'armed_clash',
      externalIds: { 'ucdp-ged': '230050' },
      occurred: { from: '2016-10-02', to: '2016-10-02', precision: 'day' },
      place: { name: 'Deir ez Zor town', countryCode: 'SY', admin1: 'SY09', admin2: 'SY0901', latitude: 35.335876, longitude: 40.140844, precision: 'point' },
      fatalities: {
        low: 2,
        best: 2,
        high: 2,
        byParty: [
          { party: 'Government of Syria', deaths: 0 },
          { party: 'IS', deaths: 2 },
          { party: 'civilians', deaths: 0 },
          { party: 'unknown', deaths: 0 },
        ],
      },
      sources: [{ outlet: 'SOHR', publishedOn: '2016-10-02', language: 'en', access: 'relayed' }],
      tags: ['Syria: Islamic State'],
    });
    expect(state.actors.map(({ name, role }: { name: string; role: string }) => [name, role])).toEqual([
      ['Government of Syria', 'participant'],
      ['IS', 'participant'],
    ]);
    expect(state.actors.every((actor: { actorId?: string }) => actor.actorId)).toBe(true);
    // One-sided violence: side A attacked civilians.
    const oneSided = rows.find((row) => row.type_of_violence === '3')!;
    const attack = (await incidentOf(oneSided.id)).state;
    expect(attack.category).toBe('attack_on_civilians');
    expect(attack.actors.map(({ role }: { role: string }) => role)).toEqual(['perpetrator', 'victim']);
  });

  it('widens low and high to take in a best estimate UCDP gives outside them, and says so', async () => {
    const odd = rows.find((row) => row.id === '219459')!;
    expect([odd.low, odd.best, odd.high]).toEqual(['177', '142', '177']);
    const { state } = await incidentOf('219459');
    expect(state.fatalities).toMatchObject({ low: 142, best: 142, high: 177 });
    expect(state.notes).toContain('UCDP gives the estimates low 177, best 142, high 177');
  });

  it('registers each side once, as the registry finds it', async () => {
    const sides = new Set(rows.flatMap((row) => [row.side_a, row.side_b]));
    const { rows: registered } = await pool().query(`SELECT display_name FROM actors ORDER BY display_name`);
    expect(registered.map((actor) => actor.display_name).sort()).toEqual([...sides].sort());
  });

  it('records nothing on a second import of the same file', async () => {
    const before = await eventCount();
    const summary = await importUcdp(UCDP_SAMPLE);
    expect(summary).toMatchObject({ read: 2115, recorded: 0, unchanged: 2115, corrected: 0, rejected: 0 });
    expect(await eventCount()).toBe(before);
  }, 120_000);

  it('turns a changed row into a correction, leaving what an analyst changed since', async () => {
    const { id } = await incidentOf('230050');
    await t.app.get(CommandBus).execute(
      new ExecuteIncidentCommand(
        id,
        { type: 'CorrectIncident', data: { changes: { notes: 'Checked against SOHR video.' }, reason: 'analyst review' } },
        { metadata: { actor: 'analyst' } },
      ),
    );
    const changed = await fileWith('changed.csv', { '230050': { ...rows.find((row) => row.id === '230050')!, best: '3', high: '4', deaths_b: '3' } });
    const before = await eventCount();
    const summary = await importUcdp(changed);
    expect(summary).toMatchObject({ read: 2115, recorded: 0, unchanged: 2114, corrected: 1, rejected: 0 });
    // The import wrote one event, and only to the changed row's incident.
    expect(await eventCount()).toBe(before + 1);
    const { rows: events } = await pool().query(
      `SELECT type, data, metadata FROM events WHERE stream_id = $1 AND stream_version > 2 ORDER BY stream_version`,
      [`incident-${id}`],
    );
    expect(events.map((event) => event.type)).toEqual(['incident.fatalities_revised']);
    expect(events[0].data.reason).toMatch(/line \d+/);
    expect(events[0].metadata).toMatchObject({ actor: 'ucdp-test', import: { format: 'ucdp-ged', file: 'changed.csv' } });
    await catchUp();
    const { state } = await incidentOf('230050');
    expect(state.fatalities).toMatchObject({ low: 2, best: 3, high: 4 });
    // The source left the notes as they were, so the analyst's stay.
    expect(state.notes).toBe('Checked against SOHR video.');
    expect((await importUcdp(changed)).corrected).toBe(0);
  }, 120_000);

  it('reports a bad row with its line number, skips it, and records the rest', async () => {
    const bad = await fileWith('bad.csv', { '230050': { date_start: '2016-02-30' }, [rows[1].id]: { side_a: '' } });
    const summary = await importUcdp(bad);
    expect(summary.rejected).toBe(2);
    // Some events' source fields hold newlines: the line is the file's, not the row's number.
    const lines = (await readFile(bad, 'utf8')).split('\n');
    const lineOf = (uid: string) => lines.findIndex((line) => line.startsWith(`${uid},`)) + 1;
    expect(lineOf(rows[1].id)).toBeGreaterThan(2);
    expect(summary.problems).toEqual([
      { line: lineOf(rows[1].id), reason: 'missing side_a' },
      {
        line: lineOf('230050'),
        reason: 'invalid fields',
        errors: [{ path: 'occurred.from', message: 'from must be a real calendar date (YYYY-MM-DD)' }],
      },
    ].sort((a, b) => a.line - b.line));
  }, 120_000);

  it('stops at the first bad row with --strict', async () => {
    const bad = await fileWith('strict.csv', { [rows[5].id]: { type_of_violence: '9' } });
    const stopped = await importUcdp(bad, true).catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(ImportStopped);
    const lines = (await readFile(bad, 'utf8')).split('\n');
    expect((stopped as ImportStopped).problem.line).toBe(lines.findIndex((line) => line.startsWith(`${rows[5].id},`)) + 1);
    expect((stopped as ImportStopped).summary.read).toBe(6);
  }, 120_000);

  it('refuses a file that is not a GED export before reading a row', async () => {
    const path = join(dir, 'not-ged.csv');
    await writeFile(path, 'id,best\n1,2\n');
    await expect(importUcdp(path)).rejects.toThrow(/^not a UCDP GED export: no column type_of_violence, conflict_name/);
  });

  it('reports a record the CSV parser cannot read as a bad row, and reads on', async () => {
    const header = Object.keys(rows[0]).join(',');
    const good = (await readFile(await fileWith('one.csv', {}), 'utf8')).split('\n')[1];
    const path = join(dir, 'ragged.csv');
    await writeFile(path, [header, 'too,few,fields', good, ''].join('\n'));
    const summary = await importUcdp(path);
    expect(summary).toMatchObject({ read: 2, rejected: 1, problems: [{ line: 2, reason: expect.stringMatching(/^unreadable: /) }] });
    expect(summary.recorded + summary.unchanged + summary.corrected).toBe(1);
    // The good row after it keeps its own line number.
    const { rows: imported } = await pool().query(`SELECT metadata->'import'->>'line' AS line FROM events WHERE metadata->'import'->>'file' = 'ragged.csv'`);
    expect(imported.map((event) => event.line)).toEqual(summary.recorded + summary.corrected ? ['3'] : []);
  }, 60_000);

  it('leaves a log that verifies', async () => {
    await logSettled(pool());
    const report = await verifyLog(pool(), { trustedKeys: [] });
    expect(report.ok).toBe(true);
  }, 120_000);
});
