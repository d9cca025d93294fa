import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Rows for `COPY … FROM STDIN` in its text format, turned into bytes line by line as they are
 * made. Joining a batch's lines into one string and turning that into bytes at the end took two
 * to four times as long (the string's pieces are joined first, and all of them kept until then).
 */
export class CopyRows {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private length = 0;

  /** One row: its values tab-separated, each in COPY's text format (copyText, or `\N` for null). */
  add(line: string): void {
    // A UTF-16 code unit takes at most three bytes in UTF-8; and one for the line's end.
    const most = 3 * line.length + 1;
    if (this.length + most > this.bytes.length) {
      const larger = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.length + most));
      this.bytes.copy(larger, 0, 0, this.length);
      this.bytes = larger;
    }
    this.length += this.bytes.write(line, this.length);
    this.bytes[this.length++] = 0x0a;
  }

  /**
   * Sends the rows through `statement`, a `COPY … FROM STDIN`, on `client`, and empties this for
   * the next rows: its buffer, grown to a batch's size, is used again (growing it is a copy).
   */
  async send(client: PoolClient, statement: string): Promise<void> {
    try {
      await pipeline(Readable.from([this.bytes.subarray(0, this.length)]), client.query(copyFrom(statement)));
    } finally {
      this.length = 0;
    }
  }
}

const SPECIAL = /[\\\n\r\t]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A value in COPY's text format: backslash, tab and the line ends escaped. */
export function copyText(text: string): string {
  return SPECIAL.test(text) ? text.replace(/[\\\n\r\t]/g, (character) => ESCAPES[character]!) : text;
}
