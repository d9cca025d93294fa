import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateIf } from 'class-validator';
import { parseLogCheckpoint } from '../../audit/event-log.js';
import { AsNumber } from '../../common/query-params.js';
import { IsNumberIn, IsOmittable, IsTimestamp } from '../../incidents/http/dto/validators.js';
import { IncidentDto } from '../../incidents/http/incident-responses.js';
import type { ChangeKind } from '../group-changes.js';

export const CHANGES_LIMIT = { default: 100, max: 1000 } as const;

const CHECKPOINT_EXAMPLE = '1042-977';

export class ChangesQueryDto {
  @ApiPropertyOptional({
    description:
      'Where to start: the `next` of the previous answer (a checkpoint, as GET /events writes them), or an ISO 8601 ' +
      'timestamp with a time zone (a + written %2B) for the changes recorded from then on, its millisecond included. ' +
      'Omitted: from the start of the log.',
    example: CHECKPOINT_EXAMPLE,
  })
  @IsOmittable()
  // A checkpoint is digits-digits; anything else must be a timestamp, and is told so when it is not.
  @ValidateIf((query: ChangesQueryDto) => parseLogCheckpoint(query.since) === undefined)
  @IsTimestamp({
    message:
      'since must be a checkpoint such as 1042-977 (the "next" of an earlier answer) or an ISO 8601 timestamp with a ' +
      'time zone, such as 2020-08-08T12:00:00Z or 2020-08-08T15:00:00%2B03:00',
  })
  since?: string;

  @ApiPropertyOptional({ description: 'At most this many incidents.', minimum: 1, maximum: CHANGES_LIMIT.max, default: CHANGES_LIMIT.default })
  @IsOmittable()
  @AsNumber()
  @IsNumberIn({ min: 1, max: CHANGES_LIMIT.max, integer: true })
  limit?: number;
}

const CHANGE_KINDS: ChangeKind[] = ['recorded', 'changed', 'retracted'];

export class IncidentChangeDto {
  @ApiProperty({ format: 'uuid' })
  incidentId: string;

  @ApiProperty({
    enum: CHANGE_KINDS,
    description:
      '`retracted` when it was retracted in this stretch of the log (even if also recorded in it), else `recorded` ' +
      'when it was recorded in it, else `changed`.',
  })
  change: ChangeKind;

  @ApiProperty({ description: 'The version its first event in this stretch made.', example: 2 })
  fromVersion: number;

  @ApiProperty({ description: 'The version its last event in this stretch made.', example: 3 })
  version: number;

  @ApiProperty({ description: 'The types of its events in this stretch, each once, in order.', example: ['incident.corrected', 'incident.verified'] })
  eventTypes: string[];

  @ApiProperty({ description: 'When its last event in this stretch was recorded.' })
  changedAt: Date;

  @ApiProperty({
    type: IncidentDto,
    description:
      'The incident as it stands now, as GET /incidents/{id} shows it (a retracted one with status `retracted`). ' +
      'Its version may be past `version` when it changed again since: a later answer reports those events.',
  })
  incident: IncidentDto;
}

export class ChangesPageDto {
  @ApiProperty({ type: [IncidentChangeDto], description: 'One entry per incident, in the order of its first event here.' })
  changes: IncidentChangeDto[];

  @ApiProperty({
    description:
      'Pass as `since` to read on: exactly what comes after this answer. When nothing was new, where it started: ' +
      'the `since` given, or the checkpoint a timestamp stands for.',
    example: CHECKPOINT_EXAMPLE,
  })
  next: string;

  @ApiProperty({
    description: 'True when this answer reached everything readable now: poll again later. False: read on with `next` at once.',
  })
  upToDate: boolean;
}
