import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PoolClient } from 'pg';
import { generateSealKey, signStatement } from '../../src/audit/tamper-evidence/seal-key.js';
import { sealStatement } from '../../src/audit/tamper-evidence/seal-statement.js';
import { readSeals, type StoredSeal } from '../../src/audit/tamper-evidence/seal-store.js';
import { Sealer } from '../../src/audit/tamper-evidence/sealer.js';
import { verifyLog, type VerifyReport } from '../../src/audit/tamper-evidence/verify.js';
import { HASHED_COLUMNS, eventHash, hashedContent, type HashedRow } from '../../src/event-store/event-hash.js';
import { EventStore } from '../../src/event-store/index.js';
import { logSettled, openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { auditStream } from './support/log.js';

/**
 * Each test tampers with the log as a database superuser would (the immutability triggers
 * disabled), inside a transaction it rolls back, and expects `audit verify` to name exactly what
 * was done. The log: streams A (5 events, then a 6th), B (3, in one batch) and C (2) under
 * seal 1; D (2) and A's 6th under seal 2; E (1) after the last seal.
 */
let db: TestDatabase;
const key = generateSealKey();
const streams = { a: auditStream('a'), b: auditStream('b'), c: auditStream('c'), d: auditStream('d'), e: auditStream('e') };
let seals: StoredSeal[];

const note = (stream: string, n: number) => ({
  type: 'audit-test.noted',
  data: { n, note: `مقتل ${n} مدنيين في دير الزور\n"quoted" \\ ${stream.slice(-4)}`, figures: { low: n, best: n + 0.5, high: 1e21 } },
  metadata: { actor: 'analyst-1', requestId: `request-${n}` },
});

beforeAll(async () => {
  db = await openTestDatabase();
  const store = new EventStore(db.pool);
  for (let n = 1; n <= 5; n++) await store.append(streams.a, n - 1, [note(streams.a, n)]);
  await store.append(streams.b, 'no_stream', [1, 2, 3].map((n) => note(streams.b, n)));
  await store.append(streams.c, 'any', [note(streams.c, 1)]);
  await store.append(streams.c, 'any', [note(streams.c, 2)]);
  const sealer = new Sealer(db.pool, key);
  await logSettled(db.pool);
  await sealer.seal();
  await store.append(streams.d, 'no_stream', [note(streams.d, 1), note(streams.d, 2)]);
  await store.append(streams.a, 5, [note(streams.a, 6)]);
  await logSettled(db.pool);
  await sealer.seal();
  await store.append(streams.e, 'no_stream', [note(streams.e, 1)]);
  seals = await readSeals(db.pool);
});

afterAll(() => db.close());

/** Verifies the log after `tamper`, which runs in a transaction that is then rolled back. */
async function verifyAfter(tamper: (client: PoolClient) => Promise<unknown>): Promise<VerifyReport> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE events DISABLE TRIGGER USER');
    await client.query('ALTER TABLE audit_seals DISABLE TRIGGER USER');
    await client.query('ALTER TABLE audit_seal_heads DISABLE TRIGGER USER');
    await tamper(client);
    return await verifyLog(client, { trustedKeys: [key.publicKey] });
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

async function positionOf(client: PoolClient, streamId: string, version: number): Promise<number> {
  const { rows } = await client.query('SELECT global_position FROM events WHERE stream_id = $1 AND stream_version = $2', [streamId, version]);
  return Number(rows[0].global_position);
}

const kinds = (report: VerifyReport) => report.findings.map((finding) => `${finding.kind}${finding.seal ? ` ${finding.seal}` : ''}`);

describe('audit verify on an untouched log', () => {
  it('finds every hash, chain and seal intact', async () => {
    const report = await verifyLog(db.pool, { trustedKeys: [key.publicKey] });
    expect(report).toEqual({
      ok: true, events: 14, streams: 5, seals: 2, first: undefined, findings: [], findingsLeftOut: 0,
      unsealedEvents: 1, lastSealedAt: seals[1].sealedAt,
    });
    expect(seals.map((seal) => [seal.sequence, seal.events, seal.heads])).toEqual([[1, 10, 3], [2, 13, 2]]);
  });

  it('reads the log in pages of any size, each event once', async () => {
    for (const pageSize of [1, 2, 3, 4, 5, 7, 13, 14]) {
      const report = await verifyLog(db.pool, { trustedKeys: [key.publicKey], copy: false, pageSize });
      expect({ pageSize, ...report }).toMatchObject({ pageSize, ok: true, events: 14, streams: 5, seals: 2 });
    }
    // A bad event shows whichever page it falls in.
    const report = await verifyAfter(async (client) => {
      await client.query(`UPDATE events SET data = '{}' WHERE stream_id = $1 AND stream_version = 6`, [streams.a]);
      for (const pageSize of [1, 3, 4]) {
        const paged = await verifyLog(client, { trustedKeys: [key.publicKey], copy: false, pageSize });
        expect(paged.findings.map((finding) => finding.event)).toEqual([expect.objectContaining({ streamId: streams.a, streamVersion: 6 })]);
      }
    });
    expect(report.first?.event).toMatchObject({ streamId: streams.a, streamVersion: 6 });
  });

  it('counts a seal whose key is not trusted as a finding', async () => {
    const report = await verifyLog(db.pool, { trustedKeys: [generateSealKey().publicKey] });
    expect(kinds(report)).toEqual(['seal-invalid 1', 'seal-invalid 2']);
    expect(report.first?.detail).toMatch(/not trusted/);
  });
});

describe('audit verify names the first bad event', () => {
  it('a changed field: the event whose content no longer gives its hash', async () => {
    let position = 0;
    const report = await verifyAfter(async (client) => {
      position = await positionOf(client, streams.a, 3);
      await client.query(`UPDATE events SET data = jsonb_set(data::jsonb, '{figures,best}', '30')::json WHERE global_position = $1`, [position]);
    });
    expect(report.ok).toBe(false);
    expect(report.first).toMatchObject({ kind: 'altered', by: 'chain', event: { streamId: streams.a, streamVersion: 3, position } });
    // The stored hashes did not change, so the seals still hold: the chain alone shows it.
    expect(kinds(report)).toEqual(['altered']);
  });

  it('a changed recorded time or type is a changed field too', async () => {
    const report = await verifyAfter((client) =>
      client.query(`UPDATE events SET recorded_at = recorded_at - interval '1 microsecond' WHERE stream_id = $1 AND stream_version = 2`, [streams.b]),
    );
    expect(report.first).toMatchObject({ kind: 'altered', event: { streamId: streams.b, streamVersion: 2 } });
  });

  it('a deleted event: the version that is gone', async () => {
    const report = await verifyAfter((client) => client.query('DELETE FROM events WHERE stream_id = $1 AND stream_version = 3', [streams.a]));
    expect(report.first).toMatchObject({ kind: 'deleted', by: 'chain', event: { streamId: streams.a, streamVersion: 3 } });
    expect(report.first!.event!.position).toBeUndefined();
    // Both seals counted it among their events.
    expect(kinds(report)).toEqual(['deleted', 'seal-mismatch 1', 'seal-mismatch 2']);
  });

  it('a deleted event with the stream renumbered over it', async () => {
    const report = await verifyAfter(async (client) => {
      await client.query('DELETE FROM events WHERE stream_id = $1 AND stream_version = 2', [streams.a]);
      await client.query('UPDATE events SET stream_version = stream_version - 1 WHERE stream_id = $1 AND stream_version > 2', [streams.a]);
    });
    expect(report.first).toMatchObject({ kind: 'deleted', event: { streamId: streams.a, streamVersion: 2 } });
  });

  it('an inserted forged event, hashed and chained the way the tracker would: the forged one', async () => {
    let position = 0;
    const report = await verifyAfter(async (client) => {
      await client.query('UPDATE events SET stream_version = stream_version + 100 WHERE stream_id = $1 AND stream_version >= 3', [streams.a]);
      await client.query('UPDATE events SET stream_version = stream_version - 99 WHERE stream_id = $1 AND stream_version > 100', [streams.a]);
      position = await forge(client, streams.a, 3);
    });
    expect(report.first).toMatchObject({ kind: 'inserted', by: 'chain', event: { streamId: streams.a, streamVersion: 3, position } });
  });

  it('an inserted forged event with a made-up hash', async () => {
    let position = 0;
    const report = await verifyAfter(async (client) => {
      await client.query('UPDATE events SET stream_version = stream_version + 100 WHERE stream_id = $1 AND stream_version >= 2', [streams.c]);
      await client.query('UPDATE events SET stream_version = stream_version - 99 WHERE stream_id = $1 AND stream_version > 100', [streams.c]);
      const { rows } = await client.query(
        `INSERT INTO events (stream_id, stream_version, type, data, hash) VALUES ($1, 2, 'audit-test.noted', '{"n": 99}', sha256('forged'))
         RETURNING global_position`,
        [streams.c],
      );
      position = Number(rows[0].global_position);
    });
    expect(report.first).toMatchObject({ kind: 'inserted', event: { streamId: streams.c, streamVersion: 2, position } });
  });

  it('a forged stream slipped in before a seal\'s checkpoint, hashed the way the tracker would', async () => {
    const forged = auditStream('forged');
    const report = await verifyAfter(async (client) => {
      // The oldest transaction id there is, so the log's order puts it inside seal 1.
      const position = await forge(client, forged, 1);
      await client.query(`UPDATE events SET transaction_id = '3' WHERE global_position = $1`, [position]);
    });
    expect(report.first).toMatchObject({ kind: 'inserted', by: 'seal', seal: 1, event: { streamId: forged, streamVersion: 1 } });
    expect(kinds(report)).toEqual(['inserted 1', 'seal-mismatch 1', 'seal-mismatch 2']);
  });

  it('a reordered stream: the first event out of place, and where it was recorded', async () => {
    let position = 0;
    const report = await verifyAfter(async (client) => {
      position = await positionOf(client, streams.a, 3);
      await client.query('UPDATE events SET stream_version = stream_version + 100 WHERE stream_id = $1 AND stream_version IN (2, 3)', [streams.a]);
      await client.query('UPDATE events SET stream_version = 105 - stream_version WHERE stream_id = $1 AND stream_version > 100', [streams.a]);
    });
    expect(report.first).toMatchObject({ kind: 'reordered', by: 'chain', event: { streamId: streams.a, streamVersion: 2, position } });
    expect(report.first!.detail).toContain(`is the event recorded as ${streams.a}@3`);
    expect(kinds(report)).toEqual(['reordered']);
  });

  it('a truncated tail: the first event a seal holds that is gone', async () => {
    const report = await verifyAfter((client) => client.query('DELETE FROM events WHERE stream_id = $1 AND stream_version >= 5', [streams.a]));
    expect(report.first).toMatchObject({ kind: 'truncated', by: 'seal', seal: 1, event: { streamId: streams.a, streamVersion: 5 } });
    expect(kinds(report)).toEqual(['truncated 1', 'truncated 2', 'seal-mismatch 1', 'seal-mismatch 2']);
  });

  it('a whole stream removed after a seal', async () => {
    const report = await verifyAfter((client) => client.query('DELETE FROM events WHERE stream_id = $1', [streams.b]));
    expect(report.first).toMatchObject({ kind: 'stream-removed', by: 'seal', seal: 1, event: { streamId: streams.b, streamVersion: 1 } });
    expect(kinds(report)).toEqual(['stream-removed 1', 'seal-mismatch 1', 'seal-mismatch 2']);
  });

  it('a stream rewritten with every hash recomputed: the seal shows it', async () => {
    const report = await verifyAfter(async (client) => {
      const { rows } = await client.query<HashedRow>(`SELECT ${HASHED_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`, [streams.a]);
      let previous: Buffer | null = null;
      for (const row of rows) {
        if (row.stream_version === 2) row.data = { ...(row.data as object), n: 200 };
        const hash: Buffer = eventHash(hashedContent(row), previous);
        await client.query('UPDATE events SET data = $2, previous_hash = $3, hash = $4 WHERE global_position = $1', [
          row.global_position, JSON.stringify(row.data), previous, hash,
        ]);
        previous = hash;
      }
    });
    expect(report.first).toMatchObject({ kind: 'rewritten', by: 'seal', seal: 1, event: { streamId: streams.a, streamVersion: 5 } });
    expect(kinds(report)).toEqual(['rewritten 1', 'rewritten 2', 'seal-mismatch 1', 'seal-mismatch 2']);
  });

  it('an event moved in the log\'s order (its transaction changed), its stream intact in version order', async () => {
    let position = 0;
    const report = await verifyAfter(async (client) => {
      position = await positionOf(client, streams.d, 2);
      await client.query(`UPDATE events SET transaction_id = '3' WHERE global_position = $1`, [position]);
    });
    expect(report.first).toMatchObject({ kind: 'reordered', by: 'chain', event: { streamId: streams.d, streamVersion: 2, position } });
    expect(report.first!.detail).toMatch(/out of its stream's order in the log/);
  });

  it('an event after the last seal is guarded by its chain alone', async () => {
    const report = await verifyAfter((client) => client.query(`UPDATE events SET type = 'audit-test.forged' WHERE stream_id = $1`, [streams.e]));
    expect(report.first).toMatchObject({ kind: 'altered', event: { streamId: streams.e, streamVersion: 1 } });
  });
});

describe('audit verify checks the seals themselves', () => {
  it('a seal whose root was changed no longer has a signature that holds, and the next no longer chains to it', async () => {
    const report = await verifyAfter((client) => client.query(`UPDATE audit_seals SET root = sha256('other') WHERE sequence = 1`));
    expect(report.findings.map((finding) => finding.detail)).toEqual([
      'seal 1 has a signature that does not hold over its statement',
      'seal 1 has a stored tree edge that does not give its root: the sealer will not build on it',
      expect.stringMatching(/^the log up to seal 1's checkpoint/),
      'seal 2 does not chain to seal 1',
    ]);
  });

  it('a seal signed again with another key is not trusted', async () => {
    const forger = generateSealKey();
    const report = await verifyAfter(async (client) => {
      const forged = { ...seals[1], publicKey: forger.publicKey };
      await client.query('UPDATE audit_seals SET public_key = $1, signature = $2 WHERE sequence = 2', [
        forger.publicKey, signStatement(forger, sealStatement(forged)),
      ]);
    });
    expect(kinds(report)).toEqual(['seal-invalid 2']);
    expect(report.first?.detail).toMatch(/^seal 2 is signed by a key that is not trusted/);
  });

  it('a seal whose stored tree edge was changed, which would stop the sealer, is named', async () => {
    const report = await verifyAfter((client) => client.query(`UPDATE audit_seals SET frontier = ARRAY[sha256('edge')] WHERE sequence = 2`));
    expect(kinds(report)).toEqual(['seal-invalid 2']);
    expect(report.first?.detail).toBe('seal 2 has a stored tree edge that does not give its root: the sealer will not build on it');
  });

  it('a removed seal leaves a gap', async () => {
    const report = await verifyAfter(async (client) => {
      await client.query('DELETE FROM audit_seal_heads WHERE seal = 1');
      await client.query('DELETE FROM audit_seals WHERE sequence = 1');
    });
    expect(kinds(report)).toEqual(['seal-missing 1']);
  });

  it('heads changed to hide a cut tail no longer match the digest the seal signed', async () => {
    const report = await verifyAfter(async (client) => {
      await client.query('DELETE FROM events WHERE stream_id = $1 AND stream_version = 2', [streams.d]);
      await client.query('UPDATE audit_seal_heads SET stream_version = 1, hash = (SELECT hash FROM events WHERE stream_id = $1) WHERE stream_id = $1', [streams.d]);
    });
    expect(kinds(report)).toEqual(['seal-invalid 2', 'seal-mismatch 2']);
    expect(report.first?.detail).toBe('seal 2 has heads that differ from the ones it signed');
  });
});

/**
 * A forged event as someone who knows the scheme would write it: hashed and chained to the
 * stream's event before it. Returns its position.
 */
async function forge(client: PoolClient, streamId: string, version: number): Promise<number> {
  const { rows: before } = await client.query('SELECT hash FROM events WHERE stream_id = $1 AND stream_version = $2', [streamId, version - 1]);
  const previous: Buffer | null = before[0]?.hash ?? null;
  const { rows } = await client.query(
    `INSERT INTO events (stream_id, stream_version, type, data, previous_hash, hash) VALUES ($1, $2, 'audit-test.noted', '{"n": 99}', $3, '\\x00')
     RETURNING ${HASHED_COLUMNS}`,
    [streamId, version, previous],
  );
  const hash = eventHash(hashedContent(rows[0]), previous);
  await client.query('UPDATE events SET hash = $2 WHERE global_position = $1', [rows[0].global_position, hash]);
  return Number(rows[0].global_position);
}
