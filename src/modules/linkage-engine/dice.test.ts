import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { andCount, checkVector, dice, LinkageInputError, lengthWindow, popcount } from './dice.ts';
import { vectorOf } from './fixtures/arbitraries.ts';

const lengths = fc.oneof(fc.constant(1024), fc.integer({ min: 1, max: 700 }));
const pairOf = lengths.chain((bits) => fc.tuple(fc.constant(bits), vectorOf(bits), vectorOf(bits)));

describe('dice', () => {
  it('knows the answer on small vectors', () => {
    expect(dice(Uint8Array.of(0b1111), Uint8Array.of(0b0011))).toBe((2 * 2) / 6);
    expect(dice(Uint8Array.of(0b1010), Uint8Array.of(0b0101))).toBe(0);
    expect(dice(Uint8Array.of(0xff, 0), Uint8Array.of(0xff, 0))).toBe(1);
    expect(dice(Uint8Array.of(0), Uint8Array.of(0))).toBe(0);
  });

  it('is symmetric and within [0, 1]', () => {
    fc.assert(
      fc.property(pairOf, ([, a, b]) => {
        const d = dice(a, b);
        expect(d).toBe(dice(b, a));
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('gives 1 for a non-empty vector and itself, 0 for disjoint vectors', () => {
    fc.assert(
      fc.property(pairOf, ([, a, b]) => {
        if (popcount(a) > 0) expect(dice(a, a.slice())).toBe(1);
        const disjoint = b.map((byte, i) => byte & ~(a[i] as number));
        expect(andCount(a, disjoint)).toBe(0);
        expect(dice(a, disjoint)).toBe(0);
      }),
    );
  });

  it('refuses vectors of another length or with bits past the length, without echoing them', () => {
    expect(() => checkVector(new Uint8Array(3), 16)).toThrow(LinkageInputError);
    expect(() => checkVector(Uint8Array.of(0xff, 0x10), 12)).toThrow(/beyond its length of 12/);
    expect(() => checkVector(Uint8Array.of(0xff, 0x08), 12)).not.toThrow();
  });
});

describe('length filter', () => {
  it('never drops a pair at or above the threshold, and its overlap table is exact', () => {
    fc.assert(
      fc.property(pairOf, fc.double({ min: 0.01, max: 1, noNaN: true }), ([bits, a, b], t) => {
        const w = lengthWindow(popcount(a), bits, t);
        const pb = popcount(b);
        const passes = pb >= w.lo && pb <= w.hi && andCount(a, b) >= (w.need[pb] as number);
        expect(passes).toBe(dice(a, b) >= t);
      }),
      { numRuns: 300 },
    );
  });

  it('skips popcounts that cannot reach the threshold', () => {
    const w = lengthWindow(100, 1024, 0.8);
    // 2·min/(|a|+|b|) ≥ 0.8 ⇔ |b| ∈ [100·0.8/1.2, 100·1.2/0.8] = [66.7, 150]
    expect([w.lo, w.hi]).toEqual([67, 150]);
    expect(w.need[100]).toBe(80);
    expect(lengthWindow(0, 64, 0.5).lo).toBeGreaterThan(lengthWindow(0, 64, 0.5).hi);
  });
});
