import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getMetadataStorage } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChangeFeed } from '../../src/changes/change-feed.js';
import { ChangesQueryDto } from '../../src/changes/http/changes.dto.js';
import { EventStore, formatCheckpoint, LOG_START } from '../../src/event-store/index.js';
import { auditStream, checkpointsInSafeOrder } from '../audit/support/log.js';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { describeOnServer, logSettled } from '../support/test-database.js';

let t: TestApp;
let store: EventStore;
beforeAll(async () => {
  t = await openTestApp();
  store = new EventStore(t.db.pool);
  // Exact starts from a moment; the margin for transactions open at it has a test of its own.
  t.app.get(ChangeFeed).marginMs = 0;
});
afterAll(() => t.close());

const http = () => t.http();

interface Change {
  incidentId: string;
  change: 'recorded' | 'changed' | 'retracted';
  fromVersion: number;
  version: number;
  eventTypes: string[];
  changedAt: string;
  incident: Record<string, any>;
}
interface Changes {
  changes: Change[];
  next: string;
  upToDate: boolean;
}

const poll = async (query: { since?: string; limit?: number } = {}): Promise<Changes> =>
  (await http().get('/changes').query(query).expect(200).expect('content-type', /application\/json/)).body;

/** What a consumer keeps of an entry, to compare answers at a glance. */
const brief = ({ incidentId, change, fromVersion, version, eventTypes }: Change) => [incidentId, change, fromVersion, version, eventTypes];

const incident = (title: string, actors: object[] = [{ name: 'SDF', role: 'perpetrator' }]) => ({
  category: 'armed_clash',
  title: { text: title, language: 'en' },
  occurred: { from: '2018-05-14', precision: 'day' },
  place: { name: 'Hajin', countryCode: 'SY', precision: 'locality' },
  actors,
  sources: [{ outlet: 'UCDP GED', language: 'en', access: 'relayed' }],
});

const record = async (title: string, actors?: object[]): Promise<string> =>
  (await http().post('/incidents').send(incident(title, actors)).expect(201)).body.id;
const tag = (id: string, ...tags: string[]) =>
  http().post(`/incidents/${id}/corrections`).send({ changes: { tags }, reason: 'Tagged after review.' }).expect(200);
const retract = (id: string) => http().post(`/incidents/${id}/retraction`).send({ reason: 'Duplicate of another record.' }).expect(200);
const registerActor = async (): Promise<string> =>
  (await http().post('/actors').send({ kind: 'tribe', names: [{ value: `Tribe ${randomUUID()}`, language: 'en', kind: 'primary' }] }).expect(201))
    .body.id;

/** The checkpoint of the last event in the log, once every event written so far can be read. */
async function logEnd(): Promise<string> {
  await logSettled(t.db.pool);
  return (await checkpointsInSafeOrder(t.db.pool)).at(-1) ?? formatCheckpoint(LOG_START);
}

/** Every incident event after a checkpoint, in the safe order, straight from the table. */
async function incidentEventsAfter(checkpoint: string): Promise<{ checkpoint: string; incidentId: string; version: number }[]> {
  const [transactionId, position] = checkpoint.split('-');
  const { rows } = await t.db.pool.query(
    `SELECT transaction_id::text || '-' || global_position AS checkpoint, substr(stream_id, 10) AS incident_id, stream_version
     FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND stream_id LIKE 'incident-%'
     ORDER BY events.transaction_id, events.global_position`,
    [transactionId, position],
  );
  return rows.map((row) => ({ checkpoint: row.checkpoint, incidentId: row.incident_id, version: row.stream_version }));
}

/** Polls from `since` until the feed is up to date, checking each page's size. */
async function drain(since: string, limit: number) {
  const pages: Changes[] = [];
  for (;;) {
    const page = await poll({ since, limit });
    expect(page.changes.length).toBeLessThanOrEqual(limit);
    pages.push(page);
    since = page.next;
    if (page.upToDate) return { pages, next: since };
    if (pages.length > 500) throw new Error('the feed never caught up');
  }
}

