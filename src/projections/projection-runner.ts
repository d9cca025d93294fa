import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../database/transaction.js';
import { EventStore, type Checkpoint, type Queryable, type RecordedEvent } from '../event-store/index.js';
import { liveTables, type Projection, type TableNames } from './projection.js';

/** Gives each named checkpoint a row (at the start of the log) unless it has one. */
export async function registerCheckpoints(db: Queryable, names: readonly string[]): Promise<void> {
  await db.query('INSERT INTO projection_checkpoints (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING', [names]);
}

export interface StepResult {
  handled: number;
  /** Nothing more to read now (or the projection is stopped). */
  caughtUp: boolean;
}

/**
 * Database errors that say nothing about the event: the connection, a deadlock, a cancelled
 * statement. The batch is tried again later; anything else stops the projection at the event.
 */
const TRANSIENT_SQLSTATE = /^(08|40|53|57)/;

/**
 * Moves one projection along the log, one batch per transaction: lock the checkpoint row, read
 * the next events in the store's safe order, apply them, move the checkpoint. Two runners of the
 * same projection queue on the row lock, so even without leadership no event is applied twice.
 *
 * When an event cannot be handled, the events before it are kept, the checkpoint stays just
 * before it, and the projection stops with the error and the position on record, for /health
 * to show. Nothing is skipped.
 */
export class ProjectionRunner {
  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    readonly projection: Projection,
    private readonly options: { batchSize?: number; checkpointName?: string; tables?: TableNames } = {},
  ) {}

  get checkpointName(): string {
    return this.options.checkpointName ?? this.projection.name;
  }

  register(): Promise<void> {
    return registerCheckpoints(this.pool, [this.checkpointName]);
  }

  step(): Promise<StepResult> {
    return inTransaction(this.pool, (client) => this.stepWith(client));
  }

  /** One batch on a connection whose transaction the caller holds (a rebuild's final catch-up). */
  async stepWith(client: PoolClient): Promise<StepResult> {
    const batchSize = this.options.batchSize ?? 500;
    const { rows } = await client.query(
      `SELECT transaction_id::text, position, state FROM projection_checkpoints WHERE name = $1 FOR UPDATE`,
      [this.checkpointName],
    );
    if (!rows[0]) throw new Error(`projection ${this.checkpointName} is not registered`);
    if (rows[0].state !== 'running') return { handled: 0, caughtUp: true };
    const after: Checkpoint = { transactionId: rows[0].transaction_id, position: Number(rows[0].position) };
    const { events } = await this.store.on(client).readAll({ after, limit: batchSize });
    if (events.length === 0) return { handled: 0, caughtUp: true };

    const handled = await this.applyBatch(client, events);
    if (handled > 0) await this.advance(client, events[handled - 1]!, handled);
    return { handled, caughtUp: handled < batchSize };
  }

  /** Applies the batch; on a failure, as many events as apply, one at a time. Returns how many did. */
  private async applyBatch(client: PoolClient, events: readonly RecordedEvent[]): Promise<number> {
    const target = { db: client, store: this.store.on(client), tables: this.options.tables ?? liveTables(this.projection) };
    await client.query('SAVEPOINT projection_batch');
    try {
      await this.projection.apply(events, target);
      return events.length;
    } catch (error) {
      if (isTransient(error)) throw error;
      await client.query('ROLLBACK TO SAVEPOINT projection_batch');
    }
    for (const [index, event] of events.entries()) {
      try {
        await this.projection.apply([event], target);
        await client.query('RELEASE SAVEPOINT projection_batch');
        await client.query('SAVEPOINT projection_batch');
      } catch (error) {
        if (isTransient(error)) throw error;
        await client.query('ROLLBACK TO SAVEPOINT projection_batch');
        if (index > 0) await this.advance(client, events[index - 1]!, index);
        await this.stop(client, event, error);
        return 0;
      }
    }
    return events.length;
  }

  private async advance(client: PoolClient, last: RecordedEvent, handled: number): Promise<void> {
    await client.query(
      `UPDATE projection_checkpoints
       SET transaction_id = $2::xid8, position = $3, events_handled = events_handled + $4,
           last_event_recorded_at = $5, updated_at = now()
       WHERE name = $1`,
      [this.checkpointName, last.transactionId, last.globalPosition, handled, last.recordedAt],
    );
  }

  private async stop(client: PoolClient, event: RecordedEvent, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await client.query(
      `UPDATE projection_checkpoints
       SET state = 'stopped', error = $2, error_position = $3, updated_at = now() WHERE name = $1`,
      [this.checkpointName, `${event.type} at position ${event.globalPosition}: ${message}`, event.globalPosition],
    );
  }
}

/** A lost connection needs no test here: rolling back to the savepoint then fails and throws. */
function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && TRANSIENT_SQLSTATE.test(code);
}
