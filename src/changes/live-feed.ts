import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { EventStore, LOG_START, checkpointOf, formatCheckpoint, type Checkpoint } from '../event-store/index.js';
import type { IncidentNews } from './incident-news.js';
import { INCIDENT_STREAM_PREFIX } from '../timelines/projections/incident-fold.js';

/** An open stream: what it is told, and how the feed closes it when the service stops. */
export interface NewsListener {
  news(news: IncidentNews): void;
  close(): void;
}

/** How often the feed looks at the log when this process appended nothing: other processes may have. */
const POLL_MS = 1000;
const PAGE = 500;

/**
 * Incident events as they are written, for GET /events/stream. One reader per process follows the
 * log in its safe order (so an event whose transaction commits late still comes, and in order)
 * and tells every open stream; it runs only while someone listens, and starts at the end of the
 * log: a page that opens the stream has just read the state it shows.
 */
@Injectable()
export class LiveFeed implements OnModuleDestroy {
  private readonly logger = new Logger(LiveFeed.name);
  private readonly listeners = new Set<NewsListener>();
  /** Where the feed has read to. */
  private after: Checkpoint = LOG_START;
  private running?: Promise<void>;
  /** Resolves once the running feed knows where the log ended when it started. */
  private started?: Promise<void>;
  private markStarted?: () => void;
  private wake?: () => void;

  constructor(private readonly store: EventStore) {}

  /**
   * Calls `listener` with each incident event from now on. `ready` resolves with the checkpoint
   * the news starts after, once the feed knows it: what a client missed before is up to there.
   */
  subscribe(listener: NewsListener): { ready: Promise<string>; unsubscribe: () => void } {
    this.listeners.add(listener);
    this.running ??= this.follow().finally(() => {
      this.running = undefined;
      this.started = undefined;
    });
    return {
      ready: this.started!.then(() => formatCheckpoint(this.after)),
      unsubscribe: () => this.leave(listener),
    };
  }

  /** Closes every open stream, so the HTTP server can close without waiting for browsers to leave. */
  onModuleDestroy(): Promise<void> | undefined {
    for (const listener of this.listeners) listener.close();
    this.listeners.clear();
    this.wake?.();
    return this.running;
  }

  private leave(listener: NewsListener): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) this.wake?.();
  }

  /** One stream's failure is its own: it is closed, and the others are told on. */
  private tell(news: IncidentNews): void {
    for (const listener of this.listeners) {
      try {
        listener.news(news);
      } catch (error) {
        this.logger.warn(`closed a live stream that failed: ${error instanceof Error ? error.message : error}`);
        this.leave(listener);
        listener.close();
      }
    }
  }

  /** Reads on while anyone listens, woken by this process's appends or by the poll. */
  private async follow(): Promise<void> {
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    try {
      if (!(await this.startAtTheEnd())) return;
      this.markStarted!();
      const stopWatching = this.store.onAppended(() => this.wake?.());
      try {
        await this.readWhileListened();
      } finally {
        stopWatching();
      }
    } finally {
      // Nobody waits for ever on a feed that ended before it began.
      this.markStarted!();
    }
  }

  /** Where the log ends now; false when everyone left before the database said. */
  private async startAtTheEnd(): Promise<boolean> {
    while (this.listeners.size > 0) {
      try {
        this.after = (await this.store.safeEnd()) ?? LOG_START;
        return true;
      } catch (error) {
        this.logger.warn(`live feed could not find the end of the log: ${error instanceof Error ? error.message : error}`);
        await this.pause();
      }
    }
    return false;
  }

  private async readWhileListened(): Promise<void> {
    while (this.listeners.size > 0) {
      try {
        const { events } = await this.store.readAll({ after: this.after, limit: PAGE });
        for (const event of events) {
          this.after = checkpointOf(event);
          if (!event.streamId.startsWith(INCIDENT_STREAM_PREFIX)) continue;
          const news: IncidentNews = {
            incidentId: event.streamId.slice(INCIDENT_STREAM_PREFIX.length),
            type: event.type,
            version: event.streamVersion,
            position: event.globalPosition,
            checkpoint: formatCheckpoint(this.after),
          };
          this.tell(news);
        }
        if (events.length === PAGE) continue;
      } catch (error) {
        // The database may be away for a while; the streams stay open and the feed reads on after.
        this.logger.warn(`live feed could not read the log: ${error instanceof Error ? error.message : error}`);
      }
      await this.pause();
    }
  }

  /** Until the poll comes round, or an append or a leaving listener wakes the feed. */
  private async pause(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, POLL_MS);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }
}
