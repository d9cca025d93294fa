import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module.js';
import { ChangeFeed } from './change-feed.js';
import { ChangesController } from './http/changes.controller.js';
import { LiveController } from './http/live.controller.js';
import { LiveFeed } from './live-feed.js';

@Module({
  imports: [ActorsModule],
  controllers: [ChangesController, LiveController],
  providers: [ChangeFeed, LiveFeed],
})
export class ChangesModule {}
