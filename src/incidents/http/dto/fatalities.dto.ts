import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import { IsList, IsNumberIn, IsOmittable, IsOrderedFatalities, IsText, MAX } from './validators.js';

/** Above any count a single incident has had; a typo guard more than a rule. */
const MAX_FATALITIES = 10_000_000;

/** Whose dead: an actor as the incident names it, `civilians` or `unknown`. */
export class PartyFatalitiesDto {
  @ApiProperty({ maxLength: MAX.name, example: 'civilians' })
  @IsText(MAX.name)
  party: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 2 })
  @IsNumberIn({ min: 0, max: MAX_FATALITIES, integer: true })
  deaths: number;
}

/** Low, best and high estimates; low <= best <= high. */
export class FatalitiesDto {
  @ApiProperty({ type: 'integer', minimum: 0, example: 2, description: 'Must be <= best.' })
  @IsNumberIn({ min: 0, max: MAX_FATALITIES, integer: true })
  @IsOrderedFatalities()
  low: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 2 })
  @IsNumberIn({ min: 0, max: MAX_FATALITIES, integer: true })
  best: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 2, description: 'Must be >= best.' })
  @IsNumberIn({ min: 0, max: MAX_FATALITIES, integer: true })
  high: number;

  @ApiPropertyOptional({
    type: () => PartyFatalitiesDto,
    isArray: true,
    description: 'The best estimate split by party (as UCDP counts deaths_a, deaths_b, civilians, unknown); must add up to best.',
  })
  @IsOmittable()
  @IsList({ max: 20 })
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => PartyFatalitiesDto)
  byParty?: PartyFatalitiesDto[];
}
