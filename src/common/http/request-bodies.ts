import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ProblemError, problemType, RequestValidationError, type FieldError } from '../problem.js';

/**
 * Bodies the validation pipe would misread, refused before it sees them.
 *
 * - A body in a media type the service does not parse (text/plain, a form, as `curl -d` sends)
 *   reaches the pipe as no body at all: an endpoint whose fields are all optional would then do
 *   its default (verify on every source, revoke a key) with the client's fields unread.
 * - JSON nested thousands deep overflows the stack of class-transformer, which walks it
 *   recursively: a 500 for the client's mistake.
 * - The keys __proto__, constructor and prototype are deleted by the pipe without a word, so a
 *   body holding them is accepted short of what was sent (`externalIds: { "constructor": … }` is
 *   lost), where any other unknown field is a 400.
 */

/** Deeper than any request body goes (a source's quote translations are five levels down), far short of any stack. */
export const MAX_BODY_DEPTH = 32;

const POLLUTING_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** What is wrong with a parsed JSON body's shape, with the validation pipe's paths and wording. */
export function bodyShapeProblems(body: unknown): FieldError[] {
  const problems: FieldError[] = [];
  // A stack of its own: the point is to walk what a recursive walk cannot.
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 1 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_BODY_DEPTH) {
      problems.push({ path: path || 'body', message: `${path || 'the body'} is nested more than ${MAX_BODY_DEPTH} levels deep` });
      break;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push({ value: item, path: `${path}[${index}]`, depth: depth + 1 }));
      continue;
    }
    for (const key of Object.keys(value)) {
      const keyPath = path ? `${path}.${key}` : key;
      if (POLLUTING_KEYS.has(key)) problems.push({ path: keyPath, message: `property ${key} should not exist` });
      else stack.push({ value: (value as Record<string, unknown>)[key], path: keyPath, depth: depth + 1 });
    }
  }
  return problems;
}

/** Methods whose body the service reads. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function carriesBody(request: Request): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

/** Nest middleware, after the JSON body parser (app.ts) and before guards and pipes. */
export function refuseMisreadBodies(request: Request, _: Response, next: NextFunction): void {
  if (!BODY_METHODS.has(request.method)) return next();
  // The JSON parser leaves the body undefined when it does not read the media type.
  if (request.body === undefined && carriesBody(request)) {
    throw new ProblemError({
      type: problemType('unsupported-media-type'),
      title: 'Unsupported media type',
      status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      detail: `The body is ${request.headers['content-type'] ? `sent as ${request.headers['content-type'].slice(0, 100)}` : 'sent without a Content-Type'}; send it as application/json. Nothing was recorded.`,
    });
  }
  const problems = bodyShapeProblems(request.body);
  if (problems.length > 0) throw new RequestValidationError(problems);
  next();
}
