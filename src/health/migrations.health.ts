import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { unreachable } from './unreachable.js';

/** Down while any migration in `migrations/` has not been applied to the database. */
@Injectable()
export class MigrationsHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly dataSource: DataSource,
  ) {}

  async isApplied(key: string) {
    const indicator = this.health.check(key);
    try {
      const pending = await this.dataSource.showMigrations();
      return pending ? indicator.down({ message: 'migrations are pending' }) : indicator.up();
    } catch (error) {
      return indicator.down(unreachable(error));
    }
  }
}
