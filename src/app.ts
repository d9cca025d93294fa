import { Module } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication, NestExpressBodyParserOptionsMap } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger, LoggerModule } from 'nestjs-pino';
import type { DataSource } from 'typeorm';
import type { AccessModuleOptions } from './access/access.module.js';
import { AppModule } from './app.module.js';
import { ApiValidationPipe } from './incidents/http/dto/fast-validation.js';
import { ProblemFilter } from './common/problem.filter.js';
import { requestLogging, type LoggingOptions } from './common/request-logging.js';
import type { ProjectionOptions } from './projections/projections.module.js';
import type { SealingOptions } from './audit/tamper-evidence/tamper-evidence.service.js';

/**
 * The analyst's web page, built by `npm run build` (vite, from web/) into dist/web: the same folder
 * from src/ (tests) and from dist/ (the built service).
 */
export const WEB_APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'web');

/** The largest request body accepted; larger ones get 413 and record nothing. */
export const BODY_LIMIT = '1mb';

export interface AppOptions {
  /** Where the projections run: in this process unless said otherwise. */
  projections?: ProjectionOptions;
  /** Sealing and verifying the log: by default no sealing key, so nothing is sealed. */
  sealing?: SealingOptions;
  /** Keys and rate limits: by default every endpoint but /health needs a key, and no limit. */
  access?: AccessModuleOptions;
  /** The JSON log of requests and of the service's own messages. */
  logging?: LoggingOptions;
  /** Origins whose pages may call the API from a browser (CORS); none unless listed. */
  corsOrigins?: string[];
  /** The proxies whose X-Forwarded-For gives the client's address (Express's `trust proxy`); none by default. */
  trustProxy?: number | string[];
}

/**
 * JSON comes in UTF-8 (RFC 8259). The parser refuses other charsets but the UTF ones, which it
 * decodes: one odd byte in UTF-16 decodes to nothing, and an empty body reads as `{}`, so a
 * revocation would go ahead without the fields sent. Thrown with the parser's own 415.
 */
function refuseCharsetsButUtf8(_request: unknown, _response: unknown, _body: Buffer, encoding: string): void {
  if (encoding === 'utf-8' || encoding === 'utf8') return;
  throw Object.assign(new Error(`unsupported charset "${encoding.toUpperCase()}"`), { status: 415, type: 'charset.unsupported' });
}

/** The HTTP application on an opened, migrated data source (see main.ts and the tests). */
export async function createApp(dataSource: DataSource, options: AppOptions = {}): Promise<NestExpressApplication> {
  const projections = options.projections ?? { runInProcess: true };

  const logging = requestLogging(options.logging);

  @Module({ imports: [AppModule.forRoot(dataSource, projections, options.sealing, options.access), LoggerModule.forRoot(logging.params)] })
  class HttpModule {}

  const app = await NestFactory.create<NestExpressApplication>(HttpModule, { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  // Behind a load balancer every request comes from its address: requests without a key would
  // all share one rate limit, unless the client's address is taken from the proxies it trusts.
  if (options.trustProxy) app.set('trust proxy', options.trustProxy);
  app.use(logging.middleware);
  // Without upgrade-insecure-requests: a service reached over plain http inside a network would
  // otherwise have browsers fetch /docs' scripts over https, which it does not serve.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  if (options.corsOrigins?.length) {
    app.enableCors({
      origin: options.corsOrigins,
      allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key', 'X-Request-Id', 'X-Correlation-Id'],
      exposedHeaders: ['ETag', 'Location', 'X-Request-Id', 'Retry-After'],
    });
  }
  // Express would hash every body for a weak ETag (a 40 KB timeline page each time): no cache
  // may keep these answers anyway (below), and the ETags that mean something, an incident's or
  // an actor's version, are set by their controllers.
  app.set('etag', false);
  // What the API answers depends on the key (withheld sources, above all): no cache may keep it
  // for another key, nor answer 304 from a copy fetched with one. The page's files set their own.
  app.use((_: unknown, response: { setHeader(name: string, value: string): void }, next: () => void) => {
    response.setHeader('Cache-Control', 'private, no-store');
    response.setHeader('Vary', 'Authorization');
    next();
  });
  // The page and its assets need no key: it asks for one, and the API checks it. Only their own
  // paths reach the file system: a static handler on every path would stat a file for each API read.
  if (existsSync(WEB_APP_DIR)) {
    // Vite names assets by their content: they never change. The page itself always may.
    app.useStaticAssets(join(WEB_APP_DIR, 'assets'), {
      prefix: '/assets',
      setHeaders: (response) => response.setHeader('Cache-Control', 'public, max-age=31536000, immutable'),
    });
    const page = join(WEB_APP_DIR, 'index.html');
    app.use((request: Request, response: Response, next: NextFunction) => {
      if ((request.method !== 'GET' && request.method !== 'HEAD') || (request.path !== '/' && request.path !== '/index.html')) return next();
      response.sendFile(page, { headers: { 'Cache-Control': 'no-cache' } });
    });
  }
  // `verify` is Nest's when it keeps raw bodies (rawBody: true), which this service does not ask
  // for: the options then reach body-parser as they are.
  const json: NestExpressBodyParserOptionsMap['json'] = { limit: BODY_LIMIT, type: ['application/json', 'application/*+json'], verify: refuseCharsetsButUtf8 };
  app.useBodyParser('json', json);
  app.useGlobalPipes(new ApiValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.disable('x-powered-by');

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Conflict incident tracker')
      .setDescription(
        'Record incidents from reports as immutable events, correct them with new events, and read their history. ' +
          'Every endpoint but /health needs an API key (`Authorization: Bearer <key>`); what a key may do depends on its ' +
          'role. Errors are application/problem+json.',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .addSecurityRequirements('bearer')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
