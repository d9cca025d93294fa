import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, Matches, ValidateIf } from 'class-validator';
import { PLACE_PRECISIONS, type PlacePrecision } from '../../domain/index.js';
import { EXAMPLE } from './examples.js';
import { COUNTRY_CODE, IsNumberIn, IsOmittable, IsText, MAX, P_CODE } from './validators.js';

const P_CODE_MESSAGE = '$property must be an OCHA p-code such as SY09 or SY0902';

/** Latitude and longitude go together: given one, the other is required too. */
const EitherCoordinate = () => ValidateIf((place: PlaceDto) => place.latitude !== undefined || place.longitude !== undefined);

export class PlaceDto {
  @ApiProperty({ description: 'As reported, in any script.', maxLength: MAX.name, example: EXAMPLE.placeName })
  @IsText(MAX.name)
  name: string;

  @ApiProperty({ description: 'ISO 3166-1 alpha-2.', pattern: COUNTRY_CODE.source, example: 'SY' })
  @Matches(COUNTRY_CODE, { message: '$property must be an ISO 3166-1 alpha-2 code such as SY' })
  countryCode: string;

  @ApiPropertyOptional({ description: 'OCHA p-code of the first-level unit.', pattern: P_CODE.source, example: 'SY09' })
  @IsOmittable()
  @Matches(P_CODE, { message: P_CODE_MESSAGE })
  admin1?: string;

  @ApiPropertyOptional({ description: 'OCHA p-code of the second-level unit.', pattern: P_CODE.source, example: 'SY0902' })
  @IsOmittable()
  @Matches(P_CODE, { message: P_CODE_MESSAGE })
  admin2?: string;

  @ApiPropertyOptional({ description: 'OCHA p-code of the third-level unit.', pattern: P_CODE.source, example: 'SY090200' })
  @IsOmittable()
  @Matches(P_CODE, { message: P_CODE_MESSAGE })
  admin3?: string;

  @ApiPropertyOptional({ minimum: -90, maximum: 90, example: 34.43221, description: 'With longitude: one without the other is refused.' })
  @EitherCoordinate()
  @IsNumberIn({ min: -90, max: 90 })
  latitude?: number;

  @ApiPropertyOptional({ minimum: -180, maximum: 180, example: 40.99226 })
  @EitherCoordinate()
  @IsNumberIn({ min: -180, max: 180 })
  longitude?: number;

  @ApiProperty({ enum: [...PLACE_PRECISIONS], enumName: 'PlacePrecision', example: 'region' })
  @IsIn(PLACE_PRECISIONS)
  precision: PlacePrecision;
}
