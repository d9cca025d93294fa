import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { assassinationBody } from '../../src/incidents/http/dto/testing/worked-example-body.js';
import { openTestApp, type TestApp } from '../support/test-app.js';
import { serverUrl } from '../support/test-database.js';
import { client, type Client } from './support/http.js';

/**
 * Lost updates: 64 clients record and correct incidents at once, most of them on the same four
 * incidents, each correction based on the version it read (If-Match). Whatever the interleaving,
 * every acknowledged write is in the log exactly once, every refused one left nothing, each
 * stream's versions run without a gap, and each incident ends as its acknowledged corrections,
 * applied in version order, make it.
 *
 * On a server the requests truly run at once (20 connections); embedded PostgreSQL takes them
 * one at a time on its single connection, but they still interleave between read and write.
 */

const CLIENTS = 64;
const HOT_INCIDENTS = 4;
/** Requests per client, one after another. */
const ROUNDS = 5;
/** Every RECORDER-th client records new incidents instead of correcting. */
const RECORDER = 16;

/** What a correction changes: one of three fields, or (`same`) a field to the value it has, which changes nothing. */
type Kind = 'notes' | 'tags' | 'summary' | 'same';
const KINDS: Kind[] = ['notes', 'tags', 'summary', 'same'];

interface Attempt {
  requestId: string;
  incidentId?: string;
  kind: Kind | 'record';
  /** The version the client read and sent as If-Match. */
  basedOn?: number;
  changes?: Record<string, unknown>;
  status: number;
  body: any;
}

let t: TestApp;
let api: Client;
let hot: { id: string; initial: any }[];
const attempts: Attempt[] = [];
/** Acknowledged corrections sent again with their Idempotency-Key (and a new X-Request-Id). */
const retries: { of: Attempt; status: number; body: any }[] = [];

beforeAll(async () => {
  t = await openTestApp();
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  api = client(`http://127.0.0.1:${port}`, (await t.keys.create('lost-updates', 'editor', 'test')).key);
  hot = [];
  for (let n = 0; n < HOT_INCIDENTS; n++) {
    const { body } = await api.post('/incidents', { body: incidentBody(`hot-${n}`) });
    hot.push({ id: body.id, initial: (await api.get(`/incidents/${body.id}`)).body });
  }
}, 60_000);
afterAll(() => t?.close());

function incidentBody(label: string) {
  const body = assassinationBody();
  body.title.text = `${body.title.text} (${label})`;
  delete body.related;
  return body;
}

function changesFor(kind: Kind, requestId: string, current: any): Record<string, unknown> {
  switch (kind) {
    case 'notes':
      return { notes: `noted by ${requestId}` };
    case 'tags':
      return { tags: ['lost-updates', requestId] };
    case 'summary':
      return { summary: { text: `summarised by ${requestId}`, language: 'en' } };
    case 'same':
      return { tags: current.tags };
  }
}

async function correctOnce(clientNumber: number, round: number): Promise<void> {
  const requestId = `lu-${clientNumber}-${round}`;
  const headers = { 'X-Request-Id': requestId, 'Idempotency-Key': requestId };
  if (clientNumber % RECORDER === RECORDER - 1) {
    const reply = await api.post('/incidents', { body: incidentBody(requestId), headers });
    attempts.push({ requestId, kind: 'record', incidentId: reply.body.id, status: reply.status, body: reply.body });
    return;
  }
  const incidentId = hot[clientNumber % HOT_INCIDENTS]!.id;
  const kind = KINDS[(clientNumber + round) % KINDS.length]!;
  const current = await api.get(`/incidents/${incidentId}`);
  const basedOn = Number(JSON.parse(current.headers.get('etag')!));
  const changes = changesFor(kind, requestId, current.body);
  const body = { changes, reason: `correction ${requestId}` };
  const reply = await api.post(`/incidents/${incidentId}/corrections`, { body, headers: { ...headers, 'If-Match': `"${basedOn}"` } });
  const attempt: Attempt = { requestId, incidentId, kind, basedOn, changes, status: reply.status, body: reply.body };
  attempts.push(attempt);
  // Some clients lose the answer and send the same request again: it must not count twice.
  if (reply.status === 200 && clientNumber % 4 === 0) {
    const again = await api.post(`/incidents/${incidentId}/corrections`, {
      body,
      headers: { ...headers, 'X-Request-Id': `${requestId}.retry`, 'If-Match': `"${basedOn}"` },
    });
    retries.push({ of: attempt, status: again.status, body: again.body });
  }
}

function byStatus(list: Attempt[]): Map<number, Attempt[]> {
  const grouped = new Map<number, Attempt[]>();
  for (const attempt of list) grouped.set(attempt.status, [...(grouped.get(attempt.status) ?? []), attempt]);
  return grouped;
}

