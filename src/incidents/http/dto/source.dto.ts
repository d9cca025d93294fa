import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsUrl, MaxLength, ValidateNested } from 'class-validator';
import {
  SOURCE_ACCESS,
  SOURCE_CREDIBILITY,
  SOURCE_RELIABILITY,
  type SourceAccess,
  type SourceCredibility,
  type SourceReliability,
} from '../../domain/index.js';
import { EXAMPLE } from './examples.js';
import { LocalizedTextDto } from './localized-text.dto.js';
import { IsCalendarDate, IsLanguageTag, IsList, IsOmittable, IsText, MAX } from './validators.js';

/** A report the incident rests on. It has no id here: the server assigns one. */
export class SourceDto {
  @ApiProperty({ maxLength: MAX.name, example: EXAMPLE.outlet })
  @IsText(MAX.name)
  outlet: string;

  @ApiPropertyOptional({ maxLength: MAX.name, example: EXAMPLE.reporter })
  @IsOmittable()
  @IsText(MAX.name)
  reporter?: string;

  @ApiPropertyOptional({
    maxLength: MAX.name,
    description: 'How to reach the source again (a phone number, a Signal handle). Best kept with confidential: true.',
  })
  @IsOmittable()
  @IsText(MAX.name)
  contact?: string;

  @ApiPropertyOptional({ format: 'uri', maxLength: MAX.url, example: 'https://npasyria.com/' })
  @IsOmittable()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(MAX.url)
  url?: string;

  @ApiPropertyOptional({ format: 'date', example: EXAMPLE.publishedOn })
  @IsOmittable()
  @IsCalendarDate()
  publishedOn?: string;

  @ApiProperty({ description: 'BCP-47 language tag of the report.', example: 'ar' })
  @IsLanguageTag()
  language: string;

  @ApiProperty({
    enum: [...SOURCE_ACCESS],
    enumName: 'SourceAccess',
    description: 'first_hand: said or seen by the source itself; relayed: the source reports what others said.',
    example: 'relayed',
  })
  @IsIn(SOURCE_ACCESS)
  access: SourceAccess;

  @ApiPropertyOptional({
    description: 'How it was published: web, print, twitter, tv...',
    maxLength: MAX.tag,
    example: 'web',
  })
  @IsOmittable()
  @IsText(MAX.tag)
  medium?: string;

  @ApiPropertyOptional({ type: () => LocalizedTextDto, description: 'Verbatim, in the original language.' })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => LocalizedTextDto)
  quote?: LocalizedTextDto;

  @ApiPropertyOptional({ type: () => LocalizedTextDto, isArray: true })
  @IsOmittable()
  @IsList({ max: 20 })
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => LocalizedTextDto)
  quoteTranslations?: LocalizedTextDto[];

  @ApiPropertyOptional({
    enum: [...SOURCE_RELIABILITY],
    enumName: 'SourceReliability',
    description: 'Admiralty grading of the source: A (reliable) .. F (cannot be judged).',
    example: 'B',
  })
  @IsOmittable()
  @IsIn(SOURCE_RELIABILITY)
  reliability?: SourceReliability;

  @ApiPropertyOptional({
    enum: [...SOURCE_CREDIBILITY],
    enumName: 'SourceCredibility',
    description: 'Admiralty grading of the information: 1 (confirmed) .. 6 (cannot be judged).',
    example: 2,
  })
  @IsOmittable()
  @IsIn(SOURCE_CREDIBILITY)
  credibility?: SourceCredibility;

  @ApiPropertyOptional({
    description:
      'Its reporter, contact, url and quote are withheld from viewers and reporters (but the one who added it); ' +
      'editors, auditors and admins see them, and every such read is recorded in the access log.',
    example: false,
  })
  @IsOmittable()
  @IsBoolean()
  confidential?: boolean;
}
