import { randomUUID } from 'node:crypto';
import { ApiKeys } from '../../src/access/api-keys.js';
import { ActorDirectory } from '../../src/actors/queries/actor-directory.js';
import { Clock } from '../../src/common/clock.js';
import { openDataSource, poolOf } from '../../src/database/data-source.js';
import { LookupCaches } from '../../src/database/lookup-caches.js';
import { EventStore } from '../../src/event-store/index.js';
import { ExecuteIncidentCommand, ExecuteIncidentCommandHandler } from '../../src/incidents/commands/execute-incident-command.js';
import { recordIncidentValidator } from '../../src/incidents/http/dto/fast-validation.js';
import { toRecordIncident } from '../../src/incidents/http/dto/to-command.js';
import { Gazetteer } from '../../src/places/gazetteer.js';
import { PlaceResolver } from '../../src/places/resolve/place-resolver.service.js';
import { Projections } from '../../src/projections/projections.module.js';
import { TimelineQueries } from '../../src/timelines/queries/timeline-queries.js';
import { percentile } from './bench-database.js';

/** Requests answered over a run, and how long they took. */
export interface LoadFigures {
  answered: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * The reference for bench:http: the service's own work for each request, called in the
 * benchmark's process, on the same database, with as many requests in flight as autocannon keeps.
 * A record: its key looked up, its body judged by the validator POST /incidents uses, its actors
 * and place resolved and its event appended (ExecuteIncidentCommandHandler). A read: its key, then
 * the page as GET /timeline writes it (TimelineQueries.timelineJson). No HTTP, no Nest, no request
 * log, and no projections following the log: what the database and the domain code take, below
 * which no web layer could go on the same machine.
 */
export class InProcessService {
  private readonly judge = recordIncidentValidator();

  private constructor(
    private readonly close: () => Promise<void>,
    private readonly keys: ApiKeys,
    private readonly key: string,
    private readonly commands: ExecuteIncidentCommandHandler,
    private readonly timelines: TimelineQueries,
  ) {}

  static async open(databaseUrl: string, key: string): Promise<InProcessService> {
    const dataSource = await openDataSource({ url: databaseUrl, embedded: false });
    const pool = poolOf(dataSource);
    const store = new EventStore(pool);
    // Keys, actors and places kept in memory as the service keeps them.
    const lookups = new LookupCaches(pool);
    await lookups.start();
    const gazetteer = new Gazetteer(pool, { cache: lookups.cache('places') });
    const directory = new ActorDirectory(dataSource, lookups);
    const commands = new ExecuteIncidentCommandHandler(store, new Clock(), directory, gazetteer, new PlaceResolver(gazetteer));
    // Not worked here: the reference leaves the log's followers out (reads wait on them only with minPosition).
    const timelines = new TimelineQueries(dataSource, gazetteer, new Projections(dataSource, store, { runInProcess: false }), store);
    const close = async () => {
      await lookups.stop();
      await dataSource.destroy();
    };
    return new InProcessService(close, new ApiKeys(pool, lookups), key, commands, timelines);
  }

  /** POST /incidents with this body, less the web layer. */
  async record(body: unknown): Promise<void> {
    const principal = await this.principal();
    const check = this.judge(body);
    if (!check.ok) throw new Error(`The benchmark's body was refused: ${JSON.stringify(check.errors)}`);
    const id = randomUUID();
    const command = toRecordIncident(check.value, { id, newSourceId: randomUUID });
    await this.commands.execute(new ExecuteIncidentCommand(id, command, { metadata: { actor: principal, correlationId: randomUUID() } }));
  }

  /** GET on a /timeline path (`/timeline?region=SY09&limit=50`), less the web layer. */
  async read(path: string): Promise<string> {
    await this.principal();
    const query: Record<string, string | number> = Object.fromEntries(new URL(path, 'http://bench').searchParams);
    if (query.limit !== undefined) query.limit = Number(query.limit);
    return this.timelines.timelineJson(query);
  }

  stop(): Promise<void> {
    return this.close();
  }

  private async principal(): Promise<string> {
    const principal = await this.keys.principalOf(this.key);
    if (!principal) throw new Error('The benchmark key is not known');
    return principal.name;
  }
}

/** `connections` loops, each making one request after another for `seconds`, as autocannon does over its connections. */
export async function closedLoop(connections: number, seconds: number, request: () => Promise<unknown>): Promise<LoadFigures> {
  const latencies: number[] = [];
  const ends = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < ends) {
        const started = performance.now();
        await request();
        latencies.push(performance.now() - started);
      }
    }),
  );
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    answered: latencies.length,
    requestsPerSecond: latencies.length / seconds,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}
