import type { Queryable } from '../../event-store/index.js';
import { eventHash, hashedColumns, type HashedContent, type HashedRow } from '../../event-store/event-hash.js';
import { canonicalFromJsonbText } from '../../event-store/jsonb-canonical.js';
import type { Finding } from './findings.js';

interface ChainedEvent {
  row: HashedRow;
  content?: HashedContent;
  /** Whether its content, at its version, gives its hash. */
  intact: boolean;
}

/**
 * The hashed columns, with data and metadata as jsonb writes them: rewriting that text into its
 * canonical form is cheaper than parsing it and walking the objects (see jsonb-canonical.ts).
 */
export const CHAIN_COLUMNS = hashedColumns({ jsonText: true });

/** One stream's events in version order, for checkStream. */
export async function readChain(db: Queryable, streamId: string): Promise<HashedRow[]> {
  const { rows } = await db.query<HashedRow>({
    name: 'audit.verify.stream',
    text: `SELECT ${CHAIN_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`,
    values: [streamId],
  });
  return rows;
}

/** The first bad event of one stream's events (in version order), if there is one. */
export function checkStream(rows: readonly HashedRow[]): Finding | undefined {
  const events: ChainedEvent[] = rows.map((row) => {
    const content = contentOf(row);
    return { row, content, intact: content !== undefined && row.hash !== null && eventHash(content, row.previous_hash).equals(row.hash) };
  });
  const hashes = new Set(rows.flatMap((row) => (row.hash ? [row.hash.toString('hex')] : [])));
  const streamId = rows[0].stream_id;

  for (let i = 0; i < events.length; i++) {
    const { row, intact } = events[i];
    const previous = events[i - 1]?.row;
    const expected = previous ? previous.stream_version + 1 : 1;
    if (row.stream_version > expected) {
      return finding('deleted', { streamId, streamVersion: expected }, Number(row.global_position),
        `${describe(streamId, expected)} is gone: ${describe(streamId, row.stream_version)} follows ${previous ? describe(streamId, previous.stream_version) : 'nothing'}`);
    }
    if (!intact) {
      const recordedAs = recordedVersion(events[i], rows.length);
      if (recordedAs === undefined) {
        // The event after it, recorded at this version, was pushed up to make room for it.
        const next = events[i + 1];
        if (next && !next.intact && recordedVersion(next, rows.length) === row.stream_version) {
          return finding('inserted', at(row), Number(row.global_position),
            `${describe(streamId, row.stream_version)} was never recorded: the event after it was recorded at its version`);
        }
        return finding('altered', at(row), Number(row.global_position),
          row.hash === null ? `${describe(streamId, row.stream_version)} has no hash`
            : `${describe(streamId, row.stream_version)} no longer gives its hash: its content was changed, or it was forged`);
      }
      if (row.previous_hash && !hashes.has(row.previous_hash.toString('hex'))) {
        return finding('deleted', { streamId, streamVersion: recordedAs - 1 }, Number(row.global_position),
          `the event recorded as ${describe(streamId, recordedAs - 1)} is gone, and the stream was renumbered over it`);
      }
      if (recordedAs < row.stream_version) {
        const occupant = events.find((event) => event.row.stream_version === recordedAs);
        if (occupant?.intact) {
          return finding('inserted', at(occupant.row), Number(occupant.row.global_position),
            `${describe(streamId, recordedAs)} was never recorded: the event recorded at its version is now ${describe(streamId, row.stream_version)}`);
        }
      }
      return finding('reordered', at(row), Number(row.global_position),
        `${describe(streamId, row.stream_version)} is the event recorded as ${describe(streamId, recordedAs)}`);
    }
    if (!sameHash(row.previous_hash, previous?.hash ?? null)) {
      // Both events are intact, but this one chains to another hash than the one before it has:
      // that one was rewritten, hash and all.
      return finding('altered', at(previous!), Number(previous!.global_position),
        `${describe(streamId, previous!.stream_version)} was rewritten: the event after it chains to another hash`);
    }
  }
  return undefined;
}

/** What the hash covers; undefined for jsonb no JSON writer could have given (a number out of range). */
export function contentOf(row: HashedRow): HashedContent | undefined {
  try {
    return {
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      type: row.type,
      schemaVersion: row.schema_version,
      canonicalData: canonicalFromJsonbText(row.data as string),
      canonicalMetadata: canonicalFromJsonbText(row.metadata as string),
      recordedAt: row.recorded_at_text,
    };
  } catch {
    return undefined;
  }
}

/** The version other than its own at which an event's content gives its hash: where it was recorded. */
function recordedVersion(event: ChainedEvent, streamLength: number): number | undefined {
  if (event.row.hash === null || event.content === undefined) return undefined;
  for (let version = 1; version <= streamLength + 1; version++) {
    if (version === event.row.stream_version) continue;
    if (eventHash({ ...event.content, streamVersion: version }, event.row.previous_hash).equals(event.row.hash)) return version;
  }
  return undefined;
}

export function sameHash(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

function at(row: HashedRow) {
  return { streamId: row.stream_id, streamVersion: row.stream_version, position: Number(row.global_position) };
}

function finding(kind: Finding['kind'], event: Finding['event'], position: number, detail: string): Finding {
  return { kind, by: 'chain', event, detail, at: position };
}

export function describe(streamId: string, version: number): string {
  return `${streamId}@${version}`;
}
