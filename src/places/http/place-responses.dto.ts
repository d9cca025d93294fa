import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The shapes the places endpoints answer with, for the OpenAPI document. */

const LEVEL = { description: '0 country, 1 governorate, 2 district, 3 subdistrict.', minimum: 0, maximum: 3, example: 2 };
const METHODS = ['name', 'alias', 'coordinates-nearest-centroid', 'unresolved'];

export class PlaceNameDto {
  @ApiProperty({ example: 'Albu Kamal' })
  value: string;

  @ApiProperty({ example: 'en' })
  language: string;

  @ApiProperty({ description: "'primary', or the source's kind of alias: alias, alternate_spelling, formal, transliteration.", example: 'alternate_spelling' })
  kind: string;
}

export class PlaceSummaryDto {
  @ApiProperty({ description: 'OCHA p-code; a country is its ISO code.', example: 'SY0902' })
  pcode: string;

  @ApiProperty(LEVEL)
  level: number;

  @ApiProperty({ example: 'SY' })
  countryCode: string;

  @ApiProperty({ example: 'Abu Kamal' })
  nameEn: string;

  @ApiPropertyOptional({ example: 'البوكمال' })
  nameAr?: string;
}

export class PlaceMatchDto extends PlaceSummaryDto {
  @ApiPropertyOptional({ example: 'SY09' })
  parentPcode?: string;

  @ApiPropertyOptional({ type: PlaceNameDto, description: 'The name that matched best (with q).' })
  matchedName?: PlaceNameDto;

  @ApiPropertyOptional({ description: 'How well, 0..1 (with q).', example: 1 })
  score?: number;
}

export class PlaceBoundsDto {
  @ApiProperty({ example: 32.3 }) minLatitude: number;
  @ApiProperty({ example: 37.35 }) maxLatitude: number;
  @ApiProperty({ example: 35.6 }) minLongitude: number;
  @ApiProperty({ example: 42.4 }) maxLongitude: number;
}

export class PlaceViewDto extends PlaceSummaryDto {
  @ApiPropertyOptional({ description: 'Centroid latitude.', example: 34.54076 })
  latitude?: number;

  @ApiPropertyOptional({ description: 'Centroid longitude.', example: 40.51966 })
  longitude?: number;

  @ApiProperty({ description: 'Identifiers elsewhere: ochaPcode, wikidata, geonames, geoboundaries.', example: { wikidata: 'Q4670245' } })
  externalIds: Record<string, string>;

  @ApiProperty({ type: [PlaceNameDto] })
  names: PlaceNameDto[];

  @ApiProperty({ type: [PlaceSummaryDto], description: 'The enclosing units, the country first.' })
  parents: PlaceSummaryDto[];

  @ApiProperty({ type: [PlaceSummaryDto], description: 'The units directly below.' })
  children: PlaceSummaryDto[];

  @ApiPropertyOptional({ type: PlaceBoundsDto, description: 'A country only: the box a point must lie in to be placed in it.' })
  bounds?: PlaceBoundsDto;
}

export class PlacePathDto {
  @ApiPropertyOptional({ example: 'SY' }) country?: string;
  @ApiPropertyOptional({ example: 'SY09' }) admin1?: string;
  @ApiPropertyOptional({ example: 'SY0902' }) admin2?: string;
  @ApiPropertyOptional({ example: 'SY090203' }) admin3?: string;
}

export class PlaceRunnerUpDto {
  @ApiProperty({ example: 'SY090202' }) pcode: string;
  @ApiProperty({ example: 'Jalaa' }) name: string;
  @ApiPropertyOptional({ description: 'Its name score, when names decided.', example: 0.615 }) score?: number;
  @ApiPropertyOptional({ description: 'Its centroid distance, when coordinates decided.', example: 38.1 }) distanceKm?: number;
}

export class PlaceCandidateDto {
  @ApiProperty({ example: 'SY050101' }) pcode: string;
  @ApiProperty(LEVEL) level: number;
  @ApiProperty({ example: 'Suran' }) name: string;
  @ApiProperty({ example: 'Suran' }) matchedName: string;
  @ApiProperty({ example: 1 }) score: number;
}

export class PlaceResolutionDto {
  @ApiPropertyOptional({ description: 'The deepest unit that can be justified; absent when unresolved.', example: 'SY0902' })
  pcode?: string;

  @ApiPropertyOptional(LEVEL)
  level?: number;

  @ApiPropertyOptional({ example: 'Abu Kamal' })
  name?: string;

  @ApiPropertyOptional({ example: 'البوكمال' })
  nameAr?: string;

  @ApiProperty({ type: PlacePathDto, description: 'P-codes from the country down; when unresolved, what the parents establish.' })
  path: PlacePathDto;

  @ApiProperty({ enum: METHODS, example: 'alias' })
  method: string;

  @ApiProperty({ description: "0..1: the name's score, or d₂/(d₁+d₂) for a nearest centroid; the lower when both count.", example: 1 })
  confidence: number;

  @ApiPropertyOptional({ example: 'Albu Kamal' })
  matchedName?: string;

  @ApiPropertyOptional({ type: PlaceRunnerUpDto, description: 'The next-best unit.' })
  runnerUp?: PlaceRunnerUpDto;

  @ApiPropertyOptional({ type: [PlaceCandidateDto], description: 'When unresolved: the units it might be.' })
  candidates?: PlaceCandidateDto[];

  @ApiPropertyOptional({ description: 'When unresolved: why.', example: '"Suran" matches 2 units equally: SY020405 Suran, SY050101 Suran' })
  reason?: string;

  @ApiPropertyOptional({ type: [String], description: 'Parents not used, coordinates that disagree with the name, how the answer was reached.' })
  notes?: string[];
}
