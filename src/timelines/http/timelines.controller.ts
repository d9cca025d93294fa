import { Controller, Get, Header, Logger, Param, ParseUUIDPipe, Query, Res, type PipeTransform } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequestValidationError } from '../../common/problem.js';
import { streamTo } from '../export/stream-to.js';
import { TimelineExport } from '../export/timeline-export.js';
import { TimelineQueries } from '../queries/timeline-queries.js';
import { TimelineFilterDto, TimelineQueryDto, TimelineStatsDto } from './timeline-query.dto.js';
import { Requires } from '../../access/requires.decorator.js';

const ActorId: PipeTransform = new ParseUUIDPipe({
  exceptionFactory: () => new RequestValidationError([{ path: 'id', message: 'id must be a UUID' }]),
});

const PCODE = /^[A-Z]{2}([0-9]{2,})?$/;

/** The timeline pages are JSON written by the database, which Nest would send as text/html. */
const JSON_TYPE = 'application/json; charset=utf-8';

@ApiTags('timelines')
@ApiServiceUnavailableResponse({ description: 'minPosition was given and the read models did not reach it in time: retry.' })
@Requires('read')
@Controller()
export class TimelinesController {
  private readonly logger = new Logger(TimelinesController.name);

  constructor(
    private readonly timelines: TimelineQueries,
    private readonly exports: TimelineExport,
  ) {}

  // Express tries routes in the order they are declared: the exports come first, so that a
  // pattern route declared anywhere later (`:name`, `timeline:suffix`) cannot take `timeline.csv`.
  @Get('timeline.csv')
  @ApiOperation({
    summary: 'The whole filtered timeline as an ACLED-style CSV file',
    description:
      'The incidents GET /timeline would page through with the same filters, in the same order, in one UTF-8 file ' +
      '(with a byte order mark, for Excel). ACLED columns where they map (event_date, time_precision, actor1, inter1, ' +
      'interaction, iso, admin1..admin3, geo_precision, fatalities, timestamp, …), then category, cameo_code, ' +
      'fatalities_low, fatalities_high, status, version, external_ids, event_date_to and admin1_pcode..admin3_pcode. ' +
      'A value that cannot be known is left empty. Streamed: a read that fails halfway cuts the transfer short.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'RFC 4180 CSV with a header row.', content: { 'text/csv': { schema: { type: 'string' } } } })
  @ApiBadRequestResponse({ description: 'A bad filter: problem+json naming each parameter, as for GET /timeline.' })
  async timelineCsv(@Query() query: TimelineFilterDto, @Res() response: Response): Promise<void> {
    await this.send(response, await this.exports.csv(query), 'text/csv; charset=utf-8', 'timeline.csv');
  }

  @Get('timeline.geojson')
  @ApiOperation({
    summary: 'The whole filtered timeline as a GeoJSON FeatureCollection (RFC 7946)',
    description:
      'The same incidents and fields as GET /timeline.csv, one Feature each, with the fields as JSON values in ' +
      '`properties`. The geometry is a Point at the incident\'s coordinates, else at the centroid of its deepest ' +
      'administrative unit, else null.',
  })
  @ApiProduces('application/geo+json')
  @ApiOkResponse({
    description: 'A FeatureCollection.',
    content: {
      'application/geo+json': {
        schema: {
          type: 'object',
          properties: { type: { type: 'string', enum: ['FeatureCollection'] }, features: { type: 'array', items: { type: 'object' } } },
        },
      },
    },
  })
  @ApiBadRequestResponse({ description: 'A bad filter: problem+json naming each parameter, as for GET /timeline.' })
  async timelineGeoJson(@Query() query: TimelineFilterDto, @Res() response: Response): Promise<void> {
    await this.send(response, await this.exports.geojson(query), 'application/geo+json; charset=utf-8', 'timeline.geojson');
  }

  @Get('timeline')
  @ApiOperation({
    summary: 'Incidents in order of occurrence, filtered by region, actor, role, category, dates, status and words',
    description:
      'Ordered by occurrence date, then by when each incident was recorded. An incident known only to a week, month ' +
      'or year matches a date range when its own range overlaps it. Retracted incidents are left out unless ' +
      'includeRetracted=true. Pages with nextCursor.',
  })
  @Header('Content-Type', JSON_TYPE)
  timeline(@Query() query: TimelineQueryDto): Promise<string> {
    return this.timelines.timelineJson(query);
  }

  @Get('timeline/stats')
  @ApiOperation({ summary: 'Counts of incidents and fatalities by month, region, category or actor, with the timeline filters' })
  stats(@Query() query: TimelineStatsDto) {
    return this.timelines.stats(query);
  }

  @Get('regions/:pcode/timeline')
  @ApiOperation({ summary: 'The timeline of a region and every place below it' })
  @Header('Content-Type', JSON_TYPE)
  regionTimeline(@Param('pcode') pcode: string, @Query() query: TimelineQueryDto): Promise<string> {
    if (!PCODE.test(pcode)) {
      throw new RequestValidationError([{ path: 'pcode', message: 'pcode must be a country code or an OCHA p-code such as SY09' }]);
    }
    return this.timelines.timelineJson({ ...query, region: pcode });
  }

  @Get('actors/:id/timeline')
  @ApiOperation({ summary: "The timeline of an actor (and of the duplicates merged into it), in any role or in `role`" })
  @Header('Content-Type', JSON_TYPE)
  actorTimeline(@Param('id', ActorId) id: string, @Query() query: TimelineQueryDto): Promise<string> {
    return this.timelines.timelineJson({ ...query, actor: id });
  }

  /** The export's first page has been read (a refusal would have been thrown): now the body. */
  private async send(response: Response, chunks: AsyncIterable<string>, contentType: string, filename: string): Promise<void> {
    response.status(200);
    response.setHeader('Content-Type', contentType);
    response.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    const outcome = await streamTo(response, chunks);
    if (!outcome.sent && !outcome.clientLeft) {
      this.logger.error(`${filename} cut short: ${outcome.error instanceof Error ? outcome.error.stack : String(outcome.error)}`);
    }
  }
}
