import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle.ts';

const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const flip = (h: Uint8Array, bit = 0) => h.map((b, i) => (i === bit >> 3 ? b ^ (1 << (bit & 7)) : b));
const withFlip = (proof: Uint8Array[], at: number) => proof.map((h, i) => (i === at ? flip(h, 3) : h));

// RFC 6962 reference data from transparency-dev/merkle (testonly/constants.go: LeafInputs, RootHashes;
// proof/verify_test.go: inclusionProofs with 1-based leaf numbers, consistencyProofs), the test vectors that
// certificate-transparency-go and Trillian share.
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const H = {
  l0: '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  l1: '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  l4: 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  l6: 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  n01: 'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  n23: '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
  n45: '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
  n67: 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  n0123: 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  n4567: '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
};
const CT_INCLUSION: [index: number, size: number, proof: string[]][] = [
  [0, 1, []],
  [0, 8, [H.l1, H.n23, H.n4567]],
  [5, 8, [H.l4, H.n67, H.n0123]],
  [2, 3, [H.n01]],
  [1, 5, [H.l0, H.n23, H.l4]],
];
const CT_CONSISTENCY: [oldSize: number, newSize: number, proof: string[]][] = [
  [1, 1, []],
  [1, 8, [H.l1, H.n23, H.n4567]],
  [6, 8, [H.n45, H.n67, H.n0123]],
  [2, 5, [H.n23, H.l4]],
  [6, 7, [H.n45, H.l6, H.n0123]],
];

