import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { IsOmittable, IsText, MAX } from '../../../incidents/http/dto/validators.js';
import { ACTOR_KINDS, type ActorKind } from '../../domain/index.js';

export class SearchActorsDto {
  @ApiPropertyOptional({ description: 'Any name in any script or spelling.', example: 'Egaidat' })
  @IsOmittable()
  @IsText(MAX.name)
  q?: string;

  @ApiPropertyOptional({ enum: [...ACTOR_KINDS], enumName: 'ActorKind' })
  @IsOmittable()
  @IsIn(ACTOR_KINDS)
  kind?: ActorKind;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOmittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
