import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { EventStore } from '../../../src/event-store/index.js';

/** A stream of the test's own; no projection reads it (they read `incident-…` streams). */
export const auditStream = (name = 'ledger') => `audit-test-${name}-${randomUUID()}`;

/** Every event's checkpoint in the safe order, straight from the table. */
export async function checkpointsInSafeOrder(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query(
    `SELECT transaction_id::text || '-' || global_position AS checkpoint FROM events ORDER BY transaction_id, global_position`,
  );
  return rows.map((row) => row.checkpoint);
}

/**
 * Events of several streams, interleaved, single and batched, with text that JSON must escape
 * (a line break, Arabic, a quote): what a log holds. Returns the stream ids.
 */
export async function appendMixedStreams(store: EventStore, rounds = 5): Promise<string[]> {
  const streams = [auditStream('a'), auditStream('b'), auditStream('c')];
  for (let round = 0; round < rounds; round++) {
    for (const [index, streamId] of streams.entries()) {
      const expected = round === 0 ? 'no_stream' : await store.streamVersion(streamId);
      const events = Array.from({ length: index + 1 }, (_, n) => ({
        type: 'audit-test.noted',
        data: { round, n, note: `line one\nline two, "quoted", دير الزور ${round}` },
        metadata: { actor: `analyst-${index}`, requestId: randomUUID() },
      }));
      await store.append(streamId, expected, events);
    }
  }
  return streams;
}
