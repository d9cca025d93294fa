import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { MigrationsHealthIndicator } from './migrations.health.js';
import { ProjectionsHealthIndicator } from './projections.health.js';
import { Public } from '../access/requires.decorator.js';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly migrations: MigrationsHealthIndicator,
    private readonly projections: ProjectionsHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOkResponse({
    description: "The database is reachable, every migration is applied, and no projection is stopped; each projection's checkpoint, lag and state.",
  })
  @ApiServiceUnavailableResponse({ description: 'Something is down; the body says what.' })
  /** 503 keeps terminus's own body (what is down, and why), which monitors read, not a problem+json. */
  async check(@Res({ passthrough: true }) response: Response) {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: 3000 }),
        () => this.migrations.isApplied('migrations'),
        () => this.projections.check('projections'),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return error.getResponse();
    }
  }
}
