import pg from 'pg';
import { isEmbeddedPool } from '../../database/data-source.js';
import { EventStore, formatCheckpoint, type Checkpoint, type Queryable } from '../../event-store/index.js';
import { givesItsHash, readLogInSafeOrder, readStream, type LogRow } from './log-reader.js';
import type { Finding } from './findings.js';
import { MerkleFrontier } from './merkle.js';
import { readSealedHeads, readSeals, type Head, type StoredSeal } from './seal-store.js';
import { checkStream, eventLabel, sameHash } from './verify-chains.js';
import { headFindings, sealProblems } from './verify-seals.js';

export interface VerifyReport {
  /** True when nothing was found. */
  ok: boolean;
  events: number;
  streams: number;
  seals: number;
  /** The first bad event (or seal) in the log's order: where to start looking. */
  first?: Finding;
  /** Every finding in the log's order, the first MAX_FINDINGS of them. */
  findings: Finding[];
  findingsLeftOut: number;
  /** Events after the last seal's checkpoint: their chains guard them, no seal does yet. */
  unsealedEvents: number;
  lastSealedAt?: Date;
}

const MAX_FINDINGS = 1000;

/** A stream as the pass has it so far: its last event, and the last seal range it grew in. */
interface StreamHead extends Head {
  streamId: string;
  grewIn: number;
  /** The first version it reached in that range. */
  firstInRange: number;
}

/**
 * Recomputes every event's hash and every stream's chain, and checks the log against every seal,
 * in one pass over the log in its safe order (up to where it ends when verification begins):
 * - each event must give its hash, chain to its stream's event before it, and have the next
 *   version; a stream where one does not is read again whole, in version order, to name its
 *   first bad event and what was done (checkStream);
 * - at each seal's checkpoint, the Merkle root and count of the events so far, and the last event
 *   of each stream that grew since the previous seal, must be what the seal holds; and the seal
 *   itself must be signed by a trusted key and chain to the one before it.
 * Memory grows with the number of streams (their last version and hash), not of events.
 */
