import { recordConfidentialReads, type Reader } from '../audit/access-log/access-log.js';
import { asSeenBy } from '../incidents/confidential-sources.js';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ActorDirectory } from '../actors/queries/actor-directory.js';
import { poolOf } from '../database/data-source.js';
import { EventStore, LOG_START, checkpointOf, type Checkpoint, type Queryable, type RecordedEvent } from '../event-store/index.js';
import type { RecordedIncident } from '../incidents/domain/index.js';
import { foldIncident, incidentStreamId } from '../incidents/incident-stream.js';
import { groupChanges, isIncidentStream, type IncidentChange } from './group-changes.js';

/** An incident as GET /incidents/:id shows it: its state, version and times, registry actors named as they are now. */
export type IncidentView = RecordedIncident & { version: number; recordedAt: Date; lastChangedAt: Date };

export interface IncidentChangeEntry extends IncidentChange {
  /** The incident as it stands now: its version may be past `version`, when it changed again since. */
  incident: IncidentView;
}

export interface ChangesPage {
  changes: IncidentChangeEntry[];
  /** Where the next poll starts: the last event this page read, or the `after` given. */
  next: Checkpoint;
  /** True when the page read everything readable now; false when it stopped early (limit or scan). */
  upToDate: boolean;
}

export interface ChangesPageOptions {
  /** Who reads: confidential sources are shown as their role allows, and recorded when shown. */
  reader: Reader;
  after?: Checkpoint;
  /** At most this many incidents in the page. */
  limit: number;
  /**
   * After reading this many events, stop before the next event of another transaction or
   * another stream, even with no incident in the page: a long stretch of other streams (actors)
   * costs a request a bounded amount, and a stream's events written together (one append) are
   * not split by it.
   */
  scanLimit?: number;
}

const READ_BATCH = 500;
/** How long before a `since` moment a transaction may have begun and still be taken in. */
export const OPEN_TRANSACTION_MARGIN_MS = 5 * 60_000;
export const DEFAULT_SCAN_LIMIT = 10_000;
/** Past any version a stream reaches (the column is an integer): readStreamsBefore it reads the whole stream. */
const WHOLE_STREAM = 2 ** 31 - 1;

/**
 * Incidents recorded, changed or retracted after a checkpoint, read from the log itself in its
 * safe order (EventStore.readAll): the log is the one record of every change, and its safe order
 * never lets an event that commits late slip behind a checkpoint already handed out. The
 * incidents are folded from their own streams, so they are as current as GET /incidents/:id and
 * never behind a projection.
 */
@Injectable()
export class ChangeFeed {
  private readonly db: Queryable;
  private readonly logger = new Logger(ChangeFeed.name);
  /** OPEN_TRANSACTION_MARGIN_MS; tests of exact starts set it to 0. */
  marginMs = OPEN_TRANSACTION_MARGIN_MS;

  constructor(
    private readonly store: EventStore,
    private readonly actors: ActorDirectory,
    dataSource: DataSource,
  ) {
    this.db = poolOf(dataSource);
  }

  /**
   * A prefix of the log after `after`: it ends before the first event of the (limit+1)th
   * incident, so an incident's events in the page are all of its events up to `next`, and the
   * next page starts exactly where this one ended. The page may end inside a transaction: the
   * checkpoint names an event, and the rest of that (committed) transaction comes next.
   */
  async page({ reader, after = LOG_START, limit, scanLimit = DEFAULT_SCAN_LIMIT }: ChangesPageOptions): Promise<ChangesPage> {
    const taken: RecordedEvent[] = [];
    const incidents = new Set<string>();
    let next = after;
    let lastStream: string | undefined;
    let scanned = 0;
    let upToDate = false;
    read: for (;;) {
      const { events } = await this.store.readAll({ after: next, limit: READ_BATCH });
      for (const event of events) {
        const sameAppend = event.transactionId === next.transactionId && event.streamId === lastStream;
        if (scanned >= scanLimit && !sameAppend) break read;
        if (isIncidentStream(event.streamId)) {
          if (!incidents.has(event.streamId)) {
            // An incident with no room here starts the next page, with this event.
            if (incidents.size === limit) break read;
            incidents.add(event.streamId);
          }
          taken.push(event);
        }
        next = checkpointOf(event);
        lastStream = event.streamId;
        scanned++;
      }
      if (events.length < READ_BATCH) {
        upToDate = true;
        break;
      }
    }
    return { changes: await this.withIncidents(reader, groupChanges(taken)), next, upToDate };
  }

