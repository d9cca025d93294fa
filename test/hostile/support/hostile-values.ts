import fc from 'fast-check';

/**
 * Values that have broken parsers, queries, templates, file systems and databases elsewhere, and
 * arbitraries that mix them into text, JSON and query strings. Nothing here knows the API's rules:
 * the tests decide what the answer to each must be.
 */

/** SQL, NoSQL operators, templates, format strings, paths, markup, spreadsheet formulas, CRLF. */
export const INJECTIONS: readonly string[] = [
  "' OR '1'='1",
  "'; DROP TABLE events; --",
  '" OR ""="',
  "1; SELECT pg_sleep(30)--",
  "'||(SELECT version())||'",
  "$1",
  "E'\\x00'",
  '\\',
  '%_%',
  '$where',
  '{"$where": "sleep(1000)"}',
  '{"$ne": null}',
  '{"$gt": ""}',
  '$regex',
  '__proto__',
  'constructor',
  'prototype',
  '__proto__[polluted]',
  'constructor.prototype.polluted',
  '${7*7}',
  '{{7*7}}',
  '#{7*7}',
  '<%= 7*7 %>',
  '`${process.exit(1)}`',
  '%s%s%s%s%s%n',
  '%x%x%x%x',
  '{0}{1}',
  '%(name)s',
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2f',
  '....//....//',
  'file:///etc/passwd',
  '/dev/zero',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '=HYPERLINK("http://example.com/x","click")',
  "=cmd|' /C calc'!A0",
  '@SUM(1+1)',
  '+1+1',
  'a\r\nSet-Cookie: x=1',
  '\r\n\r\n{"injected":true}',
];

/** Text that names a number, or nothing, without being one. */
export const NUMBER_LIKE: readonly string[] = [
  'NaN', 'Infinity', '-Infinity', '-0', '0x1F', '1e309', '-1e309', '1e-400', '9007199254740993', '1'.repeat(400),
  '0.1', '٣', '１', 'null', 'undefined', 'true', 'false', '[]', '{}', '',
];

/** Characters PostgreSQL, JSON or Unicode itself cannot hold, or holds only with care. */
export const UNSTORABLE: readonly string[] = ['\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\udc00y', '\ud83d', '\ufffe', '\uffff'];

/** Bidi controls U+202A–U+202E and U+2066–U+2069, and the marks around them. */
export const BIDI_CONTROLS: readonly string[] = [
  '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c',
];

/** Zero-width joiner and non-joiner, zero-width space, word joiner, byte order mark. */
export const ZERO_WIDTH: readonly string[] = ['\u200d', '\u200c', '\u200b', '\u2060', '\ufeff'];

/** Combining marks: Latin accents, stacked (Zalgo), and on nothing. */
export const COMBINING: readonly string[] = ['e\u0301', 'a\u0308\u0304', 'Z\u0351\u034a\u0363\u036b\u0300\u0301', '\u0301', '\u20dd', '\u0338'];

/** Emoji: ZWJ sequences, skin tones, flags, keycaps, variation selectors. */
export const EMOJI: readonly string[] = [
  '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}\u200d\u{1F466}',
  '\u{1F44B}\u{1F3FD}',
  '\u{1F469}\u{1F3FF}\u200d\u{1F692}',
  '\u{1F3F3}\ufe0f\u200d\u{1F308}',
  '\u{1F1F8}\u{1F1FE}',
  '#\ufe0f\u20e3',
  '\u2764\ufe0f',
  '\u{1F9D1}\u200d\u{1F91D}\u200d\u{1F9D1}',
];

/** Arabic with tatweel and diacritics (tashkeel), Arabic-Indic digits, and the presentation forms. */
export const ARABIC: readonly string[] = [
  'مُطَشّر',
  'الـــهـــفـــل',
  'عَشِيرَةُ العُكَيْدات',
  'دير الزّور',
  '٢٠٢٠',
  '\ufefb\ufef7',
  '\ufe8d\ufedf\ufe92\ufe8e\ufecf\ufeee\ufeb9',
  '\ufdf2',
  '\ufdfa',
  'ﷺ',
];

