import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { formatCheckpoint } from '../../event-store/index.js';
import { EventLog, parseLogCheckpoint } from '../event-log.js';
import { EventFeedDto, EventFeedQueryDto, FEED_LIMIT } from './event-feed.dto.js';
import { Requires } from '../../access/requires.decorator.js';

@ApiTags('audit')
@Requires('audit')
@Controller('events')
export class EventsController {
  constructor(private readonly log: EventLog) {}

  @Get()
  @ApiOperation({
    summary: 'The whole log, every event of every stream, a page at a time in the safe order',
    description:
      'Events come ordered by (writing transaction, position): an event whose transaction commits late is never ' +
      'skipped, since a transaction still running holds back everything after it. Pass `next` as `after` to read ' +
      'on; an empty page means nothing more is readable yet, and its `next` is the `after` given. Each event is ' +
      'as recorded, in the schema version it was recorded in.',
  })
  @ApiOkResponse({ type: EventFeedDto })
  @ApiBadRequestResponse({ description: 'A malformed `after` or a `limit` out of range: problem+json naming the parameter.' })
  async events(@Query() query: EventFeedQueryDto): Promise<EventFeedDto> {
    const after = query.after === undefined ? undefined : parseLogCheckpoint(query.after);
    const page = await this.log.read({ after, limit: query.limit ?? FEED_LIMIT.default });
    return { events: page.events, next: formatCheckpoint(page.next) };
  }
}
