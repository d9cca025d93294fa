import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { poolOf } from '../database/data-source.js';
import { LookupCaches } from '../database/lookup-caches.js';
import { Gazetteer } from './gazetteer.js';
import { PlacesController } from './http/places.controller.js';
import { GetPlaceHandler, ResolvePlaceHandler, SearchPlacesHandler } from './queries/place-queries.js';
import { PlaceResolver } from './resolve/place-resolver.service.js';

@Module({
  controllers: [PlacesController],
  providers: [
    // A plain class on the shared pool (embedded PostgreSQL has one connection), so the CLI and
    // the tests can make their own on any pool.
    {
      provide: Gazetteer,
      useFactory: (dataSource: DataSource, lookups: LookupCaches) => new Gazetteer(poolOf(dataSource), { cache: lookups.cache('places') }),
      inject: [DataSource, LookupCaches],
    },
    PlaceResolver,
    SearchPlacesHandler,
    GetPlaceHandler,
    ResolvePlaceHandler,
  ],
  exports: [Gazetteer, PlaceResolver],
})
export class PlacesModule {}
