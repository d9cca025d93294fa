import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, ValidateNested } from 'class-validator';
import { INCIDENT_CATEGORIES, type IncidentCategory } from '../../domain/index.js';
import { ActorRefDto } from './actor-ref.dto.js';
import { EXAMPLE } from './examples.js';
import { FatalitiesDto } from './fatalities.dto.js';
import { LocalizedTextDto, LocalizedTitleDto, TranslationDto } from './localized-text.dto.js';
import { OccurredDto } from './occurred.dto.js';
import { PlaceDto } from './place.dto.js';
import { RelatedDto } from './related.dto.js';
import { SourceDto } from './source.dto.js';
import { IsExternalIds, IsList, IsOmittable, IsText, MAX } from './validators.js';

/** POST /incidents. The server assigns the incident id and the source ids. */
export class RecordIncidentDto {
  @ApiProperty({ enum: [...INCIDENT_CATEGORIES], enumName: 'IncidentCategory', example: 'assassination' })
  @IsIn(INCIDENT_CATEGORIES, { message: '$property must be one of the incident categories' })
  category: IncidentCategory;

  @ApiProperty({ type: () => LocalizedTitleDto, example: { text: EXAMPLE.titleAr, language: 'ar' } })
  @IsObject()
  @ValidateNested()
  @Type(() => LocalizedTitleDto)
  title: LocalizedTitleDto;

  @ApiPropertyOptional({ type: () => LocalizedTextDto, example: { text: EXAMPLE.summaryAr, language: 'ar' } })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => LocalizedTextDto)
  summary?: LocalizedTextDto;

  @ApiPropertyOptional({ type: () => TranslationDto, isArray: true })
  @IsOmittable()
  @IsList({ max: 20 })
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => TranslationDto)
  translations?: TranslationDto[];

  @ApiProperty({ type: () => OccurredDto })
  @IsObject()
  @ValidateNested()
  @Type(() => OccurredDto)
  occurred: OccurredDto;

  @ApiProperty({ type: () => PlaceDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PlaceDto)
  place: PlaceDto;

  @ApiProperty({
    type: () => ActorRefDto,
    isArray: true,
    description: 'May be empty when no party is known (perpetrator unknown).',
  })
  @IsList({ max: 200 })
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ActorRefDto)
  actors: ActorRefDto[];

  @ApiPropertyOptional({ type: () => FatalitiesDto, description: 'Left out when unknown.' })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => FatalitiesDto)
  fatalities?: FatalitiesDto;

  @ApiProperty({ type: () => SourceDto, isArray: true, minItems: 1 })
  @IsList({ min: 1, max: 100, tooFew: 'an incident needs at least one source' })
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SourceDto)
  sources: SourceDto[];

  @ApiPropertyOptional({ type: () => RelatedDto, isArray: true })
  @IsOmittable()
  @IsList({ max: 200 })
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RelatedDto)
  related?: RelatedDto[];

  @ApiPropertyOptional({ type: String, isArray: true, example: ['tribal-notables'] })
  @IsOmittable()
  @IsList({ max: 50 })
  @IsText(MAX.tag, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ description: 'Analyst note.', maxLength: MAX.notes, example: 'Perpetrator unknown.' })
  @IsOmittable()
  @IsText(MAX.notes)
  notes?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "The incident's ids in other data sets, by data set (lower case). Imports key on them.",
    example: { 'ucdp-ged': '230050' },
  })
  @IsOmittable()
  @IsExternalIds()
  externalIds?: Record<string, string>;
}
