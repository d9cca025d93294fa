import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module.js';
import { ChangeFeed } from './change-feed.js';
import { ChangesController } from './http/changes.controller.js';

@Module({
  imports: [ActorsModule],
  controllers: [ChangesController],
  providers: [ChangeFeed],
})
export class ChangesModule {}
