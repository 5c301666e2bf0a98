import { nodeHash, rootHash } from './merkle.ts';

/**
 * RFC 9162 roots and proofs computed from stored hashes of complete subtrees instead of from all the leaves, so a
 * log of any size answers with O(log n) stored hashes (decision 0004). The subtree at `level` L and `index` i covers
 * the leaves [i·2^L, (i+1)·2^L); level 0 holds the leaf hashes. A subtree's hash is stored once it is complete and
 * never changes, because the log only grows.
 *
 * Each computation first works out which stored hashes it needs, asks for all of them in one call of `fetch` (one
 * database query), then combines them. The arithmetic avoids bitwise operators: sizes may exceed 32 bits.
 */

export interface NodeAddress {
  level: number;
  index: number;
}

export interface StoredNode extends NodeAddress {
  hash: Uint8Array;
}

/** Returns the stored hash of each address, in the order asked. */
export type FetchHashes = (addresses: readonly NodeAddress[]) => Promise<readonly Uint8Array[]>;

/** A leaf range [lo, hi) of an RFC 9162 tree: the whole tree or a subtree its recursive definition names. */
type Range = readonly [lo: number, hi: number];

/** The largest power of two smaller than n (n ≥ 2): where RFC 9162 splits a tree of n leaves. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The complete subtrees that make up [lo, hi), largest first. For a range RFC 9162 names, its hash is these
 * hashes folded from the right (see `foldRange`).
 */
export function rangeBlocks(lo: number, hi: number): NodeAddress[] {
  const blocks: NodeAddress[] = [];
  while (lo < hi) {
    let width = 1;
    let level = 0;
    while (width * 2 <= hi - lo && lo % (width * 2) === 0) {
      width *= 2;
      level++;
    }
    blocks.push({ level, index: lo / width });
    lo += width;
  }
  return blocks;
}

/** MTH of a range from the hashes of its blocks: a range that is not complete is its left block ‖ the rest. */
function foldRange(blocks: readonly Uint8Array[]): Uint8Array {
  let hash = blocks.at(-1) as Uint8Array;
  for (let i = blocks.length - 2; i >= 0; i--) hash = nodeHash(blocks[i] as Uint8Array, hash);
  return hash;
}

/** Fetches the blocks of every range in one call (each address once) and returns each range's hash. */
async function rangeHashes(ranges: readonly Range[], fetch: FetchHashes): Promise<Uint8Array[]> {
  const plans = ranges.map(([lo, hi]) => rangeBlocks(lo, hi));
  const unique = new Map<string, NodeAddress>();
  for (const address of plans.flat()) unique.set(key(address), address);
  const addresses = [...unique.values()];
  const hashes = await fetch(addresses);
  if (hashes.length !== addresses.length) throw new Error('the hash source returned the wrong number of hashes');
  const byKey = new Map(addresses.map((address, i) => [key(address), hashes[i] as Uint8Array]));
  return plans.map((blocks) => foldRange(blocks.map((address) => byKey.get(key(address)) as Uint8Array)));
}

const key = ({ level, index }: NodeAddress) => `${level}/${index}`;

function assertSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} ${n} is not a whole number ≥ 0`);
}

/** MTH(D[0:size]); the empty tree's root is SHA-256 of nothing. */
export async function treeRoot(size: number, fetch: FetchHashes): Promise<Uint8Array> {
  assertSize('tree size', size);
  if (size === 0) return rootHash([]);
  const [root] = await rangeHashes([[0, size]], fetch);
  return root as Uint8Array;
}

/** The sibling ranges of RFC 9162 §2.1.3.1 PATH(index, D[0:size]), leaf first. */
function inclusionRanges(index: number, size: number): Range[] {
  const ranges: Range[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const mid = lo + split(hi - lo);
    if (index < mid) {
      ranges.push([mid, hi]);
      hi = mid;
    } else {
      ranges.push([lo, mid]);
      lo = mid;
    }
  }
  return ranges.reverse();
}

/** RFC 9162 §2.1.3.1: the inclusion proof of leaf `index` in the tree of `size` leaves. */
export async function inclusionProof(index: number, size: number, fetch: FetchHashes): Promise<Uint8Array[]> {
  assertSize('tree size', size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${size} leaves`);
  }
  return rangeHashes(inclusionRanges(index, size), fetch);
}

/** The ranges of RFC 9162 §2.1.4.1 SUBPROOF(oldSize, D[0:newSize], true), in proof order. */
function consistencyRanges(oldSize: number, newSize: number): Range[] {
  const ranges: Range[] = [];
  let m = oldSize;
  let lo = 0;
  let hi = newSize;
  // true while the old tree's root is the left edge of the current subtree, and so known to the verifier.
  let complete = true;
  while (m !== hi - lo) {
    const k = split(hi - lo);
    if (m <= k) {
      ranges.push([lo + k, hi]);
      hi = lo + k;
    } else {
      ranges.push([lo, lo + k]);
      lo += k;
      m -= k;
      complete = false;
    }
  }
  if (!complete) ranges.push([lo, hi]);
  return ranges.reverse();
}

/** RFC 9162 §2.1.4.1: the consistency proof between the trees of `oldSize` and `newSize` leaves. */
export async function consistencyProof(oldSize: number, newSize: number, fetch: FetchHashes): Promise<Uint8Array[]> {
  assertSize('old size', oldSize);
  assertSize('new size', newSize);
  if (oldSize > newSize) throw new RangeError(`old size ${oldSize} is larger than new size ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  return rangeHashes(consistencyRanges(oldSize, newSize), fetch);
}

/**
 * The stored hashes that appending leaf number `size` combines with: the left siblings of the subtrees it completes,
 * lowest level first. Empty when `size` is even (the new leaf completes nothing but itself).
 */
export function appendSiblings(size: number): NodeAddress[] {
  assertSize('tree size', size);
  const siblings: NodeAddress[] = [];
  // Leaf `size` completes the subtree at level L when its low L bits are all ones.
  for (let level = 1, width = 2; (size + 1) % width === 0; level++, width *= 2) {
    siblings.push({ level: level - 1, index: (size + 1) / (width / 2) - 2 });
  }
  return siblings;
}

/** The hashes that appending leaf number `size` stores: its leaf hash, then each subtree it completes. */
export function appendedNodes(size: number, leaf: Uint8Array, siblings: readonly Uint8Array[]): StoredNode[] {
  const needed = appendSiblings(size);
  if (siblings.length !== needed.length) throw new Error(`appending leaf ${size} needs ${needed.length} siblings`);
  const nodes: StoredNode[] = [{ level: 0, index: size, hash: leaf }];
  let hash = leaf;
  for (const [i, sibling] of needed.entries()) {
    hash = nodeHash(siblings[i] as Uint8Array, hash);
    nodes.push({ level: sibling.level + 1, index: sibling.index / 2, hash });
  }
  return nodes;
}

/** How many subtrees of `level` are complete in a tree of `size` leaves: the stored hashes of that level. */
export function completeAt(level: number, size: number): number {
  return Math.floor(size / 2 ** level);
}

/** The highest level with a complete subtree in a tree of `size` leaves; -1 for the empty tree. */
export function topLevel(size: number): number {
  let level = -1;
  while (completeAt(level + 1, size) > 0) level++;
  return level;
}
