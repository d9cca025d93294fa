import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { poolOf } from '../database/data-source.js';
import { EventStore, type Queryable } from '../event-store/index.js';
import { ALL_PROJECTIONS } from './all-projections.js';
import { notifyAppends } from './append-notifier.js';
import { ProjectionDaemon } from './projection-daemon.js';
import { registerCheckpoints } from './projection-runner.js';
import { projectionsPassed, projectionStatus, type ProjectionStatus } from './projection-status.js';

export interface ProjectionOptions {
  /** Work the projections in this process (the default for the API); a worker process may instead. */
  runInProcess: boolean;
  /** The PostgreSQL server, for leadership and NOTIFY; absent on embedded PostgreSQL. */
  serverUrl?: string;
  pollMs?: number;
}

const PROJECTION_OPTIONS = Symbol('PROJECTION_OPTIONS');

/** The projections' state for readers: status for /health, and waiting for read-your-writes. */
@Injectable()
export class Projections implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly names = ALL_PROJECTIONS.map((projection) => projection.name);
  private readonly daemon?: ProjectionDaemon;
  private readonly stopNotifying?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    store: EventStore,
    @Inject(PROJECTION_OPTIONS) private readonly options: ProjectionOptions,
  ) {
    // Workers in other processes hear of this process's appends by NOTIFY (on a server only).
    if (options.serverUrl) this.stopNotifying = notifyAppends(store, poolOf(dataSource));
    if (options.runInProcess) {
      this.daemon = new ProjectionDaemon(poolOf(dataSource), store, ALL_PROJECTIONS, {
        serverUrl: options.serverUrl,
        pollMs: options.pollMs,
      });
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.daemon) return this.daemon.start();
    // Left to workers, the projections are listed even before one starts: /health then says
    // what waits for them.
    await registerCheckpoints(poolOf(this.dataSource), this.names);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopNotifying?.();
    await this.daemon?.stop();
  }

  status(): Promise<ProjectionStatus[]> {
    return projectionStatus(poolOf(this.dataSource), this.names, { embedded: !this.options.serverUrl });
  }

  /**
   * Waits until every projection has handled the event at `position`, as `db` sees it; false
   * after `timeoutMs`. Give the pool the read will then use: on a replica, the checkpoints it
   * shows are the ones its replay has reached, and its read models are exactly as far (see
   * TimelineQueries.readYourWrites).
   */
  async waitFor(position: number, timeoutMs: number, db: Queryable): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await projectionsPassed(db, this.names, position)) return true;
      if (Date.now() >= deadline) return false;
      this.daemon?.wake();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

@Global()
@Module({})
export class ProjectionsModule {
  static forRoot(options: ProjectionOptions): DynamicModule {
    return {
      module: ProjectionsModule,
      providers: [{ provide: PROJECTION_OPTIONS, useValue: options }, Projections],
      exports: [Projections],
    };
  }
}
