import { ApiProperty } from '@nestjs/swagger';
import { IsIn, ValidateBy } from 'class-validator';
import { IsLanguageTag, IsText, MAX } from '../../../incidents/http/dto/validators.js';
import { foldName } from '../../../names/fold.js';
import { NAME_KINDS, type NameKind } from '../../domain/index.js';

/** A name that folds to nothing (only tatweel, marks or invisible characters) could never be found. */
const HasLetters = () =>
  ValidateBy({
    name: 'hasLetters',
    validator: {
      // Blank or not text at all is IsText's to report.
      validate: (value) => typeof value !== 'string' || value.trim() === '' || foldName(value) !== '',
      defaultMessage: () => 'value must contain letters or digits',
    },
  });

export class ActorNameDto {
  @ApiProperty({ description: 'As written, in any script.', maxLength: MAX.name, example: 'عشيرة العكيدات' })
  @IsText(MAX.name)
  @HasLetters()
  value: string;

  @ApiProperty({ description: 'BCP-47 language tag.', example: 'ar' })
  @IsLanguageTag()
  language: string;

  @ApiProperty({ enum: [...NAME_KINDS], enumName: 'NameKind', example: 'primary' })
  @IsIn(NAME_KINDS)
  kind: NameKind;
}

/** A name without its kind: what a rename or a removal names. */
export class NameRefDto {
  @ApiProperty({ maxLength: MAX.name, example: 'Al-Egaidat' })
  @IsText(MAX.name)
  @HasLetters()
  value: string;

  @ApiProperty({ example: 'en' })
  @IsLanguageTag()
  language: string;
}
