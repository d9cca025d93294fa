import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PassThrough, Writable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventLog, type LogPage } from '../../src/audit/event-log.js';
import { exportEvents, type ExportOptions } from '../../src/audit/export-events.js';
import { exportCommand } from '../../src/audit/export.cli.js';
import { EventStore, parseCheckpoint } from '../../src/event-store/index.js';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { describeOnServer, logSettled } from '../support/test-database.js';
import { appendMixedStreams, auditStream, checkpointsInSafeOrder } from './support/log.js';

let t: TestApp;
let store: EventStore;
let log: EventLog;
beforeAll(async () => {
  t = await openTestApp();
  store = new EventStore(t.db.pool);
  log = new EventLog(t.db.pool);
  await appendMixedStreams(store, 8);
  await store.append(auditStream('bulk'), 'no_stream', Array.from({ length: 150 }, (_, n) => ({ type: 'audit-test.bulk', data: { n } })));
  await logSettled(t.db.pool);
});
afterAll(() => t.close());

/** Runs the exporter into a stream of the test's own and returns the lines it wrote, and its result. */
async function exportToLines(options: ExportOptions = {}) {
  const out = new PassThrough();
  const written = text(out);
  const result = await exportEvents(log, out, options);
  out.end();
  const ndjson = await written;
  expect(ndjson === '' || ndjson.endsWith('\n')).toBe(true);
  const lines = ndjson.split('\n').slice(0, -1);
  return { lines, events: lines.map((line) => JSON.parse(line)), result };
}

/** The whole feed, as GET /events serves it. */
async function feed(): Promise<unknown[]> {
  const events: unknown[] = [];
  for (let after = '0-0'; ; ) {
    const page = (await t.http().get('/events').query({ after, limit: 1000 }).expect(200)).body;
    if (page.events.length === 0) return events;
    events.push(...page.events);
    after = page.next;
  }
}

describe('exportEvents', () => {
  it('writes every event exactly once, one JSON object a line, in the order and shape of the feed', async () => {
    const expected = await checkpointsInSafeOrder(t.db.pool);
    const { lines, events, result } = await exportToLines({ batchSize: 7 });

    expect(lines).toHaveLength(expected.length);
    expect(events.map((event) => event.checkpoint)).toEqual(expected);
    expect(events).toEqual(await feed());
    // A line break inside the data stays escaped inside its line.
    expect(events.find((event) => event.type === 'audit-test.noted').data.note).toContain('\n');
    expect(result).toEqual({
      events: expected.length,
      checkpoint: expected[expected.length - 1],
      cut: { checkpoint: expected[expected.length - 1], events: expected.length },
    });
  });

  it('continues an earlier export from the checkpoint of its last line, and writes nothing when nothing is new', async () => {
    const first = await exportToLines();
    const middle = first.events[99].checkpoint;
    const rest = await exportToLines({ after: parseCheckpoint(middle) });
    expect(rest.lines).toEqual(first.lines.slice(100));

    const none = await exportToLines({ after: parseCheckpoint(first.result.checkpoint) });
    expect(none.lines).toEqual([]);
    expect(none.result).toMatchObject({ events: 0, checkpoint: first.result.checkpoint });

    const streamId = auditStream('later');
    await store.append(streamId, 'no_stream', [{ type: 'audit-test.later', data: { n: 1 } }, { type: 'audit-test.later', data: { n: 2 } }]);
    await logSettled(t.db.pool);
    const later = await exportToLines({ after: parseCheckpoint(first.result.checkpoint) });
    expect(later.events.map((event) => [event.streamId, event.version])).toEqual([[streamId, 1], [streamId, 2]]);
    expect(later.result.checkpoint).toBe(later.events[1].checkpoint);
  });

  it('reads the next batch only once the output has taken the last one', async () => {
    class CountingLog extends EventLog {
      reads = 0;
      override read(options: Parameters<EventLog['read']>[0]): Promise<LogPage> {
        this.reads++;
        return super.read(options);
      }
    }
    const counting = new CountingLog(t.db.pool);
    const total = (await checkpointsInSafeOrder(t.db.pool)).length;
    // Nobody reads this output yet: it fills after a batch or two.
    const out = new PassThrough({ highWaterMark: 256 });
    const exporting = exportEvents(counting, out, { batchSize: 5 });
    await sleep(300);
    expect(total / 5).toBeGreaterThanOrEqual(30);
    expect(counting.reads).toBeLessThanOrEqual(4);

    const written = text(out);
    const result = await exporting;
    out.end();
    expect((await written).split('\n').slice(0, -1).map((line) => JSON.parse(line).checkpoint)).toEqual(
      await checkpointsInSafeOrder(t.db.pool),
    );
    expect(result.events).toBe(total);
    expect(counting.reads).toBe(Math.ceil(total / 5));
  });

  it('stops reading the log, and says why, when the output fails', async () => {
    const out = new PassThrough({ highWaterMark: 64 });
    const exporting = exportEvents(log, out, { batchSize: 5 });
    // Once the export writes (a fixed wait could end before it starts, on a busy machine, and the
    // error would then have no one to hear it).
    while (out.readableLength === 0) await sleep(10);
    out.destroy(new Error('disk full'));
    await expect(exporting).rejects.toThrow('disk full');
  });
});

