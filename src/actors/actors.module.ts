import { Module } from '@nestjs/common';
import { ExecuteActorCommandHandler } from './commands/execute-actor-command.js';
import { ActorsController } from './http/actors.controller.js';
import { ActorDirectory } from './queries/actor-directory.js';
import { GetActorHandler, GetActorHistoryHandler, SearchActorsHandler } from './queries/actor-queries.js';

@Module({
  controllers: [ActorsController],
  providers: [ActorDirectory, ExecuteActorCommandHandler, SearchActorsHandler, GetActorHandler, GetActorHistoryHandler],
  exports: [ActorDirectory],
})
export class ActorsModule {}
