import { describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { MerkleFrontier } from './merkle.js';

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** RFC 9162 section 2.1.1, as written: split at the largest power of two below n. */
function merkleTreeHash(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return sha256(Buffer.from([0]), leaves[0]);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Buffer.from([1]), merkleTreeHash(leaves.slice(0, k)), merkleTreeHash(leaves.slice(k)));
}

describe('MerkleFrontier', () => {
  it('gives the RFC 9162 tree hash for every size', () => {
    const leaves = Array.from({ length: 70 }, () => randomBytes(32));
    const frontier = MerkleFrontier.empty();
    expect(frontier.root()).toEqual(merkleTreeHash([]));
    leaves.forEach((leaf, i) => {
      frontier.add(leaf);
      expect(frontier.root()).toEqual(merkleTreeHash(leaves.slice(0, i + 1)));
    });
  });

  it('matches the Certificate Transparency reference vector', () => {
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
    const frontier = MerkleFrontier.empty();
    leaves.forEach((leaf) => frontier.add(Buffer.from(leaf, 'hex')));
    expect(frontier.root().toString('hex')).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it('goes on from a stored edge as if it had never stopped', () => {
    const leaves = Array.from({ length: 45 }, () => randomBytes(32));
    const whole = MerkleFrontier.empty();
    leaves.forEach((leaf) => whole.add(leaf));
    const first = MerkleFrontier.empty();
    leaves.slice(0, 27).forEach((leaf) => first.add(leaf));
    const resumed = MerkleFrontier.restore(first.edge, first.size)!;
    leaves.slice(27).forEach((leaf) => resumed.add(leaf));
    expect(resumed.root()).toEqual(whole.root());
  });

  it('refuses an edge that cannot be that of its count', () => {
    const frontier = MerkleFrontier.empty();
    for (let i = 0; i < 5; i++) frontier.add(randomBytes(32));
    expect(MerkleFrontier.restore(frontier.edge, 4)).toBeUndefined();
    expect(MerkleFrontier.restore([...frontier.edge, randomBytes(32)], 5)).toBeUndefined();
  });
});
