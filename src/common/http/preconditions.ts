import { createHash } from 'node:crypto';
import { RequestValidationError } from '../problem.js';

/** `If-Match: "3"` (or W/"3", or 3) names version 3; no header means no precondition. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match) {
    throw new RequestValidationError([
      { path: 'If-Match', message: 'If-Match must name one version as in the ETag, e.g. "3"' },
    ]);
  }
  return Number(match[1]);
}

/** Two requests are the same retry when they ask the same command with the same body. */
export function requestHash(commandType: string, rawBody: unknown): string {
  return createHash('sha256').update(commandType).update('\n').update(JSON.stringify(rawBody ?? null)).digest('hex');
}

/**
 * The key a command's Idempotency-Key is stored under: the principal's name and the client's key.
 * A client chooses its keys without knowing anyone else's, so two principals sending the same key
 * are two requests, and neither may receive the other's result.
 */
export function principalIdempotencyKey(principal: unknown, key: string): string {
  return `${String(principal)}\n${key}`;
}