export async function verifyLog(
  db: Queryable,
  options: {
    trustedKeys: readonly Buffer[];
    onProgress?: (events: number) => void;
    /** Read the log with one COPY (the default for a pool on a server; never on a single connection), or in pages. */
    copy?: boolean;
    pageSize?: number;
  },
): Promise<VerifyReport> {
  const findings: Finding[] = [];
  let found = 0;
  const report = (finding: Finding) => {
    found++;
    findings.push(finding);
    // Keep the earliest: sort now and then, and drop the rest.
    if (findings.length > 4 * MAX_FINDINGS) findings.splice(0, findings.length, ...inLogOrder(findings).slice(0, MAX_FINDINGS));
  };

  const seals = await readAllSeals(db);
  const end = await new EventStore(db).safeEnd();
  const heads = new Map<string, StreamHead>();
  /** Each stream that broke in the pass, with where it first did. */
  const suspects = new Map<string, { version: number; position: number }>();
  const frontier = MerkleFrontier.empty();
  let sealIndex = 0;
  /** The streams that grew since the last seal's checkpoint. */
  let grown: StreamHead[] = [];

  /**
   * The heads of the next seal to close, read while the pass reads the log up to its checkpoint,
   * when the database has time to spare. Should the pass fail first, the read is nobody's to wait
   * for, and its failure must not end the process.
   */
  const readHeadsOf = (seal: StoredSeal | undefined) => {
    if (!seal) return undefined;
    const heads = readSealedHeads(db, seal.sequence);
    heads.catch(() => {});
    return heads;
  };
  let sealedHeads = readHeadsOf(seals[0]);

  const closeSeal = async () => {
    const seal = seals[sealIndex];
    const previous = seals[sealIndex - 1];
    const at = seal.checkpoint.position;
    const gap = seal.sequence !== (previous?.sequence ?? 0) + 1;
    const missing = (previous?.sequence ?? 0) + 1;
    if (gap) report({ kind: 'seal-missing', by: 'seal', seal: missing, at, detail: `seal ${missing} is gone: seal ${seal.sequence} follows ${previous ? `seal ${previous.sequence}` : 'nothing'}` });
    const problems = sealProblems(seal, previous, options.trustedKeys);
    const held = await sealedHeads!;
    sealedHeads = readHeadsOf(seals[sealIndex + 1]);
    if (held.heads.size !== seal.heads || !held.digest.equals(seal.headsDigest)) problems.push('has heads that differ from the ones it signed');
    for (const problem of problems) report({ kind: 'seal-invalid', by: 'seal', seal: seal.sequence, at, detail: `seal ${seal.sequence} ${problem}` });
    // After a gap, where this seal's range begins went with the missing seal.
    if (!gap) {
      const firstInRange = new Map(grown.map((head) => [head.streamId, head.firstInRange]));
      for (const finding of headFindings(seal, held.heads, firstInRange, (stream) => heads.get(stream))) report(finding);
    }
    if (frontier.size !== seal.events || !frontier.root().equals(seal.root)) {
      report({ kind: 'seal-mismatch', by: 'seal', seal: seal.sequence, at,
        detail: `the log up to seal ${seal.sequence}'s checkpoint (${formatCheckpoint(seal.checkpoint)}) no longer gives its root: it holds ${frontier.size} events, the seal ${seal.events}` });
    }
    grown = [];
    sealIndex++;
  };

  let events = 0;
  let unsealedEvents = 0;
  const through = end ?? { transactionId: '0', position: 0 };
  const copy = options.copy ?? (db instanceof pg.Pool && !isEmbeddedPool(db));
  for await (const rows of readLogInSafeOrder(db, through, { copy, pageSize: options.pageSize ?? 5000 })) {
    for (const row of rows) {
      while (sealIndex < seals.length && isAfter(row, seals[sealIndex].checkpoint)) await closeSeal();
      let head = heads.get(row.streamId);
      if (!intact(row, head) && !suspects.has(row.streamId)) suspects.set(row.streamId, { version: row.version, position: row.position });
      if (!head) {
        head = { streamId: row.streamId, version: 0, hash: null, grewIn: -1, firstInRange: 0 };
        heads.set(row.streamId, head);
      }
      head.version = row.version;
      head.hash = row.hash;
      if (head.grewIn !== sealIndex) {
        head.grewIn = sealIndex;
        head.firstInRange = row.version;
        grown.push(head);
      }
      // The leaf hash is computed here, not trusted to the database's sha256.
      if (sealIndex < seals.length) frontier.add(row.hash ?? Buffer.alloc(0));
      else unsealedEvents++;
    }
    events += rows.length;
    options.onProgress?.(events);
  }
  while (sealIndex < seals.length) await closeSeal();

  // A stream that broke anywhere is read again whole, in version order, to say exactly what was
  // done. If it holds up that way, its events were moved in the log's order instead.
  for (const [stream, broke] of suspects) {
    report(
      checkStream(await readStream(db, stream)) ?? {
        kind: 'reordered',
        by: 'chain',
        event: { streamId: stream, streamVersion: broke.version, position: broke.position },
        at: broke.position,
        detail: `${eventLabel(stream, broke.version)} is out of its stream's order in the log: its transaction or position was changed`,
      },
    );
  }

  const kept = inLogOrder(findings).slice(0, MAX_FINDINGS);
  return {
    ok: found === 0,
    events,
    streams: heads.size,
    seals: seals.length,
    first: kept[0],
    findings: kept,
    findingsLeftOut: found - kept.length,
    unsealedEvents,
    lastSealedAt: seals.at(-1)?.sealedAt,
  };
}

async function readAllSeals(db: Queryable): Promise<StoredSeal[]> {
  const seals: StoredSeal[] = [];
  for (;;) {
    const page = await readSeals(db, { after: seals.at(-1)?.sequence ?? 0, limit: 1000 });
    seals.push(...page);
    if (page.length < 1000) return seals;
  }
}

/** Whether an event gives its hash, and follows its stream's event before it, as the next version. */
function intact(row: LogRow, head: Head | undefined): boolean {
  return row.version === (head ? head.version + 1 : 1) && sameHash(row.previousHash, head?.hash ?? null) && givesItsHash(row);
}

/** Whether an event comes after a checkpoint in the log's safe order. */
function isAfter(row: LogRow, checkpoint: Checkpoint): boolean {
  const sealed = Number(checkpoint.transactionId);
  return row.transaction > sealed || (row.transaction === sealed && row.position > checkpoint.position);
}


/**
 * The chains' findings first, since they name the very event, then what seals show about events,
 * then what they show about themselves; each by where it shows in the log.
 */
function inLogOrder(findings: readonly Finding[]): Finding[] {
  const rank = (finding: Finding) => (finding.by === 'chain' ? 0 : finding.event ? 1 : 2);
  return [...findings].sort((a, b) => rank(a) - rank(b) || a.at - b.at || a.kind.localeCompare(b.kind));
}
