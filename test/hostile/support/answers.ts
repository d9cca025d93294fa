import { expect } from '@jest/globals';
import type { IncomingMessage } from 'node:http';
import type { Response, Test } from 'supertest';
import type { TestApp } from '../../support/test-app.js';

/** What the hostile tests require of every answer. */

/** How long an endless answer (server-sent events) is read before the test hangs up. */
const STREAM_READ_MS = 500;

/**
 * Sends the request and reads its answer: JSON into `body`, everything into `text`, and an
 * endless answer (GET /events/stream) only as far as its first chunk, before hanging up.
 */
export function settle(test: Test): Test {
  return test.buffer(true).parse(((res: IncomingMessage & { text?: string }, done: (error: Error | null, body?: unknown) => void) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      res.text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = {};
      if (/json/i.test(String(res.headers['content-type']))) {
        try {
          body = JSON.parse(res.text);
        } catch {
          // left as {}: the text says what came
        }
      }
      done(null, body);
    };
    const endless = /^text\/event-stream/i.test(String(res.headers['content-type']));
    const hangUp = () => {
      finish();
      res.destroy();
    };
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (endless) hangUp();
    });
    res.on('end', finish);
    res.on('close', finish);
    if (endless) setTimeout(hangUp, STREAM_READ_MS);
  }) as unknown as Parameters<Test['parse']>[0]);
}

export const eventCount = async (t: TestApp): Promise<number> =>
  Number((await t.db.pool.query('SELECT count(*) FROM events')).rows[0].count);

/** Statuses Node's HTTP server answers itself, before the application sees the request. */
const NODE_LEVEL = new Set([431]);

/** The answer, short enough to read in a failure (fast-check prints the case beside it). */
export function answer(response: Response): string {
  const body = response.body && typeof response.body === 'object' && Object.keys(response.body).length ? JSON.stringify(response.body) : response.text;
  return `${response.status} ${response.headers['content-type'] ?? '(no content type)'} ${String(body ?? '').slice(0, 600)}`;
}

function wrong(expected: string, response: Response): never {
  throw new Error(`expected ${expected}, got ${answer(response)}`);
}

/** Never a 5xx; an error is problem+json naming its own status, and a 400 for fields names them. */
export function expectNoServerError(response: Response): void {
  if (response.status >= 500) wrong('no server error', response);
  if (response.status < 400 || NODE_LEVEL.has(response.status)) return;
  if (!/^application\/problem\+json/.test(response.headers['content-type'] ?? '') || response.body?.status !== response.status) {
    wrong('problem+json naming its status', response);
  }
  if (response.body.type === '/problems/validation-error') {
    const errors: unknown = response.body.errors;
    const listed = Array.isArray(errors) && errors.length > 0 && errors.every((e) => typeof e?.path === 'string' && typeof e?.message === 'string');
    if (!listed) wrong('a 400 listing its fields', response);
  }
}

/** A refusal: a 4xx (never a 2xx, never a 5xx), problem+json, and the log as it was. */
export async function expectRefused(t: TestApp, response: Response, eventsBefore: number, status?: number): Promise<void> {
  // Headers over Node's limit never reach the application, whatever else is wrong with the request.
  if (NODE_LEVEL.has(response.status)) status = response.status;
  if (response.status < 400 || response.status >= 500 || (status !== undefined && response.status !== status)) {
    wrong(`a refusal (${status ?? '4xx'})`, response);
  }
  expectNoServerError(response);
  expect(await eventCount(t)).toBe(eventsBefore);
}

/** Whatever the answer: no 5xx, and a refused request recorded nothing. */
export async function expectHandled(t: TestApp, response: Response, eventsBefore: number): Promise<void> {
  expectNoServerError(response);
  if (response.status >= 400) expect(await eventCount(t)).toBe(eventsBefore);
}

/**
 * Whatever was accepted, the read models can hold: every projection has handled the whole log and
 * none has stopped on an event (an accepted value the read model's tables refuse stops it).
 */
export async function expectReadModelsHealthy(t: TestApp): Promise<void> {
  const { rows } = await t.db.pool.query('SELECT coalesce(max(global_position), 0)::bigint AS last FROM events');
  const last = Number(rows[0].last);
  if (last > 0) {
    const caughtUp = await t.http().get(`/timeline?limit=1&minPosition=${last}`);
    if (caughtUp.status !== 200) wrong('the timeline to catch up with the log', caughtUp);
  }
  const health = await t.anonymous().get('/health');
  if (health.status !== 200) wrong('healthy read models', health);
}
