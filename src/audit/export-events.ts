import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LOG_START, formatCheckpoint, type Checkpoint } from '../event-store/index.js';
import { isAfter, type EventLog } from './event-log.js';

export interface ExportOptions {
  /** Continue an earlier export: the checkpoint of its last line. */
  after?: Checkpoint;
  /** Events read per query; memory holds a few batches at most, whatever the log's size. */
  batchSize?: number;
  /**
   * Called after each batch is handed to the output, with the events written so far and, for an
   * export from the start, how many it will write in all.
   */
  onProgress?: (exported: number, total?: number) => void;
}

export interface ExportResult {
  events: number;
  /** The last event written, or `after` when there was none: where a later export continues. */
  checkpoint: string;
  /** Where the export stopped: the safe order's end when it began (see LogCut). */
  cut: { checkpoint: string; events: number };
}

/**
 * Writes the log after `after` to `out` as NDJSON, one event a line in the safe order, each as
 * the feed shows it. It reads a cut taken when it starts, so it ends even while the service keeps
 * appending; a later export with `after` set to the last line's checkpoint takes up the rest.
 * The next batch is read only when `out` has taken the last one, and `out` is not ended.
 */
export async function exportEvents(log: EventLog, out: Writable, options: ExportOptions = {}): Promise<ExportResult> {
  const { batchSize = 1000, onProgress } = options;
  const cut = await log.cut();
  let checkpoint = options.after ?? LOG_START;
  let exported = 0;
  const total = options.after ? undefined : cut.events;

  async function* batches(): AsyncGenerator<string> {
    while (isAfter(cut.checkpoint, checkpoint)) {
      const page = await log.read({ after: checkpoint, limit: batchSize, upTo: cut.checkpoint });
      // Every event of the cut had committed when it was taken, so none can be missing now.
      if (page.events.length === 0) throw new Error(`the log ended at ${formatCheckpoint(checkpoint)}, before its cut`);
      yield page.events.map((event) => `${JSON.stringify(event)}\n`).join('');
      checkpoint = page.next;
      exported += page.events.length;
      onProgress?.(exported, total);
    }
  }

  // One batch waits in the readable and one in the generator while `out` is busy: no more is read.
  await pipeline(Readable.from(batches(), { objectMode: true, highWaterMark: 1 }), out, { end: false });
  return {
    events: exported,
    checkpoint: formatCheckpoint(checkpoint),
    cut: { checkpoint: formatCheckpoint(cut.checkpoint), events: cut.events },
  };
}
