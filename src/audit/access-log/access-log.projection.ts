import type { RecordedEvent } from '../../event-store/index.js';
import { streamProjection } from '../../projections/stream-projection.js';
import { ACCESS_STREAM_PREFIX, CONFIDENTIAL_SOURCES_READ, type ConfidentialSourcesRead } from './access-log.js';

interface RecordedRead extends ConfidentialSourcesRead {
  readId: string;
  position: number;
  readAt: Date;
  requestId?: string;
}

/** The access log as a table auditors can query: one row per confidential source a read showed. */
export const accessLogProjection = streamProjection<RecordedRead>({
  name: 'access-log',
  tables: ['access_log'],
  streamPrefix: ACCESS_STREAM_PREFIX,
  rowsBy: { keyColumn: 'read_id' },
  evolve(before: RecordedRead | undefined, event: RecordedEvent): RecordedRead {
    // A read is one event in a stream of its own; anything else there is not this code's to guess at.
    if (before || event.type !== CONFIDENTIAL_SOURCES_READ) throw new Error(`unexpected ${event.type} in ${event.streamId}`);
    const requestId = event.metadata?.requestId;
    return {
      ...(event.data as ConfidentialSourcesRead),
      readId: event.streamId.slice(ACCESS_STREAM_PREFIX.length),
      position: event.globalPosition,
      readAt: event.recordedAt,
      requestId: typeof requestId === 'string' ? requestId : undefined,
    };
  },
  rows: (read) => ({
    access_log: read.sources.map((source) => ({
      read_id: read.readId,
      global_position: read.position,
      source_id: source.sourceId,
      incident_id: source.incidentId,
      read_at: read.readAt,
      reader: read.reader,
      role: read.role,
      via: read.via,
      request_id: read.requestId ?? null,
    })),
  }),
});
