import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '../event-store/index.js';

/**
 * Who made a request and which chain of work it belongs to, to be recorded on every event it
 * causes. The actor comes from the `X-Actor` header until authentication replaces it.
 */
export function requestMetadata(request: Request): EventMetadata {
  const header = (name: string) => {
    const value = request.header(name)?.trim();
    return value ? value.slice(0, 200) : undefined;
  };
  const requestId = header('x-request-id') ?? randomUUID();
  return {
    actor: header('x-actor') ?? 'anonymous',
    requestId,
    correlationId: header('x-correlation-id') ?? requestId,
    causationId: requestId,
  };
}

export const RequestMetadata = createParamDecorator((_: unknown, context: ExecutionContext) =>
  requestMetadata(context.switchToHttp().getRequest<Request>()),
);
