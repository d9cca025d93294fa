import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { generateSealKey } from '../../src/audit/tamper-evidence/seal-key.js';
import { Sealer } from '../../src/audit/tamper-evidence/sealer.js';
import { verifyLog, type VerifyReport } from '../../src/audit/tamper-evidence/verify.js';
import { EventStore } from '../../src/event-store/index.js';
import { describeOnServer, logSettled, openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { auditStream } from './support/log.js';

/**
 * On a server, `audit verify` reads the log by one binary COPY, whose rows arrive in chunks of the
 * connection's size; on embedded PostgreSQL, a page at a time. Both must find the same: here over
 * a log of many chunks, with seals falling inside them, and tampering that includes hashes of
 * the wrong length, which the COPY reader once refused to read at all. The tampering is
 * committed, since the COPY runs on a connection of its own.
 */
let db: TestDatabase;
const key = generateSealKey();
/** 1,350 streams of 10 events: 700 under seal 1, 600 more under seal 2, 50 after it. */
const streams = Array.from({ length: 1350 }, (_, i) => auditStream(String(i)));

beforeAll(async () => {
  db = await openTestDatabase();
  if (!db.target.embedded) {
    const store = new EventStore(db.pool);
    const record = (from: number, to: number) =>
      Promise.all(
        streams.slice(from, to).map((stream, i) =>
          store.append(stream, 'no_stream', Array.from({ length: 10 }, (_, n) => ({ type: 'audit-test.noted', data: { n, stream: from + i, place: 'دير الزور' } }))),
        ),
      );
    const sealer = new Sealer(db.pool, key);
    await record(0, 700);
    await logSettled(db.pool);
    await sealer.seal();
    await record(700, 1300);
    await logSettled(db.pool);
    await sealer.seal();
    await record(1300, 1350);
    await logSettled(db.pool);
  }
}, 120_000);

afterAll(() => db.close());

const byCopy = () => verifyLog(db.pool, { trustedKeys: [key.publicKey] });
const inPages = () => verifyLog(db.pool, { trustedKeys: [key.publicKey], copy: false, pageSize: 1000 });

/** Runs the statements with the immutability triggers off, as a superuser would, and commits them. */
async function tamper(...statements: string[]): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE events DISABLE TRIGGER USER');
    for (const sql of statements) await client.query(sql);
    await client.query('ALTER TABLE events ENABLE TRIGGER USER');
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

const where = (stream: number, version: number) => `stream_id = '${streams[stream]}' AND stream_version = ${version}`;

describeOnServer('audit verify reading the log by COPY', () => {
  it('finds an untouched log intact, as reading it in pages does', async () => {
    const report = await byCopy();
    expect(report).toMatchObject({ ok: true, events: 13_500, streams: 1350, seals: 2, unsealedEvents: 500 });
    expect(report).toEqual(await inPages());
  });

  // Last: it leaves the log tampered with.
  it('names the same tampering, in the same order, across chunks and seals', async () => {
    await tamper(
      `UPDATE events SET data = '{"n":4,"place":"الميادين"}' WHERE ${where(100, 5)}`,
      `DELETE FROM events WHERE ${where(900, 3)}`,
      `DELETE FROM events WHERE stream_id = '${streams[20]}'`,
      `UPDATE events SET hash = substring(hash FROM 1 FOR 31) WHERE ${where(1200, 10)}`,
      `UPDATE events SET previous_hash = previous_hash || '\\x07'::bytea WHERE ${where(1310, 2)}`,
    );
    const report: VerifyReport = await byCopy();
    expect(report).toEqual(await inPages());
    const named = report.findings.map(({ kind, event, seal }) =>
      event ? `${kind} ${streams.indexOf(event.streamId)}@${event.streamVersion}` : `${kind} seal ${seal}`);
    expect(named).toEqual([
      'altered 100@5', 'deleted 900@3', 'altered 1200@10', 'altered 1310@2',
      // Seal 2 holds 1200's last event with the hash it had; seals 1 and 2 no longer give their roots.
      'stream-removed 20@1', 'rewritten 1200@10', 'seal-mismatch seal 1', 'seal-mismatch seal 2',
    ]);
    expect(report.first).toMatchObject({ kind: 'altered', event: { streamId: streams[100], streamVersion: 5 } });
  });
});
