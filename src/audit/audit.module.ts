import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { poolOf } from '../database/data-source.js';
import { EventLog } from './event-log.js';
import { EventsController } from './http/events.controller.js';

@Module({
  controllers: [EventsController],
  // A plain class on the shared pool (embedded PostgreSQL has one connection); the CLI makes its own.
  providers: [{ provide: EventLog, useFactory: (dataSource: DataSource) => new EventLog(poolOf(dataSource)), inject: [DataSource] }],
})
export class AuditModule {}
