import { hash } from 'node:crypto';

/**
 * Hashes are held here as binary strings (one character per byte, what `hash(…, 'binary')`
 * gives): a hash returned as a Buffer costs a memory block of its own and several times the
 * hashing itself, which verify, hashing two small inputs per event for the tree, would pay
 * millions of times.
 */
type BinaryHash = string;

const LEAF = Buffer.from([0]);

/** Where a 32-byte leaf's input is put together (the usual case: an event hash), rather than in a new buffer each time. */
const leafInput = Buffer.alloc(33, 0);

/** RFC 9162 (Certificate Transparency 2.0), section 2.1.1: the hash of one leaf. */
function leafHash(leaf: Buffer): BinaryHash {
  if (leaf.length !== 32) return hash('sha256', Buffer.concat([LEAF, leaf]), 'binary');
  leaf.copy(leafInput, 1);
  return hash('sha256', leafInput, 'binary');
}

/** Where a node's input is put together: one buffer for every node hashed, rather than a new one each. */
const nodeInput = Buffer.alloc(65, 1);

function nodeHash(left: BinaryHash, right: BinaryHash): BinaryHash {
  nodeInput.write(left, 1, 'binary');
  nodeInput.write(right, 33, 'binary');
  return hash('sha256', nodeInput, 'binary');
}

/** RFC 9162's leaf hash in SQL, so the database does that half of the hashing: `leafHashSql('hash')`. */
export const leafHashSql = (column: string) => `sha256('\\x00'::bytea || ${column})`;

/**
 * The Merkle Tree Hash of RFC 9162 over a growing list of leaves, keeping only the tree's right
 * edge: the roots of the perfect subtrees that make up the leaves so far, largest first (one for
 * each bit set in the count). Adding a leaf costs one hash plus one per subtree it completes, and
 * a seal stores the edge so the next seal adds only the events after it.
 */
export class MerkleFrontier {
  private constructor(
    private readonly subtrees: BinaryHash[],
    private count: number,
  ) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier([], 0);
  }

  /** A frontier as stored; undefined when the subtrees cannot be those of `count` leaves. */
  static restore(subtrees: readonly Buffer[], count: number): MerkleFrontier | undefined {
    const bits = count.toString(2).split('').filter((bit) => bit === '1').length;
    if (subtrees.length !== bits || subtrees.some((subtree) => subtree.length !== 32)) return undefined;
    return new MerkleFrontier(subtrees.map((subtree) => subtree.toString('binary')), count);
  }

  get size(): number {
    return this.count;
  }

  get edge(): Buffer[] {
    return this.subtrees.map((subtree) => Buffer.from(subtree, 'binary'));
  }

  add(leaf: Buffer): void {
    this.grow(leafHash(leaf));
  }

  /** Adds a leaf by its leaf hash, computed elsewhere (leafHashSql). */
  addLeafHash(leafHash: Buffer): void {
    this.grow(leafHash.toString('binary'));
  }

  private grow(leafHash: BinaryHash): void {
    let subtree = leafHash;
    this.count++;
    // Each trailing 1 bit of the new count below the lowest is a pair of equal subtrees to merge.
    for (let size = this.count; size % 2 === 0; size /= 2) subtree = nodeHash(this.subtrees.pop()!, subtree);
    this.subtrees.push(subtree);
  }

  /** The root of the leaves so far: the subtrees folded from the right. The empty tree's is sha256(""). */
  root(): Buffer {
    if (this.subtrees.length === 0) return hash('sha256', '', 'buffer');
    let root = this.subtrees[this.subtrees.length - 1];
    for (let i = this.subtrees.length - 2; i >= 0; i--) root = nodeHash(this.subtrees[i], root);
    return Buffer.from(root, 'binary');
  }
}
