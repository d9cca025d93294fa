import { compact, sameJson } from '../../common/plain-data.js';
import type {
  ActorCommand,
  AddAlias,
  ChangeParent,
  MergeActor,
  RegisterActor,
  RemoveAlias,
  RenameActor,
  UndoMerge,
} from './actor.commands.js';
import { ActorNotFoundError, ActorRuleViolation } from './actor.errors.js';
import type { ActorEvent } from './actor.events.js';
import { sameName, type ActorState, type RegisteredActor } from './actor.state.js';
import type { ActorName, ActorParent } from './actor.types.js';

/** What the decider may know of other actors: those the command names, read under lock. */
export interface RelatedActor {
  id: string;
  status: 'active' | 'merged';
  /** Its parent, its parent's parent, and so on. */
  ancestorIds: string[];
}

export interface ActorDecideContext {
  related(actorId: string): RelatedActor | undefined;
}

export function decideActor(command: ActorCommand, state: ActorState, context: ActorDecideContext): ActorEvent[] {
  switch (command.type) {
    case 'RegisterActor':
      return register(command, state, context);
    case 'RenameActor':
      return rename(command, active(state));
    case 'AddAlias':
      return addAlias(command, active(state));
    case 'RemoveAlias':
      return removeAlias(command, active(state));
    case 'ChangeParent':
      return changeParent(command, active(state), context);
    case 'MergeActor':
      return merge(command, active(state), context);
    case 'UndoMerge':
      return undoMerge(command, registered(state));
    default: {
      const unknown: never = command;
      throw new Error(`Unknown actor command: ${(unknown as { type: string }).type}`);
    }
  }
}

function registered(state: ActorState): RegisteredActor {
  if (state.status === 'not_registered') throw new ActorNotFoundError();
  return state;
}

/** A merged actor is an alias of its survivor: it changes only by undoing the merge. */
function active(state: ActorState): RegisteredActor {
  const actor = registered(state);
  if (actor.status === 'merged') {
    throw new ActorRuleViolation('merged', `the actor was merged into ${actor.mergedInto}; change that one instead`);
  }
  return actor;
}

function register({ data }: RegisterActor, state: ActorState, context: ActorDecideContext): ActorEvent[] {
  if (state.status !== 'not_registered') {
    throw new ActorRuleViolation('already_registered', `actor ${data.id} is already registered`);
  }
  const names = data.names.map(trimmedName);
  checkNames(names);
  const parent = data.parent && checkParent(data.id, data.parent, context);
  return [{ type: 'actor.registered', data: compact({ ...data, names, parent }) }];
}

function checkNames(names: ActorName[]): void {
  if (!names.some((name) => name.kind === 'primary')) {
    throw new ActorRuleViolation('no_primary_name', 'an actor needs a primary name');
  }
  names.forEach((name, index) => {
    if (!name.value) throw new ActorRuleViolation('empty_name', 'a name cannot be blank');
    if (names.findIndex((other) => sameName(other, name)) !== index) {
      throw new ActorRuleViolation('duplicate_name', `"${name.value}" (${name.language}) is given twice`);
    }
  });
  const primaryLanguages = names.filter((name) => name.kind === 'primary').map((name) => name.language);
  const twice = primaryLanguages.find((language, index) => primaryLanguages.indexOf(language) !== index);
  if (twice) throw new ActorRuleViolation('two_primary_names', `two primary names in language "${twice}"`);
}

function rename({ data }: RenameActor, actor: RegisteredActor): ActorEvent[] {
  const name: ActorName = { value: data.name.value.trim(), language: data.name.language, kind: 'primary' };
  if (!name.value) throw new ActorRuleViolation('empty_name', 'a name cannot be blank');
  const previous = actor.names.find((existing) => existing.kind === 'primary' && existing.language === name.language);
  if (previous && sameName(previous, name)) {
    throw new ActorRuleViolation('nothing_to_change', `"${name.value}" is already the primary ${name.language} name`);
  }
  return [{ type: 'actor.renamed', data: compact({ name, previous, reason: data.reason }) }];
}

