import { HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ProblemError, problemType } from '../common/problem.js';
import { ApiKeys } from './api-keys.js';
import { bearerKey, REQUIRED_PERMISSION, setPrincipal } from './requires.decorator.js';
import { may, PUBLIC_PRINCIPAL, type Permission, type Principal } from './roles.js';

export interface AccessOptions {
  /** PUBLIC_READ=true: requests without a key may do what a viewer does. */
  publicRead: boolean;
}
export const ACCESS_OPTIONS = Symbol('ACCESS_OPTIONS');

/** Every request passes here first: who is it (its key), and may it do this (its role)? */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeys,
    @Inject(ACCESS_OPTIONS) private readonly options: AccessOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required =
      this.reflector.getAllAndOverride<Permission | 'nothing'>(REQUIRED_PERMISSION, [context.getHandler(), context.getClass()]) ??
      'admin';
    if (required === 'nothing') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const principal = await this.authenticate(request, response);
    setPrincipal(request, principal);
    if (may(principal, required)) return true;
    if (principal.anonymous) throw unauthorized(response, 'missing-api-key', `This needs an API key allowed to ${required}.`);
    throw new ProblemError({
      type: problemType('forbidden'),
      title: 'Not allowed for this key',
      status: HttpStatus.FORBIDDEN,
      detail: `The key "${principal.name}" has the role ${principal.role}, which may not ${required.replace('_', ' ')}.`,
      requiredPermission: required,
      role: principal.role,
    });
  }

  private async authenticate(request: Request, response: Response): Promise<Principal> {
    const key = bearerKey(request);
    if (key === undefined) {
      if (this.options.publicRead) return PUBLIC_PRINCIPAL;
      throw unauthorized(response, 'missing-api-key', 'Send an API key as "Authorization: Bearer <key>".');
    }
    if (key === null) throw unauthorized(response, 'invalid-api-key', 'The Authorization header must be "Bearer <key>".');
    const principal = await this.keys.principalOf(key);
    if (!principal) throw unauthorized(response, 'invalid-api-key', 'The API key is unknown or revoked.');
    return principal;
  }
}

/** 401 with the challenge RFC 6750 asks for. The key itself is never echoed. */
function unauthorized(response: Response, slug: string, detail: string): ProblemError {
  const error = slug === 'invalid-api-key' ? ', error="invalid_token"' : '';
  response.setHeader('WWW-Authenticate', `Bearer realm="incident-tracker"${error}`);
  return new ProblemError({ type: problemType(slug), title: 'API key needed', status: HttpStatus.UNAUTHORIZED, detail });
}
