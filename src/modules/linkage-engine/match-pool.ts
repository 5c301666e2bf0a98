/**
 * A pool of encodings that new encodings are matched against as they arrive: the incremental matcher that batch
 * matching (`batch-match.ts`) is built on. Each match applies the length filter, then blocking (bit sampling, or
 * every pool member when the plan is exhaustive), then the Dice kernel with the threshold.
 */
import { BitSamplingIndex, type BlockingPlan, type SharedIndex } from './blocking.ts';
import { checkVector, LengthWindows, popcount } from './dice.ts';
import { createKernel, type DiceKernel, type KernelKind, Matches } from './dice-kernel.ts';

export interface MatchPoolOptions {
  bits: number;
  threshold: number;
  blocking: BlockingPlan;
  kernel?: KernelKind;
  /** A blocking index already built (by another thread) over the first members that will be added. */
  sharedIndex?: SharedIndex;
}

export interface Candidate {
  /** Position in the pool, in the order members were added. */
  index: number;
  id: string;
  score: number;
}

export class MatchPool {
  readonly bits: number;
  readonly threshold: number;
  readonly blocking: BlockingPlan;
  readonly #kernel: DiceKernel;
  readonly #windows: LengthWindows;
  readonly #index: BitSamplingIndex | undefined;
  readonly #ids: string[] = [];
  #seen = new Uint32Array(1024);
  /** Popcounts by member, beside the kernel's copy: blocking filters candidates on them. */
  #popcounts = new Uint32Array(1024);
  #stamp = 0;
  #list: Uint32Array = new Uint32Array(1024);
  /** Pool members looked at so far: all of them without blocking, else the candidates in the length window. */
  compared = 0;

  static async create(options: MatchPoolOptions): Promise<MatchPool> {
    return new MatchPool(await createKernel(options.kernel ?? 'wasm', options.bits), options);
  }

  constructor(kernel: DiceKernel, options: MatchPoolOptions) {
    if (kernel.bits !== options.bits) throw new RangeError('kernel and pool differ in encoding length');
    this.bits = options.bits;
    this.threshold = options.threshold;
    this.blocking = options.blocking;
    this.#kernel = kernel;
    this.#windows = new LengthWindows(options.bits, options.threshold);
    this.#index = options.sharedIndex
      ? BitSamplingIndex.fromShared(options.sharedIndex)
      : options.blocking.kind === 'bit-sampling'
        ? new BitSamplingIndex(options.blocking, options.bits)
        : undefined;
  }

  get size(): number {
    return this.#kernel.size;
  }

  idAt(index: number): string {
    return this.#ids[index] as string;
  }

  /** Adds an encoding and returns its pool index. */
  add(id: string, vector: Uint8Array): number {
    checkVector(vector, this.bits);
    const pc = popcount(vector);
    const index = this.#kernel.add(vector, pc);
    this.#ids.push(id);
    if (index >= this.#seen.length) {
      const seen = new Uint32Array(this.#seen.length * 2);
      seen.set(this.#seen);
      this.#seen = seen;
      const popcounts = new Uint32Array(this.#popcounts.length * 2);
      popcounts.set(this.#popcounts);
      this.#popcounts = popcounts;
    }
    this.#popcounts[index] = pc;
    // Members a shared index was built over are in it already.
    if (this.#index && index >= this.#index.size) this.#index.add(vector);
    return index;
  }

  /** Lays the blocking index out compactly (it also does so by itself as it grows): call it after a bulk load. */
  compact(): void {
    this.#index?.compact();
  }

  /** Pool members scoring at or above the threshold against `vector`, best first (ties: earlier member first). */
  match(vector: Uint8Array): Candidate[] {
    const found = new Matches();
    this.matchInto(vector, found);
    const order = Array.from({ length: found.length }, (_, k) => k);
    order.sort((x, y) => (found.scores[y] as number) - (found.scores[x] as number) || x - y);
    return order.map((k) => {
      const index = found.indices[k] as number;
      return { index, id: this.#ids[index] as string, score: found.scores[k] as number };
    });
  }

  /** Appends the matches of `vector` to `found`, in ascending pool index. */
  matchInto(vector: Uint8Array, found: Matches): void {
    checkVector(vector, this.bits);
    const window = this.#windows.for(popcount(vector));
    if (window.lo > window.hi || this.size === 0) return;
    this.#kernel.setQuery(vector, window);
    if (!this.#index) {
      this.compared += this.size;
      this.#kernel.matchRange(0, this.size, found);
      return;
    }
    const count = this.#candidates(vector, window.lo, window.hi);
    this.compared += count;
    this.#list.subarray(0, count).sort();
    this.#kernel.matchList(this.#list, count, found);
  }

  /** Distinct length-filtered candidates from the blocking index, into `#list`; returns how many. */
  #candidates(vector: Uint8Array, lo: number, hi: number): number {
    if (++this.#stamp === 0xffffffff) {
      this.#seen.fill(0);
      this.#stamp = 1;
    }
    const { list, count } = (this.#index as BitSamplingIndex).candidates(
      vector,
      this.#popcounts,
      lo,
      hi,
      this.#seen,
      this.#stamp,
      this.#list,
    );
    this.#list = list;
    return count;
  }
}
