import type { RecordedEvent } from '../event-store/index.js';
import { evolveActor, initialActorState, type ActorEvent, type ActorState } from './domain/index.js';

export const actorStreamId = (actorId: string) => `actor-${actorId}`;

export interface ActorSnapshot {
  state: ActorState;
  version: number;
}

export function foldActor(events: readonly RecordedEvent[]): ActorSnapshot {
  return {
    state: events.reduce((state, event) => evolveActor(state, event as unknown as ActorEvent), initialActorState()),
    version: events.at(-1)?.streamVersion ?? 0,
  };
}
