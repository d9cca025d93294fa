import { Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { poolOf } from './data-source.js';
import { LookupCaches } from './lookup-caches.js';

/** One set of lookup caches per process, listening for changes from the start. */
@Global()
@Module({
  providers: [
    {
      provide: LookupCaches,
      inject: [DataSource],
      useFactory: async (dataSource: DataSource) => {
        const caches = new LookupCaches(poolOf(dataSource));
        await caches.start();
        return caches;
      },
    },
  ],
  exports: [LookupCaches],
})
export class LookupCachesModule implements OnApplicationShutdown {
  constructor(private readonly caches: LookupCaches) {}

  onApplicationShutdown(): Promise<void> {
    return this.caches.stop();
  }
}
