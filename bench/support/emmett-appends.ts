import { getPostgreSQLEventStore, messagesTable } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';

/**
 * Emmett's PostgreSQL event store (@event-driven-io/emmett-postgresql 0.42), making the appends
 * bench/append.ts makes with ours, in a database of its own (it creates emt_* tables and functions).
 *
 * Its pool: left to itself, getPostgreSQLEventStore opens a node-pg Pool through dumbo with only the
 * connection string, so node-pg's default of at most 10 connections: 32 writers would queue for
 * them. `connectionOptions: { pool }` hands it a pool of ours instead, of exactly as many
 * connections as writers, like the store's pool and pgbench's clients. Emmett leaves a pool it was
 * given for its owner to end.
 *
 * Its append: BEGIN, `SELECT * FROM emt_append_to_stream(...)`, COMMIT (three round trips), the
 * events inlined as quoted literals, so nothing is prepared. The PL/pgSQL function inserts the
 * stream's row into emt_streams (expected version 0: a stream that exists fails on its primary
 * key) or updates it where stream_position is the expected version (the row stays locked until
 * commit, so a rival waits, then updates nothing and fails), then inserts the events into
 * emt_messages, positioned by a sequence. No advisory lock. Expected version 0n is what matches
 * the store's 'no_stream': emmett-postgresql maps STREAM_DOES_NOT_EXIST to no check at all.
 */

type Event = { type: string; data: Record<string, unknown> };

/** Where Emmett keeps the events, to check that every append counted is there. */
export const EMMETT_EVENTS_TABLE = messagesTable.name;

/** Emmett's tables and functions, created once, before any clock runs: the appends below never migrate. */
export async function migrateEmmett(url: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await getPostgreSQLEventStore(url, { connectionOptions: { pool } }).schema.migrate();
  } finally {
    await pool.end();
  }
}

/** Appends through `pool` after `expected` (0 starts the stream), resolving to the stream's new version. */
export function emmettAppend(url: string, pool: pg.Pool): (streamId: string, expected: number, events: Event[]) => Promise<number> {
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pool }, schema: { autoMigration: 'None' } });
  return async (streamId, expected, events) => {
    const { nextExpectedStreamVersion } = await store.appendToStream(streamId, events, { expectedStreamVersion: BigInt(expected) });
    return Number(nextExpectedStreamVersion);
  };
}

/**
 * node-pg's type parsers as they are before Emmett runs: opening its first pool, Emmett's driver
 * sets the global ones for bigint (to BigInt) and json and jsonb (to its own parser). The store's
 * pool takes these, so it runs as it does in the service whatever Emmett did to the globals.
 */
export const NODE_PG_DEFAULT_TYPES = new pg.TypeOverrides();
for (const oid of [pg.types.builtins.INT8, pg.types.builtins.JSON, pg.types.builtins.JSONB]) {
  NODE_PG_DEFAULT_TYPES.setTypeParser(oid, pg.types.getTypeParser(oid));
}
