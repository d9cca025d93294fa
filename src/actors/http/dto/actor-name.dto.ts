import { ApiProperty } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { IsText, LANGUAGE_TAG, MAX } from '../../../incidents/http/dto/validators.js';
import { NAME_KINDS, type NameKind } from '../../domain/index.js';

export class ActorNameDto {
  @ApiProperty({ description: 'As written, in any script.', maxLength: MAX.name, example: 'عشيرة العكيدات' })
  @IsText(MAX.name)
  value: string;

  @ApiProperty({ description: 'BCP-47 language tag.', example: 'ar' })
  @Matches(LANGUAGE_TAG, { message: 'language must be a BCP-47 language tag such as "ar" or "en"' })
  language: string;

  @ApiProperty({ enum: [...NAME_KINDS], enumName: 'NameKind', example: 'primary' })
  @IsIn(NAME_KINDS)
  kind: NameKind;
}

/** A name without its kind: what a rename or a removal names. */
export class NameRefDto {
  @ApiProperty({ maxLength: MAX.name, example: 'Al-Egaidat' })
  @IsText(MAX.name)
  value: string;

  @ApiProperty({ example: 'en' })
  @Matches(LANGUAGE_TAG, { message: 'language must be a BCP-47 language tag such as "ar" or "en"' })
  language: string;
}
