import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { recordedAtText } from '../../src/audit/tamper-evidence/log-reader.js';
import { RECORDED_AT_TEXT } from '../../src/event-store/event-hash.js';
import { canonicalFromJsonbText } from '../../src/event-store/jsonb-canonical.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

/** Each value as jsonb writes it back, after a trip through the database as the store makes it. */
async function throughJsonb(values: unknown[]): Promise<string[]> {
  const { rows } = await db.pool.query('SELECT value::jsonb::text AS text FROM unnest($1::text[]) WITH ORDINALITY AS v(value, n) ORDER BY n', [
    values.map((value) => JSON.stringify(value)),
  ]);
  return rows.map((row) => row.text);
}

/** JSON values jsonb can hold: no NUL character and no lone surrogate, which JSON.stringify escapes. */
const storable = fc.jsonValue().filter((value) => !/\\u0000|\\ud[89a-f][0-9a-f]{2}/i.test(JSON.stringify(value)));

/**
 * Objects whose names are any Unicode, with names beyond the Basic Multilingual Plane and from
 * U+E000 up among them: there, code points (and UTF-8 bytes) sort otherwise than UTF-16 code units.
 */
const unicodeNames = fc
  .dictionary(
    fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('\ufb33', '\ud83d\ude00', '\ue000', 'a', 'ab', '\t', '\n')),
    fc.jsonValue({ stringUnit: 'binary', maxDepth: 2 }),
    { maxKeys: 12 },
  )
  .filter((value) => !/\\u0000/.test(JSON.stringify(value)));

describe('canonicalFromJsonbText', () => {
  it('gives the RFC 8785 form of any JSON value that went through jsonb, as the canonicalize package does', async () => {
    const values = fc.sample(storable, 3000);
    const texts = await throughJsonb(values);
    values.forEach((value, i) => expect([texts[i], canonicalFromJsonbText(texts[i])]).toEqual([texts[i], canonicalize(JSON.parse(texts[i]))]));
  });

  it('sorts any Unicode names, and copies any Unicode strings, as the canonicalize package does', async () => {
    const values = fc.sample(unicodeNames, 1000);
    const texts = await throughJsonb(values);
    values.forEach((value, i) => expect([texts[i], canonicalFromJsonbText(texts[i])]).toEqual([texts[i], canonicalize(value)]));
  });

  it('writes numbers as ECMAScript does, where jsonb writes them otherwise', async () => {
    const values = [{ big: 1e21, small: 1e-7, tiny: 5e-324, max: 1.7976931348623157e308, negative: -0, third: 1 / 3, int: 2 ** 53 + 2 }];
    const [text] = await throughJsonb(values);
    expect(text).toContain('1000000000000000000000');
    expect(canonicalFromJsonbText(text)).toBe(canonicalize(values[0]));
  });

  it('sorts names with escapes, in scripts beyond Latin, and outside the BMP by UTF-16 code units', async () => {
    const value = { 'a"b': 1, 'a\nb': 2, ab: 3, 'مقتل': 4, '\ud83d\ude00': 5, '\ufb33': 6, '\u00f6': 7, '': 8, 'a\\': 9, A: { z: [], y: {} } };
    const [text] = await throughJsonb([value]);
    expect(canonicalFromJsonbText(text)).toBe(canonicalize(value));
  });

  it('gives canonical text back as it is: what the store keeps since events-exact-json', () => {
    for (const value of fc.sample(storable, 1000)) {
      const canonical = canonicalize(value)!;
      expect(canonicalFromJsonbText(canonical)).toBe(canonical);
    }
  });

  it('refuses what is not jsonb text', () => {
    expect(() => canonicalFromJsonbText('{"a";1}')).toThrow(SyntaxError);
    expect(() => canonicalFromJsonbText('{"a": 1} x')).toThrow(SyntaxError);
    expect(() => canonicalFromJsonbText('"open')).toThrow(SyntaxError);
  });
});

describe('recordedAtText', () => {
  it('writes a binary timestamp as the database writes it for the hash, to the microsecond', async () => {
    const { rows } = await db.pool.query(
      `SELECT ${RECORDED_AT_TEXT('t')} AS text, ((extract(epoch FROM t) - 946684800) * 1000000)::bigint AS micros
       FROM unnest(ARRAY['2020-08-03T09:15:00.123456Z', '2000-01-01T00:00:00Z', '2026-11-29T23:59:59.999999Z', '2024-02-29T12:00:00.000001Z']::timestamptz[]) AS t`,
    );
    for (const row of rows) expect(recordedAtText(Number(row.micros))).toBe(row.text);
  });
});
