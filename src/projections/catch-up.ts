import type { Pool } from 'pg';
import type { EventStore } from '../event-store/index.js';
import { ALL_PROJECTIONS } from './all-projections.js';
import { ProjectionRunner } from './projection-runner.js';
import { projectionsPassed, projectionStatus } from './projection-status.js';

/**
 * Brings every projection past a log position in this process, batch by batch, as a worker would
 * (a running service's projections take turns with it on each checkpoint's row lock). Events of
 * a transaction still open elsewhere cannot be read yet, and a stopped projection reads nothing:
 * it waits for the first up to `timeoutMs`, and fails at once for the second, rather than report
 * read models up to date that are not.
 */
export async function catchUpProjections(
  pool: Pool,
  store: EventStore,
  { through, timeoutMs = 60_000, onProgress }: { through?: number; timeoutMs?: number; onProgress?: (handled: number) => void } = {},
): Promise<number> {
  const names = ALL_PROJECTIONS.map((projection) => projection.name);
  const runners = ALL_PROJECTIONS.map((projection) => new ProjectionRunner(pool, store, projection));
  for (const runner of runners) await runner.register();
  const deadline = Date.now() + timeoutMs;
  let handled = 0;
  for (;;) {
    for (const runner of runners) {
      for (;;) {
        const step = await runner.step();
        handled += step.handled;
        onProgress?.(handled);
        if (step.caughtUp) break;
      }
    }
    const stopped = (await projectionStatus(pool, names)).filter((status) => status.state === 'stopped');
    if (stopped.length > 0) {
      throw new Error(`projection ${stopped.map((status) => `${status.name} is stopped (${status.error ?? 'no error on record'})`).join('; ')}`);
    }
    if (through === undefined || (await projectionsPassed(pool, names, through))) return handled;
    if (Date.now() > deadline) {
      throw new Error(`the read models have not reached position ${through} after ${timeoutMs / 1000} s: a transaction left open holds the log back`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