describe('GET /changes', () => {
  it('reports each incident once per answer, recorded, changed or retracted, as it stands now', async () => {
    const actorId = await registerActor();
    const start = await logEnd();
    const a = await record('Clash near Hajin', [{ actorId, role: 'perpetrator' }]);
    const b = await record('Shelling of al-Bahra');
    const c = await record('Arrests in al-Shaafa');
    await registerActor();
    await tag(a, 'first');
    await tag(a, 'second');
    await retract(b);
    const end = await logEnd();

    const first = await poll({ since: start });
    expect(first.changes.map(brief)).toEqual([
      [a, 'recorded', 1, 3, ['incident.recorded', 'incident.corrected']],
      [b, 'retracted', 1, 2, ['incident.recorded', 'incident.retracted']],
      [c, 'recorded', 1, 1, ['incident.recorded']],
    ]);
    expect(first.next).toBe(end);
    expect(first.upToDate).toBe(true);
    // Each incident as GET /incidents/{id} shows it, registry actors named; a retracted one says so.
    for (const entry of first.changes) {
      const current = (await http().get(`/incidents/${entry.incidentId}`).expect(200)).body;
      expect(entry.incident).toEqual(current);
      expect(entry.changedAt).toBe(current.lastChangedAt);
    }
    expect(first.changes[0].incident).toMatchObject({ id: a, version: 3, tags: ['second'], actors: [{ actorId, registryActor: { id: actorId } }] });
    expect(first.changes[1].incident).toMatchObject({ id: b, version: 2, status: 'retracted', retraction: { reason: 'Duplicate of another record.' } });

    // Polling with next gives exactly what came after.
    await tag(c, 'reviewed');
    await retract(a);
    // Other tests' transactions may still be open on the server: what commits after them is held back until they end.
    const secondEnd = await logEnd();
    const second = await poll({ since: first.next });
    expect(second.changes.map(brief)).toEqual([
      [c, 'changed', 2, 2, ['incident.corrected']],
      [a, 'retracted', 4, 4, ['incident.retracted']],
    ]);
    expect(second.changes[1].incident).toMatchObject({ id: a, version: 4, status: 'retracted', tags: ['second'] });
    expect(second.next).toBe(secondEnd);

    // Nothing new: the same position back, up to date.
    expect(await poll({ since: second.next })).toEqual({ changes: [], next: second.next, upToDate: true });
  });

  it('shows the incident as it stands now, which may be past the version the entry reports', async () => {
    const start = await logEnd();
    const first = await record('Recorded first');
    const second = await record('Recorded second');
    await tag(first, 'later');
    await logEnd();

    // One incident a page: the first page stops before the second incident, and so before the tag.
    const page = await poll({ since: start, limit: 1 });
    expect(page.changes.map(brief)).toEqual([[first, 'recorded', 1, 1, ['incident.recorded']]]);
    expect(page.changes[0].incident).toMatchObject({ version: 2, tags: ['later'] });
    expect(page.upToDate).toBe(false);
    // The tag is reported once, on the page that reaches it.
    const rest = await poll({ since: page.next });
    expect(rest.changes.map(brief)).toEqual([
      [second, 'recorded', 1, 1, ['incident.recorded']],
      [first, 'changed', 2, 2, ['incident.corrected']],
    ]);
    expect(rest.upToDate).toBe(true);
  });

  it('leaves out streams that are not incidents, reading on past them', async () => {
    const start = await logEnd();
    await registerActor();
    await registerActor();
    await store.append(auditStream('other'), 'no_stream', [{ type: 'incident.recorded', data: {} }]);
    const end = await logEnd();
    expect(end).not.toBe(start);
    expect(await poll({ since: start })).toEqual({ changes: [], next: end, upToDate: true });
  });

  it('pages by incident without losing or repeating an event, whatever the limit', async () => {
    const start = await logEnd();
    const [i1, i2] = [await record('One'), await record('Two')];
    await tag(i1, 'a');
    const i3 = await record('Three');
    await tag(i2, 'b');
    await registerActor();
    const [i4, i5] = [await record('Four'), await record('Five')];
    await retract(i3);
    const i6 = await record('Six');
    await tag(i5, 'c');
    await tag(i5, 'd');
    const i7 = await record('Seven');
    await tag(i1, 'e');
    const end = await logEnd();
    const expected = await incidentEventsAfter(start);
    expect(expected).toHaveLength(13);

    for (const limit of [1, 2, 3, 1000]) {
      const { pages, next } = await drain(start, limit);
      expect(next).toBe(end);
      const covered = pages.flatMap((page) =>
        page.changes.flatMap((entry) =>
          Array.from({ length: entry.version - entry.fromVersion + 1 }, (_, n) => `${entry.incidentId}@${entry.fromVersion + n}`),
        ),
      );
      expect(covered.sort()).toEqual(expected.map((event) => `${event.incidentId}@${event.version}`).sort());
      for (const page of pages) expect(new Set(page.changes.map((entry) => entry.incidentId)).size).toBe(page.changes.length);
      expect(pages.slice(0, -1).every((page) => !page.upToDate && page.changes.length === limit)).toBe(true);
    }

    // A page ends just before the first event of the incident it has no room for.
    const [firstPage] = (await drain(start, 2)).pages;
    expect(firstPage.changes.map(brief)).toEqual([
      [i1, 'recorded', 1, 2, ['incident.recorded', 'incident.corrected']],
      [i2, 'recorded', 1, 1, ['incident.recorded']],
    ]);
    const i3Recorded = expected.findIndex((event) => event.incidentId === i3);
    expect(firstPage.next).toBe(expected[i3Recorded - 1].checkpoint);
    expect((await poll({ since: start, limit: 1000 })).changes.map((entry) => entry.incidentId)).toEqual([i1, i2, i3, i4, i5, i6, i7]);
  });

  it('starts from the beginning of the log without since, 100 incidents unless told otherwise', async () => {
    const all = await drain(formatCheckpoint(LOG_START), 1000);
    const ids = new Set(all.pages.flatMap((page) => page.changes.map((entry) => entry.incidentId)));
    expect(await poll()).toEqual(await poll({ since: '0-0' }));
    expect((await poll()).changes).toHaveLength(Math.min(100, ids.size));
    while (ids.size <= 100) ids.add(await record(`Filler ${ids.size}`));
    expect((await poll()).changes).toHaveLength(100);
    expect((await poll()).upToDate).toBe(false);
  });

  it('reads from a moment: the first event recorded then or later, in the safe order', async () => {
    const f = await record('Recorded before');
    await sleep(10);
    const since: Date = (await t.db.pool.query('SELECT clock_timestamp() AS now')).rows[0].now;
    await sleep(10);
    const g = await record('Recorded after');
    await sleep(5);
    await tag(f, 'after');
    const end = await logEnd();

    const page = await poll({ since: since.toISOString() });
    expect(page.changes.map(brief)).toEqual([
      [g, 'recorded', 1, 1, ['incident.recorded']],
      [f, 'changed', 2, 2, ['incident.corrected']],
    ]);
    expect(page).toMatchObject({ next: end, upToDate: true });
    // The same instant in another zone, its + sent as %2B.
    const plusThree = new Date(since.getTime() + 3 * 3600_000).toISOString().replace('Z', '+03:00');
    expect(await poll({ since: plusThree })).toEqual(page);

    // A time read off an event includes that event: its millisecond counts as "since".
    const recordedAt: string = (await http().get(`/incidents/${g}`).expect(200)).body.recordedAt;
    expect((await poll({ since: recordedAt })).changes.map(brief)).toEqual(page.changes.map(brief));
    const justAfter = new Date(Date.parse(recordedAt) + 1).toISOString();
    expect((await poll({ since: justAfter })).changes.map(brief)).toEqual([[f, 'changed', 2, 2, ['incident.corrected']]]);

    // A moment to come: nothing yet, and next stands at the end of the log.
    expect(await poll({ since: '2999-01-01T00:00:00Z' })).toEqual({ changes: [], next: end, upToDate: true });
    // A moment before everything: the whole log, as without since.
    expect(await poll({ since: '1970-01-01T00:00:00Z', limit: 1000 })).toEqual(await poll({ limit: 1000 }));
  });

  it('reads on from a checkpoint as GET /events gives it', async () => {
    const start = await logEnd();
    const h = await record('Recorded first');
    const k = await record('Recorded second');
    await tag(h, 'later');
    await logEnd();
    const events = (await http().get('/events').query({ after: start }).expect(200)).body.events as { checkpoint: string; streamId: string }[];
    const kRecorded = events.find((event) => event.streamId === `incident-${k}`)!;
    expect((await poll({ since: kRecorded.checkpoint })).changes.map(brief)).toEqual([[h, 'changed', 2, 2, ['incident.corrected']]]);
  });

  it.each([
    [{ since: 'yesterday' }, ['since']],
    [{ since: '2020-08-08' }, ['since']],
    [{ since: '2020-08-08T12:00:00' }, ['since']],
    [{ since: '2020-02-30T12:00:00Z' }, ['since']],
    [{ since: '2020-08-08T12:00:00 03:00' }, ['since']],
    [{ since: '42' }, ['since']],
    [{ since: '1-' }, ['since']],
    [{ since: '' }, ['since']],
    [{ since: '18446744073709551616-1' }, ['since']],
    [{ since: ['1-1', '2-2'] }, ['since']],
    [{ limit: 0 }, ['limit']],
    [{ limit: 1001 }, ['limit']],
    [{ limit: 2.5 }, ['limit']],
    [{ limit: 'ten' }, ['limit']],
    [{ limit: '' }, ['limit']],
    [{ limit: [1, 2] }, ['limit']],
    [{ since: 'soon', limit: -1 }, ['since', 'limit']],
    [{ after: '1-1' }, ['after']],
  ])('%j is a 400 naming %j', async (query, paths) => {
    const response = await http().get('/changes').query(query).expect(400).expect('content-type', /application\/problem\+json/);
    expect(response.body).toMatchObject({ type: '/problems/validation-error', status: 400 });
    expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(paths);
  });

  it('tells a client what since may be', async () => {
    const response = await http().get('/changes').query({ since: 'last week' }).expect(400);
    expect(response.body.errors).toEqual([{ path: 'since', message: expect.stringMatching(/checkpoint such as 1042-977.*ISO 8601 timestamp with a time zone/) }]);
  });
});