/** Letters and words that give a text something to be found by. */
export const WORDS: readonly string[] = ['Akidat', 'Egaidat', 'Deir ez-Zor', 'Caggins', 'SDF', 'قسد', 'العكيدات', 'Hajin', 'Ωμέγα', 'Кобани', '中文', 'ܣܘܪܝܝܐ'];

export const UNICODE_TRAPS: readonly string[] = [...BIDI_CONTROLS, ...ZERO_WIDTH, ...COMBINING, ...EMOJI, ...ARABIC];

/** Strings shaped like what the API expects (ids, dates, p-codes, tags, URLs), most of them wrong. */
const nearlyValid: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '5d1c48a4-0001-4000-8000-00000000000'),
  fc
    .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
    .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  fc.constantFrom('0000-01-01', '0001-01-01', '9999-12-31', '2020-02-30', '2021-02-29', '2020-8-8', '+002020-08-08', '2020-08-08T00:00:00Z'),
  fc.constantFrom('0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z', '2020-08-08T25:00:00Z', '2020-08-08T12:00:00+99:00', '2020-08-08T12:00:00'),
  fc.stringMatching(/^[A-Z]{2}[0-9]{0,12}$/),
  fc.constantFrom('SY', 'SY09', 'SY0902', 'SY090200', 'SY99', 'XX', 'sy09', 'SY' + '9'.repeat(200)),
  fc.stringMatching(/^[a-z]{1,4}(-[A-Za-z0-9]{1,8}){0,3}$/),
  fc.constantFrom('https://example.org/' + 'a'.repeat(2100), 'http://[::1]:99999/', 'https://例え.jp/パス', 'ftp://example.org/', 'https://x'),
  fc.stringMatching(/^\d{1,20}-\d{1,20}$/),
);

/** Short text made of the pieces above: injections, traps, words and random code points. */
const mixed: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(...INJECTIONS),
      fc.constantFrom(...UNICODE_TRAPS),
      fc.constantFrom(...UNSTORABLE),
      fc.constantFrom(...WORDS),
      fc.string({ unit: 'binary', maxLength: 8 }),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((pieces) => pieces.join(''));

/** Longer than any field allows (500 for names, 20,000 for summaries), well inside the 1 MiB body limit. */
const oversized: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(501, 2_001, 20_001, 100_000), fc.constantFrom('a', 'ا', '\u{1F600}', '\u0301', ' ', '\u202e'))
  .map(([length, unit]) => unit.repeat(length));

/** Any hostile text: each kind the brief names, with random text (lone surrogates included) besides. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS, ...NUMBER_LIKE, ...UNSTORABLE) },
  { weight: 3, arbitrary: mixed },
  { weight: 3, arbitrary: nearlyValid },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: oversized },
);

/**
 * JSON text the API receives. `raw` is written into the body as it is, for what JSON.stringify
 * cannot produce: numbers beyond a double (1e999 parses to Infinity), -0, and keys repeated in one
 * object. Objects are lists of entries for the same reason.
 */
export type HostileJson = null | boolean | number | string | { raw: string } | HostileJson[] | { entries: [string, HostileJson][] };

export const hostileNumber: fc.Arbitrary<number | { raw: string }> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 2.5, 1e21, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, Number.MAX_VALUE, Number.MIN_VALUE, 10_000_001),
  fc.constantFrom('1e999', '-1e999', '-0', '1e-999', '123456789012345678901234567890', '0.0000000000000000000001', '1E+2').map((raw) => ({ raw })),
);

/** Keys an attacker might send: operators, pollution keys, paths, nothing, and random text. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '$where', '$ne', '$gt', '$set', 'a.b', 'a[b][c]', '', ' ', '\u0000', '\ud800', 'toString', 'hasOwnProperty', 'valueOf'),
  fc.constantFrom(...INJECTIONS),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

/**
 * A key no request body declares: an operator, a traversal or markup. Every junk object carries
 * one, so that no junk body can happen to be a valid one, whatever the endpoint. (__proto__,
 * constructor and prototype are not among them: they are tested on their own.)
 */
