import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from '../database/unavailable.js';
import { IdempotencyKeyReusedError, StreamOrderError, WrongExpectedVersionError } from '../event-store/index.js';
import { ProblemError, problemType, type Problem } from './problem.js';

/** Errors from the body parser, which runs before any of our code. */
interface BodyParserError {
  type: 'entity.parse.failed' | 'entity.too.large' | string;
  status: number;
  limit?: number;
  message: string;
}

/** PostgreSQL refuses some text the JSON parser accepts (a NUL character, for one). */
const CLIENT_TEXT_ERRORS = new Set(['22P05', '22021']);

/** A database restart takes seconds; clients that all come back at once only slow it down. */
const DATABASE_RETRY_AFTER_SECONDS = 2;

/** The one place where errors become `application/problem+json`. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(error);
    if (problem.status >= 500 && problem.status !== HttpStatus.SERVICE_UNAVAILABLE) {
      this.logger.error(error instanceof Error ? error.stack : error);
    }
    if (typeof problem.retryAfterSeconds === 'number') response.setHeader('Retry-After', String(problem.retryAfterSeconds));
    response
      .status(problem.status)
      .type('application/problem+json')
      .json({ ...problem, instance: request.originalUrl });
  }

  private toProblem(error: unknown): Problem {
    if (error instanceof ProblemError) return error.problem;
    if (isBodyParserError(error)) return bodyParserProblem(error);
    // Nest may wrap the body parser's error in an HttpException.
    const cause = (error as { cause?: unknown })?.cause;
    if (error instanceof HttpException && isBodyParserError(cause)) return bodyParserProblem(cause);
    if (error instanceof WrongExpectedVersionError) {
      return {
        type: problemType('concurrent-change'),
        title: 'Changed by someone else meanwhile',
        status: HttpStatus.CONFLICT,
        detail: `${error.message}; reload and try again.`,
        currentVersion: error.actual,
      };
    }
    if (error instanceof StreamOrderError) {
      return {
        type: problemType('concurrent-change'),
        title: 'Changed by someone else meanwhile',
        status: HttpStatus.CONFLICT,
        detail: `${error.message}; nothing was recorded.`,
      };
    }
    if (error instanceof IdempotencyKeyReusedError) {
      return {
        type: problemType('idempotency-key-reused'),
        title: 'Idempotency key already used for another request',
        status: HttpStatus.UNPROCESSABLE_ENTITY,
        detail: error.message,
      };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return { type: 'about:blank', title: HttpStatus[status] ?? 'Error', status, detail: error.message };
    }
    const code = (error as { code?: string })?.code;
    if (isDatabaseUnavailable(error)) {
      return {
        type: problemType('database-unavailable'),
        title: 'The database cannot be reached just now',
        status: HttpStatus.SERVICE_UNAVAILABLE,
        // A write cut off while committing may have been recorded: the key makes the retry safe.
        detail:
          'The service lost its database (it may be restarting); try again shortly. A write sent with an ' +
          'Idempotency-Key may be retried with the same key: it is recorded once.',
        retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
      };
    }
    if (code && CLIENT_TEXT_ERRORS.has(code)) {
      return {
        type: problemType('unstorable-text'),
        title: 'Text that cannot be stored',
        status: HttpStatus.BAD_REQUEST,
        detail: 'The request contains characters that cannot be stored (such as \\u0000); nothing was recorded.',
      };
    }
    return {
      type: 'about:blank',
      title: 'Internal Server Error',
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      detail: 'Something went wrong on our side; it has been logged.',
    };
  }
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof (error as BodyParserError)?.type === 'string' && typeof (error as BodyParserError).status === 'number';
}

function bodyParserProblem(error: BodyParserError): Problem {
  if (error.type === 'entity.too.large') {
    return {
      type: problemType('payload-too-large'),
      title: 'Request body too large',
      status: HttpStatus.PAYLOAD_TOO_LARGE,
      detail: `The body is larger than the limit of ${error.limit} bytes; nothing was recorded.`,
    };
  }
  return {
    type: problemType(error.type === 'entity.parse.failed' ? 'malformed-json' : 'unreadable-body'),
    title: error.type === 'entity.parse.failed' ? 'Malformed JSON' : 'Unreadable request body',
    status: error.status,
    detail: error.message,
    errors: [{ path: '', message: error.message }],
  };
}
