import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { EXAMPLE } from './examples.js';
import { IsList, IsOmittable, IsText, MAX } from './validators.js';

/** POST /incidents/:id/verification */
export class VerifyIncidentDto {
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    isArray: true,
    description: 'The attached sources the verification rests on; left out, all of them.',
    example: [EXAMPLE.sourceId],
  })
  @IsOmittable()
  @IsList({ min: 1, max: 100 })
  @IsUUID('all', { each: true })
  sourceIds?: string[];

  @ApiPropertyOptional({ maxLength: MAX.note, example: 'Confirmed by two outlets.' })
  @IsOmittable()
  @IsText(MAX.note)
  note?: string;
}

/** POST /incidents/:id/dispute */
export class DisputeIncidentDto {
  @ApiProperty({ maxLength: MAX.reason, example: 'The family denies the date.' })
  @IsText(MAX.reason)
  reason: string;
}

/** POST /incidents/:id/retraction: the incident's history stays readable. */
export class RetractIncidentDto {
  @ApiProperty({ maxLength: MAX.reason, example: 'Duplicate of another record.' })
  @IsText(MAX.reason)
  reason: string;
}
