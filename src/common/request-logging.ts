import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Params } from 'nestjs-pino';
import { pino, type DestinationStream, type LevelWithSilent } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { foundPrincipal } from '../access/requires.decorator.js';

export interface LoggingOptions {
  /** LOG_LEVEL: `info` logs every request; `silent` nothing. */
  level?: LevelWithSilent;
  /** Where the JSON lines go: standard output unless given (tests read them). */
  stream?: DestinationStream;
}

/** A request id a client may choose (to follow its request through our logs and events): short and plain. */
export const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * One JSON line per request with its id, method, path, status, time and principal. The lines are
 * built from an allow-list of fields, never from headers or bodies, so no API key and no field of
 * a confidential source can reach them. The id is the one recorded on the request's events and
 * sent back as X-Request-Id.
 *
 * `middleware` goes first on the Express app, before the body parser, so a request refused for
 * its body is logged with an id too. nestjs-pino then reuses it (`useExisting`) for the service's
 * own messages, which carry the id of the request they belong to.
 */
export function requestLogging({ level = 'info', stream }: LoggingOptions = {}): { middleware: HttpLogger; params: Params } {
  const logger = stream ? pino({ level }, stream) : pino({ level });
  const middleware = pinoHttp({
    logger,
    genReqId(request: IncomingMessage, response: ServerResponse) {
      const given = request.headers['x-request-id'];
      const id = typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
      response.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (request: { id: unknown; method: string; url: string }) => ({ id: request.id, method: request.method, path: pathOf(request.url) }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      err: (error: Error) => ({ type: error.name, message: error.message }),
    },
    customProps(request: IncomingMessage) {
      const principal = foundPrincipal(request);
      return principal ? { principal: principal.name, role: principal.role } : {};
    },
    customLogLevel(_: IncomingMessage, response: ServerResponse, error?: Error) {
      if (error || response.statusCode >= 500) return 'error';
      return response.statusCode >= 400 ? 'warn' : 'info';
    },
    // Load balancers poll the health check every few seconds.
    autoLogging: { ignore: (request: IncomingMessage) => request.url === '/health' },
  });
  return { middleware, params: { pinoHttp: { logger }, useExisting: true } };
}

/**
 * The path without its query: queries hold search terms, which may name people, and the path
 * with the status says what happened.
 */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
