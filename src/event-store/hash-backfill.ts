import type { Pool } from 'pg';
import { HASHED_COLUMNS, eventHash, hashedContent, type HashedRow } from './event-hash.js';

const PAGE = 5000;

/**
 * Hashes the events recorded before the log was hash-chained (their hash is null), each chained
 * to the event before it in its stream. `migrate` runs it: one pass over the log in stream order,
 * a page at a time, each page's hashes written in one statement, and then the events_hashed
 * constraint is validated, so later runs know at once that there is nothing to do. Appends never
 * write a null hash (the events_hashed constraint), and the immutability trigger lets an update
 * fill a null hash but change nothing else. The event's data and metadata are written back as the
 * canonical text the hash covers, as appends store them: the same values, which the trigger allows.
 */
export async function hashUnhashedEvents(pool: Pool): Promise<number> {
  // Once every event was found hashed, the events_hashed constraint is validated: nothing to look for.
  const { rows: rule } = await pool.query(
    `SELECT convalidated FROM pg_constraint WHERE conrelid = 'events'::regclass AND conname = 'events_hashed'`,
  );
  if (rule[0]?.convalidated) return 0;
  let hashed = 0;
  let last: HashedRow | undefined;
  for (;;) {
    const { rows } = await pool.query<HashedRow>(
      `SELECT ${HASHED_COLUMNS} FROM events WHERE (stream_id, stream_version) > ($1, $2) ORDER BY stream_id, stream_version LIMIT ${PAGE}`,
      [last?.stream_id ?? '', last?.stream_version ?? 0],
    );
    const positions: string[] = [];
    const previousHashes: (Buffer | null)[] = [];
    const hashes: Buffer[] = [];
    const data: string[] = [];
    const metadata: string[] = [];
    for (const row of rows) {
      const previousHash = last?.stream_id === row.stream_id ? last.hash : null;
      if (row.hash === null) {
        const content = hashedContent(row);
        row.hash = eventHash(content, previousHash);
        positions.push(row.global_position);
        previousHashes.push(previousHash);
        hashes.push(row.hash);
        data.push(content.canonicalData);
        metadata.push(content.canonicalMetadata);
      }
      last = row;
    }
    if (positions.length) {
      await pool.query(
        `UPDATE events SET previous_hash = new.previous_hash, hash = new.hash, data = new.data::json, metadata = new.metadata::json
         FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::text[], $5::text[]) AS new(global_position, previous_hash, hash, data, metadata)
         WHERE events.global_position = new.global_position AND events.hash IS NULL`,
        [positions, previousHashes, hashes, data, metadata],
      );
      hashed += positions.length;
    }
    if (rows.length < PAGE) break;
  }
  if (rule[0]) await pool.query('ALTER TABLE events VALIDATE CONSTRAINT events_hashed');
  return hashed;
}
