import type { Pool } from 'pg';
import type { EventStore } from '../event-store/index.js';
import { ALL_PROJECTIONS } from './all-projections.js';
import { ProjectionRunner } from './projection-runner.js';

/**
 * Brings every projection up to the end of the log in this process, batch by batch, as a worker
 * would (a running service's projections take turns with it on each checkpoint's row lock).
 */
export async function catchUpProjections(pool: Pool, store: EventStore, onProgress?: (handled: number) => void): Promise<number> {
  let handled = 0;
  for (const projection of ALL_PROJECTIONS) {
    const runner = new ProjectionRunner(pool, store, projection);
    await runner.register();
    for (;;) {
      const step = await runner.step();
      handled += step.handled;
      onProgress?.(handled);
      if (step.caughtUp) break;
    }
  }
  return handled;
}
