import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { compact } from '../../common/plain-data.js';
import { GetPlace, ResolvePlace, SearchPlaces } from '../queries/place-queries.js';
import { ResolvePlaceDto, SearchPlacesDto } from './place-queries.dto.js';
import { PlaceMatchDto, PlaceResolutionDto, PlaceViewDto } from './place-responses.dto.js';
import { Requires } from '../../access/requires.decorator.js';

@ApiTags('places')
@ApiBadRequestResponse({ description: 'Invalid query: problem+json with one entry per bad parameter.' })
@Requires('read')
@Controller('places')
export class PlacesController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'Administrative units ranked by how well one of their names matches q, across scripts and spellings' })
  @ApiOkResponse({ type: [PlaceMatchDto] })
  search(@Query() query: SearchPlacesDto) {
    return this.queries.execute(
      new SearchPlaces(compact({ q: query.q, level: query.level, countryCode: query.country, limit: query.limit })),
    );
  }

  // Declared before :pcode, which would otherwise take "resolve" for a p-code.
  @Get('resolve')
  @ApiOperation({
    summary: 'Resolve a reported place (name, enclosing units, coordinates) to the deepest p-code that can be justified',
    description:
      'The method says how: name, alias, coordinates-nearest-centroid, or unresolved (with the reason and the candidates). ' +
      'A name two units match equally, or coordinates outside the country, never resolve silently.',
  })
  @ApiOkResponse({ type: PlaceResolutionDto })
  resolve(@Query() query: ResolvePlaceDto) {
    return this.queries.execute(
      new ResolvePlace(
        compact({
          name: query.name,
          parents: query.parent,
          level: query.level,
          latitude: query.lat,
          longitude: query.lon,
          countryCode: query.country,
        }),
      ),
    );
  }

  @Get(':pcode')
  @ApiOperation({ summary: 'One unit with its names, the units enclosing it and the units directly below it' })
  @ApiParam({ name: 'pcode', example: 'SY0902' })
  @ApiOkResponse({ type: PlaceViewDto })
  @ApiNotFoundResponse({ description: 'No unit has this p-code.' })
  get(@Param('pcode') pcode: string) {
    return this.queries.execute(new GetPlace(pcode.toUpperCase()));
  }
}
