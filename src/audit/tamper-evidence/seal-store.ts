import { createHash } from 'node:crypto';
import type { QueryResultRow } from 'pg';
import type { Checkpoint, Queryable } from '../../event-store/index.js';
import { leafHashSql, type MerkleFrontier } from './merkle.js';
import type { Seal } from './seal-statement.js';

export interface StoredSeal extends Seal {
  /** The Merkle tree's right edge after this seal's events (not signed: see MerkleFrontier). */
  frontier: Buffer[];
}

const SEAL_COLUMNS = `sequence, checkpoint_transaction_id::text AS checkpoint_transaction_id, checkpoint_position, events,
  root, heads, heads_digest, previous, sealed_at, public_key, signature, frontier`;

/**
 * The events after one checkpoint ($1, $2) up to and including another ($3, $4), in the log's
 * safe order: what a seal adds to the one before it.
 */
export const SEALED_RANGE = `(transaction_id, global_position) > ($1::xid8, $2::bigint)
  AND (transaction_id, global_position) <= ($3::xid8, $4::bigint)`;

export function rangeValues(after: Checkpoint, through: Checkpoint): (string | number)[] {
  return [after.transactionId, after.position, through.transactionId, through.position];
}

export async function readSeals(db: Queryable, options: { after?: number; limit?: number } = {}): Promise<StoredSeal[]> {
  const { rows } = await db.query(`SELECT ${SEAL_COLUMNS} FROM audit_seals WHERE sequence > $1 ORDER BY sequence LIMIT $2`, [
    options.after ?? 0,
    options.limit ?? 1000,
  ]);
  return rows.map(toSeal);
}

export async function latestSeal(db: Queryable): Promise<StoredSeal | undefined> {
  const { rows } = await db.query(`SELECT ${SEAL_COLUMNS} FROM audit_seals ORDER BY sequence DESC LIMIT 1`);
  return rows[0] ? toSeal(rows[0]) : undefined;
}

/** A stream's last event, as a seal holds it or as the log has it at a seal's checkpoint. */
export interface Head {
  version: number;
  hash: Buffer | null;
}

/**
 * The heads a seal holds, with the digest it signs over them: sha256 over one line per stream,
 * `["<stream id>",<version>,"<hex hash>"]\n` (JSON, so no stream id can pass for another), in
 * the byte order of the stream ids. Read in pages.
 */
export async function readSealedHeads(db: Queryable, sequence: number): Promise<{ heads: Map<string, Head>; digest: Buffer }> {
  const heads = new Map<string, Head>();
  const digest = createHash('sha256');
  let after = '';
  for (;;) {
    const { rows } = await db.query({
      name: 'audit.sealed-heads',
      text: `SELECT stream_id, stream_version, hash FROM audit_seal_heads WHERE seal = $1 AND stream_id > $2 ORDER BY stream_id LIMIT 10000`,
      values: [sequence, after],
    });
    // The lines of a page go to the digest together: one update a line costs more than its hashing.
    let lines = '';
    for (const row of rows) {
      lines += `[${JSON.stringify(row.stream_id)},${row.stream_version},"${row.hash.toString('hex')}"]\n`;
      heads.set(row.stream_id, { version: row.stream_version, hash: row.hash });
    }
    digest.update(lines);
    if (rows.length < 10000) return { heads, digest: digest.digest() };
    after = rows[rows.length - 1].stream_id;
  }
}

function toSeal(row: QueryResultRow): StoredSeal {
  return {
    sequence: Number(row.sequence),
    checkpoint: { transactionId: row.checkpoint_transaction_id, position: Number(row.checkpoint_position) },
    events: Number(row.events),
    root: row.root,
    heads: row.heads,
    headsDigest: row.heads_digest,
    previous: row.previous,
    sealedAt: row.sealed_at,
    publicKey: row.public_key,
    signature: row.signature,
    frontier: row.frontier,
  };
}

/** Adds the hashes of the events in (after, through] to a Merkle tree, in the log's safe order. */
export async function addSealedLeaves(db: Queryable, frontier: MerkleFrontier, after: Checkpoint, through: Checkpoint): Promise<void> {
  const page = 20_000;
  for (let from = after; ; ) {
    const { rows } = await db.query({
      name: 'audit.sealed-leaves',
      text: `SELECT transaction_id::text, global_position, ${leafHashSql('hash')} AS leaf_hash FROM events WHERE ${SEALED_RANGE}
             ORDER BY events.transaction_id, events.global_position LIMIT ${page}`,
      values: rangeValues(from, through),
    });
    for (const row of rows) frontier.addLeafHash(row.leaf_hash);
    if (rows.length < page) return;
    const last = rows[rows.length - 1];
    from = { transactionId: last.transaction_id, position: Number(last.global_position) };
  }
}
