import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { expectReadModelsHealthy } from './support/answers.js';
import { check, reportCases, TEST_TIMEOUT_MS } from './support/cases.js';
import { ARABIC, BIDI_CONTROLS, COMBINING, EMOJI, WORDS, ZERO_WIDTH } from './support/hostile-values.js';

/**
 * Text with the Unicode that breaks software: bidi controls (U+202A–U+202E, U+2066–U+2069),
 * zero-width joiner and non-joiner, combining marks, emoji ZWJ sequences and skin tones, Arabic
 * with tatweel and diacritics, presentation forms. In every text field of an incident, its actors
 * and its sources, and in actors' names, it is stored exactly as given (the same code points
 * back from GET), found by search as it was written (actors, places, the timeline's filters), and
 * written exactly into the CSV and GeoJSON exports.
 */

jest.setTimeout(TEST_TIMEOUT_MS);

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => {
  reportCases(import.meta.url);
  await t.close();
});

const http = () => t.http();

/**
 * A word no other case has, in either script: what makes each case's texts its own. Made in the
 * case rather than generated, so that the cases fast-check runs again while shrinking get new ones.
 */
const CONSONANTS = 'bdfklmnprstvz';
const ARABIC_LETTERS = 'بتثجحخدذرزسشصضطظعغفقكلمنهوي';
const SESSION = Math.floor(Math.random() * 13 ** 4);
let words = 0;
function uniqueWord(arabic: boolean): string {
  const digits = (SESSION * 100_000 + words++).toString(13).split('').map((digit) => parseInt(digit, 13));
  if (arabic) return digits.map((digit) => ARABIC_LETTERS[digit * 2]).join('');
  const word = digits.map((digit, i) => CONSONANTS[digit] + 'aeiou'[(digit + i) % 5]).join('');
  return word[0]!.toUpperCase() + word.slice(1);
}

/** The edge cases, alone or run together, around the word that makes the text findable. */
const edge = fc.oneof(
  fc.constantFrom(...BIDI_CONTROLS),
  fc.constantFrom(...ZERO_WIDTH),
  fc.constantFrom(...COMBINING),
  fc.constantFrom(...EMOJI),
  fc.constantFrom(...ARABIC),
  fc.constantFrom(...WORDS),
  fc.constantFrom(' ', '\u00a0', '\u3000', '\n', 'ـ', '\u0651\u064e', '\u{1F3FB}', '\ufe0f', '\u0300'),
);
const edges = fc.array(edge, { maxLength: 5 }).map((pieces) => pieces.join(''));

/** Excel runs text starting with = + - @ tab or CR as a formula: the CSV export prefixes an apostrophe (formats.ts). */
const asCsvCell = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

