import type { Pool } from 'pg';
import { HASHED_COLUMNS, eventHash, hashedContent, type HashedRow } from './event-hash.js';

const STREAMS_PER_TRANSACTION = 500;

/**
 * Hashes the events recorded before the log was hash-chained (their hash is null), stream by
 * stream, each chained to the one before it. `migrate` runs it; it does nothing once every event
 * has its hash. Appends never write a null hash (the events_hashed constraint), and the
 * immutability trigger lets an update fill a null hash but change nothing else.
 */
export async function hashUnhashedEvents(pool: Pool): Promise<number> {
  let hashed = 0;
  let after = '';
  for (;;) {
    const { rows: streams } = await pool.query<{ stream_id: string }>(
      `SELECT DISTINCT stream_id FROM events WHERE hash IS NULL AND stream_id > $1 ORDER BY stream_id LIMIT $2`,
      [after, STREAMS_PER_TRANSACTION],
    );
    if (streams.length === 0) return hashed;
    after = streams[streams.length - 1].stream_id;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<HashedRow>(
        `SELECT ${HASHED_COLUMNS} FROM events WHERE stream_id = ANY($1) ORDER BY stream_id, stream_version FOR UPDATE`,
        [streams.map((stream) => stream.stream_id)],
      );
      const positions: string[] = [];
      const previousHashes: (Buffer | null)[] = [];
      const hashes: Buffer[] = [];
      let previous: HashedRow | undefined;
      for (const row of rows) {
        const previousHash = previous?.stream_id === row.stream_id ? previous.hash : null;
        if (row.hash === null) {
          row.hash = eventHash(hashedContent(row), previousHash);
          positions.push(row.global_position);
          previousHashes.push(previousHash);
          hashes.push(row.hash);
        }
        previous = row;
      }
      await client.query(
        `UPDATE events SET previous_hash = new.previous_hash, hash = new.hash
         FROM unnest($1::bigint[], $2::bytea[], $3::bytea[]) AS new(global_position, previous_hash, hash)
         WHERE events.global_position = new.global_position AND events.hash IS NULL`,
        [positions, previousHashes, hashes],
      );
      await client.query('COMMIT');
      hashed += positions.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}
