import { HttpStatus } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

/** One thing wrong with a request, where it is (`sources[0].url`) and what is wrong. */
export interface FieldError {
  path: string;
  message: string;
}

/** RFC 9457 problem details, the body of every error response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** An error that knows its HTTP meaning; the problem filter turns it into problem+json. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

export function problemType(slug: string): string {
  return `/problems/${slug}`;
}

export class RequestValidationError extends ProblemError {
  constructor(errors: FieldError[], detail = 'The request has invalid fields; nothing was recorded.') {
    super({
      type: problemType('validation-error'),
      title: 'Invalid request',
      status: HttpStatus.BAD_REQUEST,
      detail,
      errors,
    });
  }

  /** ValidationPipe's exception factory: one entry per bad field, nested paths spelled out. */
  static fromValidationErrors(errors: ValidationError[]): RequestValidationError {
    return new RequestValidationError(flatten(errors, ''));
  }
}

function flatten(errors: ValidationError[], parent: string): FieldError[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/** The client's If-Match names a version the incident (or actor) has moved past. */
export class StaleVersionProblem extends ProblemError {
  constructor(expected: number, current: number, subject: 'incident' | 'actor' = 'incident') {
    super({
      type: problemType('stale-version'),
      title: `The ${subject} has changed since that version`,
      status: HttpStatus.PRECONDITION_FAILED,
      detail: `If-Match named version ${expected}, but the ${subject} is at version ${current}; nothing was recorded.`,
      currentVersion: current,
    });
  }
}
