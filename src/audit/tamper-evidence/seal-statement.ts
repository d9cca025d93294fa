import { hash } from 'node:crypto';
import { formatCheckpoint, type Checkpoint } from '../../event-store/index.js';
import { canonicalJson } from '../../event-store/event-hash.js';

/** What a seal says about the log; its signed statement is the RFC 8785 form of this. */
export interface SealContent {
  sequence: number;
  checkpoint: Checkpoint;
  /** Events in the log up to the checkpoint, and the RFC 9162 Merkle root over their hashes. */
  events: number;
  root: Buffer;
  /** The streams that grew since the previous seal, with their last event: count and digest. */
  heads: number;
  headsDigest: Buffer;
  /** sha256 of the previous seal's statement; null for the first seal. */
  previous: Buffer | null;
  sealedAt: Date;
  publicKey: Buffer;
}

export interface Seal extends SealContent {
  signature: Buffer;
}

/**
 * The text a seal's signature covers. Hashes are hex, the key base64url (as in a JWK); anyone
 * holding a copy of a seal can rebuild it and check the signature with any Ed25519 library.
 */
export function sealStatement(seal: SealContent): string {
  return canonicalJson({
    checkpoint: formatCheckpoint(seal.checkpoint),
    events: seal.events,
    heads: { count: seal.heads, digest: seal.headsDigest.toString('hex') },
    previous: seal.previous?.toString('hex') ?? null,
    publicKey: seal.publicKey.toString('base64url'),
    root: seal.root.toString('hex'),
    sealedAt: seal.sealedAt.toISOString(),
    sequence: seal.sequence,
  });
}

/** What the next seal chains to. */
export function statementHash(seal: SealContent): Buffer {
  return hash('sha256', sealStatement(seal), 'buffer');
}
