import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { verifyLog } from '../../src/audit/tamper-evidence/verify.js';
import { hashDocument, RECORDED_AT_TEXT } from '../../src/event-store/event-hash.js';
import { EventStore } from '../../src/event-store/index.js';
import { migrate } from '../../src/database/data-source.js';
import { appendMixedStreams, auditStream } from '../audit/support/log.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  db = await openTestDatabase();
  store = new EventStore(db.pool);
});

afterAll(() => db.close());

/** Text that jsonb would have written otherwise: names out of its order, numbers it writes its own way, escapes. */
const awkward = {
  zeta: 'اغتيال مختار قرية الصبحة "بريف" دير الزور\n',
  a: { long_name: [1e21, 1e-7, 5e-324, 0.1 + 0.2], b: null },
  '\ud83d\ude00': true,
  ﭳ: '\u2028\u001b',
};

interface StoredRow {
  stream_version: number;
  data: string;
  metadata: string;
  recorded_at: string;
  previous_hash: Buffer | null;
  hash: Buffer;
  type: string;
  schema_version: number;
}

async function storedText(streamId: string): Promise<StoredRow[]> {
  const { rows } = await db.pool.query<StoredRow>(
    `SELECT stream_version, data::text AS data, metadata::text AS metadata, type, schema_version, previous_hash, hash,
            ${RECORDED_AT_TEXT('recorded_at')} AS recorded_at
     FROM events WHERE stream_id = $1 ORDER BY stream_version`,
    [streamId],
  );
  return rows;
}

/** The SHA-256 of the hashed document made of the text as stored, nothing recomputed from values. */
function hashOfStoredText(streamId: string, row: StoredRow): Buffer {
  const document = hashDocument(
    { streamId, streamVersion: row.stream_version, type: row.type, schemaVersion: row.schema_version, canonicalData: row.data, canonicalMetadata: row.metadata, recordedAt: row.recorded_at },
    row.previous_hash,
  );
  return createHash('sha256').update(document).digest();
}

describe('the log keeps the exact text each hash covers', () => {
  it('stores data and metadata as their RFC 8785 text, on every append path, and hashes those very bytes', async () => {
    const single = auditStream('exact');
    await store.append(single, 'no_stream', [{ type: 'audit-test.noted', data: awkward, metadata: { actor: 'مراسل', z: 1, a: 2 } }]);
    await store.append(single, 1, [1, 2].map((n) => ({ type: 'audit-test.noted', data: { ...awkward, n } })));
    await store.append(single, 'any', [{ type: 'audit-test.noted', data: { n: 4, awkward } }], { idempotencyKey: 'k-1' });
    const started = [auditStream('started'), auditStream('started')];
    // The import's path: COPY on a server, one statement on embedded PostgreSQL.
    await store.startStreams(started.map((streamId) => ({ streamId, events: [{ type: 'audit-test.noted', data: awkward }, { type: 'audit-test.noted', data: { n: 2 } }] })), {
      copy: !db.target.embedded,
    });

    for (const streamId of [single, ...started]) {
      const rows = await storedText(streamId);
      expect(rows.length).toBeGreaterThan(1);
      for (const row of rows) {
        expect(row.data).toBe(canonicalize(JSON.parse(row.data)));
        expect(row.metadata).toBe(canonicalize(JSON.parse(row.metadata)));
        expect(hashOfStoredText(streamId, row).equals(row.hash)).toBe(true);
      }
    }
    expect(JSON.parse((await storedText(single))[0].data)).toEqual(awkward);
  });

  it('still refuses what jsonb refused: a NUL character, half a surrogate pair', async () => {
    // json alone takes both: the events_content_is_jsonb rule refuses them.
    const refusals = [
      { data: '{"text":"\\u0000"}', refused: { code: '22P05', detail: expect.stringMatching(/\\u0000 cannot be converted to text/) } },
      { data: '{"text":"\\ud800"}', refused: { code: '22P02', detail: expect.stringMatching(/surrogate/) } },
    ];
    for (const { data, refused } of refusals) {
      await expect(db.pool.query('SELECT $1::json', [data])).resolves.toBeDefined();
      await expect(
        db.pool.query(`INSERT INTO events (stream_id, stream_version, type, data, hash) VALUES ($1, 1, 'audit-test.noted', $2, '\\x00')`, [auditStream(), data]),
      ).rejects.toMatchObject(refused);
    }
    await expect(store.append(auditStream(), 'no_stream', [{ type: 'audit-test.noted', data: { text: 'half \ud800' } }])).rejects.toMatchObject({
      code: '22P02',
      detail: expect.stringMatching(/surrogate/),
    });
  });
});

describe('events stored before the log kept their exact text', () => {
  it('are verified from the jsonb text they hold, and a change to one is still found', async () => {
    const columnType = async () =>
      (await db.pool.query(`SELECT data_type FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'data'`)).rows[0].data_type;
    // The log as it stood before the migration events-exact-json (and any after it): jsonb.
    const applied = async () => (await db.pool.query<{ name: string }>('SELECT name FROM migrations')).rows.map((row) => row.name);
    while ((await applied()).includes('EventsExactJson1764979200000')) await db.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await columnType()).toBe('jsonb');
    const streams = await appendMixedStreams(store, 3);
    await store.append(streams[0], 'any', [{ type: 'audit-test.noted', data: awkward }]);
    await migrate(db.dataSource, db.target);
    expect(await columnType()).toBe('json');

    // jsonb's text, not the canonical one: the member's name and value are set apart by a space.
    const [oldest] = await storedText(streams[0]);
    expect(oldest.data).toContain('": ');
    expect((await verifyLog(db.pool, { trustedKeys: [] })).findings).toEqual([]);

    const client = await db.pool.connect();
    try {
      await client.query('ALTER TABLE events DISABLE TRIGGER events_refuse_update_delete');
      await client.query(`UPDATE events SET data = jsonb_set(data::jsonb, '{round}', '7')::json WHERE stream_id = $1 AND stream_version = 2`, [streams[1]]);
      await client.query('ALTER TABLE events ENABLE TRIGGER events_refuse_update_delete');
    } finally {
      client.release();
    }
    const report = await verifyLog(db.pool, { trustedKeys: [] });
    expect(report.first).toMatchObject({ kind: 'altered', by: 'chain', event: { streamId: streams[1], streamVersion: 2 } });
    expect(report.findings).toHaveLength(1);
  });
});
