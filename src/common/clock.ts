import { Injectable } from '@nestjs/common';

/** The time, given to deciders rather than read inside them, so tests can fix it. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
