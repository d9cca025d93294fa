import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { IncomingMessage } from 'node:http';
import type { Permission, Principal } from './roles.js';

export const REQUIRED_PERMISSION = 'access:requires';

/**
 * The permission an endpoint (or every endpoint of a controller) requires. An endpoint that says
 * nothing requires `admin`: a new endpoint is closed until someone decides who may use it.
 */
export const Requires = (permission: Permission | 'nothing') => SetMetadata(REQUIRED_PERMISSION, permission);

/** Open to anyone, without a key: health checks. */
export const Public = () => Requires('nothing');

type WithPrincipal = IncomingMessage & { principal?: Principal };

/** The principal the access guard found for a request, if it ran (not for /health, nor before it). */
export function foundPrincipal(request: IncomingMessage): Principal | undefined {
  return (request as WithPrincipal).principal;
}

/** The principal the access guard found for a request. */
export function principalOf(request: Request): Principal {
  const principal = foundPrincipal(request);
  if (!principal) throw new Error('No principal on the request: the access guard did not run');
  return principal;
}

export function setPrincipal(request: Request, principal: Principal): void {
  (request as WithPrincipal).principal = principal;
}

/** The key in `Authorization: Bearer <key>`; undefined when the header is absent, null when malformed. */
export function bearerKey(request: Request): string | undefined | null {
  const header = request.header('authorization');
  if (header === undefined) return undefined;
  return /^Bearer +(\S+) *$/i.exec(header)?.[1] ?? null;
}

export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal =>
  principalOf(context.switchToHttp().getRequest<Request>()),
);

/**
 * Who reads, and through which endpoint: what the access log records when an answer shows a
 * confidential source. `via` is the route as declared ("GET /incidents/:id"), not the URL.
 */
export const CurrentReader = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<Request>();
  const route = (request.route as { path?: string } | undefined)?.path ?? request.path;
  return { principal: principalOf(request), via: `${request.method} ${route}`, requestId: typeof request.id === 'string' ? request.id : undefined };
});
