import { describe, expect, it } from '@jest/globals';
import { LookupCache } from './lookup-caches.js';

/** A cache over a pretend lookup, trusted unless told otherwise; `loads` counts the round trips. */
function cacheOf(options: { capacity?: number; maxAgeMs?: number; trusted?: () => boolean } = {}) {
  const cache = new LookupCache<string | undefined>('actors', options.capacity ?? 10, options.maxAgeMs ?? 60_000, options.trusted ?? (() => true));
  let loads = 0;
  const get = (key: string, found = true) =>
    cache.get(key, async () => {
      loads++;
      return found ? `${key}:${loads}` : undefined;
    });
  return { cache, get, loads: () => loads };
}

describe('LookupCache', () => {
  it('answers a key it kept without a lookup, until forgotten', async () => {
    const { cache, get, loads } = cacheOf();
    expect(await get('a')).toBe('a:1');
    expect(await get('a')).toBe('a:1');
    expect(loads()).toBe(1);
    cache.forget();
    expect(await get('a')).toBe('a:2');
  });

  it('does not keep an answer whose lookup began before a forget: it may be what the change replaced', async () => {
    const cache = new LookupCache<string>('actors', 10, 60_000, () => true);
    let finish!: (value: string) => void;
    const before = cache.get('a', () => new Promise((resolve) => (finish = resolve)));
    cache.forget();
    finish('before the change');
    expect(await before).toBe('before the change');
    expect(await cache.get('a', async () => 'after the change')).toBe('after the change');
  });

  it('never keeps "nothing found", so what is added is found at once', async () => {
    const { get, loads } = cacheOf();
    expect(await get('a', false)).toBeUndefined();
    expect(await get('a')).toBe('a:2');
    expect(loads()).toBe(2);
  });

  it('keeps nothing and answers nothing from memory while untrusted', async () => {
    let trusted = false;
    const { get, loads } = cacheOf({ trusted: () => trusted });
    await get('a');
    await get('a');
    expect(loads()).toBe(2);
    trusted = true;
    await get('a');
    await get('a');
    expect(loads()).toBe(3);
    trusted = false;
    expect(await get('a')).toBe('a:4');
  });

  it('drops the least recently used beyond its capacity', async () => {
    const { get, loads } = cacheOf({ capacity: 2 });
    await get('a');
    await get('b');
    await get('a'); // a is now the more recently used
    await get('c'); // drops b
    expect(loads()).toBe(3);
    await get('a');
    await get('c');
    expect(loads()).toBe(3);
    await get('b');
    expect(loads()).toBe(4);
  });

  it('looks up again once an answer is older than its maximum age', async () => {
    const { get, loads } = cacheOf({ maxAgeMs: 20 });
    await get('a');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await get('a')).toBe('a:2');
    expect(loads()).toBe(2);
  });
});
