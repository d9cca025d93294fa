import {
  EventStore,
  LOG_START,
  checkpointOf,
  formatCheckpoint,
  parseCheckpoint,
  toHistoryEntry,
  type Checkpoint,
  type EventIntegrity,
  type HistoryEntry,
  type LogCut,
  type Queryable,
  type RecordedEvent,
} from '../event-store/index.js';

/** One event of the whole log as auditors get it, in the feed and in the export alike. */
export interface LogEvent extends HistoryEntry {
  /** This event's own checkpoint: pass it as `after` to read on from just after it. */
  checkpoint: string;
  streamId: string;
  integrity: EventIntegrity;
}

export interface LogPage {
  events: LogEvent[];
  /** Where the next page starts: the last event's checkpoint, or `after` when there was none. */
  next: Checkpoint;
}

export function toLogEvent(event: RecordedEvent): LogEvent {
  const { position, ...entry } = toHistoryEntry(event);
  return {
    position,
    checkpoint: formatCheckpoint(checkpointOf(event)),
    streamId: event.streamId,
    ...entry,
    // EventLog reads every event with it
    integrity: event.integrity!,
  };
}

/** A checkpoint given by a client (a query parameter, a command-line option), or undefined when it cannot be one. */
export function parseLogCheckpoint(text: unknown): Checkpoint | undefined {
  return typeof text === 'string' ? parseCheckpoint(text) : undefined;
}

/** Whether `a` comes after `b` in the log's safe order. */
export function isAfter(a: Checkpoint, b: Checkpoint): boolean {
  const [ta, tb] = [BigInt(a.transactionId), BigInt(b.transactionId)];
  return ta !== tb ? ta > tb : a.position > b.position;
}

/**
 * The whole log in the store's safe order, each event as it was stored. An auditor gets the
 * recorded fact and its schema version, not today's reading of it, so this store has no
 * upcasters (the service's own store may have).
 */
export class EventLog {
  private readonly store: EventStore;

  constructor(db: Queryable) {
    this.store = new EventStore(db);
  }

  /** Up to `limit` events after `after`, leaving out any that come after `upTo`. */
  async read(options: { after?: Checkpoint; limit: number; upTo?: Checkpoint }): Promise<LogPage> {
    const after = options.after ?? LOG_START;
    const { upTo } = options;
    const page = await this.store.readAll({ after, limit: options.limit, integrity: true });
    const events = upTo ? page.events.filter((event) => !isAfter(checkpointOf(event), upTo)) : page.events;
    return { events: events.map(toLogEvent), next: events.length ? checkpointOf(events[events.length - 1]) : after };
  }

  /** Where the safe order stops now: every event up to the cut's checkpoint can be read, and no other can join them. */
  cut(): Promise<LogCut> {
    return this.store.cut();
  }
}
