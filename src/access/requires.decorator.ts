import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Permission, Principal } from './roles.js';

export const REQUIRED_PERMISSION = 'access:requires';

/**
 * The permission an endpoint (or every endpoint of a controller) requires. An endpoint that says
 * nothing requires `admin`: a new endpoint is closed until someone decides who may use it.
 */
export const Requires = (permission: Permission | 'nothing') => SetMetadata(REQUIRED_PERMISSION, permission);

/** Open to anyone, without a key: health checks. */
export const Public = () => Requires('nothing');

/** The principal the access guard found for a request. */
export function principalOf(request: Request): Principal {
  const principal = (request as Request & { principal?: Principal }).principal;
  if (!principal) throw new Error('No principal on the request: the access guard did not run');
  return principal;
}

export function setPrincipal(request: Request, principal: Principal): void {
  (request as Request & { principal?: Principal }).principal = principal;
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
