import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { MigrationsHealthIndicator } from './migrations.health.js';
import { ProjectionsHealthIndicator } from './projections.health.js';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [MigrationsHealthIndicator, ProjectionsHealthIndicator],
})
export class HealthModule {}
