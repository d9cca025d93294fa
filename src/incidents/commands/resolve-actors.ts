import { HttpStatus } from '@nestjs/common';
import { ProblemError, problemType, type FieldError } from '../../common/problem.js';
import type { ActorDirectory } from '../../actors/queries/actor-directory.js';
import type { ActorRef, IncidentCommand } from '../domain/index.js';

/** What resolving needs of the registry: a bulk import passes one that remembers its answers. */
export type ActorLookup = Pick<ActorDirectory, 'resolveName' | 'registered'>;

/**
 * Ties the actors a command names to the registry before the decider sees it. A registry id must
 * be registered; a name without an id is looked up, linked when the match is confident and
 * unambiguous, and otherwise kept as reported with its candidates. Either way the outcome is on
 * the event, so a reader can tell a person's link from the registry's.
 */
export async function resolveActors(command: IncidentCommand, directory: ActorLookup): Promise<IncidentCommand> {
  switch (command.type) {
    case 'RecordIncident': {
      await requireRegistered(directory, command.data.actors.map((actor, index) => [`actors[${index}].actorId`, actor.actorId]));
      const actors = await Promise.all(command.data.actors.map((actor) => resolveActor(actor, directory)));
      return { ...command, data: { ...command.data, actors: oneLinkPerRole(actors) } };
    }
    case 'AddActor': {
      await requireRegistered(directory, [['actor.actorId', command.data.actor.actorId]]);
      return { ...command, data: { ...command.data, actor: await resolveActor(command.data.actor, directory) } };
    }
    case 'IdentifyActor':
      await requireRegistered(directory, [['actorId', command.data.actorId]]);
      return command;
    default:
      return command;
  }
}

/**
 * Two names reported in one role may resolve to the same registry actor ("Akidat" and "Al-Akidat").
 * The report named two; the registry cannot tell that they are one, so the later keeps its name as
 * reported, unresolved, with that actor as the candidate, for a person to decide.
 */
function oneLinkPerRole(actors: ActorRef[]): ActorRef[] {
  const linked = new Set<string>();
  return actors.map((actor) => {
    if (!actor.actorId) return actor;
    const key = `${actor.role} ${actor.actorId}`;
    if (!linked.has(key)) {
      linked.add(key);
      return actor;
    }
    if (actor.resolution?.status !== 'resolved') return actor;
    const { actorId, resolution, ...reported } = actor;
    return { ...reported, resolution: { status: 'unresolved', candidates: [{ actorId, name: resolution.matchedName, score: resolution.score }] } };
  });
}

async function resolveActor(actor: ActorRef, directory: ActorLookup): Promise<ActorRef> {
  const name = actor.name?.trim();
  if (actor.actorId || !name) return actor;
  const resolution = await directory.resolveName(name);
  if (resolution.status === 'resolved') {
    const { actorId, matchedName, score } = resolution;
    return { ...actor, actorId, resolution: { status: 'resolved', matchedName, score } };
  }
  return { ...actor, resolution };
}

async function requireRegistered(directory: ActorLookup, references: [path: string, actorId?: string][]) {
  const named = references.filter((reference): reference is [string, string] => Boolean(reference[1]));
  const registered = await directory.registered(named.map(([, actorId]) => actorId));
  const errors: FieldError[] = named
    .filter(([, actorId]) => !registered.has(actorId))
    .map(([path, actorId]) => ({ path, message: `no actor has the id ${actorId}` }));
  if (errors.length > 0) {
    throw new ProblemError({
      type: problemType('unknown-actor'),
      title: 'The request names actors that are not registered',
      status: HttpStatus.UNPROCESSABLE_ENTITY,
      detail: 'Register them first, or name them as reported; nothing was recorded.',
      code: 'unknown_actor',
      errors,
    });
  }
}
