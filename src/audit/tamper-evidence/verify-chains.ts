import type { Queryable } from '../../event-store/index.js';
import { HASHED_COLUMNS, eventHash, hashedContent, type HashedContent, type HashedRow } from '../../event-store/event-hash.js';
import type { Finding } from './findings.js';

interface ChainedEvent {
  row: HashedRow;
  content: HashedContent;
  /** Whether its content, at its version, gives its hash. */
  intact: boolean;
}

/**
 * Reads the log stream by stream and checks each stream's hash chain, calling back with the first
 * bad event of each stream that has one, and with the count of events read as it goes.
 */
export async function verifyChains(
  db: Queryable,
  report: { finding(finding: Finding): void; progress(events: number): void },
  pageSize = 5000,
): Promise<{ events: number; streams: number }> {
  let events = 0;
  let streams = 0;
  let pending: HashedRow[] = [];
  let after = { streamId: '', streamVersion: 0 };
  for (;;) {
    const { rows } = await db.query<HashedRow>({
      name: 'audit.verify.stream-page',
      text: `SELECT ${HASHED_COLUMNS} FROM events WHERE (stream_id, stream_version) > ($1, $2)
             ORDER BY stream_id, stream_version LIMIT $3`,
      values: [after.streamId, after.streamVersion, pageSize],
    });
    const done = rows.length < pageSize;
    const check = (stream: HashedRow[]) => {
      streams++;
      const finding = checkStream(stream);
      if (finding) report.finding(finding);
    };
    // A stream is checked once all its events are read: the last one of a page may go on in the next.
    if (pending.length && pending[0].stream_id !== rows[0]?.stream_id) {
      check(pending);
      pending = [];
    }
    let start = 0;
    for (let i = 0; i < rows.length; i++) {
      const streamEnds = i === rows.length - 1 ? done : rows[i + 1].stream_id !== rows[i].stream_id;
      if (!streamEnds) continue;
      check([...pending, ...rows.slice(start, i + 1)]);
      pending = [];
      start = i + 1;
    }
    pending.push(...rows.slice(start));
    events += rows.length;
    report.progress(events);
    if (done) return { events, streams };
    const last = rows[rows.length - 1];
    after = { streamId: last.stream_id, streamVersion: last.stream_version };
  }
}

/** The first bad event of one stream's events (in version order), if there is one. */
export function checkStream(rows: readonly HashedRow[]): Finding | undefined {
  const events: ChainedEvent[] = rows.map((row) => {
    const content = hashedContent(row);
    return { row, content, intact: row.hash !== null && eventHash(content, row.previous_hash).equals(row.hash) };
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

/** The version other than its own at which an event's content gives its hash: where it was recorded. */
function recordedVersion(event: ChainedEvent, streamLength: number): number | undefined {
  if (event.row.hash === null) return undefined;
  for (let version = 1; version <= streamLength + 1; version++) {
    if (version === event.row.stream_version) continue;
    if (eventHash({ ...event.content, streamVersion: version }, event.row.previous_hash).equals(event.row.hash)) return version;
  }
  return undefined;
}

function sameHash(a: Buffer | null, b: Buffer | null): boolean {
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
