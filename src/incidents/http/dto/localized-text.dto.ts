import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateIf } from 'class-validator';
import { EXAMPLE } from './examples.js';
import { IsLanguageTag, IsOmittable, IsText, MAX } from './validators.js';

/** A summary or a quote, in the language it was written in. */
export class LocalizedTextDto {
  @ApiProperty({ maxLength: MAX.summary, example: EXAMPLE.summaryAr })
  @IsText(MAX.summary)
  text: string;

  @ApiProperty({ description: 'BCP-47 language tag.', example: 'ar' })
  @IsLanguageTag()
  language: string;
}

/** A title: the same shape, held to a title's length. */
export class LocalizedTitleDto {
  @ApiProperty({ maxLength: MAX.title, example: EXAMPLE.titleAr })
  @IsText(MAX.title)
  text: string;

  @ApiProperty({ description: 'BCP-47 language tag.', example: 'ar' })
  @IsLanguageTag()
  language: string;
}

/** The title and summary in another language; at least one of the two. */
export class TranslationDto {
  @ApiProperty({ description: 'BCP-47 language tag.', example: 'en' })
  @IsLanguageTag()
  language: string;

  @ApiPropertyOptional({ maxLength: MAX.title, example: EXAMPLE.titleEn })
  @ValidateIf((translation: TranslationDto, title) => title !== undefined || translation.summary === undefined)
  @IsText(MAX.title, { whenMissing: 'a translation needs a title or a summary' })
  title?: string;

  @ApiPropertyOptional({ maxLength: MAX.summary, example: EXAMPLE.summaryEn })
  @IsOmittable()
  @IsText(MAX.summary)
  summary?: string;
}
