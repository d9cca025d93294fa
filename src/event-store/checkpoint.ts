import type { RecordedEvent } from './event.js';

/**
 * A place in the global log. Positions alone are not a safe checkpoint: a transaction that took
 * a lower position can commit after one that took a higher one. The log is read in
 * (transaction id, position) order, so that pair is the checkpoint.
 */
export interface Checkpoint {
  transactionId: string;
  position: number;
}

export const LOG_START: Checkpoint = Object.freeze({ transactionId: '0', position: 0 });

export function checkpointOf(event: Pick<RecordedEvent, 'transactionId' | 'globalPosition'>): Checkpoint {
  return { transactionId: event.transactionId, position: event.globalPosition };
}

/** Opaque text form for APIs and files: `<transaction id>-<position>`. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  return `${checkpoint.transactionId}-${checkpoint.position}`;
}

export function parseCheckpoint(text: string): Checkpoint | undefined {
  const match = /^(\d{1,20})-(\d{1,16})$/.exec(text);
  if (!match) return undefined;
  return { transactionId: match[1], position: Number(match[2]) };
}
