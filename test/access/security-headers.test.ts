import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openTestApp, type TestApp } from '../support/test-app.js';

/**
 * Security headers (helmet) on every answer, refusals included, without breaking the API docs;
 * and CORS: no browser page of another origin may call the API unless its origin is listed.
 */

const MAPS = 'https://maps.example.org';

let closed: TestApp;
let listed: TestApp;
beforeAll(async () => {
  closed = await openTestApp();
  listed = await openTestApp({ corsOrigins: [MAPS] });
});
afterAll(async () => {
  await closed?.close();
  await listed?.close();
});

describe('security headers', () => {
  it.each([
    ['an answer', () => closed.http().get('/timeline'), 200],
    ['a refusal', () => closed.anonymous().get('/timeline'), 401],
    ['the health check', () => closed.anonymous().get('/health'), 200],
    ['the API docs', () => closed.anonymous().get('/docs'), 200],
  ])('are sent with %s', async (_, send, status) => {
    const response = await send().expect(status);
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'content-security-policy': expect.stringContaining("default-src 'self'"),
    });
    expect(response.headers['content-security-policy']).toContain("object-src 'none'");
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('keep answers that depend on the key out of every cache, and out of 304s', async () => {
    const response = await closed.http().get('/timeline').expect(200);
    expect(response.headers['cache-control']).toBe('private, no-store');
    expect(response.headers.vary).toMatch(/Authorization/);
  });

  it('leave /docs working: every script it loads is its own file, served, none inline for the policy to block', async () => {
    const page = await closed.anonymous().get('/docs').expect(200);
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(body.trim()).toBe('');
      const src = /src="([^"]+)"/.exec(attributes)?.[1];
      expect(src).toMatch(/^\.\/docs\/[\w.-]+\.js$/);
      // Same origin, as script-src 'self' asks; and each is there.
      const file = await closed.anonymous().get(`/${src!.slice(2)}`).expect(200);
      expect(file.headers['content-type']).toMatch(/javascript/);
    }
    const init = await closed.anonymous().get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('Conflict incident tracker');
  });
});

describe('CORS', () => {
  it('is off by default: no answer allows another origin, and a preflight gets no allowance', async () => {
    const read = await closed.http().get('/timeline').set('Origin', MAPS).expect(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();

    const preflight = await closed
      .anonymous()
      .options('/timeline')
      .set('Origin', MAPS)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('allows a preflight from a listed origin, with the Authorization header', async () => {
    const preflight = await listed
      .anonymous()
      .options('/incidents')
      .set('Origin', MAPS)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');

    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers['access-control-allow-origin']).toBe(MAPS);
    expect(preflight.headers['access-control-allow-headers']?.toLowerCase()).toEqual(expect.stringContaining('authorization'));
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');

    const read = await listed.http().get('/timeline').set('Origin', MAPS).expect(200);
    expect(read.headers['access-control-allow-origin']).toBe(MAPS);
    expect(read.headers['access-control-expose-headers']).toEqual(expect.stringContaining('X-Request-Id'));
  });

  it('does not allow an origin that is not listed, nor one that only looks like it', async () => {
    for (const origin of ['https://evil.example.com', 'https://maps.example.org.evil.example.com', 'http://maps.example.org']) {
      const preflight = await listed
        .anonymous()
        .options('/incidents')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization');
      expect({ origin, allowed: preflight.headers['access-control-allow-origin'] }).toEqual({ origin, allowed: undefined });

      const read = await listed.http().get('/timeline').set('Origin', origin).expect(200);
      expect({ origin, allowed: read.headers['access-control-allow-origin'] }).toEqual({ origin, allowed: undefined });
    }
  });

  it('never allows credentials: the key goes in a header the page sets, not in a cookie', async () => {
    const read = await listed.http().get('/timeline').set('Origin', MAPS).expect(200);
    expect(read.headers['access-control-allow-credentials']).toBeUndefined();
  });
});
