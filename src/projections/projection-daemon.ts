import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import pg, { type Pool } from 'pg';
import { CONNECTION_TIMEOUT_MS } from '../database/data-source.js';
import type { EventStore } from '../event-store/index.js';
import { APPENDS_CHANNEL } from './append-notifier.js';
import type { Projection } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';

export interface DaemonOptions {
  /**
   * A PostgreSQL server to hold leadership and listen for appends on a connection of the
   * daemon's own. Absent for embedded PostgreSQL: one process, one session, no one to share with.
   */
  serverUrl?: string;
  /** How long to sleep when nothing wakes it: the fallback when a notification is missed. */
  pollMs?: number;
  batchSize?: number;
}

/** A projection's advisory lock is `hashtext('projection:' || name)`: who holds it works the projection. */
export const PROJECTION_LOCK_PREFIX = 'projection:';
const lockKey = (projection: Projection) => `${PROJECTION_LOCK_PREFIX}${projection.name}`;

/**
 * A daemon's control connection, which holds its locks, is named `projection-daemon <host>:<pid>`:
 * how projectionStatus tells which process works a projection. PostgreSQL keeps 63 bytes of an
 * application_name, so a longer host name loses its end, not the pid.
 */
export const DAEMON_APPLICATION = 'projection-daemon';
const PID = `:${process.pid}`;
/** This process as /health names the one working a projection: its host and pid. */
export const THIS_PROCESS = `${hostname().slice(0, 63 - DAEMON_APPLICATION.length - 1 - PID.length)}${PID}`;

/**
 * Keeps every projection following the log. Woken by appends (in this process directly, in other
 * processes through NOTIFY: see append-notifier.ts), and by a poll as a fallback.
 *
 * On a server, several daemons (the API's and `npm run worker`s) may run: each projection is
 * worked by the one holding its session advisory lock. The lock lives on the daemon's own
 * connection, so when a daemon dies its locks go with its connection, and another takes the
 * projection over at its next poll.
 */
export class ProjectionDaemon {
  private readonly logger = new Logger('Projections');
  private readonly runners: ProjectionRunner[];
  private readonly leading = new Set<string>();
  private control?: pg.Client;
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  /** Set by a wake that comes while working, so the next sleep does not miss it. */
  private woken = false;
  private unsubscribe?: () => void;
  /** Per projection, embedded only: events handled since its tables were last analysed, and how many it had handled then. */
  private readonly statistics = new Map<string, { since: number; then: number }>();

  constructor(
    private readonly pool: Pool,
    store: EventStore,
    projections: readonly Projection[],
    private readonly options: DaemonOptions = {},
  ) {
    this.runners = projections.map((projection) => new ProjectionRunner(pool, store, projection, { batchSize: options.batchSize }));
    this.unsubscribe = store.onAppended(() => this.wake());
  }

  async start(): Promise<void> {
    for (const runner of this.runners) await runner.register();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wake();
    await this.loop;
    await this.control?.end().catch(() => {});
  }

  /** The projections this daemon works now (all of them on embedded PostgreSQL). */
  get leaderOf(): string[] {
    return [...this.leading];
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Any failure (the database gone, a deadlock) pauses the work until the next wake or poll,
   * which tries again: a database that comes back is picked up where each checkpoint stands.
   */
  private async run(): Promise<void> {
    let pausedBy: string | undefined;
    while (this.running) {
      this.woken = false;
      try {
        await this.lead();
        for (const runner of this.runners) {
          if (!this.leading.has(runner.projection.name)) continue;
          let handled = 0;
          while (this.running) {
            const step = await runner.step();
            handled += step.handled;
            if (step.caughtUp) break;
          }
          await this.keepStatistics(runner, handled);
        }
        if (pausedBy !== undefined) this.logger.log('projections resumed');
        pausedBy = undefined;
      } catch (error) {
        if (!this.running) break;
        const reason = error instanceof Error ? error.message : String(error);
        // Once per cause: an outage would otherwise log a line a poll.
        if (reason !== pausedBy) this.logger.warn(`projections paused: ${reason}`);
        pausedBy = reason;
      }
      await this.sleep();
    }
  }

  /**
   * Embedded PostgreSQL runs no autovacuum, so nothing else gathers the read models' statistics,
   * and without them the planner takes a region for 20 incidents and sorts all its thousands for
   * every timeline page. So the daemon analyses a projection's tables by autovacuum's rule: once
   * more events than 50 and a tenth of those it had handled before came since the last time; and
   * once when it starts, for tables written before.
   */
  private async keepStatistics(runner: ProjectionRunner, handled: number): Promise<void> {
    if (this.options.serverUrl) return;
    const name = runner.projection.name;
    let statistics = this.statistics.get(name);
    if (statistics) {
      statistics.since += handled;
      if (statistics.since <= 50 + statistics.then / 10) return;
    } else {
      const { rows } = await this.pool.query('SELECT events_handled FROM projection_checkpoints WHERE name = $1', [runner.checkpointName]);
      statistics = { since: Number(rows[0]?.events_handled ?? 0), then: 0 };
      this.statistics.set(name, statistics);
      if (statistics.since === 0) return;
    }
    for (const table of runner.projection.tables) await this.pool.query(`ANALYZE ${table}`);
    statistics.then += statistics.since;
    statistics.since = 0;
  }

  /** Takes the lead of the projections no one works; without a server, of all of them. */
  private async lead(): Promise<void> {
    if (!this.options.serverUrl) {
      this.runners.forEach((runner) => this.leading.add(runner.projection.name));
      return;
    }
    const control = await this.controlConnection();
    for (const runner of this.runners) {
      const name = runner.projection.name;
      if (this.leading.has(name)) continue;
      const { rows } = await control.query('SELECT pg_try_advisory_lock(hashtext($1)) AS got', [lockKey(runner.projection)]);
      if (rows[0].got) {
        this.leading.add(name);
        this.logger.log(`working projection ${name}`);
      }
    }
  }

  private async controlConnection(): Promise<pg.Client> {
    if (this.control) return this.control;
    const control = new pg.Client({
      connectionString: this.options.serverUrl,
      application_name: `${DAEMON_APPLICATION} ${THIS_PROCESS}`,
      connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
      // A connection cut without a word (a network failure) would keep the locks' holder
      // believing it leads while the server has let another take over.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // Losing the connection loses the locks with it: stop working until they are taken again.
    control.on('error', () => this.dropControl(control));
    control.on('end', () => this.dropControl(control));
    control.on('notification', () => this.wake());
    try {
      await control.connect();
      await control.query(`LISTEN ${APPENDS_CHANNEL}`);
    } catch (error) {
      // Connected but not listening (the server went away between the two): start over next time.
      await control.end().catch(() => {});
      throw error;
    }
    this.control = control;
    return control;
  }

  private dropControl(control: pg.Client): void {
    if (this.control !== control) return;
    this.control = undefined;
    this.leading.clear();
    this.wake();
  }

  private sleep(): Promise<void> {
    if (!this.running || this.woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.pollMs ?? 1000);
      const wakeUp = () => done();
      this.wakeUp = wakeUp;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
