import type { AcledInterCode, ActorKind, ActorName, ActorParent, NameKind } from './actor.types.js';

/** What a user asks of the registry, in the imperative. */

export type RegisterActor = {
  type: 'RegisterActor';
  data: { id: string; kind: ActorKind; names: ActorName[]; parent?: ActorParent; acledInter?: AcledInterCode };
};

export type RenameActor = { type: 'RenameActor'; data: { name: Omit<ActorName, 'kind'>; reason?: string } };

export type AddAlias = { type: 'AddAlias'; data: { name: ActorName & { kind: Exclude<NameKind, 'primary'> } } };

export type RemoveAlias = { type: 'RemoveAlias'; data: { name: Omit<ActorName, 'kind'>; reason?: string } };

export type ChangeParent = { type: 'ChangeParent'; data: { parent: ActorParent | null; reason?: string } };

export type MergeActor = { type: 'MergeActor'; data: { survivorId: string; reason: string } };

export type UndoMerge = { type: 'UndoMerge'; data: { reason: string } };

export type ActorCommand = RegisterActor | RenameActor | AddAlias | RemoveAlias | ChangeParent | MergeActor | UndoMerge;