describe('npm run cli -- export events', () => {
  /** Runs the command on the test's database, with its output and diagnostics collected. */
  async function cli(...args: string[]) {
    const out = new PassThrough();
    const written = text(out);
    const diagnostics: string[] = [];
    const command = exportCommand((work) => work(t.db.dataSource), { out, diagnostics: (line) => diagnostics.push(line) }).exitOverride();
    for (const sub of command.commands) sub.exitOverride().configureOutput({ writeErr: () => {} });
    let error: Error | undefined;
    try {
      await command.parseAsync(args, { from: 'user' });
    } catch (thrown) {
      error = thrown as Error;
    } finally {
      out.end();
    }
    const ndjson = await written;
    return { ndjson, checkpoints: ndjson.split('\n').slice(0, -1).map((line) => JSON.parse(line).checkpoint), diagnostics: diagnostics.join(''), error };
  }

  it('writes only NDJSON to its output, and its progress and where to continue to diagnostics', async () => {
    const expected = await checkpointsInSafeOrder(t.db.pool);
    const all = await cli('events');
    expect(all.error).toBeUndefined();
    expect(all.checkpoints).toEqual(expected);
    const last = expected[expected.length - 1];
    expect(all.diagnostics).toContain(`Exported ${expected.length} / ${expected.length} events`);
    expect(all.diagnostics).toContain(`To continue later: export events --after ${last}`);

    const rest = await cli('events', '--after', expected[expected.length - 3]);
    expect(rest.checkpoints).toEqual(expected.slice(-2));
    expect(rest.diagnostics).toContain(`Exported 2 events, up to checkpoint ${last}`);
  });

  it('says so when the reader of its output goes away (`… | head`), ending the progress line first', async () => {
    const closedPipe = new Writable({
      write: (_chunk, _encoding, done) => done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })),
    });
    const diagnostics: string[] = [];
    const command = exportCommand((work) => work(t.db.dataSource), { out: closedPipe, diagnostics: (line) => diagnostics.push(line) });
    await expect(command.parseAsync(['events'], { from: 'user' })).rejects.toThrow('stdout was closed before the export finished');
    expect(diagnostics.join('')).toMatch(/^\r\[[#.]{30}\] Exported \d+ \/ \d+ events\n$/);
  });

  it('refuses a malformed --after and writes nothing', async () => {
    const refused = await cli('events', '--after', 'yesterday');
    expect(refused.error?.message).toMatch(/--after.*a checkpoint such as/);
    expect(refused.ndjson).toBe('');
  });
});

describeOnServer('exportEvents while a transaction is held open', () => {
  it('ends where the safe order stops, and the next export picks up the late event before those after it', async () => {
    await logSettled(t.db.pool);
    const before = await checkpointsInSafeOrder(t.db.pool);

    const slow = await t.db.pool.connect();
    try {
      await slow.query('BEGIN');
      const slowStream = auditStream('slow');
      await new EventStore(slow).append(slowStream, 'no_stream', [{ type: 'audit-test.slow', data: {} }]);
      const fastStreams = Array.from({ length: 5 }, () => auditStream('fast'));
      for (const streamId of fastStreams) await store.append(streamId, 'no_stream', [{ type: 'audit-test.fast', data: {} }]);

      // The export ends rather than waiting, and has none of the events behind the open transaction.
      const first = await exportToLines({ batchSize: 4 });
      const streamsSeen = new Set(first.events.map((event) => event.streamId));
      expect([slowStream, ...fastStreams].some((streamId) => streamsSeen.has(streamId))).toBe(false);

      await slow.query('COMMIT');
      await logSettled(t.db.pool);
      const second = await exportToLines({ after: parseCheckpoint(first.result.checkpoint), batchSize: 4 });
      const all = [...first.events, ...second.events].map((event) => event.checkpoint);
      expect(all).toEqual(await checkpointsInSafeOrder(t.db.pool));
      expect(all.slice(before.length).length).toBe(1 + fastStreams.length);
      expect(second.events.slice(-6).map((event) => event.streamId)).toEqual([slowStream, ...fastStreams]);
    } finally {
      slow.release();
    }
  });
});