const acknowledged = () => attempts.filter((attempt) => attempt.status === 200 || attempt.status === 201);

/** Every event the load caused (they all carry a request id starting with "lu-"), by request id. */
async function eventsByRequest() {
  const { rows } = await t.db.pool.query(
    `SELECT metadata->>'requestId' AS request_id, stream_id, stream_version, global_position::int AS position, type, data
     FROM events WHERE metadata->>'requestId' LIKE 'lu-%' ORDER BY global_position`,
  );
  const byRequest = new Map<string, any[]>();
  for (const row of rows) byRequest.set(row.request_id, [...(byRequest.get(row.request_id) ?? []), row]);
  return { rows, byRequest };
}

describe(`${CLIENTS} clients recording and correcting incidents at once with If-Match${serverUrl ? '' : ' (embedded: one connection)'}`, () => {
  beforeAll(async () => {
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, clientNumber) => {
        for (let round = 0; round < ROUNDS; round++) await correctOnce(clientNumber, round);
      }),
    );
  }, 120_000);

  it('answers each write with success, 412 (the version moved) or 409 (it changes nothing), and contends', () => {
    const statuses = byStatus(attempts);
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 201, 412]));
    expect([...statuses.keys()].filter((status) => ![200, 201, 409, 412].includes(status))).toEqual([]);
    expect(attempts).toHaveLength(CLIENTS * ROUNDS);
    for (const refused of statuses.get(412) ?? []) expect(refused.body.currentVersion).toBeGreaterThan(refused.basedOn!);
    for (const refused of statuses.get(409) ?? []) expect(refused.body.code).toBe('nothing_to_change');
    expect(attempts.filter((attempt) => attempt.kind === 'same' && attempt.status === 200)).toEqual([]);
    console.log(
      `lost updates: ${attempts.length} writes by ${CLIENTS} clients: ` +
        [...statuses].map(([status, list]) => `${list.length} × ${status}`).join(', '),
    );
  });

  it('keeps every acknowledged write in the log exactly once, where its answer says, right after the version it read', async () => {
    const { byRequest } = await eventsByRequest();
    const wrong = acknowledged().flatMap((attempt) => {
      const events = byRequest.get(attempt.requestId) ?? [];
      const event = events[0];
      const right =
        events.length === 1 &&
        event.stream_id === `incident-${attempt.incidentId}` &&
        event.stream_version === attempt.body.version &&
        // The lost update refused: a correction lands right after the version it was based on, or not at all.
        event.stream_version === (attempt.kind === 'record' ? 1 : attempt.basedOn! + 1) &&
        event.position === attempt.body.position &&
        (attempt.kind === 'record' || isDeepStrictEqual(event.data.changes, attempt.changes));
      return right ? [] : [{ requestId: attempt.requestId, answered: attempt.body, logged: events }];
    });
    expect(wrong).toEqual([]);
  });

  it('leaves nothing behind for a refused write, nor for a retried one', async () => {
    const { rows, byRequest } = await eventsByRequest();
    const refused = attempts.filter((attempt) => attempt.status >= 400);
    expect(refused.filter((attempt) => byRequest.has(attempt.requestId)).map((attempt) => attempt.requestId)).toEqual([]);
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.map(({ status, body }) => ({ status, body }))).toEqual(retries.map(({ of }) => ({ status: 200, body: of.body })));
    expect(rows).toHaveLength(acknowledged().length);
  });

  it('numbers every stream without a gap or a repeat', async () => {
    const { rows } = await t.db.pool.query(
      `SELECT stream_id FROM events GROUP BY stream_id
       HAVING min(stream_version) <> 1 OR max(stream_version) <> count(*) OR count(DISTINCT stream_version) <> count(*)`,
    );
    expect(rows).toEqual([]);
  });

  it('ends each incident as its acknowledged corrections, applied in version order, leave it', async () => {
    for (const { id, initial } of hot) {
      const corrections = acknowledged()
        .filter((attempt) => attempt.incidentId === id)
        .sort((a, b) => a.body.version - b.body.version);
      // Versions 2..n, one acknowledged correction each: nothing else wrote to the incident.
      expect(corrections.map((attempt) => attempt.body.version)).toEqual(corrections.map((_, index) => index + 2));
      const expected = corrections.reduce(
        (state, attempt) => ({ ...state, ...attempt.changes }),
        { notes: initial.notes, tags: initial.tags, summary: initial.summary },
      );
      const final = (await api.get(`/incidents/${id}`)).body;
      expect({ version: final.version, notes: final.notes, tags: final.tags, summary: final.summary }).toEqual({
        version: corrections.length + 1,
        ...expected,
      });
    }
  });
});
