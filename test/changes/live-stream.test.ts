import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { assassinationBody } from '../../src/incidents/http/dto/testing/worked-example-body.js';
import { LiveController } from '../../src/changes/http/live.controller.js';
import { openTestApp, type TestApp } from '../support/test-app.js';

/** GET /events/stream: incident events as server-sent events, for pages that show new incidents without a reload. */

let t: TestApp;
let port: number;
let key: string;
beforeAll(async () => {
  t = await openTestApp();
  await t.app.listen(0, '127.0.0.1');
  port = (t.app.getHttpServer().address() as AddressInfo).port;
  key = (await t.keys.create('live-viewer', 'viewer', 'test')).key;
});
afterAll(() => t.close());

/** An open stream: the `incident` events it has sent so far. */
async function openStream(headers: Record<string, string> = { Authorization: `Bearer ${key}` }) {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    httpRequest({ port, host: '127.0.0.1', path: '/events/stream', headers }, resolve).on('error', reject).end();
  });
  const events: { event: string; id?: string; data: any }[] = [];
  let buffer = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(block.split('\n').filter((line) => !line.startsWith(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
      if (fields.event) events.push({ event: fields.event, id: fields.id, data: JSON.parse(fields.data) });
    }
  });
  return { response, events, close: () => response.destroy() };
}

async function until<T>(check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

describe('GET /events/stream', () => {
  it('sends each incident event written after it opened, in order, and none from before', async () => {
    const before = (await t.http().post('/incidents').send(assassinationBody()).expect(201)).body;
    const stream = await openStream();
    try {
      expect(stream.response.statusCode).toBe(200);
      expect(stream.response.headers['content-type']).toMatch(/^text\/event-stream/);
      const ready = await until(() => stream.events.find((event) => event.event === 'ready'));
      expect(ready.data.checkpoint).toMatch(/^\d+-\d+$/);
      const recorded = (await t.http().post('/incidents').send(assassinationBody()).expect(201)).body;
      await t.http().post(`/incidents/${recorded.id}/dispute`).send({ reason: 'a second report denies it' }).expect(200);

      const incidents = () => stream.events.filter((event) => event.event === 'incident');
      const news = await until(() => (incidents().length >= 2 ? incidents() : undefined));
      expect(news.map(({ event, data }) => [event, data.incidentId, data.type, data.version])).toEqual([
        ['incident', recorded.id, 'incident.recorded', 1],
        ['incident', recorded.id, 'incident.disputed', 2],
      ]);
      expect(news[0]!.data.position).toBe(recorded.position);
      expect(news[0]!.id).toBe(news[0]!.data.checkpoint);
      expect(JSON.stringify(news)).not.toContain(before.id);
    } finally {
      stream.close();
    }
  });

  it('needs a key that may read', async () => {
    const stream = await openStream({});
    expect(stream.response.statusCode).toBe(401);
    stream.close();
  });
});

describe('an open stream', () => {
  it('ends when its key is revoked', async () => {
    LiveController.heartbeatMs = 100;
    try {
      const revocable = await t.keys.create('live-revoked', 'viewer', 'test');
      const stream = await openStream({ Authorization: `Bearer ${revocable.key}` });
      await until(() => stream.events.find((event) => event.event === 'ready'));
      const ended = new Promise((resolve) => stream.response.on('end', resolve));
      await t.keys.revoke('live-revoked', 'test');
      await expect(Promise.race([ended.then(() => 'ended'), sleep(5000).then(() => 'still open')])).resolves.toBe('ended');
    } finally {
      LiveController.heartbeatMs = 15_000;
    }
  });

  it('is closed when the service stops, so stopping does not wait for the browsers to leave', async () => {
    const other = await openTestApp();
    await other.app.listen(0, '127.0.0.1');
    const otherPort = (other.app.getHttpServer().address() as AddressInfo).port;
    const otherKey = (await other.keys.create('live-closing', 'viewer', 'test')).key;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      httpRequest({ port: otherPort, host: '127.0.0.1', path: '/events/stream', headers: { Authorization: `Bearer ${otherKey}` } }, resolve)
        .on('error', reject)
        .end();
    });
    response.resume();
    const ended = new Promise((resolve) => response.on('end', resolve));
    const closed = other.close().then(() => 'closed');
    await expect(Promise.race([closed, sleep(10_000).then(() => 'still waiting')])).resolves.toBe('closed');
    await ended;
  });
});