describe('Unicode edge cases', () => {
  it('stores incident, actor and source text exactly, finds it as written, and exports it exactly', async () => {
    // Each text starts and ends in edge cases around the case's own word, so that searching for it finds this incident.
    const around = (pieces = 5) => fc.tuple(fc.array(edge, { maxLength: pieces }), fc.array(edge, { maxLength: pieces })).map(([a, b]) => [a.join(''), b.join('')] as const);
    const fields = ['title', 'summary', 'translation', 'note', 'place', 'victim', 'perpetrator', 'affiliation', 'outlet', 'reporter', 'quote', 'notes', 'party'] as const;
    await check(
      fc.record({
        arabicWord: fc.boolean(),
        edges: fc.record(Object.fromEntries(fields.map((name) => [name, around()])) as Record<(typeof fields)[number], fc.Arbitrary<readonly [string, string]>>),
        // Tags and media are held to 100 characters.
        tag: around(3),
        alias: fc.constantFrom('Akidat', 'العكيدات', 'Egaidat', 'ﺍﻟﻌﻜﻴﺪﺍﺕ'),
        placeAlone: edges,
      }),
      async ({ arabicWord, edges: around, tag, alias, placeAlone }) => {
        const w = uniqueWord(arabicWord);
        const field = (name: (typeof fields)[number]) => `${around[name][0]}${w}${around[name][1]}`;
        const tagText = `${tag[0]}${w}${tag[1]}`;
        const incident = {
          category: 'assassination',
          title: { text: field('title'), language: 'ar' },
          summary: { text: field('summary'), language: 'ar' },
          translations: [{ language: 'en', title: field('translation'), summary: field('summary') }],
          occurred: { from: '2020-07-26', precision: 'week', note: field('note') },
          place: { name: field('place'), countryCode: 'SY', admin1: 'SY09', precision: 'region' },
          actors: [
            { name: field('perpetrator'), role: 'perpetrator', affiliation: field('affiliation'), note: field('note') },
            { name: field('victim'), role: 'victim' },
          ],
          fatalities: { low: 1, best: 1, high: 2, byParty: [{ party: field('party'), deaths: 1 }] },
          sources: [
            {
              outlet: field('outlet'),
              reporter: field('reporter'),
              language: 'ar',
              access: 'first_hand',
              medium: tagText,
              quote: { text: field('quote'), language: 'ar' },
              quoteTranslations: [{ text: field('quote'), language: 'en' }],
            },
          ],
          tags: [tagText],
          notes: field('notes'),
          externalIds: { 'hostile-unicode': field('outlet') },
        };

        // Stored exactly: what GET answers is what was sent, code point for code point.
        const recorded = await http().post('/incidents').send(incident);
        expect(recorded.status).toBe(201);
        const { id, position } = recorded.body;
        const shown = (await http().get(`/incidents/${id}`).expect(200)).body;
        expect(pick(shown, incident)).toStrictEqual(asStored(incident));
        const history = (await http().get(`/incidents/${id}/history`).expect(200)).body;
        expect(JSON.stringify(history.events[0].data)).toContain(JSON.stringify(incident.title.text));

        // A source attached later, and an actor registered with names of the same kind.
        const source = { outlet: `٢ ${field('outlet')}`, reporter: field('reporter'), language: 'ckb', access: 'relayed', quote: { text: field('quote'), language: 'ckb' } };
        const attached = await http().post(`/incidents/${id}/sources`).send(source);
        expect(attached.status).toBe(200);
        const sources = (await http().get(`/incidents/${id}`).expect(200)).body.sources;
        expect(pick(sources[1], source)).toStrictEqual(source);
        const names = [
          { value: field('victim'), language: 'ar', kind: 'primary' },
          { value: `${alias} ${w}`, language: 'en', kind: 'alias' },
        ];
        const registered = await http().post('/actors').send({ kind: 'tribe', names });
        expect(registered.status).toBe(201);
        const actor = (await http().get(`/actors/${registered.body.id}`).expect(200)).body;
        expect(actor.names).toEqual(expect.arrayContaining(names.map((name) => ({ ...name, value: name.value.trim() }))));

        // Found as written: the actor by either name, the incident by any of its texts.
        for (const name of names) {
          const found = await http().get('/actors').query({ q: name.value, limit: 100 });
          expect(found.status).toBe(200);
          expect(found.body.map((match: { id: string }) => match.id)).toContain(registered.body.id);
        }
        for (const q of [incident.title.text, incident.summary.text, incident.place.name, incident.actors[0]!.name, incident.tags[0]!]) {
          const timeline = await http().get('/timeline').query({ q, minPosition: position, limit: 500 });
          expect(timeline.status).toBe(200);
          const entry = timeline.body.entries.find((e: { id: string }) => e.id === id);
          expect(entry?.title.text).toBe(incident.title.text);
        }
        const stats = await http().get('/timeline/stats').query({ q: incident.title.text, groupBy: 'category' });
        expect(stats.status).toBe(200);
        expect(stats.body.buckets.reduce((sum: number, bucket: { incidents: number }) => sum + bucket.incidents, 0)).toBeGreaterThanOrEqual(1);
        for (const q of [incident.place.name, placeAlone.trim() ? placeAlone : w]) {
          expect((await http().get('/places').query({ q })).status).toBe(200);
          expect((await http().get('/places/resolve').query({ name: q, parent: 'SY09' })).status).toBe(200);
        }

        // Exported exactly: the CSV parses, and its cells are the texts (formula-safe); so are the GeoJSON properties.
        const csv = await http().get('/timeline.csv').query({ q: w });
        expect(csv.status).toBe(200);
        const rows: Record<string, string>[] = parse(csv.text, { bom: true, columns: true });
        const row = rows.find((r) => r.id === id);
        expect(row && { location: row.location, actor1: row.actor1, actor2: row.actor2, source: row.source, notes: row.notes }).toStrictEqual({
          location: asCsvCell(incident.place.name),
          actor1: asCsvCell(incident.actors[0]!.name.trim()),
          actor2: asCsvCell(incident.actors[1]!.name.trim()),
          source: asCsvCell(`${incident.sources[0]!.outlet}; ${source.outlet}`),
          notes: asCsvCell(`${incident.title.text} — ${incident.summary.text}`),
        });
        const geojson = await http().get('/timeline.geojson').query({ q: w }).buffer(true);
        expect(geojson.status).toBe(200);
        const collection = geojson.body?.type === 'FeatureCollection' ? geojson.body : JSON.parse(geojson.text);
        const feature = collection.features.find((f: { id: string }) => f.id === id);
        expect(feature?.properties).toMatchObject({
          location: incident.place.name,
          actor1: incident.actors[0]!.name.trim(),
          actor2: incident.actors[1]!.name.trim(),
          notes: `${incident.title.text} — ${incident.summary.text}`,
          external_ids: incident.externalIds,
        });
      },
      40,
    );
    await expectReadModelsHealthy(t);
  });
});

/**
 * The incident as the tracker keeps it: every text as sent, but actors' names and tags, which it
 * trims on purpose (incident.rules.ts, actors.ts), so that " Akidat" and "Akidat" are one actor in
 * a role. JavaScript's trim takes U+00A0, U+3000 and U+FEFF for spaces; it leaves bidi controls,
 * joiners and marks alone.
 */
function asStored<T extends { actors: { name: string }[]; tags: string[] }>(incident: T): T {
  return { ...incident, actors: incident.actors.map((actor) => ({ ...actor, name: actor.name.trim() })), tags: incident.tags.map((tag) => tag.trim()) };
}

/** The fields of `shape` as `value` has them, nested: what GET answered of what was sent, and nothing it added. */
function pick(value: any, shape: any): any {
  if (shape === null || typeof shape !== 'object') return value;
  if (Array.isArray(shape)) return Array.isArray(value) ? shape.map((item, i) => pick(value[i], item)) : value;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(shape).map((key) => [key, pick(value[key], shape[key])]));
}
