import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchBatch, packVectors } from './batch-match.ts';
import { BitSamplingIndex, type BlockingPlan, planBlocking } from './blocking.ts';
import { dice } from './dice.ts';
import { linkedSets } from './fixtures/clks.ts';
import { MatchPool } from './match-pool.ts';
import { resolveOneToOne } from './one-to-one.ts';

const bits = 1024;
const exhaustive: BlockingPlan = { kind: 'exhaustive' };

/** The plan for a pool of 100 000 (small pools are compared exhaustively, which would test no blocking). */
const bitSampling = (vectors: Uint8Array[], threshold: number) =>
  planBlocking({ bits, threshold, sample: vectors, poolSize: 100_000 });

const asTriples = (p: { a: Uint32Array; b: Uint32Array; scores: Float64Array }) =>
  Array.from(p.a, (a, k) => [a, p.b[k], p.scores[k]]);

describe('MatchPool', () => {
  const { a, b } = linkedSets(1500, 300, bits, 11);

  it('matches an arriving encoding against the pool: every member at or above the threshold, best first', async () => {
    const pool = await MatchPool.create({ bits, threshold: 0.75, blocking: exhaustive });
    for (const [i, v] of b.entries()) pool.add(`b${i}`, v);
    for (const i of [0, 7, 299, 300, 1499]) {
      const expected = b
        .map((v, j) => ({ index: j, id: `b${j}`, score: dice(a[i] as Uint8Array, v) }))
        .filter((c) => c.score >= 0.75)
        .sort((x, y) => y.score - x.score || x.index - y.index);
      expect(pool.match(a[i] as Uint8Array)).toEqual(expected);
    }
    expect(pool.match(a[0] as Uint8Array)[0]?.id).toBe('b0');
  });

  it('gives the same candidates incrementally, as encodings arrive one by one, as a batch run', async () => {
    const threshold = 0.8;
    const plan = bitSampling([...a, ...b], threshold);
    expect(plan.kind).toBe('bit-sampling');
    const batch = await matchBatch(packVectors(a, bits), packVectors(b, bits), {
      threshold,
      blocking: plan,
      workers: 1,
    });
    const pool = await MatchPool.create({ bits, threshold, blocking: plan });
    const incremental: [number, number, number][] = [];
    // b arrives first, then each a is matched when it arrives (and joins a pool of its own side)
    for (const [j, v] of b.entries()) pool.add(String(j), v);
    a.forEach((v, i) => {
      for (const c of pool.match(v).sort((x, y) => x.index - y.index)) incremental.push([i, c.index, c.score]);
    });
    expect(incremental).toEqual(asTriples(batch));
  });

  it('blocking finds the pairs that an exhaustive comparison finds (≥ 99.5 %) with far fewer comparisons', async () => {
    const threshold = 0.8;
    const packedA = packVectors(a, bits);
    const packedB = packVectors(b, bits);
    const plan = bitSampling([...a, ...b], threshold);
    expect(plan.kind).toBe('bit-sampling');
    const all = await matchBatch(packedA, packedB, { threshold, blocking: exhaustive, workers: 1 });
    const blocked = await matchBatch(packedA, packedB, { threshold, blocking: plan, workers: 1 });
    const found = new Set(asTriples(blocked).map(([x, y]) => `${x}:${y}`));
    const kept = asTriples(all).filter(([x, y]) => found.has(`${x}:${y}`)).length;
    expect(all.a.length).toBeGreaterThan(150);
    expect(kept / all.a.length).toBeGreaterThanOrEqual(0.995);
    expect(blocked.a.length).toBe(kept);
    const pool = await MatchPool.create({ bits, threshold, blocking: plan });
    for (const [j, v] of b.entries()) pool.add(String(j), v);
    for (const v of a) pool.match(v);
    expect(pool.compared / a.length).toBeLessThan(0.25 * b.length);
  });

  it('plans exhaustive comparison for small pools and for encodings too far apart to block', () => {
    expect(planBlocking({ bits, threshold: 0.8, sample: a.slice(0, 100), poolSize: 100 })).toEqual(exhaustive);
    expect(planBlocking({ bits, threshold: 0.8, sample: [], poolSize: 100_000 })).toEqual(exhaustive);
    expect(bitSampling(a, 0.3)).toEqual(exhaustive);
  });

  it('shares a built index with other pools, which may grow without touching it', async () => {
    const threshold = 0.8;
    const plan = bitSampling([...a, ...b], threshold);
    if (plan.kind !== 'bit-sampling') throw new Error('expected a bit-sampling plan');
    const index = new BitSamplingIndex(plan, bits);
    for (const v of b.slice(0, 1000)) index.add(v);
    const shared = index.share(plan, bits);
    const options = { bits, threshold, blocking: plan, sharedIndex: shared };
    const [grown, kept, fresh] = await Promise.all([
      MatchPool.create(options),
      MatchPool.create(options),
      MatchPool.create({ bits, threshold, blocking: plan }),
    ]);
    for (const [j, v] of b.entries()) {
      grown.add(String(j), v);
      fresh.add(String(j), v);
      if (j < 1000) kept.add(String(j), v);
    }
    for (const v of a.slice(0, 400)) {
      expect(grown.match(v)).toEqual(fresh.match(v));
      expect(kept.match(v)).toEqual(fresh.match(v).filter((c) => c.index < 1000));
    }
  });

  it('refuses encodings of another length', async () => {
    const pool = await MatchPool.create({ bits, threshold: 0.8, blocking: exhaustive });
    expect(() => pool.add('x', new Uint8Array(64))).toThrow(/512 bits where 1024 were expected/);
  });
});

