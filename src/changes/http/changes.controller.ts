import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseLogCheckpoint } from '../../audit/event-log.js';
import { formatCheckpoint } from '../../event-store/index.js';
import { ChangeFeed } from '../change-feed.js';
import { CHANGES_LIMIT, ChangesPageDto, ChangesQueryDto } from './changes.dto.js';
import { CurrentReader, Requires } from '../../access/requires.decorator.js';
import type { Reader } from '../../audit/access-log/access-log.js';

@ApiTags('changes')
@Requires('read')
@Controller('changes')
export class ChangesController {
  constructor(private readonly feed: ChangeFeed) {}

  @Get()
  @ApiOperation({
    summary: 'Incidents recorded, changed or retracted since a checkpoint or a moment, to keep another system in sync',
    description:
      'Read from the log in its safe order, so an incident whose change commits late is never skipped: poll with ' +
      'the `next` of the previous answer as `since`, and each change comes exactly once, in the answer that follows ' +
      'it. Each incident comes once per answer, with what happened to it and its current state; a retracted one ' +
      'comes with status `retracted`, to delete or flag. Other streams (actors) are left out. `upToDate` false: ' +
      'read on at once; true: nothing more is readable yet.',
  })
  @ApiOkResponse({ type: ChangesPageDto })
  @ApiBadRequestResponse({ description: 'A `since` that is neither a checkpoint nor a timestamp, or a `limit` out of range: problem+json naming each.' })
  async changes(@Query() query: ChangesQueryDto, @CurrentReader() reader: Reader): Promise<ChangesPageDto> {
    const since = query.since;
    const after = since === undefined ? undefined : (parseLogCheckpoint(since) ?? (await this.feed.startAt(new Date(since))));
    const page = await this.feed.page({ reader, after, limit: query.limit ?? CHANGES_LIMIT.default });
    return { ...page, next: formatCheckpoint(page.next) };
  }
}
