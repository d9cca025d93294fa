import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MerkleFrontier } from '../../src/audit/tamper-evidence/merkle.js';
import { generateSealKey, signatureHolds } from '../../src/audit/tamper-evidence/seal-key.js';
import { sealStatement } from '../../src/audit/tamper-evidence/seal-statement.js';
import { readSeals } from '../../src/audit/tamper-evidence/seal-store.js';
import { SealChainBrokenError, Sealer } from '../../src/audit/tamper-evidence/sealer.js';
import { verifyLog } from '../../src/audit/tamper-evidence/verify.js';
import { HASHED_COLUMNS, eventHash, hashedContent } from '../../src/event-store/event-hash.js';
import { EventStore, formatCheckpoint } from '../../src/event-store/index.js';
import { describeOnServer, logSettled, openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { appendMixedStreams, auditStream } from './support/log.js';

let db: TestDatabase;
let store: EventStore;
const key = generateSealKey();
/** The key that takes over from `key` halfway through. */
const rotated = generateSealKey();

beforeAll(async () => {
  db = await openTestDatabase();
  store = new EventStore(db.pool);
});

afterAll(() => db.close());

/** The Merkle root over every event hash up to a checkpoint, from scratch. */
async function rootThrough(checkpoint: { transactionId: string; position: number }): Promise<Buffer> {
  const { rows } = await db.pool.query(
    `SELECT hash FROM events WHERE (transaction_id, global_position) <= ($1::xid8, $2::bigint) ORDER BY transaction_id, global_position`,
    [checkpoint.transactionId, checkpoint.position],
  );
  const frontier = MerkleFrontier.empty();
  rows.forEach((row) => frontier.add(row.hash));
  return frontier.root();
}

describe('sealing the log', () => {
  it('seals nothing when nothing was recorded since the last seal', async () => {
    const sealer = new Sealer(db.pool, key);
    expect(await sealer.seal()).toBeUndefined();
    await appendMixedStreams(store, 2);
    await logSettled(db.pool);
    const first = await sealer.seal();
    expect(first).toMatchObject({ sequence: 1, events: 12, heads: 3, previous: null });
    expect(await sealer.seal()).toBeUndefined();
  });

  it('adds only the new events to each seal, and signs a statement anyone can check', async () => {
    const sealer = new Sealer(db.pool, key);
    for (let round = 0; round < 3; round++) {
      await store.append(auditStream(), 'no_stream', [{ type: 'audit-test.noted', data: { round } }]);
      await logSettled(db.pool);
      await sealer.seal();
    }
    const seals = await readSeals(db.pool);
    expect(seals.map((seal) => seal.sequence)).toEqual([1, 2, 3, 4]);
    for (const seal of seals) {
      expect(seal.root).toEqual(await rootThrough(seal.checkpoint));
      expect(signatureHolds(key.publicKey, sealStatement(seal), seal.signature)).toBe(true);
    }
    expect(JSON.parse(sealStatement(seals[3]))).toEqual({
      checkpoint: formatCheckpoint(seals[3].checkpoint),
      events: 15,
      heads: { count: 1, digest: seals[3].headsDigest.toString('hex') },
      previous: expect.stringMatching(/^[0-9a-f]{64}$/),
      publicKey: key.publicKey.toString('base64url'),
      root: seals[3].root.toString('hex'),
      sealedAt: seals[3].sealedAt.toISOString(),
      sequence: 4,
    });
    expect((await verifyLog(db.pool, { trustedKeys: [key.publicKey] })).ok).toBe(true);
  });

  it('builds on seals of an earlier key only when told to trust it', async () => {
    await store.append(auditStream(), 'no_stream', [{ type: 'audit-test.noted', data: {} }]);
    await logSettled(db.pool);
    await expect(new Sealer(db.pool, rotated).seal()).rejects.toThrow(SealChainBrokenError);
    const seal = await new Sealer(db.pool, rotated, [key.publicKey]).seal();
    expect(seal).toMatchObject({ sequence: 5, publicKey: rotated.publicKey });
    expect((await verifyLog(db.pool, { trustedKeys: [key.publicKey, rotated.publicKey] })).ok).toBe(true);
  });
});

describe('sealing across transaction ids of different lengths', () => {
  it('orders transactions as numbers: a seal covers the whole log, in the order an outsider reads it', async () => {
    // A log of its own, whose first transactions are 9 and 10 (as text, "10" sorts before "9",
    // and "9" after any later id): written as the tracker would have, hashes and all.
    const own = await openTestDatabase();
    try {
      const streamId = auditStream('digits');
      for (const [version, transactionId] of [[1, '9'], [2, '10']] as const) {
        const { rows: before } = await own.pool.query('SELECT hash FROM events WHERE stream_id = $1', [streamId]);
        const { rows } = await own.pool.query(
          `INSERT INTO events (stream_id, stream_version, type, data, transaction_id, previous_hash, hash)
           VALUES ($1, $2, 'audit-test.noted', '{}', $3, $4, '\\x00') RETURNING ${HASHED_COLUMNS}`,
          [streamId, version, transactionId, before[0]?.hash ?? null],
        );
        await own.pool.query('ALTER TABLE events DISABLE TRIGGER USER');
        await own.pool.query('UPDATE events SET hash = $2 WHERE global_position = $1', [rows[0].global_position, eventHash(hashedContent(rows[0]), before[0]?.hash ?? null)]);
        await own.pool.query('ALTER TABLE events ENABLE TRIGGER USER');
      }
      await appendMixedStreams(new EventStore(own.pool), 1);
      await logSettled(own.pool);
      const seal = (await new Sealer(own.pool, key).seal())!;
      expect(seal.events).toBe(8);
      const { rows } = await own.pool.query('SELECT hash FROM events ORDER BY transaction_id, global_position');
      const frontier = MerkleFrontier.empty();
      rows.forEach((row) => frontier.add(row.hash));
      expect(seal.root).toEqual(frontier.root());
      expect((await verifyLog(own.pool, { trustedKeys: [key.publicKey] })).findings).toEqual([]);
    } finally {
      await own.close();
    }
  });
});

describeOnServer('sealing while others write', () => {
  it('leaves out a transaction still open, and takes it into the next seal once it commits', async () => {
    const sealer = new Sealer(db.pool, key, [rotated.publicKey]);
    const before = (await readSeals(db.pool)).at(-1)!;
    const late = await db.pool.connect();
    try {
      await late.query('BEGIN');
      await store.on(late).append(auditStream('late'), 'no_stream', [{ type: 'audit-test.noted', data: { late: true } }]);
      // Committed while the other is open, so behind it in the log's safe order: not sealable yet.
      await store.append(auditStream('after'), 'no_stream', [{ type: 'audit-test.noted', data: {} }]);
      expect(await sealer.seal()).toBeUndefined();
      await late.query('COMMIT');
    } finally {
      late.release();
    }
    await logSettled(db.pool);
    const seal = await sealer.seal();
    expect(seal).toMatchObject({ sequence: before.sequence + 1, events: before.events + 2, heads: 2 });
    expect(seal!.root).toEqual(await rootThrough(seal!.checkpoint));
  });

  it('takes turns: sealers racing each other leave one unbroken chain', async () => {
    const sealers = Array.from({ length: 4 }, () => new Sealer(db.pool, key, [rotated.publicKey]));
    for (let round = 0; round < 5; round++) {
      await Promise.all([
        ...sealers.map((sealer) => sealer.seal()),
        store.append(auditStream('race'), 'no_stream', [{ type: 'audit-test.noted', data: { round } }]),
      ]);
    }
    await logSettled(db.pool);
    await sealers[0].seal();
    const seals = await readSeals(db.pool);
    expect(seals.map((seal) => seal.sequence)).toEqual(seals.map((_, i) => i + 1));
    const report = await verifyLog(db.pool, { trustedKeys: [key.publicKey, rotated.publicKey] });
    expect(report.findings).toEqual([]);
  });
});

describe('a seal of many streams', () => {
  let large: TestDatabase;
  beforeAll(async () => {
    large = await openTestDatabase();
  });
  afterAll(() => large.close());

  it('brings the statistics of the sealed heads up to date, so its heads are read a page at a time by the index', async () => {
    // 12,000 one-event streams, hashed for the test only: the sealer takes the hashes as they are.
    await large.pool.query(
      `INSERT INTO events (stream_id, stream_version, type, data, hash)
       SELECT 'sealed-' || i, 1, 'audit-test.noted', '{}', sha256(i::text::bytea) FROM generate_series(1, 12000) AS i`,
    );
    await logSettled(large.pool);
    const seal = await new Sealer(large.pool, key).seal();
    expect(seal?.heads).toBe(12000);
    // What the planner believes the table holds: without the seal's ANALYZE, the few rows it
    // had before (none here, until autovacuum comes by).
    const { rows } = await large.pool.query(`SELECT reltuples FROM pg_class WHERE relname = 'audit_seal_heads'`);
    expect(rows[0].reltuples).toBeGreaterThanOrEqual(12000);
  });
});