describe('batch matching', () => {
  it('gives the same pairs on worker threads as in this thread, for both kernels', async () => {
    const { a, b } = linkedSets(6000, 500, bits, 5);
    const options = { threshold: 0.8, blocking: bitSampling([...a.slice(0, 500), ...b.slice(0, 500)], 0.8) };
    expect(options.blocking.kind).toBe('bit-sampling');
    const here = await matchBatch(packVectors(a, bits), packVectors(b, bits), { ...options, workers: 1 });
    const threads = await matchBatch(packVectors(a, bits), packVectors(b, bits), { ...options, workers: 2 });
    const ts = await matchBatch(packVectors(a, bits), packVectors(b, bits), {
      ...options,
      workers: 2,
      kernel: 'typescript',
    });
    expect(here.a.length).toBeGreaterThan(300);
    expect(asTriples(threads)).toEqual(asTriples(here));
    expect(asTriples(ts)).toEqual(asTriples(here));
  });

  it('refuses sets of different lengths and thresholds outside (0, 1]', async () => {
    const x = packVectors([new Uint8Array(128)], 1024);
    const y = packVectors([new Uint8Array(64)], 512);
    await expect(matchBatch(x, y, { threshold: 0.8 })).rejects.toThrow(/different encoding lengths \(1024 and 512/);
    await expect(matchBatch(x, x, { threshold: 0 })).rejects.toThrow(/threshold must be in \(0, 1\]/);
    await expect(matchBatch(x, x, { threshold: 1.5 })).rejects.toThrow(/threshold/);
  });
});

describe('one-to-one resolution', () => {
  const pairs = (rows: [number, number, number][]) => ({
    a: Uint32Array.from(rows, (r) => r[0]),
    b: Uint32Array.from(rows, (r) => r[1]),
    scores: Float64Array.from(rows, (r) => r[2]),
  });

  it('is greedy by descending score', () => {
    const resolved = resolveOneToOne(
      pairs([
        [0, 0, 0.9],
        [0, 1, 0.95],
        [1, 1, 0.85],
        [1, 0, 0.8],
        [2, 2, 0.7],
      ]),
    );
    expect(asTriples(resolved)).toEqual([
      [0, 1, 0.95],
      [1, 0, 0.8],
      [2, 2, 0.7],
    ]);
  });

  it('breaks ties by a position, then b position, whatever the input order', () => {
    const rows: [number, number, number][] = [
      [1, 1, 0.9],
      [0, 1, 0.9],
      [1, 0, 0.9],
    ];
    const expected = [
      [0, 1, 0.9],
      [1, 0, 0.9],
    ];
    expect(asTriples(resolveOneToOne(pairs(rows)))).toEqual(expected);
    expect(asTriples(resolveOneToOne(pairs([...rows].reverse())))).toEqual(expected);
  });

  it('uses each record at most once and keeps the highest-scoring pair', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.nat(20),
            fc.nat(20),
            fc.integer({ min: 1, max: 10 }).map((s) => s / 10),
          ),
        ),
        fc.nat(),
        (rows, seed) => {
          const resolved = resolveOneToOne(pairs(rows));
          expect(new Set(resolved.a).size).toBe(resolved.a.length);
          expect(new Set(resolved.b).size).toBe(resolved.b.length);
          const shuffled = [...rows].sort((x, y) => ((x[0] * 31 + x[1] + seed) % 7) - ((y[0] * 31 + y[1] + seed) % 7));
          expect(asTriples(resolveOneToOne(pairs(shuffled)))).toEqual(asTriples(resolved));
          if (rows.length) expect(resolved.scores[0]).toBe(Math.max(...rows.map((r) => r[2])));
        },
      ),
    );
  });
});
