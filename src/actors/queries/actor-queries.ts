import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EventStore, toHistoryEntry, type HistoryEntry } from '../../event-store/index.js';
import { ActorNotFoundProblem } from '../actor-problems.js';
import { actorStreamId } from '../actor-stream.js';
import { ActorDirectory, type ActorMatch, type ActorSearch, type ActorView } from './actor-directory.js';

export class SearchActors extends Query<ActorMatch[]> {
  constructor(readonly search: ActorSearch) {
    super();
  }
}

export class GetActor extends Query<ActorView> {
  constructor(readonly actorId: string) {
    super();
  }
}

export class GetActorHistory extends Query<HistoryEntry[]> {
  constructor(readonly actorId: string) {
    super();
  }
}

@QueryHandler(SearchActors)
export class SearchActorsHandler implements IQueryHandler<SearchActors> {
  constructor(private readonly directory: ActorDirectory) {}

  execute({ search }: SearchActors): Promise<ActorMatch[]> {
    return this.directory.search(search);
  }
}

@QueryHandler(GetActor)
export class GetActorHandler implements IQueryHandler<GetActor> {
  constructor(private readonly directory: ActorDirectory) {}

  async execute({ actorId }: GetActor): Promise<ActorView> {
    const actor = await this.directory.get(actorId);
    if (!actor) throw new ActorNotFoundProblem(actorId);
    return actor;
  }
}

@QueryHandler(GetActorHistory)
export class GetActorHistoryHandler implements IQueryHandler<GetActorHistory> {
  constructor(private readonly store: EventStore) {}

  async execute({ actorId }: GetActorHistory): Promise<HistoryEntry[]> {
    const events = await this.store.readStream(actorStreamId(actorId));
    if (events.length === 0) throw new ActorNotFoundProblem(actorId);
    return events.map(toHistoryEntry);
  }
}
