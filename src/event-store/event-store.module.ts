import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { poolOf } from '../database/data-source.js';
import { EventSchemas } from './event-schemas.js';
import { EventStore } from './event-store.js';

@Global()
@Module({
  providers: [
    EventSchemas,
    {
      provide: EventStore,
      inject: [DataSource, EventSchemas],
      useFactory: (dataSource: DataSource, schemas: EventSchemas) => new EventStore(poolOf(dataSource), schemas),
    },
  ],
  exports: [EventStore, EventSchemas],
})
export class EventStoreModule {}
