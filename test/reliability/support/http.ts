import { setTimeout as sleep } from 'node:timers/promises';

/** Plain HTTP to a service on a real socket (in this process or another), with an API key. */

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  /** From sending the request to reading the whole answer. */
  ms: number;
}

export interface Request {
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Client {
  readonly baseUrl: string;
  get(path: string, request?: Request): Promise<Reply>;
  post(path: string, request?: Request): Promise<Reply>;
}

/**
 * Requests to `baseUrl` with `key` as the bearer token. A request the service never answers
 * (refused, or cut off by a crash) rejects, as a client sees it: the write may or may not have
 * been recorded.
 */
export function client(baseUrl: string, key: string): Client {
  const send = async (method: string, path: string, { body, headers = {} }: Request = {}): Promise<Reply> => {
    const started = performance.now();
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const json = /json/.test(response.headers.get('content-type') ?? '') && text ? JSON.parse(text) : text;
    return { status: response.status, headers: response.headers, body: json, ms: performance.now() - started };
  };
  return {
    baseUrl,
    get: (path, request) => send('GET', path, request),
    post: (path, request) => send('POST', path, request),
  };
}

/**
 * GET until the answer is not a 503 (the read models catching up answer 503 with Retry-After),
 * for at most `timeoutMs`.
 */
export async function getPatiently(api: Client, path: string, timeoutMs = 60_000): Promise<Reply> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await api.get(path);
    if (reply.status !== 503 || Date.now() > deadline) return reply;
    await sleep(Math.min(1000, Number(reply.headers.get('retry-after') ?? 1) * 1000));
  }
}

/** Every incident id on the timeline (all pages), once the read models have passed `minPosition`. */
export async function timelineIds(api: Client, minPosition: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ minPosition: String(minPosition), limit: '500', ...(cursor ? { cursor } : {}) });
    const page = await getPatiently(api, `/timeline?${query}`);
    if (page.status !== 200) throw new Error(`GET /timeline answered ${page.status}: ${JSON.stringify(page.body)}`);
    ids.push(...page.body.entries.map((entry: { id: string }) => entry.id));
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}
