import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { ProjectionStatus } from '../projections/projection-status.js';
import { Projections } from '../projections/projections.module.js';
import { unreachable } from './unreachable.js';

/**
 * Each projection's checkpoint, lag in events and seconds, state, and whether a process works
 * it. Down while any projection is stopped on an event it could not handle (the error and the
 * event's position say which), or has events waiting and no process working it: an API with
 * PROJECTIONS=off whose workers are all gone, whose read models would otherwise fall behind
 * with nothing to say so.
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
    const down = statuses.some((status) => status.state === 'stopped' || (!status.working && status.lagEvents > 0));
    return down ? indicator.down(details) : indicator.up(details);
  }
}
