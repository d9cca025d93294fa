import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module.js';
import { PlacesModule } from '../places/places.module.js';
import { Clock } from '../common/clock.js';
import { ExecuteIncidentCommandHandler } from './commands/execute-incident-command.js';
import { IncidentsController } from './http/incidents.controller.js';
import { GetIncidentHistoryHandler } from './queries/get-incident-history.js';
import { GetIncidentHandler } from './queries/get-incident.js';

@Module({
  imports: [ActorsModule, PlacesModule],
  controllers: [IncidentsController],
  providers: [Clock, ExecuteIncidentCommandHandler, GetIncidentHandler, GetIncidentHistoryHandler],
})
export class IncidentsModule {}
