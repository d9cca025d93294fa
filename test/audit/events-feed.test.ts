import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { getMetadataStorage } from 'class-validator';
import { EventFeedQueryDto } from '../../src/audit/http/event-feed.dto.js';
import { EventStore } from '../../src/event-store/index.js';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { describeOnServer, logSettled } from '../support/test-database.js';
import { appendMixedStreams, auditStream, checkpointsInSafeOrder } from './support/log.js';

let t: TestApp;
let store: EventStore;
beforeAll(async () => {
  t = await openTestApp();
  store = new EventStore(t.db.pool);
});
afterAll(() => t.close());

const http = () => t.http();

interface FeedEvent {
  position: number;
  checkpoint: string;
  streamId: string;
  version: number;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
}
interface Feed {
  events: FeedEvent[];
  next: string;
}

const page = async (query: { after?: string; limit?: number } = {}): Promise<Feed> =>
  (await http().get('/events').query(query).expect(200).expect('content-type', /application\/json/)).body;

/**
 * Follows the feed `limit` events at a time from `after` until it has read `count` events,
 * checking on every page that `next` is its last event's checkpoint (or `after` when empty).
 */
async function readFeed(count: number, limit: number, after?: string) {
  const events: FeedEvent[] = [];
  const deadline = Date.now() + 20_000;
  let pages = 0;
  while (events.length < count) {
    const feed = await page({ after, limit });
    pages++;
    expect(feed.events.length).toBeLessThanOrEqual(limit);
    expect(feed.next).toBe(feed.events.length ? feed.events[feed.events.length - 1].checkpoint : (after ?? '0-0'));
    events.push(...feed.events);
    after = feed.next;
    // An empty page only means nothing more is readable yet (some transaction is still running).
    if (feed.events.length === 0) {
      if (Date.now() > deadline) throw new Error(`the feed stopped at ${events.length} of ${count} events`);
      await sleep(20);
    }
  }
  return { events, next: after!, pages };
}

describe('GET /events', () => {
  let streams: string[];
  let incidentId: string;
  beforeAll(async () => {
    streams = await appendMixedStreams(store);
    const recorded = await http()
      .post('/incidents')
      .send({
        category: 'armed_clash',
        title: { text: 'Clash near Hajin', language: 'en' },
        occurred: { from: '2018-05-14', precision: 'day' },
        place: { name: 'Hajin', countryCode: 'SY', precision: 'locality' },
        actors: [{ name: 'SDF', role: 'perpetrator' }],
        sources: [{ outlet: 'UCDP GED', language: 'en', access: 'relayed' }],
      })
      .expect(201);
    incidentId = recorded.body.id;
    // More than a default page.
    await store.append(auditStream('bulk'), 'no_stream', Array.from({ length: 120 }, (_, n) => ({ type: 'audit-test.bulk', data: { n } })));
    await logSettled(t.db.pool);
  });

  it('gives every event exactly once, in the safe order, across pages of any size', async () => {
    const expected = await checkpointsInSafeOrder(t.db.pool);
    expect(expected.length).toBeGreaterThan(150);
    for (const limit of [1, 7, 1000]) {
      const { events, pages } = await readFeed(expected.length, limit);
      expect(events.map((event) => event.checkpoint)).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / limit));
    }
  });

  it('shows each event whole: its checkpoint, stream, version, type, schema version, data, metadata, time and hashes', async () => {
    const { events } = await readFeed((await checkpointsInSafeOrder(t.db.pool)).length, 1000);
    const [first] = events.filter((event) => event.streamId === streams[2]);
    const { rows } = await t.db.pool.query(
      `SELECT transaction_id::text AS transaction_id, global_position, encode(hash, 'hex') AS hash FROM events WHERE stream_id = $1 AND stream_version = 1`,
      [streams[2]],
    );
    expect(Object.keys(first)).toEqual(['position', 'checkpoint', 'streamId', 'version', 'type', 'schemaVersion', 'data', 'metadata', 'recordedAt', 'integrity']);
    expect(first).toEqual({
      position: Number(rows[0].global_position),
      checkpoint: `${rows[0].transaction_id}-${rows[0].global_position}`,
      streamId: streams[2],
      version: 1,
      type: 'audit-test.noted',
      schemaVersion: 1,
      data: { round: 0, n: 0, note: 'line one\nline two, "quoted", دير الزور 0' },
      metadata: { actor: 'analyst-2', requestId: expect.any(String) },
      recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      integrity: { hash: rows[0].hash, previousHash: null, recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/) },
    });
    // Each stream in version order, and the service's own events alongside the others.
    for (const streamId of streams) {
      const versions = events.filter((event) => event.streamId === streamId).map((event) => event.version);
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, n) => n + 1));
    }
    expect(events).toContainEqual(expect.objectContaining({ streamId: `incident-${incidentId}`, type: 'incident.recorded', version: 1 }));
  });

  it('starts at the beginning without after, and gives 100 events unless told otherwise', async () => {
    const expected = await checkpointsInSafeOrder(t.db.pool);
    const feed = await page();
    expect(feed.events.map((event) => event.checkpoint)).toEqual(expected.slice(0, 100));
    expect(feed.next).toBe(expected[99]);
    expect((await page({ after: '0-0', limit: 1000 })).events).toHaveLength(expected.length);
  });

  it('reads on from an event’s own checkpoint, and answers an empty page with the same next when nothing is new', async () => {
    const expected = await checkpointsInSafeOrder(t.db.pool);
    const middle = expected[40];
    expect((await page({ after: middle, limit: 3 })).events.map((event) => event.checkpoint)).toEqual(expected.slice(41, 44));

    const end = expected[expected.length - 1];
    expect(await page({ after: end })).toEqual({ events: [], next: end });
    // Beyond any event the log can hold: nothing, not an error.
    expect(await page({ after: '18446744073709551615-1' })).toEqual({ events: [], next: '18446744073709551615-1' });

    const streamId = auditStream('later');
    await store.append(streamId, 'no_stream', [{ type: 'audit-test.later', data: {} }]);
    const { events, next } = await readFeed(1, 10, end);
    expect(events.map((event) => event.streamId)).toEqual([streamId]);
    expect(next).toBe(events[0].checkpoint);
  });

  it.each([
    [{ after: 'yesterday' }, 'after'],
    [{ after: '42' }, 'after'],
    [{ after: '1-' }, 'after'],
    [{ after: '-1-2' }, 'after'],
    [{ after: '1.5-2' }, 'after'],
    [{ after: '' }, 'after'],
    [{ after: '18446744073709551616-1' }, 'after'],
    [{ after: '1-9999999999999999' }, 'after'],
    [{ after: ['1-1', '2-2'] }, 'after'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 1001 }, 'limit'],
    [{ limit: -5 }, 'limit'],
    [{ limit: 2.5 }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ limit: '' }, 'limit'],
    [{ limit: [1, 2] }, 'limit'],
    [{ from: '1-1' }, 'from'],
  ])('%j is a 400 naming %s', async (query, path) => {
    const response = await http().get('/events').query(query).expect(400).expect('content-type', /application\/problem\+json/);
    expect(response.body).toMatchObject({ type: '/problems/validation-error', status: 400 });
    expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual([path]);
  });
});

