/** Who and why of an event: who made it, and the request and command chain it came from. */
export interface EventMetadata {
  actor?: string;
  correlationId?: string;
  causationId?: string;
  requestId?: string;
  [key: string]: unknown;
}

/** An event as a caller hands it to the store. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata?: EventMetadata;
}

/** An event as the log holds it. */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  globalPosition: number;
  streamId: string;
  streamVersion: number;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
  /** The writing transaction (xid8, as text): with globalPosition, the log's safe order. */
  transactionId: string;
  /** Only when asked for (readAll's `integrity`): see EventIntegrity. */
  integrity?: EventIntegrity;
}

/**
 * What anyone can check an event's hash with (src/event-store/event-hash.ts): its SHA-256 (hex),
 * the hash of its stream's event before it (null for the first), and its recorded time as the hash
 * covers it, to the microsecond.
 */
export interface EventIntegrity {
  hash: string | null;
  previousHash: string | null;
  recordedAt: string;
}

/**
 * What the caller believes the stream's version is: a number (0 is an empty stream),
 * 'no_stream' to create it, or 'any' to append whatever is there.
 */
export type ExpectedVersion = number | 'no_stream' | 'any';
