import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as reference from './merkle.ts';
import {
  appendedNodes,
  appendSiblings,
  completeAt,
  consistencyProof,
  type FetchHashes,
  inclusionProof,
  type NodeAddress,
  rangeBlocks,
  topLevel,
  treeRoot,
} from './merkle-tiles.ts';

/**
 * The stored-hash computations against the straightforward in-memory reference of merkle.ts. The store is built
 * by simulated appends (appendSiblings / appendedNodes), as the custody log builds it, so the append arithmetic is
 * under test too.
 */

const SMALL = 3000;
const LARGE = 150_000;

const entry = (i: number) => new TextEncoder().encode(`{"v":1,"n":${i}}`);

class Store {
  readonly nodes = new Map<string, Uint8Array>();
  readonly leaves: Uint8Array[] = [];
  fetchCalls = 0;

  append(data: Uint8Array): void {
    const size = this.leaves.length;
    const siblings = appendSiblings(size).map((a) => this.get(a, size));
    for (const node of appendedNodes(size, reference.leafHash(data), siblings)) {
      const k = `${node.level}/${node.index}`;
      if (this.nodes.has(k)) throw new Error(`node ${k} written twice`);
      this.nodes.set(k, node.hash);
    }
    this.leaves.push(reference.leafHash(data));
  }

  /** A stored hash, refused unless its subtree is complete in the tree of `size` leaves (it could not be read). */
  get({ level, index }: NodeAddress, size: number): Uint8Array {
    if ((index + 1) * 2 ** level > size) throw new Error(`node ${level}/${index} is not complete at size ${size}`);
    const hash = this.nodes.get(`${level}/${index}`);
    if (!hash) throw new Error(`node ${level}/${index} is not stored`);
    return hash;
  }

  /** The hash source as the tree of `size` leaves sees it. */
  fetch(size: number): FetchHashes {
    return async (addresses) => {
      this.fetchCalls++;
      return addresses.map((a) => this.get(a, size));
    };
  }
}

function storeOf(n: number): Store {
  const store = new Store();
  for (let i = 0; i < n; i++) store.append(entry(i));
  return store;
}

