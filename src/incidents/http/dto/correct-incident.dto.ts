import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import { INCIDENT_CATEGORIES, type IncidentCategory } from '../../domain/index.js';
import { EXAMPLE } from './examples.js';
import { LocalizedTextDto, LocalizedTitleDto, TranslationDto } from './localized-text.dto.js';
import { OccurredDto } from './occurred.dto.js';
import { PlaceDto } from './place.dto.js';
import { IsList, IsOmittable, IsText, MAX } from './validators.js';

/**
 * The fields to set; the rest stay as they are. Lists (translations, tags) are replaced whole.
 * Only summary and notes may be null, which clears them.
 */
export class IncidentChangesDto {
  @ApiPropertyOptional({ enum: [...INCIDENT_CATEGORIES], enumName: 'IncidentCategory' })
  @IsOmittable()
  @IsIn(INCIDENT_CATEGORIES, { message: '$property must be one of the incident categories' })
  category?: IncidentCategory;

  @ApiPropertyOptional({ type: () => LocalizedTitleDto })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => LocalizedTitleDto)
  title?: LocalizedTitleDto;

  @ApiPropertyOptional({ type: () => LocalizedTextDto, nullable: true, description: 'null clears the summary.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LocalizedTextDto)
  summary?: LocalizedTextDto | null;

  @ApiPropertyOptional({ type: () => TranslationDto, isArray: true })
  @IsOmittable()
  @IsList({ max: 20 })
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => TranslationDto)
  translations?: TranslationDto[];

  @ApiPropertyOptional({ type: () => OccurredDto, example: { from: '2020-07-31', precision: 'day' } })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => OccurredDto)
  occurred?: OccurredDto;

  @ApiPropertyOptional({ type: () => PlaceDto })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => PlaceDto)
  place?: PlaceDto;

  @ApiPropertyOptional({ type: String, isArray: true })
  @IsOmittable()
  @IsList({ max: 50 })
  @IsText(MAX.tag, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: MAX.notes, description: 'null clears the notes.' })
  @IsOptional()
  @IsText(MAX.notes)
  notes?: string | null;
}

/** POST /incidents/:id/corrections */
export class CorrectIncidentDto {
  @ApiProperty({ type: () => IncidentChangesDto })
  @IsObject()
  @ValidateNested()
  @Type(() => IncidentChangesDto)
  changes: IncidentChangesDto;

  @ApiProperty({ maxLength: MAX.reason, example: EXAMPLE.reason })
  @IsText(MAX.reason)
  reason: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The attached source the correction rests on.',
    example: EXAMPLE.sourceId,
  })
  @IsOmittable()
  @IsUUID()
  sourceId?: string;
}
