import type { EventMetadata, RecordedEvent } from './event.js';

/** One event of a stream as a history shows it: what was recorded, by whom, when. */
export interface HistoryEntry {
  position: number;
  version: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata;
  recordedAt: Date;
}

export const toHistoryEntry = (event: RecordedEvent): HistoryEntry => ({
  position: event.globalPosition,
  version: event.streamVersion,
  type: event.type,
  schemaVersion: event.schemaVersion,
  data: event.data,
  metadata: event.metadata,
  recordedAt: event.recordedAt,
});
