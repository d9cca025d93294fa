import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Requires } from '../../access/requires.decorator.js';
import { LiveFeed } from '../live-feed.js';

/** A comment line now and then keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

@ApiTags('changes')
@Requires('read')
@Controller('events/stream')
export class LiveController {
  constructor(private readonly feed: LiveFeed) {}

  @Get()
  @ApiOperation({
    summary: 'Incident events as they are written, as server-sent events',
    description:
      'text/event-stream. First `event: ready` with the checkpoint the news starts after; then each incident event ' +
      'is one `event: incident` whose data is ' +
      '{incidentId, type, version, position, checkpoint}: fetch the incident again, or the timeline with ' +
      'minPosition=position. The stream starts at the end of the log; after a reconnection, read the ' +
      'timeline afresh (or /changes?since=<the last checkpoint>) for what was missed.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An endless stream of `incident` events and heartbeat comments.' })
  stream(@Req() request: Request, @Res() response: Response): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const { ready, unsubscribe } = this.feed.subscribe((news) => {
      response.write(`event: incident\nid: ${news.checkpoint}\ndata: ${JSON.stringify(news)}\n\n`);
    });
    void ready.then((checkpoint) => response.write(`event: ready\ndata: ${JSON.stringify({ checkpoint })}\n\n`));
    const heartbeat = setInterval(() => response.write(': ping\n\n'), HEARTBEAT_MS);
    request.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }
}
