import type { AcledInterCode, ActorKind, ActorName, ActorParent } from './actor.types.js';

/**
 * What happened to an actor in the registry. The `type` strings are persisted: never rename one.
 * A merge is undone by a later event, never by editing the merge.
 */

export interface ActorRegisteredData {
  id: string;
  kind: ActorKind;
  names: ActorName[];
  parent?: ActorParent;
  acledInter?: AcledInterCode;
}

export type ActorRegistered = { type: 'actor.registered'; data: ActorRegisteredData };

/** The new primary name in its language; the one it replaces stays on as an alias. */
export type ActorRenamed = {
  type: 'actor.renamed';
  data: { name: ActorName; previous?: ActorName; reason?: string };
};

export type ActorAliasAdded = { type: 'actor.alias_added'; data: { name: ActorName } };

export type ActorAliasRemoved = { type: 'actor.alias_removed'; data: { name: ActorName; reason?: string } };

/** null: the actor no longer belongs to another. */
export type ActorParentChanged = {
  type: 'actor.parent_changed';
  data: { parent: ActorParent | null; reason?: string };
};

/** A duplicate: every reference to this actor now means the survivor. */
export type ActorMergedInto = { type: 'actor.merged_into'; data: { survivorId: string; reason: string } };

/** The merge was a mistake: the actor stands on its own again. */
export type ActorUnmerged = { type: 'actor.unmerged'; data: { survivorId: string; reason: string } };

export type ActorEvent =
  | ActorRegistered
  | ActorRenamed
  | ActorAliasAdded
  | ActorAliasRemoved
  | ActorParentChanged
  | ActorMergedInto
  | ActorUnmerged;

export const ACTOR_EVENT_TYPES = [
  'actor.registered',
  'actor.renamed',
  'actor.alias_added',
  'actor.alias_removed',
  'actor.parent_changed',
  'actor.merged_into',
  'actor.unmerged',
] as const satisfies readonly ActorEvent['type'][];
