import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { digestOf, type ImportRow } from './incident-importer.js';

/**
 * The rows of an NDJSON file: one POST /incidents body per line, blank lines skipped. A line
 * that is not JSON is a row with a problem, so it is reported with its number like any bad row.
 */
export async function* ndjsonRows(path: string): AsyncGenerator<ImportRow> {
  const { size } = await stat(path);
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const read of lines) {
    line += 1;
    // A byte order mark is how some tools begin UTF-8 files; it is not part of the first line.
    const text = line === 1 && read.startsWith('\uFEFF') ? read.slice(1) : read;
    if (text.trim() === '') continue;
    // How much of the file the reader has taken: up to a chunk ahead of this line.
    const through = size === 0 ? 1 : input.bytesRead / size;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      yield { line, problem: `not JSON: ${(error as Error).message}`, digest: digestOf(text), through };
      continue;
    }
    yield { line, body, digest: digestOf(text), through };
  }
}
