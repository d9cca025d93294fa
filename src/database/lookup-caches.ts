import { Logger } from '@nestjs/common';
import pg, { type Pool } from 'pg';
import { isEmbeddedPool } from './data-source.js';

/** The channel on which the tables' triggers announce a change (migration `lookups-changed`). */
export const LOOKUPS_CHANGED_CHANNEL = 'lookups_changed';

/**
 * What every request looks up and what seldom changes, named as the triggers' notifications name
 * it: a request's API key, the actors a record names, the places it names.
 */
export type LookupTopic = 'api_keys' | 'actors' | 'places';
const TOPICS: readonly string[] = ['api_keys', 'actors', 'places'] satisfies LookupTopic[];

export interface LookupCacheOptions {
  /** How long an answer is kept at most, in case a notification is lost with nobody noticing. */
  maxAgeMs?: number;
  /** How long to wait before listening again after the connection was lost. */
  retryMs?: number;
}

/**
 * Lookups kept in this process, so a request does not pay a round trip for its key, its actors'
 * names and its places, which change seldom. Profiling POST /incidents found the round trips
 * themselves (the socket writes) the service's largest cost: these lookups were four of the five
 * a record made on its way in.
 *
 * Kept answers are forgotten when what they were read from changes:
 * - at once, when this process changed it: its writers call `changed()` after they commit, so a
 *   client reads its own writes (a revoked key is refused on its next request);
 * - on a server, when any process (or an operator's SQL) changed it: triggers on the tables
 *   NOTIFY at commit, and a connection of this process LISTENs. Another process's change reaches
 *   this one within milliseconds;
 * - when that connection is lost, everything kept is forgotten, and nothing is kept until it
 *   listens again, since changes may go unheard meanwhile;
 * - after `maxAgeMs` in any case (30 s), which bounds what a silently broken connection costs.
 * On embedded PostgreSQL nothing is kept: other processes (the CLI) reach it through its socket,
 * and it has no second session to listen on.
 */
export class LookupCaches {
  private readonly logger = new Logger(LookupCaches.name);
  private readonly caches = new Set<LookupCache<unknown>>();
  private readonly maxAgeMs: number;
  private readonly retryMs: number;
  /** The connection listening for changes; kept answers are used only while there is one. */
  private listener?: pg.Client;
  private stopped = false;
  private retry?: NodeJS.Timeout;
  /** Said once per outage, not at every retry. */
  private warned = false;

  constructor(
    private readonly pool: Pool,
    options: LookupCacheOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 30_000;
    this.retryMs = options.retryMs ?? 1_000;
  }

  /** A cache of answers about `topic`, keeping at most `capacity` of them (the least recently used go first). */
  cache<V>(topic: LookupTopic, capacity = 10_000): LookupCache<V> {
    const cache = new LookupCache<V>(topic, capacity, this.maxAgeMs, () => this.listening);
    this.caches.add(cache as LookupCache<unknown>);
    return cache;
  }

  /** Whether this process listens for changes, and so keeps answers. */
  get listening(): boolean {
    return this.listener !== undefined;
  }

  /** This process changed what `topic`'s answers come from, and committed. */
  changed(topic: LookupTopic): void {
    for (const cache of this.caches) if (cache.topic === topic) cache.forget();
  }

  /** On a server, starts listening; until it listens, lookups go to the database. */
  async start(): Promise<void> {
    if (!isEmbeddedPool(this.pool)) await this.listen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => {});
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ ...this.pool.options, application_name: 'incident-tracker lookups' });
    client.on('notification', ({ payload }) => {
      // A topic this version does not know (a newer migration's): forget everything rather than guess.
      if (payload && TOPICS.includes(payload)) this.changed(payload as LookupTopic);
      else this.forgetAll();
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${LOOKUPS_CHANGED_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      if (!this.warned) {
        this.logger.warn(`Cannot listen for changes (${(error as Error).message}): keys, actors and places are looked up on every request until it can`);
        this.warned = true;
      }
      this.retryLater();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    // Nothing kept from before: losing the connection forgot it all (`lost`).
    this.listener = client;
    if (this.warned) this.logger.log('Listening for changes again: keys, actors and places are kept in memory');
    this.warned = false;
  }

  /** Changes may go unheard from now on: forget everything, and keep nothing until listening again. */
  private lost(client: pg.Client): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    this.forgetAll();
    this.retryLater();
  }

  private retryLater(): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.listen(), this.retryMs);
    this.retry.unref();
  }

  private forgetAll(): void {
    for (const cache of this.caches) cache.forget();
  }
}

/**
 * Answers kept by key. An answer is kept only if nothing was forgotten while it was being looked
 * up: a lookup that began before a change may have read what the change replaced. `undefined`
 * (nothing found) is never kept, so something new is found at once.
 */
export class LookupCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  private generation = 0;

  constructor(
    readonly topic: LookupTopic,
    private readonly capacity: number,
    private readonly maxAgeMs: number,
    private readonly trusted: () => boolean,
  ) {}

  /** The kept answer for `key`, or `load()`'s. Callers must not change what they get: others share it. */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    if (!this.trusted()) return load();
    const entry = this.entries.get(key);
    if (entry && entry.until > Date.now()) {
      // A Map iterates in insertion order: moving the entry last keeps the least recently used first.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.value;
    }
    const generation = this.generation;
    const value = await load();
    if (value !== undefined && generation === this.generation && this.trusted()) {
      this.entries.delete(key);
      this.entries.set(key, { value, until: Date.now() + this.maxAgeMs });
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    }
    return value;
  }

  forget(): void {
    this.generation++;
    this.entries.clear();
  }
}
