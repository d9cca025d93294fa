import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateSealKey } from '../../src/audit/tamper-evidence/seal-key.js';
import { EventStore } from '../../src/event-store/index.js';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { appendMixedStreams } from './support/log.js';

let t: TestApp;
const key = generateSealKey();
let streams: string[];

beforeAll(async () => {
  t = await openTestApp({ sealing: { key, trustedKeys: [], intervalMs: 100 } });
  streams = await appendMixedStreams(new EventStore(t.db.pool), 2);
});
afterAll(() => t.close());

const http = () => t.http();

interface SealDto {
  sequence: number;
  checkpoint: string;
  events: number;
  root: string;
  heads: { count: number; digest: string };
  previous: string | null;
  sealedAt: string;
  publicKey: string;
  signature: string;
  statement: string;
}

/** The seals, once the service's sealer has sealed all `events`. */
async function sealsCovering(events: number): Promise<SealDto[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { body } = await http().get('/audit/seals').expect(200);
    if (body.seals.at(-1)?.events === events) return body.seals;
    if (Date.now() > deadline) throw new Error(`no seal of ${events} events came: ${JSON.stringify(body.seals)}`);
    await sleep(50);
  }
}

describe('GET /audit/seals', () => {
  it('lists the seals the service makes on its own, each checkable by an outsider with the public key alone', async () => {
    const seals = await sealsCovering(12);
    const last = seals.at(-1)!;
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: last.publicKey }, format: 'jwk' });
    expect(verify(null, Buffer.from(last.statement), publicKey, Buffer.from(last.signature, 'base64url'))).toBe(true);
    const { signature, statement, ...signed } = last;
    expect(JSON.parse(statement)).toEqual(signed);
    expect(last.publicKey).toBe(key.publicKey.toString('base64url'));
    expect(seals.map((seal) => seal.sequence)).toEqual(seals.map((_, i) => i + 1));
  });

  it('lets an outsider with the exported log and a seal check both, with nothing but standard libraries', async () => {
    const seal = (await sealsCovering(12)).at(-1)!;
    const { body } = await http().get('/events').query({ limit: 1000 }).expect(200);
    const sha256 = (...parts: (string | Buffer)[]) => parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest();
    const last = new Map<string, string | null>();
    const leaves: Buffer[] = [];
    for (const event of body.events) {
      const document = canonicalize({
        data: event.data,
        metadata: event.metadata,
        previous: event.integrity.previousHash,
        recordedAt: event.integrity.recordedAt,
        schemaVersion: event.schemaVersion,
        stream: event.streamId,
        type: event.type,
        version: event.version,
      })!;
      expect(sha256(document).toString('hex')).toBe(event.integrity.hash);
      expect(event.integrity.previousHash).toBe(last.get(event.streamId) ?? null);
      last.set(event.streamId, event.integrity.hash);
      if (event.position <= Number(seal.checkpoint.split('-')[1])) leaves.push(Buffer.from(event.integrity.hash, 'hex'));
    }
    // RFC 9162, section 2.1.1, as the RFC writes it.
    const treeHash = (items: Buffer[]): Buffer => {
      if (items.length === 1) return sha256(Buffer.from([0]), items[0]);
      let split = 1;
      while (split * 2 < items.length) split *= 2;
      return sha256(Buffer.from([1]), treeHash(items.slice(0, split)), treeHash(items.slice(split)));
    };
    expect(leaves).toHaveLength(seal.events);
    expect(treeHash(leaves).toString('hex')).toBe(seal.root);
  });

  it('pages by sequence number', async () => {
    const { body } = await http().get('/audit/seals').query({ after: 1, limit: 1 }).expect(200);
    expect(body.seals.every((seal: SealDto) => seal.sequence === 2)).toBe(true);
  });

  it('answers 400 naming the parameter for a bad page', async () => {
    const { body } = await http().get('/audit/seals').query({ limit: 0, after: 'first' }).expect(400).expect('content-type', /problem\+json/);
    expect(body.errors.map((error: { path: string }) => error.path).sort()).toEqual(['after', 'limit']);
  });
});

describe('GET /audit/verify', () => {
  it('reports an intact log, and names the first bad event once someone rewrote one', async () => {
    await sealsCovering(12);
    const intact = (await http().get('/audit/verify').expect(200)).body;
    expect(intact).toMatchObject({ ok: true, events: 12, streams: 3, findings: [] });
    expect(intact.seals).toBeGreaterThanOrEqual(1);

    const client = await t.db.pool.connect();
    try {
      await client.query('ALTER TABLE events DISABLE TRIGGER USER');
      await client.query(`UPDATE events SET metadata = '{"actor": "someone else"}' WHERE stream_id = $1 AND stream_version = 2`, [streams[1]]);
      await client.query('ALTER TABLE events ENABLE TRIGGER USER');
    } finally {
      client.release();
    }
    const tampered = (await http().get('/audit/verify').expect(200)).body;
    expect(tampered).toMatchObject({ ok: false, first: { kind: 'altered', by: 'chain', event: { streamId: streams[1], streamVersion: 2 } } });
  });
});
