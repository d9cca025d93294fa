import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  EventSchemas,
  EventStore,
  IdempotencyKeyReusedError,
  StreamOrderError,
  WrongExpectedVersionError,
  type NewEvent,
} from '../../src/event-store/index.js';
import { describeOnServer, logSettled, openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  db = await openTestDatabase();
  store = new EventStore(db.pool);
});
afterAll(() => db.close());

const stream = () => `test-${randomUUID()}`;
const noted = (n: number): NewEvent => ({ type: 'test.noted', data: { n, text: 'اغتيال الشيخ مُطَشّر' } });
const countRows = async (streamId: string) =>
  Number((await db.pool.query('SELECT count(*) FROM events WHERE stream_id = $1', [streamId])).rows[0].count);

describe('append and readStream', () => {
  it('numbers events from 1 and returns their global positions in order', async () => {
    const id = stream();
    const first = await store.append(id, 'no_stream', [noted(1), noted(2)], {});
    const second = await store.append(id, 2, [{ ...noted(3), metadata: { actor: 'analyst-1', correlationId: 'c-1' } }]);

    expect(first.streamVersion).toBe(2);
    expect(second.streamVersion).toBe(3);
    expect(first.positions[1]).toBeGreaterThan(first.positions[0]);
    expect(second.positions[0]).toBeGreaterThan(first.positions[1]);

    const events = await store.readStream(id);
    expect(events.map((e) => [e.streamVersion, e.data])).toEqual([
      [1, { n: 1, text: 'اغتيال الشيخ مُطَشّر' }],
      [2, { n: 2, text: 'اغتيال الشيخ مُطَشّر' }],
      [3, { n: 3, text: 'اغتيال الشيخ مُطَشّر' }],
    ]);
    expect(events.map((e) => e.globalPosition)).toEqual([...first.positions, ...second.positions]);
    expect(events[2]).toMatchObject({
      streamId: id,
      type: 'test.noted',
      schemaVersion: 1,
      metadata: { actor: 'analyst-1', correlationId: 'c-1' },
    });
    expect(events[2].recordedAt).toBeInstanceOf(Date);
    expect(events[2].transactionId).toMatch(/^\d+$/);
  });

  it('reads a window of versions', async () => {
    const id = stream();
    await store.append(id, 'no_stream', [noted(1), noted(2), noted(3), noted(4)]);
    const window = await store.readStream(id, { fromVersion: 2, toVersion: 3 });
    expect(window.map((e) => e.streamVersion)).toEqual([2, 3]);
    expect(await store.readStream('never-written')).toEqual([]);
  });

  it('appends to whatever is there with "any"', async () => {
    const id = stream();
    await store.append(id, 'any', [noted(1)]);
    const result = await store.append(id, 'any', [noted(2)]);
    expect(result.streamVersion).toBe(2);
  });
});

describe('optimistic concurrency', () => {
  it.each([
    ['a stale version', 1],
    ['a version from the future', 5],
    ['"no_stream" on an existing stream', 'no_stream' as const],
  ])('refuses %s with a typed conflict and appends nothing', async (_, expected) => {
    const id = stream();
    await store.append(id, 'no_stream', [noted(1), noted(2)]);

    const attempt = store.append(id, expected, [noted(3)]);
    await expect(attempt).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(attempt).rejects.toMatchObject({ streamId: id, expected, actual: 2 });
    expect(await countRows(id)).toBe(2);
  });

  it('refuses an expected version on a stream that does not exist', async () => {
    const id = stream();
    await expect(store.append(id, 3, [noted(1)])).rejects.toMatchObject({ actual: 0 });
    expect(await countRows(id)).toBe(0);
  });
});

