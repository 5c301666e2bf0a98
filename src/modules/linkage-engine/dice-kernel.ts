/**
 * Dice kernels: a pool of bit vectors that a query is compared with, in WebAssembly (`dice.wat`, SIMD) or plain
 * TypeScript (the baseline, and the reference in tests). Both apply the length filter and the per-popcount overlap
 * table of `lengthWindow`, and report pool indices with their Dice at or above the threshold.
 *
 * The WAT is compiled at run time with the `wabt` package, so the text is the only source; the compiled
 * `WebAssembly.Module` can be sent to worker threads, which then need no compiler.
 */
import { readFileSync } from 'node:fs';
import { checkBits, checkVector, type LengthWindow } from './dice.ts';

/** Matches found for one query: pool indices and their Dice, in pool order. */
export class Matches {
  indices = new Uint32Array(64);
  scores = new Float64Array(64);
  length = 0;

  push(index: number, score: number): void {
    if (this.length === this.indices.length) this.#grow(this.length + 1);
    this.indices[this.length] = index;
    this.scores[this.length] = score;
    this.length++;
  }

  reserve(extra: number): void {
    if (this.length + extra > this.indices.length) this.#grow(this.length + extra);
  }

  clear(): void {
    this.length = 0;
  }

  #grow(needed: number): void {
    const capacity = Math.max(needed, this.indices.length * 2);
    const indices = new Uint32Array(capacity);
    const scores = new Float64Array(capacity);
    indices.set(this.indices.subarray(0, this.length));
    scores.set(this.scores.subarray(0, this.length));
    this.indices = indices;
    this.scores = scores;
  }
}

export interface DiceKernel {
  readonly bits: number;
  readonly size: number;
  /** Adds a vector to the pool and returns its index. */
  add(vector: Uint8Array, popcount: number): number;
  popcountAt(index: number): number;
  /** Sets the vector that the next `matchRange`/`matchList` calls compare with, and its length window. */
  setQuery(vector: Uint8Array, window: LengthWindow): void;
  matchRange(start: number, end: number, found: Matches): void;
  /** Compares with the listed pool indices, which the caller has already length-filtered. */
  matchList(list: Uint32Array, count: number, found: Matches): void;
}

export type KernelKind = 'wasm' | 'typescript';

const WORD_BYTES = 16;
const words = (bits: number) => Math.ceil(bits / 128);

let compiled: Promise<WebAssembly.Module> | undefined;

/** The compiled kernel module (compiled once per process). */
export function diceModule(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const { default: wabt } = await import('wabt');
    const text = readFileSync(new URL('./dice.wat', import.meta.url), 'utf8');
    const parsed = (await wabt()).parseWat('dice.wat', text, { simd: true });
    try {
      parsed.validate();
      return new WebAssembly.Module(new Uint8Array(parsed.toBinary({}).buffer));
    } finally {
      parsed.destroy();
    }
  })();
  return compiled;
}

export async function createKernel(kind: KernelKind, bits: number): Promise<DiceKernel> {
  return kind === 'wasm' ? new WasmDiceKernel(await diceModule(), bits) : new TsDiceKernel(bits);
}

interface DiceExports {
  memory: WebAssembly.Memory;
  match_range(...args: number[]): number;
  match_list(...args: number[]): number;
  match_range_1024(...args: number[]): number;
}

/** Largest run handed to the kernel at once; bounds the scratch buffers. */
const CHUNK = 16_384;
const PAGE = 65_536;

/**
 * Linear memory: query | need table | index list | match ids | match scores (all fixed) | pool popcounts | pool
 * vectors. The last two move when the pool outgrows its capacity.
 */
export class WasmDiceKernel implements DiceKernel {
  readonly bits: number;
  #size = 0;
  #capacity = 0;
  readonly #words: number;
  readonly #exports: DiceExports;
  readonly #query = 0;
  readonly #need: number;
  readonly #list: number;
  readonly #outIds: number;
  readonly #outScores: number;
  readonly #pcsAt: number;
  #poolAt: number;
  #window: LengthWindow | undefined;
  #u8!: Uint8Array;
  #u32!: Uint32Array;
  #f64!: Float64Array;

  constructor(module: WebAssembly.Module, bits: number) {
    checkBits(bits);
    this.bits = bits;
    this.#words = words(bits);
    this.#exports = new WebAssembly.Instance(module).exports as unknown as DiceExports;
    const align = (n: number) => Math.ceil(n / WORD_BYTES) * WORD_BYTES;
    this.#need = align(this.#words * WORD_BYTES);
    this.#list = align(this.#need + (bits + 1) * 4);
    this.#outIds = this.#list + CHUNK * 4;
    this.#outScores = this.#outIds + CHUNK * 4;
    this.#pcsAt = this.#outScores + CHUNK * 8;
    this.#poolAt = this.#pcsAt;
    this.#reserve(1024);
  }

  get size(): number {
    return this.#size;
  }