describe('the feed in the served OpenAPI document', () => {
  it('documents exactly the query parameters it validates, and the page it answers', async () => {
    const document = (await http().get('/docs-json').expect(200)).body;
    const operation = document.paths['/events'].get;
    const validated = [
      ...new Set(getMetadataStorage().getTargetValidationMetadatas(EventFeedQueryDto, '', true, false).map((m) => m.propertyName)),
    ].sort();
    expect(operation.parameters.filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name).sort()).toEqual(validated);
    expect(operation.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/EventFeedDto');
    expect(operation.responses['400']).toBeDefined();
    const feed = await page({ limit: 1 });
    expect(Object.keys(document.components.schemas.EventFeedDto.properties).sort()).toEqual(Object.keys(feed).sort());
    expect(Object.keys(document.components.schemas.LogEventDto.properties).sort()).toEqual(Object.keys(feed.events[0]).sort());
  });
});

describeOnServer('GET /events while a transaction is held open', () => {
  it('holds back the events after it until it commits, then gives each event exactly once in transaction order', async () => {
    await logSettled(t.db.pool);
    const before = await checkpointsInSafeOrder(t.db.pool);
    const start = before[before.length - 1];

    const slow = await t.db.pool.connect();
    try {
      await slow.query('BEGIN');
      const slowStream = auditStream('slow');
      const slowAppend = await new EventStore(slow).append(slowStream, 'no_stream', [{ type: 'audit-test.slow', data: {} }]);
      // Later writers take higher positions and commit first.
      const fastStreams = Array.from({ length: 6 }, () => auditStream('fast'));
      for (const streamId of fastStreams) await store.append(streamId, 'no_stream', [{ type: 'audit-test.fast', data: {} }]);

      // The fast events are committed, but the feed gives none of them while the slow one may still come.
      const held = await page({ after: start, limit: 2 });
      expect(held).toEqual({ events: [], next: start });

      await slow.query('COMMIT');
      const { events } = await readFeed(1 + fastStreams.length, 2, start);
      expect(events.map((event) => event.streamId)).toEqual([slowStream, ...fastStreams]);
      // It committed after the fast events: a reader going by positions alone would have passed it for good.
      expect(events[0].position).toBe(slowAppend.positions[0]);
      expect(events.slice(1).every((event) => event.position > slowAppend.positions[0])).toBe(true);
      expect(await checkpointsInSafeOrder(t.db.pool)).toEqual([...before, ...events.map((event) => event.checkpoint)]);
    } finally {
      slow.release();
    }
  });
});
