import pg from 'pg';
import { parentPort, workerData } from 'node:worker_threads';
import { EventStore, type LogCut } from '../event-store/index.js';
import { projectionNamed } from './all-projections.js';
import type { TableNames } from './projection.js';
import { loadCutByStream, type StreamIdRange } from './stream-rebuild.js';
import { isStreamProjection, RowSums } from './stream-projection.js';

/** One part of loadCutInParts, in a thread of its own, on connections of its own. */
export interface PartLoad {
  connection: pg.PoolConfig;
  projection: string;
  tables: TableNames;
  cut: LogCut;
  part: StreamIdRange;
  chunk?: number;
}

const { connection, projection: name, tables, cut, part, chunk } = workerData as PartLoad;
const projection = projectionNamed(name);
if (!projection || !isStreamProjection(projection)) throw new Error(`${name} is not a stream projection`);
// A reader and a writer, as loadCutByStream takes them.
const pool = new pg.Pool({ ...connection, max: 2 });
// An idle connection's error (the server going away) fails the load's next query instead.
pool.on('error', () => {});
// A projection of counts gives its part's sums to the caller, which adds up all the parts'.
const sums = 'sum' in projection.rowsBy ? new RowSums(projection) : undefined;
try {
  // A store without upcasters: loadCutInParts splits only a rebuild whose store has none.
  const onProgress = (events: number) => parentPort!.postMessage({ progress: events });
  await loadCutByStream(pool, new EventStore(pool), projection, tables, { cut, part, chunk, sums, onProgress });
} finally {
  await pool.end();
}
// The caller stops this thread once it has read this.
parentPort!.postMessage({ done: true, result: sums?.tables() });
