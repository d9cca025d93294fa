import fc from 'fast-check';
import { hostileString, INJECTIONS } from './hostile-values.js';

/**
 * Headers in every shape the API must not be fooled by, each with what it should make of them:
 * Authorization but the right one, If-Match garbage, Idempotency-Key odd and huge, Content-Type
 * odd, X-Request-Id and X-Correlation-Id odd, Accept odd, and headers proxies obey.
 */

/** As a header can carry it: Node sends bytes, so text becomes its UTF-8 bytes read as Latin-1, less control characters. */
export const asHeader = (text: string) =>
  Buffer.from(text, 'utf8')
    .toString('latin1')
    .replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '');

export const headerText = hostileString.map(asHeader);

export type Principal = 'admin' | 'viewer' | 'nobody';
export interface Authorization {
  /** undefined: no Authorization header at all. */
  value?: string;
  principal: Principal;
}

/** The keys' own shapes, a viewer's, and every near miss: the scheme alone, the key altered, junk. */
export const authorization = (adminKey: string, viewerKey: string): fc.Arbitrary<Authorization> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom<Authorization>(
        { value: `Bearer ${adminKey}`, principal: 'admin' },
        { value: `bearer ${adminKey}`, principal: 'admin' },
        { value: `BEARER   ${adminKey}  `, principal: 'admin' },
      ),
    },
    { weight: 1, arbitrary: fc.constant<Authorization>({ value: `Bearer ${viewerKey}`, principal: 'viewer' }) },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(
          undefined,
          '',
          'Bearer',
          'Bearer ',
          `Token ${adminKey}`,
          `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}`,
          `Bearer ${adminKey} extra`,
          `Bearer ${adminKey},Bearer ${adminKey}`,
          `Bearer ${adminKey.toUpperCase()}`,
          `Bearer ${adminKey.slice(0, -1)}`,
          `Bearer\t${adminKey}`,
          `Bearer ${adminKey}\u00a0`,
          `Bearer ${'x'.repeat(8000)}`,
          'Bearer null',
          'Bearer undefined',
          ...INJECTIONS.map((injection) => `Bearer ${asHeader(injection)}`),
        )
        .map((value): Authorization => ({ value, principal: 'nobody' })),
    },
    { weight: 1, arbitrary: headerText.map((value): Authorization => ({ value, principal: 'nobody' })) },
  );

/** `If-Match: "<version>"`, as the ETag gives it. */
const VERSION = /^(?:W\/)?"?(\d{1,9})"?$/;
export const ifMatch = fc.oneof(
  fc.constantFrom('"1"', 'W/"1"', '1', '"999"', '"0"', '', '*', '"1", "2"', 'W/', '""', '"-1"', '"1.0"', '"1e3"', `"${'9'.repeat(10)}"`, 'null'),
  headerText,
);
/** Where If-Match is read, anything but the subject's version (1) is refused: garbage with 400, another version with 412. */
export const ifMatchRefused = (value: string) => value.trim() !== '' && VERSION.exec(value.trim())?.[1] !== '1';

/** Over 200 characters, refused where the header is read. */
export const IDEMPOTENCY_KEY_MAX = 200;
export const idempotencyKey = fc.oneof(
  headerText,
  fc.constantFrom('', ' ', 'k', 'k'.repeat(IDEMPOTENCY_KEY_MAX), 'report-42'),
  fc
    .tuple(fc.integer({ min: IDEMPOTENCY_KEY_MAX + 1, max: 12_000 }), fc.constantFrom('k', 'é', '\u00ff', ' x'))
    .map(([length, unit]) => unit.repeat(length).slice(0, length)),
);
export const idempotencyKeyRefused = (value: string) => value.trim().length > IDEMPOTENCY_KEY_MAX;

/** Media types the JSON parser reads. */
export const READ_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8', 'APPLICATION/JSON', 'application/vnd.api+json', 'application/json; boundary=x'];
/** Media types it does not: a body in one is refused, never taken for no body. */
export const UNREAD_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'text/json',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/json; charset=iso-8859-1',
  '*/*',
  'application/json, text/plain',
  'json',
];
export const contentType = fc.constantFrom(...READ_TYPES, ...UNREAD_TYPES);

/** The request ids the service takes from a client; anything else it replaces with its own. */
export const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const requestId = fc.oneof(headerText, fc.constantFrom('abc-123', 'a'.repeat(128), 'a'.repeat(129), 'id with spaces', '../../etc/passwd', '<script>'));

export const accept = fc.oneof(
  fc.constantFrom('text/csv', 'application/xml', '*/*;q=0', 'application/problem+json', 'text/html', '', 'image/png', 'application/json;q=0, */*;q=0', 'x/y;q=2'),
  headerText,
);

/** Headers some proxies and frameworks obey: none may change what a request does here. */
export const stray = fc.constantFrom<[string, string]>(
  ['X-HTTP-Method-Override', 'DELETE'],
  ['X-HTTP-Method-Override', 'GET'],
  ['X-Original-URL', '/keys'],
  ['X-Rewrite-URL', '/keys'],
  ['X-Forwarded-For', "127.0.0.1, ' OR '1'='1"],
  ['X-Forwarded-Host', 'evil.example'],
  ['X-Forwarded-Proto', 'gopher'],
  ['Forwarded', 'for=unknown;by=junk'],
  ['Origin', 'https://evil.example'],
  ['Cookie', 'session=../../etc/passwd; __proto__=x'],
  ['Range', 'bytes=0-0'],
  ['X-Actor', 'someone-else@example.org'],
);
