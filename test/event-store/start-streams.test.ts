import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { HASHED_COLUMNS, eventHash, hashedContent, type HashedRow } from '../../src/event-store/event-hash.js';
import { EventStore, StreamsExistError, type NewEvent } from '../../src/event-store/index.js';
import { openTestDatabase, serverUrl, type TestDatabase } from '../support/test-database.js';

/** startStreams, the bulk import's append: many new streams in one go, all or none. */

let db: TestDatabase;
let store: EventStore;
beforeAll(async () => {
  db = await openTestDatabase();
  store = new EventStore(db.pool);
});
afterAll(() => db.close());

/** JSON escapes, COPY's own escapes (backslash, tab, newline) and Arabic, stored and hashed as given. */
const awkward = { text: 'tab\there\nnew line \\ backslash \\N \\x00 "quoted" اغتيال في ريف دير الزور', n: 1.5 };
const event = (i: number): NewEvent => ({ type: 'test.happened', data: { i, awkward }, metadata: { actor: 'test\tactor' } });

async function rowsOf(streamId: string): Promise<(HashedRow & { data: unknown; metadata: unknown })[]> {
  const { rows } = await db.pool.query(`SELECT ${HASHED_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`, [streamId]);
  return rows;
}

// COPY needs a server: embedded PostgreSQL does not carry it over its socket.
const ways: [string, boolean][] = serverUrl ? [['one statement', false], ['COPY', true]] : [['one statement', false]];

describe.each(ways)('startStreams by %s', (_, copy) => {
  it('starts each stream at version 1, in the order given, chained and hashed as append hashes', async () => {
    const streams = [1, 3, 2].map((length) => ({ streamId: `test-${randomUUID()}`, events: Array.from({ length }, (_, i) => event(i)) }));
    const results = await store.startStreams(streams, { copy });
    expect(results.map((result) => result.streamVersion)).toEqual([1, 3, 2]);
    const positions = results.flatMap((result) => result.positions);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(positions[5] - positions[0]).toBe(5);
    for (const { streamId, events } of streams) {
      const rows = await rowsOf(streamId);
      expect(rows.map((row) => [row.stream_version, row.data, row.metadata])).toEqual(events.map((e, i) => [i + 1, e.data, e.metadata]));
      rows.forEach((row, i) => {
        const previous = i === 0 ? null : rows[i - 1].hash;
        expect(row.previous_hash).toEqual(previous);
        expect(eventHash(hashedContent(row), previous).equals(row.hash!)).toBe(true);
      });
    }
    // The same rows through append: the same hash rules.
    const single = `test-${randomUUID()}`;
    await store.append(single, 'no_stream', [event(0)]);
    const [appended] = await rowsOf(single);
    expect(eventHash(hashedContent(appended), null).equals(appended.hash!)).toBe(true);
  });

  it('appends nothing when one of the streams exists, and names it', async () => {
    const taken = `test-${randomUUID()}`;
    await store.append(taken, 'no_stream', [event(0)]);
    const fresh = `test-${randomUUID()}`;
    const before = Number((await db.pool.query('SELECT count(*) FROM events')).rows[0].count);
    const error = await store
      .startStreams([{ streamId: fresh, events: [event(1)] }, { streamId: taken, events: [event(2)] }], { copy })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamsExistError);
    expect((error as StreamsExistError).streamIds).toEqual([taken]);
    expect(Number((await db.pool.query('SELECT count(*) FROM events')).rows[0].count)).toBe(before);
    expect(await store.existing([fresh, taken])).toEqual([taken]);
  });
});