describe('a page of a request of bounded cost', () => {
  it('stops after a scan limit of events, between appends, even with no incident to show', async () => {
    const feed = t.app.get(ChangeFeed);
    const noted = (count: number) => Array.from({ length: count }, (_, n) => ({ type: 'changes-test.noted', data: { n } }));
    const start = await logEnd();
    for (let n = 0; n < 6; n++) await store.append(auditStream('single'), 'no_stream', noted(1));
    await store.append(auditStream('batch'), 'no_stream', noted(8));
    // Two streams written in one transaction.
    const client = await t.db.pool.connect();
    try {
      await client.query('BEGIN');
      await new EventStore(client).append(auditStream('together'), 'no_stream', noted(3));
      await new EventStore(client).append(auditStream('together'), 'no_stream', noted(3));
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const id = await record('After many other events');
    const end = await logEnd();
    const log = await checkpointsInSafeOrder(t.db.pool);
    const checkpoints = log.slice(log.indexOf(start) + 1);
    expect(checkpoints).toHaveLength(21);
    const at = (text: string) => ({ transactionId: text.split('-')[0]!, position: Number(text.split('-')[1]) });

    const pages: { scanLimit: number; next: string }[] = [
      { scanLimit: 4, next: checkpoints[3]! },
      { scanLimit: 2, next: checkpoints[5]! },
      // The batch of eight, one append, is read whole.
      { scanLimit: 1, next: checkpoints[13]! },
      // A transaction's streams may be split: the checkpoint names an event.
      { scanLimit: 1, next: checkpoints[16]! },
      { scanLimit: 1, next: checkpoints[19]! },
    ];
    const reader = { principal: { name: 'test-admin', role: 'admin' as const }, via: 'test' };
    let after = at(start);
    for (const { scanLimit, next } of pages) {
      const page = await feed.page({ reader, after, limit: 10, scanLimit });
      expect(page).toEqual({ changes: [], next: at(next), upToDate: false });
      after = page.next;
    }
    const last = await feed.page({ reader, after, limit: 10, scanLimit: 1 });
    expect(last.changes.map((entry) => entry.incidentId)).toEqual([id]);
    expect(last).toMatchObject({ next: at(end), upToDate: true });
  });
});

describe('the feed in the served OpenAPI document', () => {
  it('documents exactly the query parameters it validates, and the answer it gives', async () => {
    const document = (await http().get('/docs-json').expect(200)).body;
    const operation = document.paths['/changes'].get;
    const validated = [
      ...new Set(getMetadataStorage().getTargetValidationMetadatas(ChangesQueryDto, '', true, false).map((m) => m.propertyName)),
    ].sort();
    expect(validated).toEqual(['limit', 'since']);
    expect(operation.parameters.filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name).sort()).toEqual(validated);
    expect(operation.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/ChangesPageDto');
    expect(operation.responses['400']).toBeDefined();
    const answer = await poll({ limit: 1 });
    expect(answer.changes).toHaveLength(1);
    expect(Object.keys(document.components.schemas.ChangesPageDto.properties).sort()).toEqual(Object.keys(answer).sort());
    expect(Object.keys(document.components.schemas.IncidentChangeDto.properties).sort()).toEqual(Object.keys(answer.changes[0]).sort());
  });
});

describeOnServer('GET /changes while a transaction is held open', () => {
  const correction = (tags: string[]) => [{ type: 'incident.corrected', data: { changes: { tags }, reason: 'Held open.' } }];

  it('holds back what comes after it, then gives its change on a later poll', async () => {
    const x = await record('Corrected in a long transaction');
    const start = await logEnd();
    const slow = await t.db.pool.connect();
    try {
      await slow.query('BEGIN');
      await new EventStore(slow).append(`incident-${x}`, 1, correction(['held']));
      // A later writer commits first.
      const y = await record('Recorded meanwhile');
      expect(await poll({ since: start })).toEqual({ changes: [], next: start, upToDate: true });

      await slow.query('COMMIT');
      await logEnd();
      const page = await poll({ since: start });
      expect(page.changes.map(brief)).toEqual([
        [x, 'changed', 2, 2, ['incident.corrected']],
        [y, 'recorded', 1, 1, ['incident.recorded']],
      ]);
      expect(page.changes[0].incident).toMatchObject({ version: 2, tags: ['held'] });
      expect(await poll({ since: page.next })).toEqual({ changes: [], next: page.next, upToDate: true });
    } finally {
      slow.release();
    }
  });

  it('from a moment, starts no later than a transaction still running, whose events may be recorded after it', async () => {
    const [x, z] = [await record('Corrected after the moment'), await record('Corrected in an older transaction')];
    await logEnd();
    const older = await t.db.pool.connect();
    const held = await t.db.pool.connect();
    try {
      // Begun before the moment, so its event is recorded before it; it writes after `held` does.
      await older.query('BEGIN');
      await sleep(10);
      const since: Date = (await t.db.pool.query('SELECT clock_timestamp() AS now')).rows[0].now;
      await sleep(10);
      await held.query('BEGIN');
      await new EventStore(held).append(`incident-${x}`, 1, correction(['held']));
      await new EventStore(older).append(`incident-${z}`, 1, correction(['older']));
      await older.query('COMMIT');
      const b = await record('Recorded after the moment');

      // The first event recorded since the moment that can be seen is b's, after `older`'s: starting
      // just before it would pass over `held` for good.
      const first = await poll({ since: since.toISOString() });
      expect(first).toMatchObject({ changes: [], upToDate: true });

      await held.query('COMMIT');
      await logEnd();
      const { pages } = await drain(first.next, 1000);
      const changes = pages.flatMap((page) => page.changes);
      const covers = (id: string, version: number) =>
        changes.some((entry) => entry.incidentId === id && entry.fromVersion <= version && version <= entry.version);
      expect([covers(x, 2), covers(z, 2), covers(b, 1)]).toEqual([true, true, true]);
    } finally {
      older.release();
      held.release();
    }
  });

  it('from a moment, takes in a transaction that was open at it and committed since, within the margin', async () => {
    const x = await record('Corrected in a transaction open at the moment');
    await logEnd();
    const open = await t.db.pool.connect();
    const feed = t.app.get(ChangeFeed);
    try {
      // Begun before the moment: its event is recorded (at its start) before the moment, yet commits after it.
      await open.query('BEGIN');
      await open.query('SELECT pg_current_xact_id()');
      await sleep(10);
      const since: Date = (await t.db.pool.query('SELECT clock_timestamp() AS now')).rows[0].now;
      await sleep(10);
      await new EventStore(open).append(`incident-${x}`, 1, correction(['open at the moment']));
      await open.query('COMMIT');
      await logEnd();
      const covered = async () => {
        const { pages } = await drain(formatCheckpoint((await feed.startAt(since))), 1000);
        return pages.flatMap((page) => page.changes).some((entry) => entry.incidentId === x && entry.version >= 2);
      };
      expect(await covered()).toBe(false);
      feed.marginMs = 60_000;
      expect(await covered()).toBe(true);
    } finally {
      feed.marginMs = 0;
      open.release();
    }
  });
});
