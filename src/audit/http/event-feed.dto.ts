import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import { AsNumber } from '../../common/query-params.js';
import { IsNumberIn, IsOmittable } from '../../incidents/http/dto/validators.js';
import { parseLogCheckpoint } from '../event-log.js';

export const FEED_LIMIT = { default: 100, max: 1000 } as const;

const CHECKPOINT_EXAMPLE = '1042-977';

function IsLogCheckpoint(): PropertyDecorator {
  return ValidateBy({
    name: 'isLogCheckpoint',
    validator: {
      validate: (value) => parseLogCheckpoint(value) !== undefined,
      defaultMessage: (args) =>
        `${args?.property} must be a checkpoint such as ${CHECKPOINT_EXAMPLE}: the "next" of an earlier page, or an event's "checkpoint"`,
    },
  });
}

export class EventFeedQueryDto {
  @ApiPropertyOptional({
    description: 'Read from just after this checkpoint: the `next` of the previous page, or an event\'s `checkpoint`. Omitted: from the start.',
    example: CHECKPOINT_EXAMPLE,
    pattern: '^\\d{1,20}-\\d{1,16}$',
  })
  @IsOmittable()
  @IsLogCheckpoint()
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: FEED_LIMIT.max, default: FEED_LIMIT.default })
  @IsOmittable()
  @AsNumber()
  @IsNumberIn({ min: 1, max: FEED_LIMIT.max, integer: true })
  limit?: number;
}

class EventIntegrityDto {
  @ApiProperty({
    description:
      'SHA-256 (hex) of the RFC 8785 form of {data, metadata, previous, recordedAt, schemaVersion, stream, type, version}, ' +
      'with `previous` = previousHash and `recordedAt` as below: recompute it to check the event.',
    nullable: true,
    type: String,
  })
  hash: string | null;

  @ApiProperty({ description: "The hash of the stream's event before it; null for its first.", nullable: true, type: String })
  previousHash: string | null;

  @ApiProperty({ description: 'The recorded time as the hash covers it: UTC, to the microsecond.', example: '2020-08-03T09:15:00.123456Z' })
  recordedAt: string;
}

export class LogEventDto {
  @ApiProperty({ description: 'Global position: unique, but commits can land out of position order.', example: 977 })
  position: number;

  @ApiProperty({ description: "This event's place in the safe order: `after` it reads on from the next event.", example: CHECKPOINT_EXAMPLE })
  checkpoint: string;

  @ApiProperty({ example: 'incident-5b1c6a8e-2f0d-4a57-9d1e-3c2b7f9e8a41' })
  streamId: string;

  @ApiProperty({ description: 'The version of its stream it made, from 1.', example: 3 })
  version: number;

  @ApiProperty({ example: 'incident.corrected' })
  type: string;

  @ApiProperty({ description: 'The schema version it was recorded in; `data` is as recorded, never upgraded.', example: 1 })
  schemaVersion: number;

  @ApiProperty({ type: 'object', additionalProperties: true })
  data: unknown;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'actor, requestId, correlationId, causationId' })
  metadata: object;

  @ApiProperty()
  recordedAt: Date;

  @ApiProperty({ type: EventIntegrityDto })
  integrity: EventIntegrityDto;
}

export class EventFeedDto {
  @ApiProperty({ type: [LogEventDto] })
  events: LogEventDto[];

  @ApiProperty({ description: 'The `after` of the next page; the same as `after` when there was nothing new.', example: CHECKPOINT_EXAMPLE })
  next: string;
}
