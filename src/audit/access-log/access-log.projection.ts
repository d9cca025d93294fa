import type { Projection } from '../../projections/projection.js';
import { CONFIDENTIAL_SOURCES_READ, type ConfidentialSourcesRead } from './access-log.js';

/** The access log as a table auditors can query: one row per confidential source shown. */
export const accessLogProjection: Projection = {
  name: 'access-log',
  tables: ['access_log'],
  async apply(events, { db, tables }) {
    const rows = events
      .filter((event) => event.type === CONFIDENTIAL_SOURCES_READ)
      .flatMap((event) => {
        const read = event.data as ConfidentialSourcesRead;
        const requestId = typeof event.metadata?.requestId === 'string' ? event.metadata.requestId : null;
        return read.sources.map((source) => [event.globalPosition, source.sourceId, source.incidentId, event.recordedAt, read.reader, read.role, read.via, requestId]);
      });
    if (rows.length === 0) return;
    const column = (index: number) => rows.map((row) => row[index]);
    await db.query(
      `INSERT INTO ${tables.access_log} (global_position, source_id, incident_id, read_at, reader, role, via, request_id)
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[])`,
      [0, 1, 2, 3, 4, 5, 6, 7].map(column),
    );
  },
};
