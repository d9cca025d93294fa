import type { ActorIdentity, ActorRef } from './incident.types.js';
import { compact } from './plain-data.js';

/**
 * Actor identity within one incident. A registry id, when present, is the identity; otherwise the
 * reported name is. The rule is strict on purpose: "X" by name and "X" with a registry id are
 * different references until a correction links them, so removing one never removes the other.
 */

const trimmedName = (actor: ActorIdentity) => actor.name?.trim() || undefined;

export function isIdentified(actor: ActorIdentity): boolean {
  return Boolean(actor.actorId?.trim() || trimmedName(actor));
}

export function isSameActor(a: ActorIdentity, b: ActorIdentity): boolean {
  if (a.role !== b.role) return false;
  if (a.actorId || b.actorId) return a.actorId === b.actorId;
  return trimmedName(a) === trimmedName(b);
}

/** The reference as stored: names trimmed, absent fields left out. */
export function normaliseActor(actor: ActorRef): ActorRef {
  return compact({ ...actor, name: trimmedName(actor) });
}

export function identityOf(actor: ActorIdentity): ActorIdentity {
  return compact({ actorId: actor.actorId, name: trimmedName(actor), role: actor.role });
}
