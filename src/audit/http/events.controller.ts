import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { formatCheckpoint } from '../../event-store/index.js';
import { EventLog, parseLogCheckpoint } from '../event-log.js';
import { EventFeedDto, EventFeedQueryDto, FEED_LIMIT } from './event-feed.dto.js';
import { CurrentReader, Requires } from '../../access/requires.decorator.js';
import { EventStore } from '../../event-store/index.js';
import { asSeenBy } from '../../incidents/confidential-sources.js';
import { recordConfidentialReads, type Reader } from '../access-log/access-log.js';

@ApiTags('audit')
@Requires('audit')
@Controller('events')
export class EventsController {
  constructor(
    private readonly log: EventLog,
    private readonly store: EventStore,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The whole log, every event of every stream, a page at a time in the safe order',
    description:
      'Events come ordered by (writing transaction, position): an event whose transaction commits late is never ' +
      'skipped, since a transaction still running holds back everything after it. Pass `next` as `after` to read ' +
      'on; an empty page means nothing more is readable yet, and its `next` is the `after` given. Each event is ' +
      'as recorded, in the schema version it was recorded in. A page showing a confidential source is recorded in the ' +
      'access log.',
  })
  @ApiOkResponse({ type: EventFeedDto })
  @ApiBadRequestResponse({ description: 'A malformed `after` or a `limit` out of range: problem+json naming the parameter.' })
  async events(@Query() query: EventFeedQueryDto, @CurrentReader() reader: Reader): Promise<EventFeedDto> {
    const after = query.after === undefined ? undefined : parseLogCheckpoint(query.after);
    const page = await this.log.read({ after, limit: query.limit ?? FEED_LIMIT.default });
    // Auditors see the log as stored, confidential sources included: each page that shows one is recorded.
    const { events, revealed } = asSeenBy(reader.principal, page.events);
    await recordConfidentialReads(this.store, reader, revealed);
    return { events, next: formatCheckpoint(page.next) };
  }
}
