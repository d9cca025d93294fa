import { describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { canonicalJson, eventHash, givesHash, hashDocument, storedBytesGiveHash, type HashedContent } from './event-hash.js';

describe('canonicalJson (RFC 8785)', () => {
  it('writes numbers as the RFC shows (section 3.2.2.3)', () => {
    expect(canonicalJson({ numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001] })).toBe(
      '{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}',
    );
  });

  it('escapes strings as the RFC shows', () => {
    expect(canonicalJson({ string: '€$\u000f\nA\'B"\\\\"/' })).toBe('{"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('sorts members by UTF-16 code units, as the RFC\'s example does (section 3.2.3)', () => {
    const value = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    // (Object.values would put the integer-like key '1' first: read the order off the text.)
    const text = canonicalJson(value);
    expect(Object.values(value).sort((a, b) => text.indexOf(a) - text.indexOf(b))).toEqual([
      'Carriage Return', 'One', 'Control', 'Latin Small Letter O With Diaeresis', 'Euro Sign', 'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it('agrees with the canonicalize package on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson([Infinity])).toThrow(TypeError);
  });
});

describe('the document an event hash covers', () => {
  const content: HashedContent = {
    streamId: 'incident-"quoted"\\',
    streamVersion: 3,
    type: 'incident.corrected',
    schemaVersion: 2,
    canonicalData: canonicalJson({ title: { text: 'اغتيال مختار قرية الصبحة', language: 'ar' }, best: 1 }),
    canonicalMetadata: canonicalJson({ actor: 'analyst\u202e-1' }),
    recordedAt: '2020-08-03T09:15:00.123456Z',
  };

  it('is the RFC 8785 form of its members', () => {
    const previous = createHash('sha256').update('previous').digest();
    const document = hashDocument(content, previous);
    expect(document).toBe(
      canonicalize({
        data: JSON.parse(content.canonicalData),
        metadata: JSON.parse(content.canonicalMetadata),
        previous: previous.toString('hex'),
        recordedAt: content.recordedAt,
        schemaVersion: 2,
        stream: content.streamId,
        type: content.type,
        version: 3,
      }),
    );
    expect(eventHash(content, previous)).toEqual(createHash('sha256').update(document).digest());
  });

  it('names no previous hash for a stream\'s first event', () => {
    expect(JSON.parse(hashDocument({ ...content, streamVersion: 1 }, null)).previous).toBeNull();
  });

  it('is put together the same from stored bytes as from strings, whatever the content', () => {
    const contents = fc.record({
      streamId: fc.string({ unit: 'binary', maxLength: 60 }),
      streamVersion: fc.integer({ min: 1, max: 1e6 }),
      type: fc.string({ unit: 'grapheme', maxLength: 30 }),
      schemaVersion: fc.integer({ min: 1, max: 9 }),
      // Large values too: the bytes are put together in a buffer that grows for them.
      canonicalData: fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 3 }).map(canonicalJson),
      canonicalMetadata: fc.oneof(
        { arbitrary: fc.jsonValue().map(canonicalJson), weight: 19 },
        { arbitrary: fc.string({ minLength: 70_000, maxLength: 70_000 }).map((text) => JSON.stringify(text)), weight: 1 },
      ),
      recordedAt: fc.constant(content.recordedAt),
    });
    fc.assert(
      fc.property(contents, fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 })), (hashed, previousBytes) => {
        const previous = previousBytes === null ? null : Buffer.from(previousBytes);
        const data = Buffer.from(hashed.canonicalData);
        const metadata = Buffer.from(hashed.canonicalMetadata);
        const hash = eventHash(hashed, previous);
        expect(storedBytesGiveHash(hashed, data, metadata, previous, hash)).toBe(true);
        expect(givesHash(hashed, previous, hash)).toBe(true);
        const other = Buffer.from(hash);
        other[31] ^= 1;
        expect(storedBytesGiveHash(hashed, data, metadata, previous, other)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
