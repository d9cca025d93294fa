import { HttpStatus } from '@nestjs/common';
import { ProblemError, problemType } from '../common/problem.js';
import { ActorNotFoundError, ActorRuleViolation } from './domain/index.js';

export class ActorNotFoundProblem extends ProblemError {
  constructor(actorId: string) {
    super({
      type: problemType('not-found'),
      title: 'No such actor',
      status: HttpStatus.NOT_FOUND,
      detail: `No actor has the id ${actorId}.`,
    });
  }
}

/** Refusals of a registration that say what is wrong with the names sent, not with the registry. */
const NAME_RULES = new Set(['no_primary_name', 'two_primary_names', 'duplicate_name', 'empty_name']);

/** The registry's refusals, in HTTP terms. */
export function actorProblem(error: unknown, actorId: string, commandType?: string): unknown {
  if (error instanceof ActorRuleViolation && commandType === 'RegisterActor' && NAME_RULES.has(error.code)) {
    return new ProblemError({
      type: problemType(`actor-rule/${error.code}`),
      title: 'The names sent cannot be registered',
      status: HttpStatus.UNPROCESSABLE_ENTITY,
      detail: `${error.message}; nothing was recorded.`,
      code: error.code,
      errors: [{ path: 'names', message: error.message }],
    });
  }
  if (error instanceof ActorNotFoundError) {
    // The actor the request is about is missing (404), or another actor it names is (422).
    if (!error.actorId || error.actorId === actorId) return new ActorNotFoundProblem(actorId);
    return new ProblemError({
      type: problemType('actor-rule/unknown_actor'),
      title: 'The request names an actor that is not registered',
      status: HttpStatus.UNPROCESSABLE_ENTITY,
      detail: `No actor has the id ${error.actorId}; nothing was recorded.`,
      code: 'unknown_actor',
    });
  }
  if (error instanceof ActorRuleViolation) {
    return new ProblemError({
      type: problemType(`actor-rule/${error.code}`),
      title: 'The registry does not allow this',
      status: HttpStatus.CONFLICT,
      detail: `${error.message}; nothing was recorded.`,
      code: error.code,
    });
  }
  return error;
}
