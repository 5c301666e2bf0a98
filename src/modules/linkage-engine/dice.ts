/**
 * The Dice coefficient on bit vectors, in plain TypeScript: the reference that the WebAssembly kernel is tested
 * against, and the length filter both share. Dice = 2|A ∧ B| / (|A| + |B|); two empty vectors score 0 (nothing to
 * match on). A vector is a Uint8Array of ⌈bits/8⌉ bytes; bit i is bit (i mod 8) of byte ⌊i/8⌋.
 */

const BYTE_POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let v = b; v; v >>= 1) n += v & 1;
  return n;
});

/** Longest vector accepted: the kernel's 16-bit lane counters stay far from overflow. */
export const MAX_BITS = 65_536;

export class LinkageInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkageInputError';
  }
}

export function popcount(vector: Uint8Array): number {
  let n = 0;
  for (const byte of vector) n += BYTE_POPCOUNT[byte] as number;
  return n;
}

export function andCount(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length)
    throw new LinkageInputError(`vectors differ in length (${a.length} and ${b.length} bytes)`);
  let n = 0;
  for (let i = 0; i < a.length; i++) n += BYTE_POPCOUNT[(a[i] as number) & (b[i] as number)] as number;
  return n;
}

/** Dice from the overlap and the two popcounts: the one expression every path uses, so they agree to the bit. */
export function diceFromCounts(overlap: number, popcountA: number, popcountB: number): number {
  const total = popcountA + popcountB;
  return total === 0 ? 0 : (2 * overlap) / total;
}

export function dice(a: Uint8Array, b: Uint8Array): number {
  return diceFromCounts(andCount(a, b), popcount(a), popcount(b));
}

/** Throws unless `bits` is a usable vector length and `vector` has exactly that many bits (nothing set past them). */
export function checkVector(vector: Uint8Array, bits: number): void {
  if (vector.length !== Math.ceil(bits / 8)) {
    throw new LinkageInputError(`encoding has ${vector.length * 8} bits where ${bits} were expected`);
  }
  const spare = bits % 8;
  if (spare !== 0 && (vector[vector.length - 1] as number) >> spare !== 0) {
    throw new LinkageInputError(`encoding has bits set beyond its length of ${bits}`);
  }
}

export function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > MAX_BITS) {
    throw new LinkageInputError(`encoding length must be 1–${MAX_BITS} bits`);
  }
}

export function checkThreshold(threshold: number): void {
  if (!(threshold > 0 && threshold <= 1)) throw new LinkageInputError('threshold must be in (0, 1]');
}

/**
 * What a query needs from a pool vector, by the vector's popcount: `lo`..`hi` is the length filter (outside it
 * Dice ≥ t is impossible whatever the overlap, because the overlap is at most min(|A|, |B|)), and `need[pc]` is the
 * least overlap that reaches the threshold for a vector of popcount pc in that window. Both come from the same
 * expression as `diceFromCounts`, so they never exclude a pair that it scores at or above the threshold.
 */
export interface LengthWindow {
  popcount: number;
  lo: number;
  hi: number;
  need: Uint32Array;
}

const reaches = (overlap: number, a: number, b: number, t: number) => diceFromCounts(overlap, a, b) >= t;

export function lengthWindow(queryPopcount: number, bits: number, threshold: number): LengthWindow {
  const p = queryPopcount;
  const need = new Uint32Array(bits + 1);
  // Below p the best case is overlap = pc, above it overlap = p; both tests are monotone in pc.
  let lo = Math.max(0, Math.floor((threshold * p) / (2 - threshold)) - 1);
  while (lo <= p && !reaches(lo, p, lo, threshold)) lo++;
  while (lo > 0 && reaches(lo - 1, p, lo - 1, threshold)) lo--;
  let hi = Math.min(bits, Math.ceil((p * (2 - threshold)) / threshold) + 1);
  while (hi >= p && !reaches(p, p, hi, threshold)) hi--;
  while (hi < bits && reaches(p, p, hi + 1, threshold)) hi++;
  if (lo > p || hi < p) return { popcount: p, lo: 1, hi: 0, need };
  for (let pc = lo; pc <= hi; pc++) {
    const most = Math.min(p, pc);
    let c = Math.min(most, Math.max(0, Math.ceil((threshold * (p + pc)) / 2) - 1));
    while (c > 0 && reaches(c - 1, p, pc, threshold)) c--;
    while (c <= most && !reaches(c, p, pc, threshold)) c++;
    need[pc] = c;
  }
  return { popcount: p, lo, hi, need };
}

/** Length windows by query popcount for one threshold and length, computed once each. */
export class LengthWindows {
  readonly #windows = new Map<number, LengthWindow>();
  readonly bits: number;
  readonly threshold: number;

  constructor(bits: number, threshold: number) {
    checkBits(bits);
    checkThreshold(threshold);
    this.bits = bits;
    this.threshold = threshold;
  }

  for(queryPopcount: number): LengthWindow {
    let window = this.#windows.get(queryPopcount);
    if (!window) {
      window = lengthWindow(queryPopcount, this.bits, this.threshold);
      this.#windows.set(queryPopcount, window);
    }
    return window;
  }
}
