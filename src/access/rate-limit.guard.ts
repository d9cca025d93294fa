import { HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { ProblemError, problemType } from '../common/problem.js';
import { poolOf } from '../database/data-source.js';
import { foundPrincipal, REQUIRED_PERMISSION } from './requires.decorator.js';

export interface RateLimitOptions {
  /** RATE_LIMIT_PER_MINUTE: requests each key may make a minute; 0 for no limit. */
  perMinute: number;
}
export const RATE_LIMIT_OPTIONS = Symbol('RATE_LIMIT_OPTIONS');

/**
 * Requests per key per minute. It runs after the access guard, so a request counts against its
 * key; a request without one (PUBLIC_READ) counts against its address. The health check is not
 * counted.
 *
 * The counts are kept in the database (the rate_limits table, on the primary), so every API
 * process behind a load balancer counts the same requests: one upsert a request. A key over its
 * limit is then refused from memory until its minute ends, without asking the database again.
 * Should the table be out of reach, each process counts in its own memory meanwhile (the
 * insurance limiter) rather than refuse every request or let every request through.
 *
 * rate-limiter-flexible rather than @nestjs/throttler: throttler 6 is CommonJS requiring the
 * ES-module-only Nest 12, which Node 20 loads but Jest on Node 20 cannot, so no test could run it.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limiter?: RateLimiterPostgres;

  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_OPTIONS) private readonly options: RateLimitOptions,
    dataSource: DataSource,
  ) {
    const { perMinute } = options;
    if (perMinute === 0) return;
    this.limiter = new RateLimiterPostgres({
      storeClient: poolOf(dataSource),
      storeType: 'pool',
      // Made by a migration (migrations/*-rate-limits.sql), not by the library at start.
      tableName: 'rate_limits',
      tableCreated: true,
      // The table's keys are the trackers as they are: `key:<name>` or `ip:<address>`.
      keyPrefix: '',
      points: perMinute,
      duration: 60,
      inMemoryBlockOnConsumed: perMinute + 1,
      insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: 60 }),
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.limiter) return true;
    const required = this.reflector.getAllAndOverride<string>(REQUIRED_PERMISSION, [context.getHandler(), context.getClass()]);
    if (required === 'nothing') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const principal = foundPrincipal(request);
    const byKey = principal !== undefined && !principal.anonymous;
    const tracker = byKey ? `key:${principal.name}` : `ip:${request.ip}`;
    try {
      const state = await this.limiter.consume(tracker);
      response.setHeader('RateLimit-Limit', String(this.options.perMinute));
      response.setHeader('RateLimit-Remaining', String(state.remainingPoints));
      return true;
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const seconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      throw new ProblemError({
        type: problemType('rate-limited'),
        title: 'Too many requests',
        status: HttpStatus.TOO_MANY_REQUESTS,
        detail: `${byKey ? `The key "${principal.name}"` : 'This address'} may make ${this.options.perMinute} requests a minute; try again in ${seconds} s.`,
        retryAfterSeconds: seconds,
      });
    }
  }
}
