import { ApiProperty } from '@nestjs/swagger';
import { IsNumberIn, IsOrderedFatalities } from './validators.js';

/** Above any count a single incident has had; a typo guard more than a rule. */
const MAX_FATALITIES = 10_000_000;

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
}
