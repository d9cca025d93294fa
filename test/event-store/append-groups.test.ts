import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyLog } from '../../src/audit/tamper-evidence/verify.js';
import { EventStore, WrongExpectedVersionError, type AppendResult } from '../../src/event-store/index.js';
import { describeOnServer, openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  db = await openTestDatabase();
  store = new EventStore(db.pool);
});
afterAll(() => db?.close());

const stream = () => `group-${randomUUID()}`;

/** The transactions that wrote these streams' events. */
async function transactionsOf(streams: string[]): Promise<number> {
  const { rows } = await db.pool.query('SELECT count(DISTINCT transaction_id)::int AS n FROM events WHERE stream_id = ANY($1)', [streams]);
  return rows[0].n;
}

describe('appends of one event that arrive together (group commit)', () => {
  it('go in shared transactions, each answered with its own event, chained as if alone', async () => {
    const existing = Array.from({ length: 10 }, stream);
    for (const id of existing) await store.append(id, 'no_stream', [{ type: 'test.opened', data: { id } }]);
    const fresh = Array.from({ length: 40 }, stream);

    const appends = [
      ...fresh.map((id, n) => store.append(id, 'no_stream', [{ type: 'test.opened', data: { n, text: 'قتل مسلحون مجهولون' } }])),
      ...existing.map((id, n) => store.append(id, 1, [{ type: 'test.corrected', data: { n } }])),
    ];
    const results = await Promise.all(appends);

    const streams = [...fresh, ...existing];
    for (const [index, id] of streams.entries()) {
      const events = await store.readStream(id);
      const result = results[index]!;
      expect(result.streamVersion).toBe(events.length);
      expect(result.positions).toEqual([events.at(-1)!.globalPosition]);
      expect(events.at(-1)!.data).toEqual(index < fresh.length ? { n: index, text: 'قتل مسلحون مجهولون' } : { n: index - fresh.length });
    }
    // Fewer transactions than appends: they were grouped.
    expect(await transactionsOf(streams)).toBeLessThan(appends.length);
    // Each event's hash covers its content and chains to its stream's previous event.
    expect((await verifyLog(db.pool, { trustedKeys: [] })).findings).toEqual([]);
  });

  it("refuse only the append whose expected version is wrong, not the others of its group", async () => {
    const taken = stream();
    const behind = stream();
    await store.append(taken, 'no_stream', [{ type: 'test.opened', data: {} }]);
    await store.append(behind, 'no_stream', [{ type: 'test.opened', data: {} }]);
    await store.append(behind, 1, [{ type: 'test.corrected', data: {} }]);
    const others = Array.from({ length: 20 }, stream);

    const results = await Promise.allSettled([
      ...others.slice(0, 10).map((id) => store.append(id, 'no_stream', [{ type: 'test.opened', data: {} }])),
      // The stream exists: the group's INSERT meets the unique key, and each append goes again alone.
      store.append(taken, 'no_stream', [{ type: 'test.opened', data: { again: true } }]),
      // Version 1 is not the stream's last: this append's event finds no base and appends nothing.
      store.append(behind, 1, [{ type: 'test.corrected', data: { late: true } }]),
      ...others.slice(10).map((id) => store.append(id, 'no_stream', [{ type: 'test.opened', data: {} }])),
    ]);

    const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(refused.map((result) => [result.reason.constructor, result.reason.streamId])).toEqual([
      [WrongExpectedVersionError, taken],
      [WrongExpectedVersionError, behind],
    ]);
    for (const id of others) expect(await store.readStream(id)).toHaveLength(1);
    expect(await store.readStream(taken)).toHaveLength(1);
    expect(await store.readStream(behind)).toHaveLength(2);
  });

  it('refuse only the append whose content the log refuses, not the others of its group', async () => {
    const others = Array.from({ length: 10 }, stream);
    const bad = stream();
    const results = await Promise.allSettled([
      ...others.slice(0, 5).map((id) => store.append(id, 'no_stream', [{ type: 'test.opened', data: {} }])),
      // A NUL character: JSON allows it, the log does not (the events_content_is_jsonb check).
      store.append(bad, 'no_stream', [{ type: 'test.opened', data: { text: 'a\u0000b' } }]),
      ...others.slice(5).map((id) => store.append(id, 'no_stream', [{ type: 'test.opened', data: {} }])),
    ]);

    expect(results.map((result) => result.status)).toEqual([...Array(5).fill('fulfilled'), 'rejected', ...Array(5).fill('fulfilled')]);
    for (const id of others) expect(await store.readStream(id)).toHaveLength(1);
    expect(await store.readStream(bad)).toEqual([]);
  });

  it('write one append per stream at a time: the next, made before the last is answered, waits for it', async () => {
    const id = stream();
    // Version 2 is not there until the first append commits: in the same group it would find no base.
    const results = await Promise.all([
      store.append(id, 'no_stream', [{ type: 'test.opened', data: { n: 1 } }]),
      store.append(id, 1, [{ type: 'test.corrected', data: { n: 2 } }]),
      store.append(id, 2, [{ type: 'test.corrected', data: { n: 3 } }]),
    ]);
    expect(results.map((result) => result.streamVersion)).toEqual([1, 2, 3]);
    expect((await store.readStream(id)).map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });
});

describeOnServer('a group held up by another transaction', () => {
  it('does not hold back the appends that arrive after it', async () => {
    const contested = stream();
    const holder = await db.pool.connect();
    try {
      // Another transaction starts the same stream and stays open: the append waits on its key.
      await holder.query('BEGIN');
      await new EventStore(holder).append(contested, 'no_stream', [{ type: 'test.opened', data: { holder: true } }]);
      const waiting = store.append(contested, 'no_stream', [{ type: 'test.opened', data: { waiting: true } }]);
      const outcome = waiting.then(
        () => 'appended',
        (error: unknown) => error,
      );
      await sleep(50);

      const later = Array.from({ length: 5 }, stream);
      const landed: AppendResult[] = await Promise.race([
        Promise.all(later.map((id) => store.append(id, 'no_stream', [{ type: 'test.opened', data: {} }]))),
        sleep(5_000).then(() => {
          throw new Error('the later appends waited behind the held-up one');
        }),
      ]);
      expect(landed).toHaveLength(5);
      for (const id of later) expect(await store.readStream(id)).toHaveLength(1);

      await holder.query('COMMIT');
      expect(await outcome).toBeInstanceOf(WrongExpectedVersionError);
    } finally {
      holder.release();
    }
    expect((await store.readStream(contested)).map((event) => event.data)).toEqual([{ holder: true }]);
  });
});
