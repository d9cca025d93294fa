import { Module } from '@nestjs/common';
import { PlacesModule } from '../places/places.module.js';
import { TimelineExport } from './export/timeline-export.js';
import { TimelinesController } from './http/timelines.controller.js';
import { TimelineQueries } from './queries/timeline-queries.js';

@Module({
  imports: [PlacesModule],
  controllers: [TimelinesController],
  providers: [TimelineQueries, TimelineExport],
})
export class TimelinesModule {}
