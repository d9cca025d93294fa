import { ValidationPipe, type LoggerService, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { API_VALIDATION_PIPE_OPTIONS } from './incidents/http/dto/fast-validation.js';
import { ProblemFilter } from './common/problem.filter.js';
import type { ProjectionOptions } from './projections/projections.module.js';
import type { SealingOptions } from './audit/tamper-evidence/tamper-evidence.service.js';

/** The largest request body accepted; larger ones get 413 and record nothing. */
export const BODY_LIMIT = '1mb';

export interface AppOptions {
  logger?: LoggerService | LogLevel[] | false;
  /** Where the projections run: in this process unless said otherwise. */
  projections?: ProjectionOptions;
  /** Sealing and verifying the log: by default no sealing key, so nothing is sealed. */
  sealing?: SealingOptions;
}

/** The HTTP application on an opened, migrated data source (see main.ts and the tests). */
export async function createApp(dataSource: DataSource, options: AppOptions = {}): Promise<NestExpressApplication> {
  const projections = options.projections ?? { runInProcess: true };
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(dataSource, projections, options.sealing), {
    bodyParser: false,
    logger: options.logger,
  });
  app.useBodyParser('json', { limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] });
  app.useGlobalPipes(new ValidationPipe(API_VALIDATION_PIPE_OPTIONS));
  app.useGlobalFilters(new ProblemFilter());
  app.disable('x-powered-by');

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Conflict incident tracker')
      .setDescription(
        'Record incidents from reports as immutable events, correct them with new events, and read their history. ' +
          'Errors are application/problem+json.',
      )
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
