import fc from 'fast-check';
import type { ApiSurface, Operation, Schema } from './api-surface.js';
import { encodedJunk, encodeForUrl, hostileKey, hostileString } from './hostile-values.js';

/**
 * Query strings and path parameters, written out as they go on the wire: repeated keys, arrays
 * and nested keys (`q[]`, `q[a][b]`, `q[$ne]`), huge values, any script, escapes that decode to
 * nothing or to half a character, and values good enough to pass one check and fail the next.
 */

/** Values a parameter's schema says it takes, and its edges: each gets past the first check somewhere. */
function plausibleValues(surface: ApiSurface, schema: Schema, realIds: string[]): string[] {
  const values = new Set<string>();
  const ref = typeof schema.$ref === 'string' ? surface.schemas[schema.$ref.split('/').at(-1)!] : undefined;
  const add = (value: unknown) => value !== undefined && values.add(Array.isArray(value) ? String(value[0]) : String(value));
  add(schema.example);
  add(schema.default);
  for (const value of [...(schema.enum ?? []), ...(ref?.enum ?? [])]) add(value);
  for (const bound of [schema.minimum, schema.maximum]) {
    if (typeof bound === 'number') [bound - 1, bound, bound + 1, bound + 0.5].forEach(add);
  }
  if (schema.format === 'uuid') realIds.forEach(add);
  if (schema.type === 'boolean') ['true', 'false', 'TRUE', '1', 'yes'].forEach(add);
  if (schema.format === 'date-time') ['2020-08-10T00:00:00Z', '2020-08-10T00:00:00+03:00', '9999-12-31T23:59:59Z'].forEach(add);
  const encoded = [...values].map(encodeForUrl);
  // A '+' written bare, as clients forget to encode it: the query reads it as a space.
  return schema.format === 'date-time' ? [...encoded, '2020-08-10T00:00:00+03:00'] : encoded;
}

/** A cursor made by hand: base64url of JSON, as nextCursor is, holding whatever an attacker likes. */
export const forgedCursor: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(fc.constantFrom('2020-02-30', '0000-01-01', '2020-13-01', '9999-12-31', '2020-08-01'), hostileString),
    fc.oneof(fc.integer(), fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1.5), fc.constant('1')),
  )
  .map((pair) => Buffer.from(JSON.stringify(pair)).toString('base64url'))
  .filter((cursor) => cursor.length <= 200);

/** One value for a parameter: plausible, hostile text, or escapes that decode badly. */
function queryValue(surface: ApiSurface, operation: Operation, name: string, realIds: string[]): fc.Arbitrary<string> {
  const plausible = plausibleValues(surface, operation.querySchemas[name] ?? {}, realIds);
  return fc.oneof(
    { weight: 3, arbitrary: plausible.length ? fc.constantFrom(...plausible) : hostileString.map(encodeForUrl) },
    { weight: 3, arbitrary: hostileString.map(encodeForUrl) },
    { weight: 1, arbitrary: encodedJunk },
    { weight: name === 'cursor' ? 2 : 0, arbitrary: forgedCursor },
  );
}

/** A key: a parameter the endpoint documents, the same as an array or an object, or none it knows. */
function queryKey(operation: Operation): fc.Arbitrary<string> {
  const documented = operation.queryParams;
  const foreign = fc.oneof(hostileKey.map(encodeForUrl), encodedJunk, fc.constantFrom('__proto__', 'constructor', 'prototype', '$where'));
  if (documented.length === 0) return foreign;
  const name = fc.constantFrom(...documented);
  return fc.oneof(
    { weight: 5, arbitrary: name },
    { weight: 2, arbitrary: fc.tuple(name, fc.constantFrom('[]', '[a][b]', '[$ne]', '[__proto__]', '[0]', '.x', '%5B%5D')).map(([key, suffix]) => key + suffix) },
    { weight: 1, arbitrary: foreign },
  );
}

/** The whole query string, without its `?`. */
export function hostileQuery(surface: ApiSurface, operation: Operation, realIds: string[]): fc.Arbitrary<string> {
  const pairs = fc.array(
    queryKey(operation).chain((key) =>
      fc.oneof(
        { weight: 8, arbitrary: queryValue(surface, operation, key.replace(/(\[.*|\..*|%5B.*)$/, ''), realIds).map((value) => `${key}=${value}`) },
        { weight: 1, arbitrary: fc.constant(key) },
        { weight: 1, arbitrary: fc.constant(`${key}=`) },
      ),
    ),
    { maxLength: 6 },
  );
  return fc.oneof(
    { weight: 10, arbitrary: pairs.map((list) => list.join('&')) },
    { weight: 1, arbitrary: fc.constantFrom('&&&', '=', '==', '?', '&=&', 'a=b=c', '%', '#', `q=${'x'.repeat(8000)}`, `${'a=1&'.repeat(1000)}a=1`) },
  );
}

/** A path parameter as junk: hostile text, escapes, ids of nothing, shapes a p-code or a key name might have. */
export const hostilePathValue: fc.Arbitrary<string> = fc.oneof(
  hostileString.filter((text) => text !== '').map(encodeForUrl),
  encodedJunk,
  fc.uuid(),
  fc.constantFrom('SY', 'SY99', 'sy0902', 'SY' + '0'.repeat(300), 'test-admin%00', 'null', 'undefined', '0', '-1', '1e999', '..', '.'),
);
