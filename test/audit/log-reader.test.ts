import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { givesItsHash, readLogInSafeOrder, type LogRow } from '../../src/audit/tamper-evidence/log-reader.js';
import { eventHash } from '../../src/event-store/event-hash.js';
import { EventStore } from '../../src/event-store/index.js';
import { describeOnServer, logSettled, openTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The binary COPY that `audit verify` reads the log with, on a server. */

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
  // Many chunks' worth of events; their hashes do not matter to the reader.
  await db.pool.query(
    `INSERT INTO events (stream_id, stream_version, type, data, hash)
     SELECT 'reader-' || (i % 500), i / 500 + 1, 'audit-test.noted', jsonb_build_object('n', i, 'text', repeat('دير الزور ', 40)), sha256(i::text::bytea)
     FROM generate_series(0, 19999) AS i`,
  );
  await logSettled(db.pool);
});
afterAll(() => db.close());

describeOnServer('reading the log by COPY', () => {
  it('reads every event in the safe order, with what its hash covers', async () => {
    const end = (await new EventStore(db.pool).safeEnd())!;
    const rows = [];
    for await (const batch of readLogInSafeOrder(db.pool, end, { copy: true, pageSize: 1 })) rows.push(...batch);
    expect(rows).toHaveLength(20000);
    expect(rows.map((row) => row.position)).toEqual([...rows.map((row) => row.position)].sort((a, b) => a - b));
    expect(rows[1]).toMatchObject({ streamId: 'reader-1', version: 1, type: 'audit-test.noted', schemaVersion: 1, previousHash: null });
    expect(JSON.parse(rows[1].data.toString())).toEqual({ n: 1, text: 'دير الزور '.repeat(40) });
    expect(rows[1].recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('gives its connection back usable, or not at all, when the reader stops early', async () => {
    const single = new pg.Pool({ connectionString: db.target.url, max: 1 });
    try {
      const end = (await new EventStore(single).safeEnd())!;
      for await (const batch of readLogInSafeOrder(single, end, { copy: true, pageSize: 1 })) if (batch.length) break;
      const { rows } = await single.query('SELECT count(*)::int AS events FROM events');
      expect(rows[0].events).toBe(20000);
    } finally {
      await single.end();
    }
  }, 15_000);
});

describe('whether an event gives its hash', () => {
  const fields = { streamId: 'audit-test-x', streamVersion: 1, type: 'audit-test.noted', schemaVersion: 1, recordedAt: '2026-12-07T06:00:00.000000Z' };
  const content = (data: string) => ({ ...fields, canonicalData: data, canonicalMetadata: '{}' });
  const row = (data: string, hash: Buffer): LogRow => ({
    ...fields, position: 1, transaction: 1, version: 1, data: Buffer.from(data), metadata: Buffer.from('{}'), previousHash: null, hash,
  });

  it('hashes the stored bytes as they are', () => {
    // Hashed as stored, out of canonical order: only the bytes as they are give this hash.
    expect(givesItsHash(row('{"b":1,"a":2}', eventHash(content('{"b":1,"a":2}'), null)))).toBe(true);
  });

  it('hashes the canonical form of jsonb\'s text, for events stored before the log kept the exact text', () => {
    expect(givesItsHash(row('{"b": 1, "a": 2}', eventHash(content('{"a":2,"b":1}'), null)))).toBe(true);
    expect(givesItsHash(row('{"b": 1, "a": 3}', eventHash(content('{"a":2,"b":1}'), null)))).toBe(false);
  });
});
