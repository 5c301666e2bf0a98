import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * RFC 9162 §2.1 Merkle tree hashing, inclusion and consistency proofs (SHA-256), the structure behind a
 * verifiable append-only custody log. Verifiers return false instead of throwing: a proof from another node is
 * untrusted input, and "does not verify" is the only answer its caller needs.
 */

export const HASH_BYTES = 32;

/** Domain separation (0x00 for leaves, 0x01 for nodes) stops a leaf from posing as an interior node. */
export function leafHash(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(Uint8Array.of(0x00)).update(data).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return createHash('sha256').update(Uint8Array.of(0x01)).update(left).update(right).digest();
}

/** MTH of the leaves [lo, hi). Ranges instead of slices keep proof generation O(n) without copying. */
function subtreeHash(leaves: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  if (hi - lo === 1) return leaves[lo] as Uint8Array;
  const mid = lo + split(hi - lo);
  return nodeHash(subtreeHash(leaves, lo, mid), subtreeHash(leaves, mid, hi));
}

/** The largest power of two smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function rootHash(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return createHash('sha256').digest();
  return subtreeHash(leafHashes, 0, leafHashes.length);
}

/** §2.1.3.1 PATH(m, D[n]): the sibling hashes from the leaf up to the root. */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  const size = leafHashes.length;
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${size} leaves`);
  }
  const proof: Uint8Array[] = [];
  let lo = 0;
  let hi = size;
  // Walking down collects siblings root-first; the proof lists them leaf-first.
  while (hi - lo > 1) {
    const mid = lo + split(hi - lo);
    if (index < mid) {
      proof.push(subtreeHash(leafHashes, mid, hi));
      hi = mid;
    } else {
      proof.push(subtreeHash(leafHashes, lo, mid));
      lo = mid;
    }
  }
  return proof.reverse();
}

/** §2.1.3.2: recompute the root from the leaf hash and its path. */
export function verifyInclusion(
  hash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isSize(index) || !isSize(treeSize) || index >= treeSize) return false;
  if (!isHash(hash) || !isHash(root) || !proof.every(isHash)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = hash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && equal(r, root);
}

/** §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true); empty when the sizes are equal or the old tree is empty. */
export function consistencyProof(leafHashes: readonly Uint8Array[], oldSize: number): Uint8Array[] {
  const size = leafHashes.length;
  if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > size) {
    throw new RangeError(`old size ${oldSize} is outside 0..${size}`);
  }
  if (oldSize === 0 || oldSize === size) return [];
  const proof: Uint8Array[] = [];
  let m = oldSize;
  let lo = 0;
  let hi = size;
  // b of SUBPROOF: true while the old tree's root is still the left edge of the current subtree.
  let complete = true;
  while (m !== hi - lo) {
    const k = split(hi - lo);
    if (m <= k) {
      proof.push(subtreeHash(leafHashes, lo + k, hi));
      hi = lo + k;
    } else {
      proof.push(subtreeHash(leafHashes, lo, lo + k));
      lo += k;
      m -= k;
      complete = false;
    }
  }
  if (!complete) proof.push(subtreeHash(leafHashes, lo, hi));
  return proof.reverse();
}

/** §2.1.4.2, with the trivial cases (empty old tree, equal sizes) requiring an empty proof. */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  proof: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
): boolean {
  if (!isSize(oldSize) || !isSize(newSize) || oldSize > newSize) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !proof.every(isHash)) return false;
  if (oldSize === 0) return proof.length === 0 && equal(oldRoot, rootHash([]));
  if (oldSize === newSize) return proof.length === 0 && equal(oldRoot, newRoot);
  if (proof.length === 0) return false;
  // When the old tree is a complete subtree its root is not in the proof: it starts the path.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) [fn, sn] = [half(fn), half(sn)];
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && equal(fr, oldRoot) && equal(sr, newRoot);
}

// Arithmetic rather than bitwise operators: sizes may exceed the 32 bits that `>>` keeps.
function half(n: number): number {
  return Math.floor(n / 2);
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

function isSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function isHash(h: Uint8Array): boolean {
  return h instanceof Uint8Array && h.length === HASH_BYTES;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