describe('merkle: RFC 6962 reference values', () => {
  const leaves = CT_LEAVES.map((s) => leafHash(unhex(s)));

  it('gives SHA-256 of the empty string as the empty root', () => {
    expect(hex(rootHash([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('matches the reference roots for 0..8 leaves', () => {
    expect(CT_ROOTS.map((_, n) => hex(rootHash(leaves.slice(0, n))))).toEqual(CT_ROOTS);
  });

  it.each(CT_INCLUSION)('matches the reference inclusion proof for leaf %i of %i', (index, size, proof) => {
    expect(inclusionProof(leaves.slice(0, size), index).map(hex)).toEqual(proof);
    expect(
      verifyInclusion(leaves[index] as Uint8Array, index, size, proof.map(unhex), unhex(CT_ROOTS[size] ?? '')),
    ).toBe(true);
  });

  it.each(CT_CONSISTENCY)('matches the reference consistency proof from %i to %i', (oldSize, newSize, proof) => {
    expect(consistencyProof(leaves.slice(0, newSize), oldSize).map(hex)).toEqual(proof);
    const [oldRoot, newRoot] = [unhex(CT_ROOTS[oldSize] ?? ''), unhex(CT_ROOTS[newSize] ?? '')];
    expect(verifyConsistency(oldSize, newSize, proof.map(unhex), oldRoot, newRoot)).toBe(true);
  });
});

/** Level-by-level pairing, carrying an odd last node up: a second construction of the same tree. */
function referenceRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return createHash('sha256').digest();
  let level = leaves;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const [left, right] = [level[i] as Uint8Array, level[i + 1]];
      next.push(right ? nodeHash(left, right) : left);
    }
    level = next;
  }
  return level[0] as Uint8Array;
}

describe('merkle: every tree of 1..64 leaves', () => {
  const MAX = 64;
  const leaves = Array.from({ length: MAX }, (_, i) => leafHash(Buffer.from(`custody event ${i}`)));
  const roots = Array.from({ length: MAX + 1 }, (_, n) => rootHash(leaves.slice(0, n)));
  const sizes = Array.from({ length: MAX }, (_, i) => i + 1);
  // The RFC algorithms read no size from the proof: a size giving the same proof shape verifies as well. The
  // signed checkpoint binds size and root together; here a size whose proof has another shape must fail.
  const inclusionLength = (size: number, index: number) => inclusionProof(leaves.slice(0, size), index).length;
  const consistencyLength = (oldSize: number, size: number) => consistencyProof(leaves.slice(0, size), oldSize).length;

  it('computes the same root as the level-by-level construction', () => {
    for (const n of sizes) expect(hex(roots[n] as Uint8Array)).toBe(hex(referenceRoot(leaves.slice(0, n))));
  });

  it.each(sizes)('proves and checks inclusion of every leaf in %i leaves', (n) => {
    const root = roots[n] as Uint8Array;
    for (let index = 0; index < n; index++) {
      const leaf = leaves[index] as Uint8Array;
      const proof = inclusionProof(leaves.slice(0, n), index);
      expect(verifyInclusion(leaf, index, n, proof, root)).toBe(true);
      proof.forEach((_, at) => {
        expect(verifyInclusion(leaf, index, n, withFlip(proof, at), root)).toBe(false);
      });
      for (let other = 0; other < n; other++) {
        if (other !== index) expect(verifyInclusion(leaf, other, n, proof, root)).toBe(false);
      }
      for (const size of [n - 1, n + 1, 2 * n].filter((s) => s > index && s <= MAX)) {
        const sameShape = inclusionLength(size, index) === proof.length;
        expect(verifyInclusion(leaf, index, size, proof, root)).toBe(sameShape);
      }
      expect(verifyInclusion(leaf, index, n, proof, flip(root, 255))).toBe(false);
      expect(verifyInclusion(leaf, index, n, proof, roots[n - 1] as Uint8Array)).toBe(false);
      expect(verifyInclusion(flip(leaf), index, n, proof, root)).toBe(false);
      expect(verifyInclusion(leaf, index, n, [...proof, root], root)).toBe(false);
      if (proof.length > 0) expect(verifyInclusion(leaf, index, n, proof.slice(1), root)).toBe(false);
    }
  });

  it.each(sizes)('proves and checks consistency of every older size with %i leaves', (n) => {
    const newRoot = roots[n] as Uint8Array;
    for (let oldSize = 0; oldSize <= n; oldSize++) {
      const oldRoot = roots[oldSize] as Uint8Array;
      const proof = consistencyProof(leaves.slice(0, n), oldSize);
      expect(verifyConsistency(oldSize, n, proof, oldRoot, newRoot)).toBe(true);
      if (oldSize === 0 || oldSize === n) {
        expect(proof).toEqual([]);
        expect(verifyConsistency(oldSize, n, proof, flip(oldRoot), newRoot)).toBe(false);
        continue;
      }
      proof.forEach((_, at) => {
        expect(verifyConsistency(oldSize, n, withFlip(proof, at), oldRoot, newRoot)).toBe(false);
      });
      for (let other = 1; other <= n; other++) {
        if (other !== oldSize) expect(verifyConsistency(other, n, proof, oldRoot, newRoot)).toBe(false);
      }
      for (const size of [n - 1, n + 1, 2 * n].filter((s) => s > oldSize && s <= MAX)) {
        const sameShape = consistencyLength(oldSize, size) === proof.length;
        expect(verifyConsistency(oldSize, size, proof, oldRoot, newRoot)).toBe(sameShape);
      }
      expect(verifyConsistency(oldSize, n, proof, flip(oldRoot, 255), newRoot)).toBe(false);
      expect(verifyConsistency(oldSize, n, proof, oldRoot, flip(newRoot, 255))).toBe(false);
      expect(verifyConsistency(oldSize, n, proof, newRoot, oldRoot)).toBe(false);
      expect(verifyConsistency(oldSize, n, [], oldRoot, newRoot)).toBe(false);
      expect(verifyConsistency(oldSize, n, proof.slice(0, -1), oldRoot, newRoot)).toBe(false);
      expect(verifyConsistency(oldSize, n, [...proof, oldRoot], oldRoot, newRoot)).toBe(false);
      expect(verifyConsistency(n, oldSize, proof, newRoot, oldRoot)).toBe(false);
    }
  });

  it('refuses out-of-range arguments and malformed hashes', () => {
    const tree = leaves.slice(0, 5);
    expect(() => inclusionProof(tree, 5)).toThrow(RangeError);
    expect(() => inclusionProof(tree, -1)).toThrow(RangeError);
    expect(() => consistencyProof(tree, 6)).toThrow(RangeError);
    const proof = inclusionProof(tree, 2);
    const leaf = leaves[2] as Uint8Array;
    expect(verifyInclusion(leaf, 2, 5, [...proof.slice(0, -1), new Uint8Array(31)], roots[5] as Uint8Array)).toBe(
      false,
    );
    expect(verifyInclusion(leaf, 2, 5, proof, new Uint8Array(0))).toBe(false);
    expect(verifyInclusion(leaf, 2, 5.5, proof, roots[5] as Uint8Array)).toBe(false);
    expect(verifyConsistency(0, 0, [], roots[0] as Uint8Array, roots[0] as Uint8Array)).toBe(true);
    expect(verifyConsistency(0, 3, [roots[0] as Uint8Array], roots[0] as Uint8Array, roots[3] as Uint8Array)).toBe(
      false,
    );
  });
});
