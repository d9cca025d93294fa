import type { Pool } from 'pg';
import { inTransaction } from '../../database/transaction.js';
import { EventStore, LOG_START } from '../../event-store/index.js';
import { MerkleFrontier } from './merkle.js';
import { signStatement, type SealKey } from './seal-key.js';
import { sealStatement, statementHash, type SealContent } from './seal-statement.js';
import { SEALED_RANGE, addSealedLeaves, latestSeal, rangeValues, readSealedHeads, type StoredSeal } from './seal-store.js';
import { sealProblems } from './verify-seals.js';

/** Heads past which a seal brings the table's statistics up to date itself. */
const LARGE_SEAL_HEADS = 10_000;

/** The latest seal does not hold (signature, key or stored tree edge): the sealer will not build on it. */
export class SealChainBrokenError extends Error {}

/**
 * Seals the log (see the migration for what a seal holds). Each seal adds the events after the
 * previous seal's checkpoint up to where the log's safe order ends now, so no event can later
 * join the range it covers. The Merkle leaves are read before the sealing transaction, which
 * then only writes the heads and the seal: a transaction that holds an id holds back every
 * reader of the log until it ends.
 */
export class Sealer {
  constructor(
    private readonly pool: Pool,
    private readonly key: SealKey,
    /** Public keys whose seals this sealer builds on, besides its own (keys used before a rotation). */
    private readonly trustedKeys: readonly Buffer[] = [],
  ) {}

  /** Seals the events recorded since the last seal; undefined when there are none, or another sealer is at it. */
  async seal(sealedAt = new Date()): Promise<StoredSeal | undefined> {
    const last = await latestSeal(this.pool);
    const frontier = last ? this.frontierAfter(last) : MerkleFrontier.empty();
    const after = last?.checkpoint ?? LOG_START;
    const through = await new EventStore(this.pool).safeEnd();
    if (!through || (through.transactionId === after.transactionId && through.position === after.position)) return undefined;
    await addSealedLeaves(this.pool, frontier, after, through);

    const sequence = (last?.sequence ?? 0) + 1;
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query(`SELECT pg_try_advisory_xact_lock(hashtext('audit-sealer')) AS got`);
      const { rows: latest } = await client.query('SELECT max(sequence) AS sequence FROM audit_seals');
      if (!rows[0].got || Number(latest[0].sequence ?? 0) !== sequence - 1) return undefined;
      const { rowCount: added } = await client.query(
        `INSERT INTO audit_seal_heads (seal, stream_id, stream_version, hash)
         SELECT DISTINCT ON (stream_id) $5::bigint, stream_id, stream_version, hash FROM events
         WHERE ${SEALED_RANGE} ORDER BY stream_id, stream_version DESC`,
        [...rangeValues(after, through), sequence],
      );
      // Until autovacuum next analyzes the table, the planner takes a seal this large for a few
      // hundred rows, and reads its heads a page at a time by sorting them all for each page
      // (30 times slower for 360,000 heads, here and in audit verify). The ANALYZE samples the
      // table, so it takes about 0.1 s even then, which this transaction holds the log's safe
      // order back for. Seals of the usual size leave it to autovacuum.
      if ((added ?? 0) > LARGE_SEAL_HEADS) await client.query('ANALYZE audit_seal_heads');
      const heads = await readSealedHeads(client, sequence);
      const content: SealContent = {
        sequence,
        checkpoint: through,
        events: frontier.size,
        root: frontier.root(),
        heads: heads.heads.size,
        headsDigest: heads.digest,
        previous: last ? statementHash(last) : null,
        // to the millisecond, as the database and the statement both keep it
        sealedAt: new Date(sealedAt.getTime()),
        publicKey: this.key.publicKey,
      };
      const seal = { ...content, signature: signStatement(this.key, sealStatement(content)), frontier: frontier.edge };
      await client.query(
        `INSERT INTO audit_seals (sequence, checkpoint_transaction_id, checkpoint_position, events, root, heads, heads_digest,
                                  previous, sealed_at, public_key, signature, frontier)
         VALUES ($1, $2::xid8, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::bytea[])`,
        [seal.sequence, through.transactionId, through.position, seal.events, seal.root, seal.heads, seal.headsDigest,
          seal.previous, seal.sealedAt, seal.publicKey, seal.signature, seal.frontier],
      );
      return seal;
    });
  }

  /** The tree as the last seal left it, once the seal holds as audit verify would have it. */
  private frontierAfter(last: StoredSeal): MerkleFrontier {
    const problems = sealProblems(last, undefined, [this.key.publicKey, ...this.trustedKeys]);
    if (problems.length) throw new SealChainBrokenError(`Seal ${last.sequence} ${problems.join('; ')}: run audit verify`);
    return MerkleFrontier.restore(last.frontier, last.events)!;
  }
}
