import { givesHash, type HashedContent } from '../../event-store/event-hash.js';
import type { Finding } from './findings.js';
import { contentOf, givesItsHash, type LogRow } from './log-reader.js';

interface ChainedEvent {
  row: LogRow;
  /** For an event that does not give its hash: its content, which recordedVersion tries at other versions. */
  content?: HashedContent;
  /** Whether its content, at its version, gives its hash. */
  intact: boolean;
}

/** The first bad event of one stream's events (in version order), if there is one. */
export function checkStream(rows: readonly LogRow[]): Finding | undefined {
  const events: ChainedEvent[] = rows.map((row) => {
    const intact = givesItsHash(row);
    return { row, content: intact ? undefined : contentOf(row), intact };
  });
  const hashes = new Set(rows.flatMap((row) => (row.hash ? [row.hash.toString('hex')] : [])));
  const streamId = rows[0].streamId;

  for (let i = 0; i < events.length; i++) {
    const { row, intact } = events[i];
    const previous = events[i - 1]?.row;
    const expected = previous ? previous.version + 1 : 1;
    if (row.version > expected) {
      return finding('deleted', { streamId, streamVersion: expected }, row.position,
        `${eventLabel(streamId, expected)} is gone: ${eventLabel(streamId, row.version)} follows ${previous ? eventLabel(streamId, previous.version) : 'nothing'}`);
    }
    if (!intact) {
      const recordedAs = recordedVersion(events[i], rows.length);
      if (recordedAs === undefined) {
        // The event after it, recorded at this version, was pushed up to make room for it.
        const next = events[i + 1];
        if (next && !next.intact && recordedVersion(next, rows.length) === row.version) {
          return finding('inserted', at(row), row.position,
            `${eventLabel(streamId, row.version)} was never recorded: the event after it was recorded at its version`);
        }
        return finding('altered', at(row), row.position,
          row.hash === null ? `${eventLabel(streamId, row.version)} has no hash`
            : `${eventLabel(streamId, row.version)} no longer gives its hash: its content was changed, or it was forged`);
      }
      if (row.previousHash && !hashes.has(row.previousHash.toString('hex'))) {
        return finding('deleted', { streamId, streamVersion: recordedAs - 1 }, row.position,
          `the event recorded as ${eventLabel(streamId, recordedAs - 1)} is gone, and the stream was renumbered over it`);
      }
      if (recordedAs < row.version) {
        const occupant = events.find((event) => event.row.version === recordedAs);
        if (occupant?.intact) {
          return finding('inserted', at(occupant.row), occupant.row.position,
            `${eventLabel(streamId, recordedAs)} was never recorded: the event recorded at its version is now ${eventLabel(streamId, row.version)}`);
        }
      }
      return finding('reordered', at(row), row.position,
        `${eventLabel(streamId, row.version)} is the event recorded as ${eventLabel(streamId, recordedAs)}`);
    }
    if (!sameHash(row.previousHash, previous?.hash ?? null)) {
      // Both events are intact, but this one chains to another hash than the one before it has:
      // that one was rewritten, hash and all.
      return finding('altered', at(previous!), previous!.position,
        `${eventLabel(streamId, previous!.version)} was rewritten: the event after it chains to another hash`);
    }
  }
  return undefined;
}

/** The version other than its own at which an event's content gives its hash: where it was recorded. */
function recordedVersion(event: ChainedEvent, streamLength: number): number | undefined {
  if (event.row.hash === null || event.content === undefined) return undefined;
  for (let version = 1; version <= streamLength + 1; version++) {
    if (version === event.row.version) continue;
    if (givesHash({ ...event.content, streamVersion: version }, event.row.previousHash, event.row.hash)) return version;
  }
  return undefined;
}

export function sameHash(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

function at(row: LogRow) {
  return { streamId: row.streamId, streamVersion: row.version, position: row.position };
}

function finding(kind: Finding['kind'], event: Finding['event'], position: number, detail: string): Finding {
  return { kind, by: 'chain', event, detail, at: position };
}

/** How findings name an event: `<stream>@<version>`. */
export function eventLabel(streamId: string, version: number): string {
  return `${streamId}@${version}`;
}
