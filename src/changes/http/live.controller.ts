import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiKeys } from '../../access/api-keys.js';
import { bearerKey, principalOf, Requires } from '../../access/requires.decorator.js';
import { LiveFeed } from '../live-feed.js';

const MAX_BUFFERED_BYTES = 1 << 20;

@ApiTags('changes')
@Requires('read')
@Controller('events/stream')
export class LiveController {
  /** A comment line now and then keeps proxies from closing a quiet stream; the key is checked again then. */
  static heartbeatMs = 15_000;

  constructor(
    private readonly feed: LiveFeed,
    private readonly keys: ApiKeys,
  ) {}

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
    const close = () => {
      if (!response.writableEnded) response.end();
    };
    // A client that stops reading is let go rather than buffered for without end.
    const send = (text: string) => {
      if (response.writableEnded || response.destroyed) return;
      if (response.writableLength > MAX_BUFFERED_BYTES) close();
      else response.write(text);
    };
    const { ready, unsubscribe } = this.feed.subscribe({
      news: (news) => send(`event: incident\nid: ${news.checkpoint}\ndata: ${JSON.stringify(news)}\n\n`),
      close,
    });
    void ready.then((checkpoint) => send(`event: ready\ndata: ${JSON.stringify({ checkpoint })}\n\n`));
    const principal = principalOf(request);
    const heartbeat = setInterval(async () => {
      // A key revoked while its stream is open stops it, as it stops every other request.
      if (!principal.anonymous && !(await this.stillValid(request))) return close();
      send(': ping\n\n');
    }, LiveController.heartbeatMs);
    request.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }

  /** Whether the stream's key still stands; while the database cannot say, it does. */
  private async stillValid(request: Request): Promise<boolean> {
    const key = bearerKey(request);
    return typeof key === 'string' && (await this.keys.principalOf(key).catch(() => true)) !== undefined;
  }
}
