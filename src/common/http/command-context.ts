import {
  applyDecorators,
  createParamDecorator,
  HttpCode,
  HttpStatus,
  type ExecutionContext,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiProperty,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RequestValidationError } from '../problem.js';
import { requestMetadata } from '../request-metadata.js';
import type { EventMetadata } from '../../event-store/index.js';

/** What every command endpoint answers: the stream's new version (also the ETag) and where the change is in the log. */
export class CommandResultDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'The version after the change (also the ETag).', example: 1 })
  version: number;

  @ApiProperty({ description: 'Global log position of the last event written: give it as minPosition to read your write.', example: 1042 })
  position: number;
}

/** What a command request carries besides its body: who, preconditions, retries. */
export interface CommandContext {
  metadata: EventMetadata;
  ifMatch?: string;
  idempotencyKey?: string;
  /** The body as sent, before validation turned it into a DTO: what a retry must repeat. */
  rawBody: unknown;
  response: Response;
}

export const CommandContext = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<Request>();
  return {
    metadata: requestMetadata(request),
    ifMatch: request.header('if-match'),
    idempotencyKey: idempotencyKeyOf(request),
    rawBody: request.body,
    response: context.switchToHttp().getResponse<Response>(),
  };
});

/**
 * Long enough for any key a client makes (a UUID, a report's name and date). The store keeps keys
 * in a B-tree index, which cannot hold a row over 2,704 bytes: a longer key failed the append.
 */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 200;

function idempotencyKeyOf(request: Request): string | undefined {
  const key = request.header('idempotency-key')?.trim() || undefined;
  if (key !== undefined && key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    throw new RequestValidationError([
      { path: 'Idempotency-Key', message: `Idempotency-Key must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters` },
    ]);
  }
  return key;
}

export const IF_MATCH_HEADER = {
  name: 'If-Match',
  required: false,
  description: 'The version the change is based on, as in the ETag ("3"); 412 when it has moved on.',
};
export const IDEMPOTENCY_KEY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'A retry with the same key returns the first result and records nothing more. At most 200 characters.',
};

/** The OpenAPI description and status every command endpoint shares. */
export function CommandEndpoint(summary: string, subject: 'incident' | 'actor' = 'incident') {
  return applyDecorators(
    HttpCode(HttpStatus.OK),
    ApiOperation({ summary }),
    ApiHeader(IF_MATCH_HEADER),
    ApiHeader(IDEMPOTENCY_KEY_HEADER),
    ApiOkResponse({ type: CommandResultDto, description: 'Recorded as a new event.' }),
    ApiNotFoundResponse({ description: `No ${subject} has this id.` }),
    ApiConflictResponse({ description: `The ${subject} does not allow this (for example it was ${subject === 'actor' ? 'merged' : 'retracted'}).` }),
    ApiPreconditionFailedResponse({ description: `If-Match names a version the ${subject} has moved past.` }),
    ApiUnprocessableEntityResponse({ description: 'The Idempotency-Key was used for another request.' }),
  );
}