  add(vector: Uint8Array, popcount: number): number {
    checkVector(vector, this.bits);
    if (this.#size === this.#capacity) this.#reserve(this.#capacity * 2);
    const index = this.#size++;
    this.#u8.set(vector, this.#poolAt + index * this.#words * WORD_BYTES);
    this.#u32[this.#pcsAt / 4 + index] = popcount;
    return index;
  }

  popcountAt(index: number): number {
    return this.#u32[this.#pcsAt / 4 + index] as number;
  }

  setQuery(vector: Uint8Array, window: LengthWindow): void {
    checkVector(vector, this.bits);
    this.#u8.fill(0, this.#query, this.#query + this.#words * WORD_BYTES);
    this.#u8.set(vector, this.#query);
    this.#u32.set(window.need, this.#need / 4);
    this.#window = window;
  }

  matchRange(start: number, end: number, found: Matches): void {
    const w = this.#queryWindow();
    for (let from = start; from < end; from += CHUNK) {
      const to = Math.min(end, from + CHUNK);
      const count =
        this.#words === 8
          ? this.#exports.match_range_1024(
              this.#query,
              w.popcount,
              this.#poolAt,
              this.#pcsAt,
              from,
              to,
              w.lo,
              w.hi,
              this.#need,
              this.#outIds,
              this.#outScores,
            )
          : this.#exports.match_range(
              this.#query,
              w.popcount,
              this.#words,
              this.#poolAt,
              this.#pcsAt,
              from,
              to,
              w.lo,
              w.hi,
              this.#need,
              this.#outIds,
              this.#outScores,
            );
      this.#collect(count, found);
    }
  }

  matchList(list: Uint32Array, count: number, found: Matches): void {
    const w = this.#queryWindow();
    for (let from = 0; from < count; from += CHUNK) {
      const n = Math.min(CHUNK, count - from);
      this.#u32.set(list.subarray(from, from + n), this.#list / 4);
      const matched = this.#exports.match_list(
        this.#query,
        w.popcount,
        this.#words,
        this.#poolAt,
        this.#pcsAt,
        this.#list,
        n,
        this.#need,
        this.#outIds,
        this.#outScores,
      );
      this.#collect(matched, found);
    }
  }

  #queryWindow(): LengthWindow {
    if (!this.#window) throw new Error('setQuery must come before matching');
    return this.#window;
  }

  #collect(count: number, found: Matches): void {
    found.reserve(count);
    const ids = this.#u32.subarray(this.#outIds / 4, this.#outIds / 4 + count);
    const scores = this.#f64.subarray(this.#outScores / 8, this.#outScores / 8 + count);
    for (let k = 0; k < count; k++) found.push(ids[k] as number, scores[k] as number);
  }

  #reserve(capacity: number): void {
    const vectorBytes = this.#words * WORD_BYTES;
    const poolAt = Math.ceil((this.#pcsAt + capacity * 4) / WORD_BYTES) * WORD_BYTES;
    const needed = poolAt + capacity * vectorBytes;
    const memory = this.#exports.memory;
    const old = this.#u8 ? this.#u8.slice(this.#poolAt, this.#poolAt + this.#size * vectorBytes) : undefined;
    if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
    this.#u8 = new Uint8Array(memory.buffer);
    this.#u32 = new Uint32Array(memory.buffer);
    this.#f64 = new Float64Array(memory.buffer);
    if (old) this.#u8.set(old, poolAt);
    this.#poolAt = poolAt;
    this.#capacity = capacity;
  }
}

const popcount32 = (x: number): number => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) as number;
};

/** The same comparisons over 32-bit words with a SWAR popcount: the baseline, and the reference in tests. */
export class TsDiceKernel implements DiceKernel {
  readonly bits: number;
  readonly #stride: number;
  #pool = new Uint32Array(0);
  #pcs = new Uint32Array(0);
  #size = 0;
  readonly #query: Uint32Array;
  #window: LengthWindow | undefined;

  constructor(bits: number) {
    checkBits(bits);
    this.bits = bits;
    this.#stride = words(bits) * 4;
    this.#query = new Uint32Array(this.#stride);
  }

  get size(): number {
    return this.#size;
  }

  add(vector: Uint8Array, popcount: number): number {
    checkVector(vector, this.bits);
    if (this.#size === this.#pcs.length) {
      const capacity = Math.max(1024, this.#size * 2);
      const pool = new Uint32Array(capacity * this.#stride);
      pool.set(this.#pool);
      const pcs = new Uint32Array(capacity);
      pcs.set(this.#pcs);
      this.#pool = pool;
      this.#pcs = pcs;
    }
    const index = this.#size++;
    new Uint8Array(this.#pool.buffer, index * this.#stride * 4, vector.length).set(vector);
    this.#pcs[index] = popcount;
    return index;
  }

  popcountAt(index: number): number {
    return this.#pcs[index] as number;
  }

  setQuery(vector: Uint8Array, window: LengthWindow): void {
    checkVector(vector, this.bits);
    this.#query.fill(0);
    new Uint8Array(this.#query.buffer).set(vector);
    this.#window = window;
  }

  matchRange(start: number, end: number, found: Matches): void {
    const { lo, hi } = this.#queryWindow();
    for (let i = start; i < end; i++) {
      const pc = this.#pcs[i] as number;
      if (pc >= lo && pc <= hi) this.#compare(i, pc, found);
    }
  }

  matchList(list: Uint32Array, count: number, found: Matches): void {
    for (let k = 0; k < count; k++) {
      const i = list[k] as number;
      this.#compare(i, this.#pcs[i] as number, found);
    }
  }

  #queryWindow(): LengthWindow {
    if (!this.#window) throw new Error('setQuery must come before matching');
    return this.#window;
  }

  #compare(i: number, pc: number, found: Matches): void {
    const window = this.#window as LengthWindow;
    const q = this.#query;
    const pool = this.#pool;
    const base = i * this.#stride;
    let c = 0;
    for (let k = 0; k < this.#stride; k++) c += popcount32((q[k] as number) & (pool[base + k] as number));
    if (c >= (window.need[pc] as number)) found.push(i, (2 * c) / (window.popcount + pc));
  }
}
