import { compact } from '../../common/plain-data.js';
import type { ActorEvent } from './actor.events.js';
import type { AcledInterCode, ActorKind, ActorName, ActorParent } from './actor.types.js';

export interface RegisteredActor {
  status: 'active' | 'merged';
  id: string;
  kind: ActorKind;
  names: ActorName[];
  parent?: ActorParent;
  acledInter?: AcledInterCode;
  /** While merged: the actor every reference to this one resolves to. */
  mergedInto?: string;
}

export type ActorState = { status: 'not_registered' } | RegisteredActor;

export const initialActorState = (): ActorState => ({ status: 'not_registered' });

export const sameName = (a: Pick<ActorName, 'value' | 'language'>, b: Pick<ActorName, 'value' | 'language'>) =>
  a.value === b.value && a.language === b.language;

/** Applies an event the decider produced; it judges nothing. */
export function evolveActor(state: ActorState, event: ActorEvent): ActorState {
  if (event.type === 'actor.registered') {
    const { id, kind, names, parent, acledInter } = event.data;
    return compact({ status: 'active', id, kind, names, parent, acledInter });
  }
  if (state.status === 'not_registered') return state;
  switch (event.type) {
    case 'actor.renamed': {
      const { name, previous } = event.data;
      const names = state.names
        .filter((existing) => !sameName(existing, name))
        .map((existing) => (previous && sameName(existing, previous) ? { ...existing, kind: 'alias' as const } : existing));
      return { ...state, names: [...names, name] };
    }
    case 'actor.alias_added':
      return { ...state, names: [...state.names, event.data.name] };
    case 'actor.alias_removed':
      return { ...state, names: state.names.filter((name) => !sameName(name, event.data.name)) };
    case 'actor.parent_changed':
      return compact({ ...state, parent: event.data.parent ?? undefined });
    case 'actor.merged_into':
      return { ...state, status: 'merged', mergedInto: event.data.survivorId };
    case 'actor.unmerged':
      return compact({ ...state, status: 'active', mergedInto: undefined });
    default: {
      const unknown: never = event;
      throw new Error(`Unknown actor event: ${(unknown as { type: string }).type}`);
    }
  }
}
