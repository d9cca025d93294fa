import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the module `name` beside the module at `moduleUrl`: its JavaScript in
 * the built service (dist/), or its TypeScript when this runs from the sources (tests and
 * benchmarks, under tsx or ts-jest), which the thread then loads through tsx too.
 */
export function startWorker(moduleUrl: string, name: string, workerData: unknown): Worker {
  if (!moduleUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, moduleUrl), { workerData });
  const source = JSON.stringify(new URL(`./${name}.ts`, moduleUrl).href);
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${source}); })`, { eval: true, workerData });
}

/**
 * Runs a worker that posts `{ progress }` as it goes and `{ done: true, result }` at its end, and
 * then waits to be stopped. `done` settles with its end: with its result, or rejected with its
 * error, or if it ended (or was stopped) before it said it was done.
 */
export function runWorker(worker: Worker, onProgress: (progress: number) => void): { done: Promise<unknown>; stop: () => Promise<void> } {
  let stopping = false;
  const done = new Promise<unknown>((resolve, reject) => {
    worker.on('message', (message: { progress?: number; done?: true; result?: unknown }) => {
      if (message.done) resolve(message.result);
      else if (message.progress !== undefined) onProgress(message.progress);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      reject(new Error(stopping ? 'The worker thread was stopped' : `A worker thread ended before it was done (exit code ${code})`));
    });
  });
  // Awaited by the caller; until then a failure must not count as unhandled.
  done.catch(() => {});
  return {
    done,
    stop: async () => {
      stopping = true;
      await worker.terminate();
    },
  };
}
