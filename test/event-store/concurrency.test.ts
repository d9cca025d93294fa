import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  EventStore,
  WrongExpectedVersionError,
  type Checkpoint,
  type RecordedEvent,
} from '../../src/event-store/index.js';
import { describeOnServer, openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  db = await openTestDatabase();
  store = new EventStore(db.pool);
});
afterAll(() => db?.close());

const stream = () => `test-${randomUUID()}`;

/**
 * Follows the log the way a projection does. `stop` waits until the follower has caught up with
 * every committed event (an empty page only means nothing is safe to read yet: some transaction
 * in the cluster is still running), then stops it.
 */
function follow(reader: EventStore) {
  const seen: RecordedEvent[] = [];
  let target: number | undefined;
  let checkpoint: Checkpoint | undefined;
  const done = (async () => {
    const deadline = () => Date.now() > stopAt;
    let stopAt = Infinity;
    for (;;) {
      const page = await reader.readAll({ after: checkpoint, limit: 50 });
      seen.push(...page.events);
      checkpoint = page.checkpoint;
      if (target !== undefined) {
        stopAt = Math.min(stopAt, Date.now() + 10_000);
        if (seen.length >= target || deadline()) return seen;
      }
      if (page.events.length === 0) await sleep(5);
    }
  })();
  return {
    seen,
    async stop() {
      target = Number((await db.pool.query('SELECT count(*) FROM events')).rows[0].count);
      return done;
    },
  };
}

describeOnServer('the event store under concurrent writers', () => {
  it('gives every version of a stream to exactly one writer, with no gap', async () => {
    const id = stream();
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      let conflicts = 0;
      for (let n = 0; n < 25; ) {
        const version = await store.streamVersion(id);
        try {
          await store.append(id, version === 0 ? 'no_stream' : version, [{ type: 'test.noted', data: { writer, n } }]);
          n++;
        } catch (error) {
          if (!(error instanceof WrongExpectedVersionError)) throw error;
          conflicts++;
        }
      }
      return conflicts;
    });
    const conflicts = (await Promise.all(writers)).reduce((a, b) => a + b, 0);

    const events = await store.readStream(id);
    expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const written = events.map((e) => JSON.stringify(e.data)).sort();
    expect(new Set(written).size).toBe(200);
    // The race was real: writers did collide and were refused.
    expect(conflicts).toBeGreaterThan(0);
  });

  it('lets exactly one of several writers create a stream', async () => {
    const id = stream();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, writer) => store.append(id, 'no_stream', [{ type: 'test.created', data: { writer } }])),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(refused.every((r) => r.reason instanceof WrongExpectedVersionError)).toBe(true);
    expect(await store.readStream(id)).toHaveLength(1);
  });

  it('appends once for concurrent retries with the same idempotency key', async () => {
    const id = stream();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        store.append(id, 'no_stream', [{ type: 'test.created', data: { same: true } }], { idempotencyKey: 'retry' }),
      ),
    );
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(await store.readStream(id)).toHaveLength(1);
  });

  it('never lets readAll skip an event whose transaction commits after later positions', async () => {
    const reader = follow(store);
    const slow = await db.pool.connect();
    try {
      await slow.query('BEGIN');
      const slowId = stream();
      const slowAppend = await new EventStore(slow).append(slowId, 'no_stream', [{ type: 'test.slow', data: {} }]);

      // Later writers take higher positions and commit first.
      const fastIds = Array.from({ length: 20 }, stream);
      for (const id of fastIds) await store.append(id, 'no_stream', [{ type: 'test.fast', data: {} }]);
      const fastPositions = (await db.pool.query('SELECT max(global_position) AS p FROM events')).rows[0].p;
      expect(Number(fastPositions)).toBeGreaterThan(slowAppend.positions[0]);

      // A reader that trusted positions alone would now move past the slow event for good...
      const naive = await db.pool.query('SELECT max(global_position) AS p FROM events');
      // ...while the safe reader holds back everything behind the open transaction.
      await sleep(100);
      expect(reader.seen.filter((e) => fastIds.includes(e.streamId))).toHaveLength(0);

      await slow.query('COMMIT');
      const seen = await reader.stop();

      const ours = seen.filter((e) => e.streamId === slowId || fastIds.includes(e.streamId));
      expect(ours.map((e) => e.streamId)).toEqual([slowId, ...fastIds]);
      expect(new Set(seen.map((e) => e.globalPosition)).size).toBe(seen.length);
      const naiveSince = await db.pool.query('SELECT stream_id FROM events WHERE global_position > $1', [naive.rows[0].p]);
      expect(naiveSince.rows.map((row) => row.stream_id)).not.toContain(slowId);
    } finally {
      slow.release();
    }
  });

  it('sees every event exactly once while many writers commit in any order', async () => {
    const reader = follow(store);
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      for (let n = 0; n < 40; n++) {
        const client = await db.pool.connect();
        try {
          await client.query('BEGIN');
          await new EventStore(client).append(stream(), 'no_stream', [{ type: 'test.noted', data: { writer, n } }]);
          // Hold some transactions open a little, so commits land out of position order.
          if (n % 3 === writer % 3) await sleep(Math.random() * 20);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      }
    });
    await Promise.all(writers);
    const seen = await reader.stop();

    const all = (await db.pool.query('SELECT global_position FROM events')).rows.map((r) => Number(r.global_position));
    expect(seen.map((e) => e.globalPosition).sort((a, b) => a - b)).toEqual(all.sort((a, b) => a - b));
  });
});

