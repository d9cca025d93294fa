import { ApiPropertyOptional } from '@nestjs/swagger';
import { AsNumber } from '../../../common/query-params.js';
import { IsNotGivenWith, IsNumberIn, IsOmittable, IsTimestamp } from './validators.js';

/**
 * GET /incidents/:id: without parameters the incident as it stands; with one, as it stood then.
 * Kept out of index.ts, which lists request bodies.
 */
export class IncidentPointInTimeDto {
  @ApiPropertyOptional({
    description:
      'The incident as it stood at this instant (ISO 8601 with a time zone; a + written %2B): every event recorded ' +
      'at or before it, to the millisecond. 404 when the incident was recorded later.',
    example: '2020-08-08T15:00:00Z',
  })
  @IsOmittable()
  @IsTimestamp()
  @IsNotGivenWith('version')
  asOf?: string;

  @ApiPropertyOptional({
    description: 'The incident as it stood at this version (1 is as recorded). 404 when it has not reached it.',
    type: 'integer',
    minimum: 1,
    example: 2,
  })
  @IsOmittable()
  @AsNumber()
  @IsNumberIn({ min: 1, max: Number.MAX_SAFE_INTEGER, integer: true, message: '$property must be a whole number, 1 or more' })
  @IsNotGivenWith('asOf')
  version?: number;
}
