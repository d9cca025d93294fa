import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what survived its last full collection before collecting
 * again, in percent. By default it lets the old generation grow up to fourfold when collections
 * are cheap, and under load the service's heap grew to about 180 MB around some 65 MB of live
 * data (300 MB resident). Half again holds the service near 190 MB resident for a few percent of
 * throughput (`npm run bench:http`; README, Benchmarks).
 */
const HEAP_GROWING_PERCENT = 50;

/** For the long-running processes: the API and the workers. `node --heap-growing-percent=…` overrides it. */
export function boundHeapGrowth(): void {
  if (process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