function addAlias({ data }: AddAlias, actor: RegisteredActor): ActorEvent[] {
  const name = trimmedName(data.name);
  if (!name.value) throw new ActorRuleViolation('empty_name', 'a name cannot be blank');
  if (actor.names.some((existing) => sameName(existing, name))) {
    throw new ActorRuleViolation('duplicate_name', `the actor already has the name "${name.value}" (${name.language})`);
  }
  return [{ type: 'actor.alias_added', data: { name } }];
}

function removeAlias({ data }: RemoveAlias, actor: RegisteredActor): ActorEvent[] {
  const name = actor.names.find((existing) => sameName(existing, { ...data.name, value: data.name.value.trim() }));
  if (!name) {
    throw new ActorRuleViolation('name_not_present', `the actor has no name "${data.name.value}" (${data.name.language})`);
  }
  if (name.kind === 'primary') {
    throw new ActorRuleViolation('primary_name', 'a primary name is replaced by renaming, not removed');
  }
  return [{ type: 'actor.alias_removed', data: compact({ name, reason: data.reason }) }];
}

function changeParent({ data }: ChangeParent, actor: RegisteredActor, context: ActorDecideContext): ActorEvent[] {
  const parent = data.parent && checkParent(actor.id, data.parent, context);
  if (sameJson(parent ?? undefined, actor.parent)) {
    throw new ActorRuleViolation('nothing_to_change', 'the actor already has this parent');
  }
  return [{ type: 'actor.parent_changed', data: compact({ parent: parent ?? null, reason: data.reason }) }];
}

/** The parent must be registered, standing on its own, and not the actor or one of its own parts. */
function checkParent(actorId: string, parent: ActorParent, context: ActorDecideContext): ActorParent {
  if (parent.actorId === actorId) throw new ActorRuleViolation('parent_cycle', 'an actor cannot be its own parent');
  const related = context.related(parent.actorId);
  if (!related) throw new ActorNotFoundError(parent.actorId);
  if (related.status === 'merged') {
    throw new ActorRuleViolation('parent_merged', `actor ${parent.actorId} was merged into another; name that one`);
  }
  if (related.ancestorIds.includes(actorId)) {
    throw new ActorRuleViolation('parent_cycle', `actor ${parent.actorId} is already part of this actor`);
  }
  return compact({ actorId: parent.actorId, relation: parent.relation, title: parent.title?.trim() || undefined });
}

function merge({ data }: MergeActor, actor: RegisteredActor, context: ActorDecideContext): ActorEvent[] {
  if (data.survivorId === actor.id) throw new ActorRuleViolation('merge_into_self', 'an actor cannot be merged into itself');
  const survivor = context.related(data.survivorId);
  if (!survivor) throw new ActorNotFoundError(data.survivorId);
  // Merging only into actors that stand on their own keeps every chain of merges free of cycles.
  if (survivor.status === 'merged') {
    throw new ActorRuleViolation('survivor_merged', `actor ${data.survivorId} was itself merged into another; name that one`);
  }
  if (survivor.ancestorIds.includes(actor.id)) {
    throw new ActorRuleViolation('merge_into_part', `actor ${data.survivorId} is part of this actor`);
  }
  return [{ type: 'actor.merged_into', data: { survivorId: data.survivorId, reason: data.reason } }];
}

function undoMerge({ data }: UndoMerge, actor: RegisteredActor): ActorEvent[] {
  if (actor.status !== 'merged' || !actor.mergedInto) {
    throw new ActorRuleViolation('not_merged', 'the actor is not merged into another');
  }
  return [{ type: 'actor.unmerged', data: { survivorId: actor.mergedInto, reason: data.reason } }];
}

const trimmedName = (name: ActorName): ActorName => ({ value: name.value.trim(), language: name.language, kind: name.kind });
