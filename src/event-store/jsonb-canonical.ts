/**
 * RFC 8785 text of a value from PostgreSQL's own text of a jsonb value, without building the
 * value: what `audit verify` runs on events stored while the log kept jsonb (see the migration
 * events-exact-json), where parsing and walking objects cost more than the rest of the check.
 * jsonb text is rigid (members as `"key": value` and elements separated by `, `, strings escaped
 * as JSON.stringify escapes them, no other whitespace), so rewriting it takes dropping the spaces,
 * sorting each object's members by their names' UTF-16 code units, and writing each number as
 * ECMAScript does (jsonb keeps 1e21 as 1000000000000000000000). Canonical text, without the
 * spaces, comes back as it is. The tests hold it to the `canonicalize` package over any JSON
 * value that went through jsonb.
 */
export function canonicalFromJsonbText(text: string): string {
  const reader = { text, at: 0 };
  const canonical = value(reader);
  if (reader.at !== text.length) throw new SyntaxError(`Unexpected text after a jsonb value at ${reader.at}`);
  return canonical;
}

interface Reader {
  text: string;
  at: number;
}

const QUOTE = 34;
const BACKSLASH = 92;

function value(reader: Reader): string {
  const code = reader.text.charCodeAt(reader.at);
  if (code === QUOTE) return string(reader);
  if (code === 123 /* { */) return object(reader);
  if (code === 91 /* [ */) return array(reader);
  return literal(reader);
}

/** A string as jsonb writes it, which is as JSON.stringify writes it: copied as it is. */
function string(reader: Reader): string {
  const { text } = reader;
  let end = reader.at + 1;
  for (;;) {
    end = text.indexOf('"', end);
    if (end < 0) throw new SyntaxError('Unterminated string in jsonb text');
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) break;
    end++;
  }
  const token = text.slice(reader.at, end + 1);
  reader.at = end + 1;
  return token;
}

function object(reader: Reader): string {
  reader.at++;
  if (reader.text.charCodeAt(reader.at) === 125 /* } */) {
    reader.at++;
    return '{}';
  }
  const members: { name: string; token: string }[] = [];
  for (;;) {
    const key = string(reader);
    separator(reader, ':');
    const member = key + ':' + value(reader);
    // The name as a string, to compare by code units: the token itself unless it has escapes.
    members.push({ name: key.includes('\\') ? (JSON.parse(key) as string) : key.slice(1, -1), token: member });
    if (reader.text.charCodeAt(reader.at) === 125 /* } */) break;
    separator(reader, ',');
  }
  reader.at++;
  members.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let out = '{' + members[0].token;
  for (let i = 1; i < members.length; i++) out += ',' + members[i].token;
  return out + '}';
}

function array(reader: Reader): string {
  reader.at++;
  if (reader.text.charCodeAt(reader.at) === 93 /* ] */) {
    reader.at++;
    return '[]';
  }
  let out = '[';
  for (;;) {
    out += value(reader);
    if (reader.text.charCodeAt(reader.at) === 93 /* ] */) break;
    separator(reader, ',');
    out += ',';
  }
  reader.at++;
  return out + ']';
}

/** true, false, null, or a number, written as ECMAScript's Number::toString writes it. */
function literal(reader: Reader): string {
  const { text } = reader;
  let end = reader.at;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    if (code === 44 /* , */ || code === 125 /* } */ || code === 93 /* ] */) break;
    end++;
  }
  const token = text.slice(reader.at, end);
  reader.at = end;
  if (token === 'true' || token === 'false' || token === 'null') return token;
  const number = Number(token);
  if (token === '' || !Number.isFinite(number)) throw new SyntaxError(`"${token}" is not a JSON number RFC 8785 can write`);
  return String(number);
}

/** A `:` or `,` and the one space jsonb writes after it; canonical text has none. */
function separator(reader: Reader, char: ':' | ','): void {
  if (reader.text[reader.at] !== char) throw new SyntaxError(`Expected "${char}" in jsonb text at ${reader.at}`);
  reader.at += reader.text.charCodeAt(reader.at + 1) === 32 ? 2 : 1;
}
