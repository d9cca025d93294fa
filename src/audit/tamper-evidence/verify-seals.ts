import { LOG_START, formatCheckpoint, type Checkpoint, type Queryable } from '../../event-store/index.js';
import type { Finding } from './findings.js';
import { MerkleFrontier } from './merkle.js';
import { signatureHolds } from './seal-key.js';
import { sealStatement, statementHash } from './seal-statement.js';
import { SEALED_RANGE, addSealedLeaves, headsDigest, rangeValues, readSeals, type StoredSeal } from './seal-store.js';
import { describe } from './verify-chains.js';

/**
 * Checks every seal: its signature and key, its place in the chain of seals, its heads, and the
 * log against it: the Merkle root over the events up to its checkpoint, and the last event of
 * each stream that grew in its range. Returns the number of seals.
 */
export async function verifySeals(
  db: Queryable,
  trustedKeys: readonly Buffer[],
  report: { finding(finding: Finding): void },
): Promise<number> {
  const frontier = MerkleFrontier.empty();
  let previous: StoredSeal | undefined;
  let seals = 0;
  for (;;) {
    const page = await readSeals(db, { after: previous?.sequence ?? 0, limit: 100 });
    for (const seal of page) {
      seals++;
      const after = previous?.checkpoint ?? LOG_START;
      const at = seal.checkpoint.position;
      const expected = (previous?.sequence ?? 0) + 1;
      const gap = seal.sequence !== expected;
      if (gap) {
        report.finding({ kind: 'seal-missing', by: 'seal', seal: expected, at, detail: `seal ${expected} is gone: seal ${seal.sequence} follows ${previous ? `seal ${previous.sequence}` : 'nothing'}` });
      }
      for (const problem of await sealProblems(db, seal, previous, trustedKeys)) {
        report.finding({ kind: 'seal-invalid', by: 'seal', seal: seal.sequence, at, detail: `seal ${seal.sequence} ${problem}` });
      }
      // After a gap, where this seal's range begins is gone with the missing seal.
      if (!gap) for (const finding of await headFindings(db, seal, after)) report.finding(finding);
      await addSealedLeaves(db, frontier, after, seal.checkpoint);
      if (frontier.size !== seal.events || !frontier.root().equals(seal.root)) {
        report.finding({
          kind: 'seal-mismatch',
          by: 'seal',
          seal: seal.sequence,
          at,
          detail: `the log up to seal ${seal.sequence}'s checkpoint (${formatCheckpoint(seal.checkpoint)}) no longer gives its root: ` +
            `it holds ${frontier.size} events, the seal ${seal.events}`,
        });
      }
      previous = seal;
    }
    if (page.length < 100) return seals;
  }
}

async function sealProblems(db: Queryable, seal: StoredSeal, previous: StoredSeal | undefined, trustedKeys: readonly Buffer[]): Promise<string[]> {
  const problems: string[] = [];
  if (!signatureHolds(seal.publicKey, sealStatement(seal), seal.signature)) problems.push('has a signature that does not hold over its statement');
  if (!trustedKeys.some((key) => key.equals(seal.publicKey))) problems.push(`is signed by a key that is not trusted (${seal.publicKey.toString('base64url')})`);
  const chainsTo = previous ? statementHash(previous) : null;
  if (previous?.sequence === seal.sequence - 1 && !(seal.previous && chainsTo?.equals(seal.previous))) {
    problems.push(`does not chain to seal ${previous.sequence}`);
  }
  const heads = await headsDigest(db, seal.sequence);
  if (heads.heads !== seal.heads || !heads.digest.equals(seal.headsDigest)) problems.push('has heads that differ from the ones it signed');
  return problems;
}

/**
 * Compares the last event of each stream that grew in the seal's range, as the log has it now,
 * with the one the seal holds.
 */
async function headFindings(db: Queryable, seal: StoredSeal, after: Checkpoint): Promise<Finding[]> {
  const { rows } = await db.query(
    `WITH current AS (
       SELECT DISTINCT ON (stream_id) stream_id, stream_version, hash FROM events
       WHERE ${SEALED_RANGE} ORDER BY stream_id, stream_version DESC),
     sealed AS (SELECT stream_id, stream_version, hash FROM audit_seal_heads WHERE seal = $5)
     SELECT coalesce(sealed.stream_id, current.stream_id) AS stream_id,
            sealed.stream_version AS sealed_version, current.stream_version AS current_version,
            current.hash = sealed.hash AS same_event,
            (SELECT coalesce(max(stream_version), 0) FROM events
             WHERE stream_id = coalesce(sealed.stream_id, current.stream_id)
               AND (transaction_id, global_position) <= ($3::xid8, $4::bigint)) AS version_at_checkpoint,
            (SELECT min(stream_version) FROM events WHERE stream_id = current.stream_id AND ${SEALED_RANGE}) AS first_in_range
     FROM current FULL JOIN sealed ON current.stream_id = sealed.stream_id COLLATE "C"
     WHERE current.stream_version IS DISTINCT FROM sealed.stream_version OR current.hash IS DISTINCT FROM sealed.hash
     ORDER BY coalesce(sealed.stream_id, current.stream_id) COLLATE "C" LIMIT 1000`,
    [...rangeValues(after, seal.checkpoint), seal.sequence],
  );
  const at = seal.checkpoint.position;
  const sealedBy = `seal ${seal.sequence}`;
  return rows.map((row): Finding => {
    const stream = row.stream_id as string;
    const sealed = row.sealed_version as number | null;
    const current = row.current_version as number | null;
    const atCheckpoint = Number(row.version_at_checkpoint);
    const found = (kind: Finding['kind'], streamVersion: number, detail: string): Finding => ({
      kind, by: 'seal', event: { streamId: stream, streamVersion }, seal: seal.sequence, at, detail,
    });
    if (row.same_event) {
      return found('reordered', current!, `${describe(stream, current!)} is the event ${sealedBy} holds as ${describe(stream, sealed!)}: the stream was renumbered`);
    }
    if (sealed === null || (current !== null && current > sealed)) {
      const version = sealed === null ? Number(row.first_in_range) : sealed + 1;
      return found('inserted', version, `${describe(stream, version)} was never recorded: it lies before ${sealedBy}'s checkpoint, ` +
        `and the seal holds ${sealed === null ? 'no event of its stream there' : `${describe(stream, sealed)} as its last`}`);
    }
    if (atCheckpoint === 0) return found('stream-removed', 1, `stream ${stream} is gone: ${sealedBy} holds it up to ${describe(stream, sealed)}`);
    if (atCheckpoint < sealed) {
      return found('truncated', atCheckpoint + 1, `${describe(stream, atCheckpoint + 1)} to ${describe(stream, sealed)} are gone: ` +
        `${sealedBy} holds them, and the stream now ends at ${describe(stream, atCheckpoint)}`);
    }
    return found('rewritten', sealed, `${describe(stream, sealed)} is not the event ${sealedBy} holds: the stream was rewritten up to it, hashes and all`);
  });
}
