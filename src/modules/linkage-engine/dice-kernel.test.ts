import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dice, lengthWindow, popcount } from './dice.ts';
import { createKernel, Matches } from './dice-kernel.ts';
import { flipped, queryAndPool, vectorOf } from './fixtures/arbitraries.ts';

const lengths = fc.oneof(fc.constant(1024), fc.constant(2048), fc.integer({ min: 1, max: 1300 }));

/** Every pool index with Dice ≥ t by the reference, with its score. */
const expected = (query: Uint8Array, pool: Uint8Array[], t: number) =>
  pool.flatMap((v, i) => (dice(query, v) >= t ? [[i, dice(query, v)]] : []));

const pairsOf = (found: Matches) => Array.from({ length: found.length }, (_, k) => [found.indices[k], found.scores[k]]);

describe('Dice kernels', () => {
  it('WebAssembly and TypeScript kernels agree with the reference, on any length, by range and by list', async () => {
    await fc.assert(
      fc.asyncProperty(
        lengths.chain((bits) => fc.tuple(fc.constant(bits), queryAndPool(bits), fc.double({ min: 0.05, max: 1 }))),
        async ([bits, { query, pool }, t]) => {
          const window = lengthWindow(popcount(query), bits, t);
          const inWindow = Uint32Array.from(pool.keys()).filter((i) => {
            const pc = popcount(pool[i] as Uint8Array);
            return pc >= window.lo && pc <= window.hi;
          });
          for (const kind of ['wasm', 'typescript'] as const) {
            const kernel = await createKernel(kind, bits);
            for (const v of pool) kernel.add(v, popcount(v));
            kernel.setQuery(query, window);
            const byRange = new Matches();
            kernel.matchRange(0, pool.length, byRange);
            const byList = new Matches();
            kernel.matchList(inWindow, inWindow.length, byList);
            expect(pairsOf(byRange)).toEqual(expected(query, pool, t));
            expect(pairsOf(byList)).toEqual(expected(query, pool, t));
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it('keeps its pool when it grows past its first capacity', async () => {
    const kernel = await createKernel('wasm', 1024);
    const [query, ...random] = fc.sample(vectorOf(1024), { numRuns: 3001, seed: 7 }) as Uint8Array[];
    const pool = random.map((v, i) => (i % 500 === 3 ? flipped(query as Uint8Array, 1024, [i, 3 * i, 7 * i]) : v));
    for (const v of pool) kernel.add(v, popcount(v));
    kernel.setQuery(query as Uint8Array, lengthWindow(popcount(query as Uint8Array), 1024, 0.8));
    const found = new Matches();
    kernel.matchRange(0, kernel.size, found);
    expect([...found.indices.subarray(0, found.length)]).toEqual([3, 503, 1003, 1503, 2003, 2503]);
    expect(pairsOf(found)).toEqual(expected(query as Uint8Array, pool, 0.8));
  });
});
