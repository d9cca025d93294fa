import { useEffect, useRef, useState } from 'preact/hooks';

import type { IncidentNews } from '../../src/changes/incident-news.js';

export type LiveState = 'connecting' | 'live' | 'retrying' | 'unavailable';

/**
 * GET /events/stream, read with fetch() because EventSource cannot send the key's header.
 * `onNews` gets each incident event; `onReconnect` is called when the stream comes back after a
 * break, since what happened meanwhile was not sent (read the timeline afresh).
 */
export function useLiveNews(key: string | null, onNews: (news: IncidentNews) => void, onReconnect: () => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handlers = useRef({ onNews, onReconnect });
  handlers.current = { onNews, onReconnect };

  useEffect(() => {
    const controller = new AbortController();
    let stopped = false;
    let failures = 0;
    let connectedBefore = false;

    const run = async () => {
      while (!stopped) {
        try {
          const headers: Record<string, string> = { Accept: 'text/event-stream' };
          if (key) headers.Authorization = `Bearer ${key}`;
          const response = await fetch('/events/stream', { headers, signal: controller.signal, cache: 'no-store', credentials: 'omit' });
          if (response.status === 404 || response.status === 401 || response.status === 403) {
            setState('unavailable');
            return;
          }
          if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
          await read(response.body, (event, data) => {
            if (event === 'ready') {
              failures = 0;
              setState('live');
              if (connectedBefore) handlers.current.onReconnect();
              connectedBefore = true;
            } else if (event === 'incident') {
              handlers.current.onNews(JSON.parse(data) as IncidentNews);
            }
          });
          throw new Error('the stream ended');
        } catch {
          if (stopped) return;
          setState('retrying');
          failures += 1;
          await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** Math.min(failures, 5))));
        }
      }
    };
    void run();
    return () => {
      stopped = true;
      controller.abort();
    };
  }, [key]);
  return state;
}

/** Server-sent events: blocks separated by a blank line, `event:` and `data:` fields, `:` comments. */
async function read(body: ReadableStream<Uint8Array>, onEvent: (event: string, data: string) => void): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length) onEvent(event, data.join('\n'));
    }
  }
}
