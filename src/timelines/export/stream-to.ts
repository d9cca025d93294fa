import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type StreamOutcome = { sent: true } | { sent: false; error: unknown; clientLeft: boolean };

/**
 * Writes the chunks to `out` and ends it. The next chunk is asked for only when `out` has taken
 * the last one: `pipeline` waits for 'drain', so a slow client holds back the reading of the
 * next page, and memory holds a chunk or two. When the client goes away the chunks' generator is
 * closed and reads no more. When reading fails halfway, `out` is destroyed: an HTTP client then
 * sees a transfer cut short, not a file that merely looks complete.
 *
 * It never throws: by then the status line has gone out, and no problem+json can follow it.
 */
export async function streamTo(out: Writable, chunks: AsyncIterable<string>): Promise<StreamOutcome> {
  try {
    await pipeline(Readable.from(chunks, { objectMode: true, highWaterMark: 1 }), out);
    return { sent: true };
  } catch (error) {
    return { sent: false, error, clientLeft: (error as { code?: string })?.code === 'ERR_STREAM_PREMATURE_CLOSE' };
  }
}