describe('idempotency keys', () => {
  it('returns the first result for the same key on the same stream and appends nothing', async () => {
    const id = stream();
    const first = await store.append(id, 'no_stream', [noted(1), noted(2)], { idempotencyKey: 'k-1' });
    const again = await store.append(id, 'no_stream', [noted(1), noted(2)], { idempotencyKey: 'k-1' });
    expect(again).toEqual(first);
    expect(await countRows(id)).toBe(2);
  });

  it('refuses the same key with a different request', async () => {
    const id = stream();
    await store.append(id, 'no_stream', [noted(1)], { idempotencyKey: 'k-2' });
    await expect(store.append(id, 1, [noted(9)], { idempotencyKey: 'k-2' })).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    expect(await countRows(id)).toBe(1);
  });

  it('scopes keys to their stream', async () => {
    const [a, b] = [stream(), stream()];
    await store.append(a, 'no_stream', [noted(1)], { idempotencyKey: 'shared' });
    const onB = await store.append(b, 'no_stream', [noted(1)], { idempotencyKey: 'shared' });
    expect(onB.streamVersion).toBe(1);
    expect(await countRows(b)).toBe(1);
  });

  it('does not remember a refused append', async () => {
    const id = stream();
    await store.append(id, 'no_stream', [noted(1)]);
    await expect(store.append(id, 0, [noted(2)], { idempotencyKey: 'k-3' })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    const retried = await store.append(id, 1, [noted(2)], { idempotencyKey: 'k-3' });
    expect(retried.streamVersion).toBe(2);
  });
});

describe('immutability, enforced by the database', () => {
  it.each([
    ['UPDATE', `UPDATE events SET data = '{"n": 666}' WHERE stream_id = $1`],
    ['DELETE', 'DELETE FROM events WHERE stream_id = $1'],
  ])('refuses %s', async (operation, sql) => {
    const id = stream();
    await store.append(id, 'no_stream', [noted(1)]);
    await expect(db.pool.query(sql, [id])).rejects.toThrow(`${operation} on events is not allowed`);
    expect((await store.readStream(id))[0].data).toEqual(noted(1).data);
  });

  it('refuses TRUNCATE', async () => {
    const id = stream();
    await store.append(id, 'no_stream', [noted(1)]);
    await expect(db.pool.query('TRUNCATE events')).rejects.toThrow('TRUNCATE on events is not allowed');
    await expect(db.pool.query('TRUNCATE event_idempotency_keys')).rejects.toThrow('not allowed');
    expect(await countRows(id)).toBe(1);
  });
});

describe('readAll', () => {
  it('pages through the whole log in order, each event exactly once', async () => {
    const ids = [stream(), stream(), stream()];
    for (const id of ids) await store.append(id, 'no_stream', [noted(1), noted(2), noted(3)]);
    await logSettled(db.pool);

    const seen: number[] = [];
    let checkpoint;
    for (;;) {
      const page = await store.readAll({ after: checkpoint, limit: 2 });
      if (page.events.length === 0) break;
      seen.push(...page.events.map((e) => e.globalPosition));
      checkpoint = page.checkpoint;
    }
    const all = (await db.pool.query('SELECT global_position FROM events ORDER BY global_position')).rows;
    expect(seen).toEqual(all.map((row) => Number(row.global_position)));
  });
});

describe('readAll across transaction ids of different lengths', () => {
  it('orders transactions as numbers, so none is skipped when the ids gain a digit', async () => {
    // Rows as transactions 9 and 10 would have written them: as text, "10" sorts before "9", and a
    // reader ordering by text would take 10's checkpoint and never come back for 9.
    const streamId = stream();
    await db.pool.query(
      `INSERT INTO events (stream_id, stream_version, type, data, transaction_id, hash)
       VALUES ($1, 1, 'test.noted', '{}', '9', '\\x00'), ($1, 2, 'test.noted', '{}', '10', '\\x00')`,
      [streamId],
    );
    const seen: string[] = [];
    let checkpoint;
    for (;;) {
      const page = await store.readAll({ after: checkpoint, limit: 1 });
      if (page.events.length === 0) break;
      seen.push(...page.events.filter((e) => e.streamId === streamId).map((e) => e.transactionId));
      checkpoint = page.checkpoint;
    }
    expect(seen).toEqual(['9', '10']);
  });
});

describe('upcasting', () => {
  it('upgrades old schema versions on read, leaving the stored event as it was', async () => {
    const id = stream();
    // Written when test.named had only a single "name" field.
    await store.append(id, 'no_stream', [{ type: 'test.named', data: { name: 'Mutashar al-Hafl' } }]);

    const schemas = new EventSchemas().register('test.named', 2, (data) => ({
      names: [{ value: data.name, language: 'en' }],
    }));
    const upgradingStore = new EventStore(db.pool, schemas);
    const [event] = await upgradingStore.readStream(id);

    expect(event.schemaVersion).toBe(2);
    expect(event.data).toEqual({ names: [{ value: 'Mutashar al-Hafl', language: 'en' }] });
    const stored = await db.pool.query('SELECT schema_version, data FROM events WHERE stream_id = $1', [id]);
    expect(stored.rows[0]).toEqual({ schema_version: 1, data: { name: 'Mutashar al-Hafl' } });

    // New events of the type are written at the current version and not upcast again.
    await upgradingStore.append(id, 1, [{ type: 'test.named', data: { names: [] } }]);
    const [, fresh] = await upgradingStore.readStream(id);
    expect(fresh).toMatchObject({ schemaVersion: 2, data: { names: [] } });
  });
});

describeOnServer('a stream grows only in transaction order', () => {
  it('refuses to extend a stream from a transaction older than the one that wrote its last event', async () => {
    const streamId = stream();
    const older = await db.pool.connect();
    try {
      await older.query('BEGIN');
      await older.query('SELECT pg_current_xact_id()'); // this transaction now has the older id
      await store.append(streamId, 'no_stream', [noted(1)]); // committed by a newer transaction

      await expect(store.on(older).append(streamId, 1, [noted(2)])).rejects.toBeInstanceOf(StreamOrderError);
      await older.query('ROLLBACK');
      await older.query('BEGIN');
      await expect(store.on(older).append(streamId, 'any', [noted(2)])).resolves.toMatchObject({ streamVersion: 2 });
      await older.query('COMMIT');
    } finally {
      older.release();
    }
    await logSettled(db.pool);
    const versions = (await store.readAll({ limit: 10_000 })).events.filter((e) => e.streamId === streamId).map((e) => e.streamVersion);
    expect(versions).toEqual([1, 2]);
  });
});
