import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsUUID, Matches } from 'class-validator';
import { AsBoolean, AsNumber } from '../../common/query-params.js';
import { ACTOR_ROLES, INCIDENT_CATEGORIES, type ActorRole, type IncidentCategory } from '../../incidents/domain/index.js';
import { IsCalendarDate, IsNotBefore, IsNumberIn, IsOmittable, IsText, IsTimestamp, MAX } from '../../incidents/http/dto/validators.js';

export const INCIDENT_STATUSES = ['unverified', 'verified', 'disputed', 'retracted'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** A country code or an OCHA p-code at any level. */
const REGION = /^[A-Z]{2}([0-9]{2,})?$/;

/** What every timeline read may ask: filters, and read-your-writes. */
export class TimelineFilterDto {
  @ApiPropertyOptional({ description: 'A country code or p-code: includes every place below it.', example: 'SY09' })
  @IsOmittable()
  @Matches(REGION, { message: 'region must be a country code or an OCHA p-code such as SY09' })
  region?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A registry actor; its merged duplicates count as it.' })
  @IsOmittable()
  @IsUUID()
  actor?: string;

  @ApiPropertyOptional({ enum: [...ACTOR_ROLES], enumName: 'ActorRole', description: 'With actor: only in this role.' })
  @IsOmittable()
  @IsIn(ACTOR_ROLES)
  role?: ActorRole;

  @ApiPropertyOptional({ enum: [...INCIDENT_CATEGORIES], enumName: 'IncidentCategory' })
  @IsOmittable()
  @IsIn(INCIDENT_CATEGORIES)
  category?: IncidentCategory;

  @ApiPropertyOptional({ description: 'Occurred on or after (a range overlapping it counts).', example: '2020-08-01' })
  @IsOmittable()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'Occurred on or before (a range overlapping it counts).', example: '2020-08-31' })
  @IsOmittable()
  @IsCalendarDate()
  @IsNotBefore('from')
  to?: string;

  @ApiPropertyOptional({ enum: [...INCIDENT_STATUSES] })
  @IsOmittable()
  @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;

  @ApiPropertyOptional({ description: 'Words of the title, summary, place, actors or tags, in any script.' })
  @IsOmittable()
  @IsText(MAX.name)
  q?: string;

  @ApiPropertyOptional({ description: 'Also show retracted incidents.', default: false })
  @IsOmittable()
  @AsBoolean()
  @IsBoolean({ message: 'includeRetracted must be true or false' })
  includeRetracted?: boolean;

  @ApiPropertyOptional({ description: 'Wait until the read models have passed this log position (from a write).' })
  @IsOmittable()
  @AsNumber()
  @IsNumberIn({ min: 1, max: Number.MAX_SAFE_INTEGER, integer: true })
  minPosition?: number;
}

export class TimelineQueryDto extends TimelineFilterDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOmittable()
  @AsNumber()
  @IsNumberIn({ min: 1, max: 500, integer: true })
  limit?: number;

  @ApiPropertyOptional({ description: 'From the previous page: `nextCursor`.' })
  @IsOmittable()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be a nextCursor from an earlier page' })
  cursor?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'The timeline as it was known at this moment: events recorded later are ignored. Computed by replaying the log, ' +
      'so slower than the live timeline; actors resolve through the registry as it is now.',
    example: '2020-08-10T00:00:00Z',
  })
  @IsOmittable()
  @IsTimestamp()
  asOf?: string;
}

export const STATS_GROUPS = ['month', 'region', 'category', 'actor'] as const;
export type StatsGroup = (typeof STATS_GROUPS)[number];

export class TimelineStatsDto extends TimelineFilterDto {
  @ApiPropertyOptional({ enum: [...STATS_GROUPS], default: 'month' })
  @IsOmittable()
  @IsIn(STATS_GROUPS)
  groupBy?: StatsGroup;
}