  /**
   * Where to start for the changes since a moment: just before the first event, in the safe
   * order, recorded at or after it, less a margin (OPEN_TRANSACTION_MARGIN_MS). An event's recorded time is
   * when its transaction began, so one open at the moment (a batch of a bulk import) commits
   * events recorded before it; the margin takes those in, and a consumer keeps the higher version
   * of what it sees twice. To the millisecond, too, so a time read off an event repeats that
   * event rather than risk skipping another of the same millisecond. Never after a transaction
   * still running: one that began after the moment may hold a lower transaction id than the
   * first such event committed so far, and would be passed for good when it commits.
   *
   * No index on recorded_at: this walks the log in its order until the moment. It is meant for a
   * consumer's first poll; later polls pass the checkpoint they were given.
   */
  async startAt(since: Date): Promise<Checkpoint> {
    const { rows } = await this.db.query({
      name: 'changes.start-at',
      text: `
        WITH first_since AS (
          SELECT transaction_id, global_position FROM events WHERE recorded_at >= $1::timestamptz
          ORDER BY events.transaction_id, events.global_position LIMIT 1
        ),
        bound AS (
          SELECT transaction_id, global_position FROM first_since
          UNION ALL
          SELECT pg_snapshot_xmin(pg_current_snapshot()), 0
          ORDER BY transaction_id, global_position LIMIT 1
        )
        SELECT before.transaction_id::text AS transaction_id, before.global_position
        FROM bound CROSS JOIN LATERAL (
          SELECT transaction_id, global_position FROM events
          WHERE (events.transaction_id, events.global_position) < (bound.transaction_id, bound.global_position)
          ORDER BY events.transaction_id DESC, events.global_position DESC LIMIT 1
        ) AS before`,
      values: [new Date(since.getTime() - this.marginMs)],
    });
    return rows[0] ? { transactionId: rows[0].transaction_id, position: Number(rows[0].global_position) } : LOG_START;
  }

  /** Each change with its incident as it stands now: one read of their streams, one of the registry. */
  private async withIncidents(reader: Reader, changes: IncidentChange[]): Promise<IncidentChangeEntry[]> {
    if (changes.length === 0) return [];
    const streams = new Map<string, RecordedEvent[]>();
    const bounds = changes.map((change) => ({ streamId: incidentStreamId(change.incidentId), beforeVersion: WHOLE_STREAM }));
    const { events, revealed } = asSeenBy(reader.principal, await this.store.readStreamsBefore(bounds));
    await recordConfidentialReads(this.store, reader, revealed);
    for (const event of events) {
      const own = streams.get(event.streamId);
      if (own) own.push(event);
      else streams.set(event.streamId, [event]);
    }
    const incidents = bounds.map(({ streamId }) => currentIncident(streams.get(streamId) ?? []));
    const damaged = bounds.filter((_, index) => incidents[index] === undefined).map(({ streamId }) => streamId);
    // One damaged stream must not stop the feed for every consumer: it is left out, and said so.
    if (damaged.length > 0) this.logger.warn(`left out of /changes, no incident.recorded event: ${damaged.join(', ')}`);
    // As GET /incidents/:id names them: a merged registry actor reads as its survivor.
    const actorIds = new Set(incidents.flatMap((incident) => incident?.actors.flatMap((actor) => actor.actorId ?? []) ?? []));
    const survivors = await this.actors.survivors([...actorIds]);
    return changes.flatMap((change, index) => {
      const incident = incidents[index];
      if (!incident) return [];
      const actors = incident.actors.map((actor) => {
        const registryActor = actor.actorId ? survivors.get(actor.actorId) : undefined;
        return registryActor ? { ...actor, registryActor } : actor;
      });
      return { ...change, incident: { ...incident, actors } };
    });
  }
}

/** The incident as it stands, or nothing for a stream that holds none (a damaged log: the decider records an incident first). */
function currentIncident(events: RecordedEvent[]): IncidentView | undefined {
  const { state, version, recordedAt, lastChangedAt } = foldIncident(events);
  if (state.status === 'not_recorded' || !recordedAt || !lastChangedAt) return undefined;
  return { ...state, version, recordedAt, lastChangedAt };
}
