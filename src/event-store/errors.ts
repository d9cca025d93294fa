import type { ExpectedVersion } from './event.js';

/** Someone else wrote to the stream since the caller read it (optimistic concurrency). */
export class WrongExpectedVersionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`Stream ${streamId} is at version ${actual}, expected ${expected === 'no_stream' ? 'no stream' : expected}`);
  }
}

/** An idempotency key was used again on the same stream for a different request. */
export class IdempotencyKeyReusedError extends Error {
  constructor(
    readonly streamId: string,
    readonly idempotencyKey: string,
  ) {
    super(`Idempotency key "${idempotencyKey}" was already used on ${streamId} for a different request`);
  }
}

/**
 * The stream was last written by a transaction newer than the caller's: appending in this
 * transaction would put the new events before the stream's last one in the global log. Nothing
 * was appended; retry in a new transaction.
 */
export class StreamOrderError extends Error {
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} was last written by a transaction newer than this one; retry in a new transaction`);
  }
}

/** Of the streams a batch was to start, one or more exist already. Nothing was appended. */
export class StreamsExistError extends Error {
  constructor(readonly streamIds: readonly string[]) {
    super(`${streamIds.length === 1 ? `Stream ${streamIds[0]} exists` : `Streams ${streamIds.join(', ')} exist`} already; nothing was appended`);
  }
}
