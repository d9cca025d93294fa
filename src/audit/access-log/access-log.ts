import { randomUUID } from 'node:crypto';
import type { Principal } from '../../access/roles.js';
import type { EventStore } from '../../event-store/index.js';
import type { ConfidentialRead } from '../../incidents/confidential-sources.js';

export const CONFIDENTIAL_SOURCES_READ = 'access.confidential_sources_read';

/** Each read is a stream of its own: `access-<uuid>`. */
export const ACCESS_STREAM_PREFIX = 'access-';

/** Who read, through what, and which confidential sources the answer showed in full. */
export interface ConfidentialSourcesRead {
  reader: string;
  role: string;
  /** The endpoint, e.g. "GET /incidents/:id/history". */
  via: string;
  sources: ConfidentialRead[];
}

/** A read of the API as the access log names it. */
export interface Reader {
  principal: Principal;
  via: string;
  requestId?: string;
}

/**
 * The access log: each answer that shows a confidential source in full is first recorded as an
 * event, so the log keeps it like any other fact (hashed, sealed, replayable). Each read is a
 * stream of its own: readers never wait for one another, and the log's order is the reads' order.
 * If recording fails, the read fails: nothing confidential leaves unrecorded.
 */
export async function recordConfidentialReads(store: EventStore, reader: Reader, sources: readonly ConfidentialRead[]): Promise<void> {
  if (sources.length === 0) return;
  const unique = [...new Map(sources.map((read) => [`${read.incidentId}/${read.sourceId}`, read])).values()];
  const data: ConfidentialSourcesRead = { reader: reader.principal.name, role: reader.principal.role, via: reader.via, sources: unique };
  await store.append(`${ACCESS_STREAM_PREFIX}${randomUUID()}`, 'no_stream', [
    {
      type: CONFIDENTIAL_SOURCES_READ,
      data,
      metadata: { actor: reader.principal.name, role: reader.principal.role, requestId: reader.requestId },
    },
  ]);
}
