import { Module, type DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { poolOf } from '../database/data-source.js';
import { EventLog } from './event-log.js';
import { AccessLogController } from './http/access-log.controller.js';
import { EventsController } from './http/events.controller.js';
import { SealsController } from './http/seals.controller.js';
import { SEALING_OPTIONS, TamperEvidence, type SealingOptions } from './tamper-evidence/tamper-evidence.service.js';

@Module({})
export class AuditModule {
  static forRoot(sealing: SealingOptions): DynamicModule {
    return {
      module: AuditModule,
      controllers: [EventsController, SealsController, AccessLogController],
      providers: [
        // A plain class on the shared pool (embedded PostgreSQL has one connection); the CLI makes its own.
        { provide: EventLog, useFactory: (dataSource: DataSource) => new EventLog(poolOf(dataSource)), inject: [DataSource] },
        { provide: SEALING_OPTIONS, useValue: sealing },
        TamperEvidence,
      ],
    };
  }
}
