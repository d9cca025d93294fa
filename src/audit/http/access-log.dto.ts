import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, MaxLength } from 'class-validator';
import { AsNumber } from '../../common/query-params.js';
import { IsNumberIn, IsOmittable } from '../../incidents/http/dto/validators.js';

export const ACCESS_LOG_LIMIT = { default: 100, max: 1000 } as const;

export class AccessLogQueryDto {
  @ApiPropertyOptional({ description: 'Only reads by this key name.', example: 'amina@syria-desk' })
  @IsOmittable()
  @IsString()
  @MaxLength(100)
  reader?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only reads of this incident.' })
  @IsOmittable()
  @IsUUID('all', { message: 'incidentId must be a UUID' })
  incidentId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only reads of this source.' })
  @IsOmittable()
  @IsUUID('all', { message: 'sourceId must be a UUID' })
  sourceId?: string;

  @ApiPropertyOptional({ description: 'Entries after this log position: the `next` of the previous page.', minimum: 0 })
  @IsOmittable()
  @AsNumber()
  @IsNumberIn({ min: 0, max: Number.MAX_SAFE_INTEGER, integer: true })
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: ACCESS_LOG_LIMIT.max, default: ACCESS_LOG_LIMIT.default })
  @IsOmittable()
  @AsNumber()
  @IsNumberIn({ min: 1, max: ACCESS_LOG_LIMIT.max, integer: true })
  limit?: number;
}

export class ConfidentialSourceDto {
  @ApiProperty({ format: 'uuid' }) incidentId: string;
  @ApiProperty({ format: 'uuid' }) sourceId: string;
}

export class AccessLogEntryDto {
  @ApiProperty({ description: 'Log position of the access event.' }) position: number;
  @ApiProperty() readAt: Date;
  @ApiProperty({ description: 'The key name that read.' }) reader: string;
  @ApiProperty() role: string;
  @ApiProperty({ description: 'The endpoint, e.g. "GET /incidents/:id".' }) via: string;
  @ApiPropertyOptional({ description: 'The request id, as in the request log.' }) requestId?: string;
  @ApiProperty({ type: () => [ConfidentialSourceDto], description: 'The confidential sources the answer showed in full.' })
  sources: ConfidentialSourceDto[];
}

export class AccessLogPageDto {
  @ApiProperty({ type: [AccessLogEntryDto] }) entries: AccessLogEntryDto[];
  @ApiProperty({ description: 'Pass as `after` for the next page; the `after` given when the page is empty.' }) next: number;
}
