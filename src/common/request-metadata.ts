import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { principalOf } from '../access/requires.decorator.js';
import type { EventMetadata } from '../event-store/index.js';
import { CLIENT_REQUEST_ID } from './request-logging.js';

/**
 * Who made a request and which chain of work it belongs to, to be recorded on every event it
 * causes. The actor is the principal of the request's API key: a header cannot claim one. The
 * request id is the one the request log shows (see request-logging.ts).
 */
export function requestMetadata(request: Request): EventMetadata {
  const principal = principalOf(request);
  // Ids a client chooses go into the log for good: only short, plain ones are kept.
  const clientId = (name: string) => {
    const value = request.header(name)?.trim();
    return value && CLIENT_REQUEST_ID.test(value) ? value : undefined;
  };
  const requestId = typeof request.id === 'string' ? request.id : (clientId('x-request-id') ?? randomUUID());
  return {
    actor: principal.name,
    role: principal.role,
    requestId,
    correlationId: clientId('x-correlation-id') ?? requestId,
    causationId: requestId,
  };
}

export const RequestMetadata = createParamDecorator((_: unknown, context: ExecutionContext) =>
  requestMetadata(context.switchToHttp().getRequest<Request>()),
);
