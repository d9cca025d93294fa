import type { Finding } from './findings.js';
import { MerkleFrontier } from './merkle.js';
import { signatureHolds } from './seal-key.js';
import { sealStatement, statementHash } from './seal-statement.js';
import type { Head, StoredSeal } from './seal-store.js';
import { eventLabel, sameHash } from './verify-chains.js';

/** What is wrong with a seal itself: its signature, its key, its link to the seal before it. */
export function sealProblems(seal: StoredSeal, previous: StoredSeal | undefined, trustedKeys: readonly Buffer[]): string[] {
  const problems: string[] = [];
  if (!signatureHolds(seal.publicKey, sealStatement(seal), seal.signature)) problems.push('has a signature that does not hold over its statement');
  if (!trustedKeys.some((key) => key.equals(seal.publicKey))) problems.push(`is signed by a key that is not trusted (${seal.publicKey.toString('base64url')})`);
  if (previous?.sequence === seal.sequence - 1 && !(seal.previous && statementHash(previous).equals(seal.previous))) {
    problems.push(`does not chain to seal ${previous.sequence}`);
  }
  // Not signed, but the sealer builds on it: a bad one stops sealing.
  if (!MerkleFrontier.restore(seal.frontier, seal.events)?.root().equals(seal.root)) {
    problems.push('has a stored tree edge that does not give its root: the sealer will not build on it');
  }
  return problems;
}

/**
 * Compares the log at a seal's checkpoint with the heads the seal holds: for each stream that
 * grew in the seal's range (`grown`: each with the first version it reached there) or that the
 * seal holds, the stream's last event then (`current`) must be the one the seal holds.
 */
export function headFindings(
  seal: StoredSeal,
  sealed: ReadonlyMap<string, Head>,
  grown: ReadonlyMap<string, number>,
  current: (streamId: string) => Head | undefined,
): Finding[] {
  const sealedBy = `seal ${seal.sequence}`;
  const findings: Finding[] = [];
  const check = (stream: string) => {
    const held = sealed.get(stream);
    const now = current(stream);
    if (held && now && now.version === held.version && sameHash(now.hash, held.hash)) return;
    const found = (kind: Finding['kind'], streamVersion: number, detail: string) =>
      findings.push({ kind, by: 'seal', event: { streamId: stream, streamVersion }, seal: seal.sequence, at: seal.checkpoint.position, detail });
    if (held && now && sameHash(now.hash, held.hash)) {
      found('reordered', now.version, `${eventLabel(stream, now.version)} is the event ${sealedBy} holds as ${eventLabel(stream, held.version)}: the stream was renumbered`);
    } else if (!held || (now && now.version > held.version)) {
      const version = held ? held.version + 1 : grown.get(stream)!;
      found('inserted', version, `${eventLabel(stream, version)} was never recorded: it lies before ${sealedBy}'s checkpoint, ` +
        `and the seal holds ${held ? `${eventLabel(stream, held.version)} as its last` : 'no event of its stream there'}`);
    } else if (!now) {
      found('stream-removed', 1, `stream ${stream} is gone: ${sealedBy} holds it up to ${eventLabel(stream, held.version)}`);
    } else if (now.version < held.version) {
      const gone = now.version + 1 === held.version ? `${eventLabel(stream, held.version)} is` : `${eventLabel(stream, now.version + 1)} to ${eventLabel(stream, held.version)} are`;
      found('truncated', now.version + 1, `${gone} gone: ${sealedBy} holds ${stream} up to ${eventLabel(stream, held.version)}, and it now ends at ${eventLabel(stream, now.version)}`);
    } else {
      found('rewritten', held.version, `${eventLabel(stream, held.version)} is not the event ${sealedBy} holds: the stream was rewritten up to it, hashes and all`);
    }
  };
  for (const stream of grown.keys()) check(stream);
  for (const stream of sealed.keys()) if (!grown.has(stream)) check(stream);
  // In the byte order of the stream ids, as the seal's heads are.
  return findings.sort((a, b) => Buffer.compare(Buffer.from(a.event!.streamId), Buffer.from(b.event!.streamId)));
}