export const foreignKey: fc.Arbitrary<string> = fc.constantFrom(
  '$where', '$ne', '$gt', "' OR '1'='1", '{{7*7}}', '${7*7}', '../../etc/passwd', 'a[b][c]', 'x.y', '', '\u202e', 'NaN', '<script>',
);

/** Any JSON value, nested, with hostile keys and leaves; `fieldNames` lets objects look like the API's. */
export function hostileJson(fieldNames: readonly string[] = [], maxDepth = 4): fc.Arbitrary<HostileJson> {
  const key = fieldNames.length ? fc.oneof(hostileKey, fc.constantFrom(...fieldNames)) : hostileKey;
  const leaf: fc.Arbitrary<HostileJson> = fc.oneof(fc.constant(null), fc.boolean(), hostileNumber, hostileString);
  return fc.letrec<{ value: HostileJson }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth, withCrossShrink: true },
      leaf,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((entries) => ({ entries })),
    ),
  })).value;
}

export function toJsonText(value: HostileJson): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if ('raw' in value) return value.raw;
  return `{${value.entries.map(([key, item]) => `${JSON.stringify(key)}:${toJsonText(item)}`).join(',')}}`;
}

/** The JSON type of a plain value, as a validator sees it: arrays and null are their own. */
export function jsonType(value: unknown): 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean' | 'undefined' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as 'object' | 'string' | 'number' | 'boolean' | 'undefined';
}

/** A plain value for a hostile one (raw numbers as the numbers JSON.parse makes of them). */
export function toPlain(value: HostileJson): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toPlain);
  if ('raw' in value) return JSON.parse(value.raw);
  const object: Record<string, unknown> = {};
  for (const [key, item] of value.entries) Object.defineProperty(object, key, { value: toPlain(item), enumerable: true, writable: true, configurable: true });
  return object;
}

/** JSON text that is not JSON, or is JSON of a kind no endpoint takes. (A leading BOM is JSON: RFC 8259 lets a parser skip it.) */
export const malformedJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '{', '}', '{"reason": "x"', '{"reason": "x",}', "{'reason': 'x'}", '{reason: "x"}', '{"reason": NaN}', '{"reason": undefined}',
    '{"reason": "x"} {"reason": "y"}', '{"reason": "x"}]', '/* */ {"reason": "x"}', '{"reason": "\\u00"}',
    '{"reason": "\\ud800"}', '{"reason": "\x01"}', '[', '"', 'nul', 'tru', '0x10', '- 1', '{"a":1e999999999}', 'null', 'true', '0', '"text"',
    '[]', '[{}]', '[null]', '[[["reason"]]]',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** `[[[…]]]` or `{"a":{"a":…}}` nested this deep: past any stack that walks it recursively. */
export const deeplyNested: fc.Arbitrary<{ depth: number; text: string }> = fc
  .tuple(fc.integer({ min: 33, max: 150_000 }), fc.constantFrom('array', 'object', 'under-a-field'))
  .map(([depth, shape]) => {
    const [open, close] = shape === 'array' ? ['[', ']'] : ['{"a":', '}'];
    const inner = `${open.repeat(depth)}1${close.repeat(depth)}`;
    return { depth, text: shape === 'under-a-field' ? `{"reason":${inner},"$where":1}` : inner };
  });

/** Percent-encoded junk for a URL, sent as it is: bad escapes, encoded NUL, slashes, invalid UTF-8. */
export const encodedJunk: fc.Arbitrary<string> = fc.constantFrom(
  '%', '%Z', '%ZZ', '%00', '%2F', '%2f..%2f..%2fetc%2fpasswd', '%252F', '%C0%AF', '%ED%A0%80', '%FF%FE', '%E2%80%AE', '..', '.', '%2E%2E',
  '%0D%0ASet-Cookie:%20x=1', '%u0041', '+', '%20', '%7B%7B7*7%7D%7D', '%24where',
);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Encodes text for a URL. encodeURIComponent refuses half a surrogate pair, which a URL can carry
 * only as bytes that are not UTF-8 (encodedJunk has them): here it becomes U+FFFD.
 */
export function encodeForUrl(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\ufffd'));
}
