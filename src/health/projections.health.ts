import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { ProjectionStatus } from '../projections/projection-status.js';
import { Projections } from '../projections/projections.module.js';
import { unreachable } from './unreachable.js';

/**
 * Each projection's checkpoint, lag in events and seconds, and state. Down while any projection is
 * stopped on an event it could not handle: the error and the event's position say which.
 */
@Injectable()
export class ProjectionsHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly projections: Projections,
  ) {}

  async check(key: string) {
    const indicator = this.health.check(key);
    let statuses: ProjectionStatus[];
    try {
      statuses = await this.projections.status();
    } catch (error) {
      return indicator.down(unreachable(error));
    }
    const details = Object.fromEntries(
      statuses.map(({ name, updatedAt: _, ...status }) => [name, status]),
    );
    return statuses.some((status) => status.state === 'stopped') ? indicator.down(details) : indicator.up(details);
  }
}
