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

const MAX_TRANSACTION_ID = 2n ** 64n - 1n;

/**
 * The checkpoint a text names, or undefined when it cannot be one: PostgreSQL would quietly cap
 * a transaction id above 2^64 - 1 (reading it as the end of the log), and a position above 2^53
 * would be rounded on its way to a number.
 */
export function parseCheckpoint(text: string): Checkpoint | undefined {
  const match = /^(\d{1,20})-(\d{1,16})$/.exec(text);
  if (!match || BigInt(match[1]!) > MAX_TRANSACTION_ID) return undefined;
  const position = Number(match[2]);
  return Number.isSafeInteger(position) ? { transactionId: match[1]!, position } : undefined;
}
