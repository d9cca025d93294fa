import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ImportRow } from './incident-importer.js';

/**
 * The rows of an NDJSON file: one POST /incidents body per line, blank lines skipped. A line
 * that is not JSON is a row with a problem, so it is reported with its number like any bad row.
 */
export async function* ndjsonRows(path: string): AsyncGenerator<ImportRow> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      yield { line, problem: `not JSON: ${(error as Error).message}`, digest: digestOf(text) };
      continue;
    }
    yield { line, body, digest: digestOf(text) };
  }
}

export const digestOf = (text: string) => createHash('sha256').update(text).digest('base64url');
