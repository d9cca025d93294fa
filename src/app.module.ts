import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AccessModule, DEFAULT_ACCESS, type AccessModuleOptions } from './access/access.module.js';
import { ActorsModule } from './actors/actors.module.js';
import { AuditModule } from './audit/audit.module.js';
import type { SealingOptions } from './audit/tamper-evidence/tamper-evidence.service.js';
import { ChangesModule } from './changes/changes.module.js';
import { refuseMisreadBodies } from './common/http/request-bodies.js';
import { LookupCachesModule } from './database/lookup-caches.module.js';
import { EventStoreModule } from './event-store/event-store.module.js';
import { HealthModule } from './health/health.module.js';
import { IncidentsModule } from './incidents/incidents.module.js';
import { PlacesModule } from './places/places.module.js';
import { ProjectionsModule, type ProjectionOptions } from './projections/projections.module.js';
import { TimelinesModule } from './timelines/timelines.module.js';

@Module({})
export class AppModule implements NestModule {
  /** Every route: a body the validation pipe would misread is refused first (request-bodies.ts). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(refuseMisreadBodies).forRoutes('{*path}');
  }

  /**
   * The data source is opened and migrated before the application starts: embedded
   * PostgreSQL allows a single connection, which everything in the process shares.
   */
  static forRoot(
    dataSource: DataSource,
    projections: ProjectionOptions = { runInProcess: false },
    sealing: SealingOptions = { trustedKeys: [], intervalMs: 0 },
    access: AccessModuleOptions = DEFAULT_ACCESS,
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSource.options,
          dataSourceFactory: async () => dataSource,
        }),
        CqrsModule.forRoot(),
        LookupCachesModule,
        AccessModule.forRoot(access),
        EventStoreModule,
        HealthModule,
        IncidentsModule,
        ActorsModule,
        PlacesModule,
        ProjectionsModule.forRoot(projections),
        TimelinesModule,
        AuditModule.forRoot(sealing),
        ChangesModule,
      ],
    };
  }
}