describeOnServer('a writer killed mid-write', () => {
  const fixture = fileURLToPath(new URL('./fixtures/append-and-hang.ts', import.meta.url));

  function startWriter(streamId: string, mode: 'open-transaction' | 'huge-append'): ChildProcess {
    return spawn(process.execPath, ['--import', 'tsx', fixture, db.target.url, streamId, mode], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  }

  async function saidLine(child: ChildProcess, line: string) {
    let output = '';
    for await (const chunk of child.stdout!) {
      output += chunk;
      if (output.includes(line)) return;
    }
    throw new Error(`writer exited before saying "${line}"`);
  }

  it('leaves nothing of its open transaction, and readers move on once it is gone', async () => {
    const doomed = stream();
    const child = startWriter(doomed, 'open-transaction');
    await saidLine(child, 'appended');

    const reader = follow(store);
    const survivor = stream();
    await store.append(survivor, 'no_stream', [{ type: 'test.survivor', data: {} }]);
    await sleep(100);
    expect(reader.seen.some((e) => e.streamId === survivor)).toBe(false);

    child.kill('SIGKILL');
    await once(child, 'exit');
    let seen: RecordedEvent[] = [];
    for (let tries = 0; tries < 100 && !seen.some((e) => e.streamId === survivor); tries++) {
      await sleep(50);
      seen = reader.seen;
    }
    await reader.stop();

    expect(seen.filter((e) => e.streamId === survivor)).toHaveLength(1);
    expect(seen.some((e) => e.streamId === doomed)).toBe(false);
    expect(await store.readStream(doomed)).toEqual([]);
    await expect(store.append(doomed, 'no_stream', [{ type: 'test.reborn', data: {} }])).resolves.toMatchObject({
      streamVersion: 1,
    });
  });

  it('leaves nothing of an append killed while it is being written', async () => {
    const doomed = stream();
    const child = startWriter(doomed, 'huge-append');
    await saidLine(child, 'appending');
    // Wait until the INSERT is running on the server, then kill the writer.
    for (let tries = 0; tries < 200; tries++) {
      const active = await db.pool.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE '%INSERT INTO events%' AND pid <> pg_backend_pid()`,
      );
      if (active.rowCount) break;
      await sleep(10);
    }
    child.kill('SIGKILL');
    await once(child, 'exit');
    // The server notices the dead connection and rolls the statement back.
    await db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%INSERT INTO events%' AND pid <> pg_backend_pid()`,
    );
    expect(await store.readStream(doomed)).toEqual([]);
    expect(await store.streamVersion(doomed)).toBe(0);
  });
});
