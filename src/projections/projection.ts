import type { EventStore, Queryable, RecordedEvent } from '../event-store/index.js';

/**
 * A named read model kept from the global log. `apply` writes the effect of a batch of events,
 * in log order, inside the transaction that also moves the projection's checkpoint, so it sees
 * each event exactly once. It must not read other projections' tables: each follows the log at
 * its own pace.
 *
 * Tables are named through `tables` (logical name → table), so a rebuild can fill fresh tables
 * while the live ones go on serving reads.
 */
export interface Projection {
  readonly name: string;
  /** The tables the projection owns, by logical name: rebuilt and swapped together. */
  readonly tables: readonly string[];
  apply(events: readonly RecordedEvent[], target: ProjectionTarget): Promise<void>;
}

/** Where a batch is applied: the transaction's connection, the store on it, and the tables. */
export interface ProjectionTarget {
  db: Queryable;
  /** The event store on the same connection, for reads a projection needs besides the batch. */
  store: EventStore;
  tables: TableNames;
}

export type TableNames = Readonly<Record<string, string>>;

/** The live tables: each logical name is the table's own. */
export const liveTables = (projection: Projection): TableNames =>
  Object.fromEntries(projection.tables.map((table) => [table, table]));

/** Nest token for the list of projections the application runs. */
export const PROJECTIONS = Symbol('PROJECTIONS');
