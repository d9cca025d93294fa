import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyLog } from '../../src/audit/tamper-evidence/verify.js';
import { HASHED_COLUMNS, eventHash, hashedContent, type HashedRow } from '../../src/event-store/event-hash.js';
import { hashUnhashedEvents } from '../../src/event-store/hash-backfill.js';
import { EventStore } from '../../src/event-store/index.js';
import { auditStream } from '../audit/support/log.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  db = await openTestDatabase();
  store = new EventStore(db.pool);
});

afterAll(() => db.close());

async function rowsOf(streamId: string): Promise<HashedRow[]> {
  const { rows } = await db.pool.query<HashedRow>(`SELECT ${HASHED_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`, [streamId]);
  return rows;
}

/** Whether each event's stored hash is the one Node computes, chained to the event before it. */
function chainHolds(rows: HashedRow[]): boolean {
  return rows.every((row, i) => {
    const previous = i === 0 ? null : rows[i - 1].hash;
    return (row.previous_hash === null ? previous === null : row.previous_hash.equals(previous!)) &&
      eventHash(hashedContent(row), previous).equals(row.hash!);
  });
}

/** Text that JSON escapes, or that trips up bidi and normalisation: stored and hashed as given. */
const awkward = {
  arabic: 'اغتيال مختار قرية الصبحة بريف دير الزور الشرقي',
  controls: 'tab\there, bell\u0007, escape\u001b, delete\u007f, line\u2028separator',
  quotes: 'a "quote", a \\ backslash, a / slash',
  bidi: '\u202bمقتل\u202c \u2066SDF\u2069 \u200f',
  joiners: 'ZWJ family 👨\u200d👩\u200d👧, ZWNJ می\u200cخواهم',
  combining: 'e\u0301 vs é, ع\u0651\u064e',
  numbers: [0, -1, 1.5, 1e21, 1e-7, 123456789012345, 0.1 + 0.2],
  nested: { z: 1, a: [{ b: null, a: true }] },
};

describe('the hash every append writes', () => {
  it('is the SHA-256 of the canonical document Node builds, on every append path', async () => {
    const streamId = auditStream('awkward "stream" \\ id');
    await store.append(streamId, 'no_stream', [{ type: 'audit-test.noted', data: awkward, metadata: { actor: 'مراسل' } }]);
    await store.append(streamId, 1, [1, 2].map((n) => ({ type: 'audit-test.noted', data: { ...awkward, n } })));
    await store.append(streamId, 'any', [{ type: 'audit-test.noted', data: { n: 4 } }]);
    await store.append(streamId, 4, [{ type: 'audit-test.noted', data: { n: 5 } }], { idempotencyKey: 'k-1' });
    await store.append(streamId, 'any', [{ type: 'audit-test.noted', data: { n: 6 } }, { type: 'audit-test.noted', data: { n: 7 } }], { idempotencyKey: 'k-2' });
    const rows = await rowsOf(streamId);
    expect(rows.map((row) => row.stream_version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(rows[0].previous_hash).toBeNull();
    expect(chainHolds(rows)).toBe(true);
    expect(rows[0].data).toEqual(awkward);
  });

  it('chains each stream on its own', async () => {
    const [one, two] = [auditStream('one'), auditStream('two')];
    await store.append(one, 'no_stream', [{ type: 'audit-test.noted', data: { n: 1 } }]);
    await store.append(two, 'no_stream', [{ type: 'audit-test.noted', data: { n: 1 } }]);
    await store.append(one, 1, [{ type: 'audit-test.noted', data: { n: 2 } }]);
    const [first, second] = [await rowsOf(one), await rowsOf(two)];
    expect(second[0].previous_hash).toBeNull();
    expect(first[1].previous_hash).toEqual(first[0].hash);
  });

  it('cannot be left out: the database refuses an event without one', async () => {
    await expect(
      db.pool.query(`INSERT INTO events (stream_id, stream_version, type, data) VALUES ($1, 1, 'audit-test.noted', '{}')`, [auditStream()]),
    ).rejects.toThrow(/events_hashed/);
  });
});

describe('events recorded before the log was hash-chained', () => {
  it('are hashed by migrate, in their streams\' order, and nothing else about them can change', async () => {
    const [old, older] = [auditStream('old'), auditStream('older')];
    // As the log stood before the migration: no hashes, and no rule that there be one.
    await db.pool.query('ALTER TABLE events DROP CONSTRAINT events_hashed');
    await db.pool.query(
      `INSERT INTO events (stream_id, stream_version, type, data, metadata)
       VALUES ($1, 1, 'audit-test.noted', '{"n": 1, "text": "دير الزور"}', '{"actor": "a"}'), ($2, 1, 'audit-test.noted', '{"n": 1}', '{}'),
              ($1, 2, 'audit-test.noted', '{"n": 2, "nested": {"b": 1, "a": [1.5, 1e21]}}', '{}'), ($1, 3, 'audit-test.noted', '{}', '{}')`,
      [old, older],
    );
    await db.pool.query('ALTER TABLE events ADD CONSTRAINT events_hashed CHECK (hash IS NOT NULL) NOT VALID');

    expect(await hashUnhashedEvents(db.pool)).toBe(4);
    expect(await hashUnhashedEvents(db.pool)).toBe(0);
    const rows = await rowsOf(old);
    expect(chainHolds(rows)).toBe(true);
    expect(chainHolds(await rowsOf(older))).toBe(true);
    // Their content is written back as the text the hash covers, as appends store it.
    const { rows: stored } = await db.pool.query('SELECT data::text AS data FROM events WHERE stream_id = $1 ORDER BY stream_version', [old]);
    expect(stored.map((row) => row.data)).toEqual(['{"n":1,"text":"دير الزور"}', '{"n":2,"nested":{"a":[1.5,1e+21],"b":1}}', '{}']);
    // A stream goes on from its backfilled hash.
    await store.append(old, 3, [{ type: 'audit-test.noted', data: { n: 4 } }]);
    expect(chainHolds(await rowsOf(old))).toBe(true);
    expect((await verifyLog(db.pool, { trustedKeys: [] })).findings).toEqual([]);

    // Filling in hashes was the one change allowed, and only while they were missing.
    await expect(db.pool.query('UPDATE events SET hash = $2 WHERE global_position = $1', [rows[0].global_position, rows[1].hash])).rejects.toThrow(
      /append-only/,
    );
    await expect(db.pool.query(`UPDATE events SET data = '{}' WHERE global_position = $1`, [rows[0].global_position])).rejects.toThrow(/append-only/);
  });
});
