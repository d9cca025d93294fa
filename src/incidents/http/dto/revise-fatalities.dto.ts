import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsUUID, ValidateIf, ValidateNested } from 'class-validator';
import { EXAMPLE } from './examples.js';
import { FatalitiesDto } from './fatalities.dto.js';
import { IsOmittable, IsText, MAX } from './validators.js';

/** POST /incidents/:id/fatalities */
export class ReviseFatalitiesDto {
  @ApiProperty({
    type: () => FatalitiesDto,
    nullable: true,
    description: 'null: the count is no longer known. Must be given either way.',
    example: { low: 2, best: 2, high: 3 },
  })
  @ValidateIf((_, fatalities) => fatalities !== null)
  @IsObject({ message: '$property must be the estimates, or null when unknown' })
  @ValidateNested()
  @Type(() => FatalitiesDto)
  fatalities: FatalitiesDto | null;

  @ApiProperty({ maxLength: MAX.reason, example: 'A third person may have died.' })
  @IsText(MAX.reason)
  reason: string;

  @ApiPropertyOptional({ format: 'uuid', example: EXAMPLE.sourceId })
  @IsOmittable()
  @IsUUID()
  sourceId?: string;
}
