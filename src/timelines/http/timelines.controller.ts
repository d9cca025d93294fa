import { Controller, Get, Param, ParseUUIDPipe, Query, type PipeTransform } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { RequestValidationError } from '../../common/problem.js';
import { TimelineQueries } from '../queries/timeline-queries.js';
import { TimelineQueryDto, TimelineStatsDto } from './timeline-query.dto.js';

const ActorId: PipeTransform = new ParseUUIDPipe({
  exceptionFactory: () => new RequestValidationError([{ path: 'id', message: 'id must be a UUID' }]),
});

const PCODE = /^[A-Z]{2}([0-9]{2,})?$/;

@ApiTags('timelines')
@ApiServiceUnavailableResponse({ description: 'minPosition was given and the read models did not reach it in time: retry.' })
@Controller()
export class TimelinesController {
  constructor(private readonly timelines: TimelineQueries) {}

  @Get('timeline')
  @ApiOperation({
    summary: 'Incidents in order of occurrence, filtered by region, actor, role, category, dates, status and words',
    description:
      'Ordered by occurrence date, then by when each incident was recorded. An incident known only to a week, month ' +
      'or year matches a date range when its own range overlaps it. Retracted incidents are left out unless ' +
      'includeRetracted=true. Pages with nextCursor.',
  })
  timeline(@Query() query: TimelineQueryDto) {
    return this.timelines.timeline(query);
  }

  @Get('timeline/stats')
  @ApiOperation({ summary: 'Counts of incidents and fatalities by month, region, category or actor, with the timeline filters' })
  stats(@Query() query: TimelineStatsDto) {
    return this.timelines.stats(query);
  }

  @Get('regions/:pcode/timeline')
  @ApiOperation({ summary: 'The timeline of a region and every place below it' })
  regionTimeline(@Param('pcode') pcode: string, @Query() query: TimelineQueryDto) {
    if (!PCODE.test(pcode)) {
      throw new RequestValidationError([{ path: 'pcode', message: 'pcode must be a country code or an OCHA p-code such as SY09' }]);
    }
    return this.timelines.timeline({ ...query, region: pcode });
  }

  @Get('actors/:id/timeline')
  @ApiOperation({ summary: "The timeline of an actor (and of the duplicates merged into it), in any role or in `role`" })
  actorTimeline(@Param('id', ActorId) id: string, @Query() query: TimelineQueryDto) {
    return this.timelines.timeline({ ...query, actor: id });
  }
}
