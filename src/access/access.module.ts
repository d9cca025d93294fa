import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { poolOf } from '../database/data-source.js';
import { LookupCaches } from '../database/lookup-caches.js';
import { ACCESS_OPTIONS, AccessGuard, type AccessOptions } from './access.guard.js';
import { ApiKeys } from './api-keys.js';
import { KeysController } from './http/keys.controller.js';
import { RATE_LIMIT_OPTIONS, RateLimitGuard, type RateLimitOptions } from './rate-limit.guard.js';

export type AccessModuleOptions = AccessOptions & { rateLimit: RateLimitOptions };

/** Every endpoint but the health check needs a key; no rate limit. */
export const DEFAULT_ACCESS: AccessModuleOptions = { publicRead: false, rateLimit: { perMinute: 0 } };

@Module({})
export class AccessModule {
  static forRoot(options: AccessModuleOptions = DEFAULT_ACCESS): DynamicModule {
    return {
      module: AccessModule,
      global: true,
      controllers: [KeysController],
      providers: [
        {
          provide: ApiKeys,
          useFactory: (dataSource: DataSource, lookups: LookupCaches) => new ApiKeys(poolOf(dataSource), lookups),
          inject: [DataSource, LookupCaches],
        },
        { provide: ACCESS_OPTIONS, useValue: options },
        { provide: RATE_LIMIT_OPTIONS, useValue: options.rateLimit },
        // In this order: a request is counted against its key, so the key is found first.
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
      ],
      exports: [ApiKeys],
    };
  }
}
