import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { poolOf } from '../../database/data-source.js';
import { LookupCaches } from '../../database/lookup-caches.js';
import { inTransaction } from '../../database/transaction.js';
import { EventStore, type EventMetadata } from '../../event-store/index.js';
import { StaleVersionProblem } from '../../common/problem.js';
import { projectActor } from '../actor-registry.projection.js';
import { actorProblem, ActorNotFoundProblem } from '../actor-problems.js';
import { actorStreamId, foldActor } from '../actor-stream.js';
import { decideActor, evolveActor, type ActorCommand, type RelatedActor } from '../domain/index.js';

export interface ActorCommandResult {
  id: string;
  version: number;
  position: number;
}

export interface ActorCommandOptions {
  metadata: EventMetadata;
  /** From If-Match: refuse (412) unless the actor is still at this version. */
  expectedVersion?: number;
  /** From Idempotency-Key: a retry returns the first result and records nothing. */
  idempotency?: { key: string; requestHash: string };
}

/**
 * Runs one registry command in one transaction: read the actor's stream, decide, append, and
 * write the registry's read model, so the registry is never behind its log.
 */
export class ExecuteActorCommand extends Command<ActorCommandResult> {
  constructor(
    readonly actorId: string,
    readonly command: ActorCommand,
    readonly options: ActorCommandOptions,
  ) {
    super();
  }
}

/** Commands that change how actors hang together; they take turns so no two can close a cycle. */
const STRUCTURAL = new Set<ActorCommand['type']>(['RegisterActor', 'ChangeParent', 'MergeActor', 'UndoMerge']);

@CommandHandler(ExecuteActorCommand)
export class ExecuteActorCommandHandler implements ICommandHandler<ExecuteActorCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly lookups: LookupCaches,
  ) {}

  async execute(command: ExecuteActorCommand): Promise<ActorCommandResult> {
    try {
      return await this.executeInTransaction(command);
    } finally {
      // Committed or not, the names this process resolved may be out of date: the next record resolves afresh.
      this.lookups.changed('actors');
    }
  }

  private executeInTransaction({ actorId, command, options }: ExecuteActorCommand): Promise<ActorCommandResult> {
    return inTransaction(poolOf(this.dataSource), async (client) => {
      if (STRUCTURAL.has(command.type)) {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['actor-registry:structure']);
      }
      // The stream row lock: a second writer to this actor waits here rather than fail at append.
      await client.query('SELECT 1 FROM actors WHERE id = $1 FOR UPDATE', [actorId]);
      const store = this.store.on(client);
      const streamId = actorStreamId(actorId);
      const { idempotency } = options;
      if (idempotency) {
        const earlier = await store.idempotentResult(streamId, idempotency.key, idempotency.requestHash);
        if (earlier) return { id: actorId, version: earlier.streamVersion, position: earlier.positions.at(-1)! };
      }
      const { state, version } = foldActor(await store.readStream(streamId));
      if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
        if (version === 0) throw new ActorNotFoundProblem(actorId);
        throw new StaleVersionProblem(options.expectedVersion, version, 'actor');
      }
      const related = await relatedActors(client, referencedIds(command));
      let events;
      try {
        events = decideActor(command, state, { related: (id) => related.get(id) });
      } catch (error) {
        throw actorProblem(error, actorId, command.type);
      }
      const result = await store.append(
        streamId,
        version === 0 ? 'no_stream' : version,
        events.map((event) => ({ ...event, metadata: options.metadata })),
        idempotency && { idempotencyKey: idempotency.key, requestHash: idempotency.requestHash },
      );
      const next = events.reduce(evolveActor, state);
      if (next.status !== 'not_registered') await projectActor(client, next, result.streamVersion);
      return { id: actorId, version: result.streamVersion, position: result.positions.at(-1)! };
    });
  }
}

function referencedIds(command: ActorCommand): string[] {
  switch (command.type) {
    case 'RegisterActor':
      return command.data.parent ? [command.data.parent.actorId] : [];
    case 'ChangeParent':
      return command.data.parent ? [command.data.parent.actorId] : [];
    case 'MergeActor':
      return [command.data.survivorId];
    default:
      return [];
  }
}

/**
 * The actors a command names, each with everything above it: its parents, and for every actor on
 * the way both the actor it was merged into and its own parent. A merge can be undone, and undoing
 * it brings the merged actor's parent link back, so that link must count against cycles too.
 */
async function relatedActors(client: PoolClient, ids: string[]): Promise<Map<string, RelatedActor>> {
  if (ids.length === 0) return new Map();
  const { rows } = await client.query<{ id: string; merged: boolean; ancestor_ids: string[] }>(
    // UNION over (origin, id) ends on its own: the set of pairs is finite, however deep the chains.
    `WITH RECURSIVE up (origin, id) AS (
       SELECT id, id FROM actors WHERE id = ANY($1::uuid[])
       UNION
       SELECT up.origin, next.id
       FROM up JOIN actors a ON a.id = up.id
       CROSS JOIN LATERAL (VALUES (a.parent_id), (a.merged_into)) AS next (id)
       WHERE next.id IS NOT NULL
     )
     SELECT a.id, a.merged_into IS NOT NULL AS merged,
            coalesce(array_agg(DISTINCT up.id::text) FILTER (WHERE up.id <> a.id), '{}') AS ancestor_ids
     FROM actors a JOIN up ON up.origin = a.id
     GROUP BY a.id`,
    [ids],
  );
  return new Map(
    rows.map((row) => [row.id, { id: row.id, status: row.merged ? 'merged' : 'active', ancestorIds: row.ancestor_ids }]),
  );
}
