import type { ActorIdentity, ActorRef } from './incident.types.js';
import { compact } from '../../common/plain-data.js';

/**
 * Actor identity within one incident. Two registry ids decide between themselves; otherwise the
 * name as reported does, so a reference the registry resolved is still found by the name the
 * analyst typed, and a registry actor cannot be added twice in a role under its reported name.
 */

const trimmedName = (actor: ActorIdentity) => actor.name?.trim() || undefined;

export function isIdentified(actor: ActorIdentity): boolean {
  return Boolean(actor.actorId?.trim() || trimmedName(actor));
}

export function isSameActor(a: ActorIdentity, b: ActorIdentity): boolean {
  if (a.role !== b.role) return false;
  if (a.actorId && b.actorId) return a.actorId === b.actorId;
  const name = trimmedName(a);
  return name !== undefined && name === trimmedName(b);
}

/** The reference as stored: names trimmed, absent fields left out. */
export function normaliseActor(actor: ActorRef): ActorRef {
  return compact({ ...actor, name: trimmedName(actor) });
}

/**
 * The exact reference an event names (as the decider wrote it, from the reference it found).
 * Applying events matches on this, never on the looser isSameActor: how the decider finds a
 * reference may change, how an event already in the log applies must not.
 */
export function isIdentity(actor: ActorIdentity, identity: ActorIdentity): boolean {
  return (
    actor.role === identity.role &&
    (actor.actorId ?? undefined) === (identity.actorId ?? undefined) &&
    trimmedName(actor) === trimmedName(identity)
  );
}

export function identityOf(actor: ActorIdentity): ActorIdentity {
  return compact({ actorId: actor.actorId, name: trimmedName(actor), role: actor.role });
}
