export class ActorNotFoundError extends Error {
  constructor(readonly actorId?: string) {
    super(actorId ? `no actor has the id ${actorId}` : 'the actor is not registered');
  }
}

/** A command the registry refuses; `code` is stable for clients. */
export class ActorRuleViolation extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
