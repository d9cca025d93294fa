import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AsList, AsNumber } from '../../common/query-params.js';
import { IsDefined, Matches, ValidateIf } from 'class-validator';
import { COUNTRY_CODE, IsList, IsNumberIn, IsOmittable, IsText, MAX } from '../../incidents/http/dto/validators.js';
import type { PlaceLevel } from '../load/place-file.js';

const COUNTRY_MESSAGE = '$property must be an ISO 3166-1 alpha-2 code such as SY';

export class SearchPlacesDto {
  @ApiPropertyOptional({ description: 'Any name in any script or spelling; without it, units in p-code order.', example: 'Dayr az-Zawr' })
  @IsOmittable()
  @IsText(MAX.name)
  q?: string;

  @ApiPropertyOptional({ description: '0 country, 1 governorate, 2 district, 3 subdistrict.', minimum: 0, maximum: 3 })
  @IsOmittable()
  @AsNumber()
  @IsNumberIn({ min: 0, max: 3, integer: true })
  level?: PlaceLevel;

  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2.', example: 'SY' })
  @IsOmittable()
  @Matches(COUNTRY_CODE, { message: COUNTRY_MESSAGE })
  country?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOmittable()
  @AsNumber()
  @IsNumberIn({ min: 1, max: 100, integer: true })
  limit?: number;
}

/** Latitude and longitude are validated together: one without the other is refused. */
const IfEitherCoordinate = () => ValidateIf((query: ResolvePlaceDto) => query.lat !== undefined || query.lon !== undefined);
const BOTH_COORDINATES = 'lat and lon go together: give both or neither';

export class ResolvePlaceDto {
  @ApiProperty({ description: 'The place as reported, in any script or spelling.', maxLength: MAX.name, example: 'Albu Kamal district' })
  @IsText(MAX.name, { whenMissing: 'name is required' })
  name: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Names or p-codes of the enclosing units, outermost first; repeat the parameter for each.',
    example: ['Deir ez Zor Governorate'],
  })
  @IsOmittable()
  @AsList()
  @IsList({ max: 3 })
  @IsText(MAX.name, { each: true })
  parent?: string[];

  @ApiPropertyOptional({ description: 'Latitude (WGS 84) of the place, with lon.', minimum: -90, maximum: 90, example: 34.43221 })
  @IfEitherCoordinate()
  @IsDefined({ message: BOTH_COORDINATES })
  @AsNumber()
  @IsNumberIn({ min: -90, max: 90 })
  lat?: number;

  @ApiPropertyOptional({ description: 'Longitude (WGS 84) of the place, with lat.', minimum: -180, maximum: 180, example: 40.99226 })
  @IfEitherCoordinate()
  @IsDefined({ message: BOTH_COORDINATES })
  @AsNumber()
  @IsNumberIn({ min: -180, max: 180 })
  lon?: number;

  @ApiPropertyOptional({ description: 'The level the name is at: 1 governorate, 2 district, 3 subdistrict.', minimum: 1, maximum: 3 })
  @IsOmittable()
  @AsNumber()
  @IsNumberIn({ min: 1, max: 3, integer: true })
  level?: 1 | 2 | 3;

  @ApiPropertyOptional({ description: 'Only units of this country (ISO 3166-1 alpha-2).', example: 'SY' })
  @IsOmittable()
  @Matches(COUNTRY_CODE, { message: COUNTRY_MESSAGE })
  country?: string;
}