describe('stored-hash roots and proofs, every size up to a few thousand', () => {
  let store: Store;
  /** referenceRoots[n]: the reference root of the first n leaves. */
  const referenceRoots: Uint8Array[] = [];
  beforeAll(() => {
    store = storeOf(SMALL);
    for (let n = 0; n <= SMALL; n++) referenceRoots.push(reference.rootHash(store.leaves.slice(0, n)));
  }, 120_000);

  it('stores exactly the leaf hashes and the complete subtrees, each once', () => {
    let expected = 0;
    for (let level = 0; level <= topLevel(SMALL); level++) expected += completeAt(level, SMALL);
    expect(store.nodes.size).toBe(expected);
    expect(topLevel(SMALL)).toBe(11);
    expect(topLevel(0)).toBe(-1);
    expect(topLevel(1)).toBe(0);
  });

  it('computes the root of every size as the reference does', async () => {
    for (let n = 0; n <= SMALL; n++) {
      const root = await treeRoot(n, store.fetch(n));
      expect(Buffer.from(root).equals(referenceRoots[n] as Uint8Array), `size ${n}`).toBe(true);
    }
  });

  it('gives inclusion proofs that verify against the reference root, for the first, last and a middle leaf', async () => {
    for (let n = 1; n <= SMALL; n++) {
      for (const index of new Set([0, n - 1, (n * 7919) % n])) {
        const proof = await inclusionProof(index, n, store.fetch(n));
        const ok = reference.verifyInclusion(
          store.leaves[index] as Uint8Array,
          index,
          n,
          proof,
          referenceRoots[n] as Uint8Array,
        );
        expect(ok, `leaf ${index} of ${n}`).toBe(true);
      }
    }
  });

  it('gives every inclusion proof of the small trees exactly as the reference does', async () => {
    for (let n = 1; n <= 70; n++) {
      const leaves = store.leaves.slice(0, n);
      for (let index = 0; index < n; index++) {
        expect(await inclusionProof(index, n, store.fetch(n))).toEqual(reference.inclusionProof(leaves, index));
      }
      for (let old = 0; old <= n; old++) {
        expect(await consistencyProof(old, n, store.fetch(n))).toEqual(reference.consistencyProof(leaves, old));
      }
    }
  });

  it('gives consistency proofs that verify against the reference roots, from several older sizes to every size', async () => {
    for (let n = 1; n <= SMALL; n++) {
      for (const old of new Set([0, 1, n - 1, n, (n * 104729) % (n + 1)])) {
        const proof = await consistencyProof(old, n, store.fetch(n));
        const ok = reference.verifyConsistency(
          old,
          n,
          proof,
          referenceRoots[old] as Uint8Array,
          referenceRoots[n] as Uint8Array,
        );
        expect(ok, `${old} → ${n}`).toBe(true);
      }
    }
  });

  it('equals the reference for random leaves of random sizes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: SMALL }).chain((n) => fc.tuple(fc.constant(n), fc.nat({ max: n - 1 }))),
        async ([n, index]) => {
          const proof = await inclusionProof(index, n, store.fetch(n));
          expect(proof).toEqual(reference.inclusionProof(store.leaves.slice(0, n), index));
          const leaf = store.leaves[index] as Uint8Array;
          expect(reference.verifyInclusion(leaf, index, n, proof, referenceRoots[n] as Uint8Array)).toBe(true);
          // The same proof does not pass for a neighbouring leaf or another tree size.
          if (n > 1) {
            const other = store.leaves[(index + 1) % n] as Uint8Array;
            expect(reference.verifyInclusion(other, index, n, proof, referenceRoots[n] as Uint8Array)).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equals the reference for random pairs of sizes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: SMALL }), fc.integer({ min: 0, max: SMALL }), async (a, b) => {
        const [old, n] = a <= b ? [a, b] : [b, a];
        const proof = await consistencyProof(old, n, store.fetch(n));
        expect(proof).toEqual(reference.consistencyProof(store.leaves.slice(0, n), old));
        const roots = [referenceRoots[old], referenceRoots[n]] as [Uint8Array, Uint8Array];
        expect(reference.verifyConsistency(old, n, proof, ...roots)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('stored-hash proofs in larger trees', () => {
  let store: Store;
  beforeAll(() => {
    store = storeOf(LARGE);
  }, 120_000);

  it('equals the reference at random larger sizes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: SMALL, max: LARGE }).chain((n) => fc.tuple(fc.constant(n), fc.nat({ max: n - 1 }))),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async ([n, index], fraction) => {
          const leaves = store.leaves.slice(0, n);
          const root = reference.rootHash(leaves);
          expect(await treeRoot(n, store.fetch(n))).toEqual(root);
          const proof = await inclusionProof(index, n, store.fetch(n));
          expect(proof).toEqual(reference.inclusionProof(leaves, index));
          expect(reference.verifyInclusion(leaves[index] as Uint8Array, index, n, proof, root)).toBe(true);
          const old = Math.floor(fraction * n);
          const consistency = await consistencyProof(old, n, store.fetch(n));
          expect(consistency).toEqual(reference.consistencyProof(leaves, old));
          const oldRoot = reference.rootHash(leaves.slice(0, old));
          expect(reference.verifyConsistency(old, n, consistency, oldRoot, root)).toBe(true);
        },
      ),
      { numRuns: 8 },
    );
  }, 120_000);

  it('reads at most 2 log2 n stored hashes, in one fetch per proof', async () => {
    for (const n of [LARGE, LARGE - 1, 2 ** 17, 2 ** 17 + 1, 99_999]) {
      const bound = 2 * Math.ceil(Math.log2(n));
      for (const index of [0, n - 1, Math.floor(n / 3)]) {
        let asked = 0;
        const calls = store.fetchCalls;
        const counting: FetchHashes = (addresses) => {
          asked = addresses.length;
          return store.fetch(n)(addresses);
        };
        await inclusionProof(index, n, counting);
        expect(store.fetchCalls - calls).toBe(1);
        expect(asked, `inclusion ${index} of ${n}`).toBeLessThanOrEqual(bound);
        await consistencyProof(index + 1, n, counting);
        expect(asked, `consistency ${index + 1} → ${n}`).toBeLessThanOrEqual(bound);
      }
    }
  });
});

describe('the append arithmetic', () => {
  it('asks for no sibling for an even index and for one per completed level otherwise', () => {
    expect(appendSiblings(0)).toEqual([]);
    expect(appendSiblings(1)).toEqual([{ level: 0, index: 0 }]);
    expect(appendSiblings(6)).toEqual([]);
    expect(appendSiblings(7)).toEqual([
      { level: 0, index: 6 },
      { level: 1, index: 2 },
      { level: 2, index: 0 },
    ]);
    // Beyond 32 bits: leaf 2^40 − 1 completes 40 levels.
    const siblings = appendSiblings(2 ** 40 - 1);
    expect(siblings).toHaveLength(40);
    expect(siblings.at(-1)).toEqual({ level: 39, index: 0 });
  });

  it('refuses the wrong number of siblings', () => {
    expect(() => appendedNodes(3, new Uint8Array(32), [])).toThrow(/needs 2 siblings/);
  });

  it('splits a range into complete subtrees, largest first', () => {
    expect(rangeBlocks(0, 7)).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    expect(rangeBlocks(8, 16)).toEqual([{ level: 3, index: 1 }]);
    expect(rangeBlocks(2 ** 40, 2 ** 40 + 3)).toEqual([
      { level: 1, index: 2 ** 39 },
      { level: 0, index: 2 ** 40 + 2 },
    ]);
  });

  it('refuses proofs outside the tree', async () => {
    const store = storeOf(5);
    await expect(inclusionProof(5, 5, store.fetch(5))).rejects.toThrow(RangeError);
    await expect(inclusionProof(-1, 5, store.fetch(5))).rejects.toThrow(RangeError);
    await expect(inclusionProof(1.5, 5, store.fetch(5))).rejects.toThrow(RangeError);
    await expect(consistencyProof(4, 3, store.fetch(5))).rejects.toThrow(RangeError);
    await expect(treeRoot(-1, store.fetch(5))).rejects.toThrow(RangeError);
  });
});
