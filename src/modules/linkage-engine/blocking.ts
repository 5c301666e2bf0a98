/**
 * Blocking by bit sampling (locality-sensitive hashing for Hamming distance, as in Karapiperis & Verykios' HLSH for
 * Bloom-filter PPRL): each of `tables` hash tables keys a vector by `keyBits` of its bit positions, chosen at random
 * with a fixed seed; two vectors become candidates when they agree on every sampled bit of at least one table.
 *
 * Two vectors whose Dice is exactly the threshold t, each with popcount p out of l bits, differ in 2p(1 − t) bits,
 * so they agree on a random position with probability a = 1 − 2p(1 − t)/l, and on one table's key with a^keyBits.
 * `planBlocking` picks `tables` so that such a pair is found with probability `recallAtThreshold` (pairs scoring
 * above t agree more and are found more often), choosing `keyBits` to make the expected work per query, measured on
 * a sample of the data, smallest. The work per query is then about `tables` probes plus the pool size times the rate
 * at which unrelated vectors collide, which shrinks geometrically with `keyBits`: far below the pool size.
 */

export type BitSamplingPlan = { kind: 'bit-sampling'; keyBits: number; tables: number; seed: number };
export type BlockingPlan = { kind: 'exhaustive' } | BitSamplingPlan;

/** A compacted index on shared memory, for worker threads to query without building their own. */
export interface SharedIndex {
  plan: BitSamplingPlan;
  bits: number;
  size: number;
  /** Each table's slots. */
  slots: Int32Array[];
  hashShifts: number[];
  used: number[];
  runs: Uint32Array;
}

export interface PlanInput {
  bits: number;
  threshold: number;
  /** A sample of the vectors that will be matched (a few hundred to a few thousand). */
  sample: readonly Uint8Array[];
  /** How many vectors each query will be compared against. */
  poolSize: number;
  recallAtThreshold?: number;
  seed?: number;
}

/**
 * Costs in units of one Dice comparison in a sequential scan (about 5 ns), measured on this project's 2-core
 * machine: a table probe (key, bucket: mostly a cache miss), and a candidate (de-duplicating, filtering, and a
 * comparison that fetches the vector from a random place: a cache miss once the pool outgrows the caches).
 */
const PROBE_COST = 50;
const candidateCost = (poolBytes: number) => (poolBytes > 4 * 2 ** 20 ? 30 : 10);
const MAX_TABLES = 200;
const MAX_KEY_BITS = 32;

const BYTE_POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let v = b; v; v >>= 1) n += v & 1;
  return n;
});

function hamming(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) n += BYTE_POPCOUNT[(a[i] as number) ^ (b[i] as number)] as number;
  return n;
}

function popcount(v: Uint8Array): number {
  let n = 0;
  for (const byte of v) n += BYTE_POPCOUNT[byte] as number;
  return n;
}

/** mulberry32: small, fast and seeded, for choosing bit positions and samples reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function planBlocking(input: PlanInput): BlockingPlan {
  const { bits, threshold, sample, poolSize } = input;
  const recall = input.recallAtThreshold ?? 0.995;
  const seed = input.seed ?? 0x5eed;
  if (sample.length < 2) return { kind: 'exhaustive' };
  const popcounts = sample.map(popcount).sort((x, y) => x - y);
  const dense = popcounts[Math.floor(0.9 * (popcounts.length - 1))] as number;
  const agreeAtThreshold = 1 - (2 * dense * (1 - threshold)) / bits;
  const random = seededRandom(seed ^ 0x9e3779b9);
  const agreements: number[] = [];
  for (let k = 0; k < 2000; k++) {
    const i = Math.floor(random() * sample.length);
    const j = Math.floor(random() * sample.length);
    if (i !== j) agreements.push(1 - hamming(sample[i] as Uint8Array, sample[j] as Uint8Array) / bits);
  }
  let best: BlockingPlan = { kind: 'exhaustive' };
  let bestCost = poolSize;
  for (let keyBits = 4; keyBits <= Math.min(MAX_KEY_BITS, bits); keyBits++) {
    const hit = agreeAtThreshold ** keyBits;
    const tables = Math.ceil(Math.log(1 - recall) / Math.log(1 - hit));
    if (!Number.isFinite(tables) || tables > MAX_TABLES) continue;
    const collide = agreements.reduce((sum, a) => sum + a ** keyBits, 0) / Math.max(1, agreements.length);
    const cost = tables * (PROBE_COST + candidateCost((poolSize * bits) / 8) * collide * poolSize);
    if (cost < bestCost) {
      bestCost = cost;
      best = { kind: 'bit-sampling', keyBits, tables: Math.max(1, tables), seed };
    }
  }
  return best;
}

/**
 * One hash table of a bit-sampling index, open addressing on the key. A slot holds, side by side so that a probe
 * reads one cache line: the key, the newest member added since the last compaction (its older ones chained through
 * the index's `next`), and where the slot's compacted members start in the index's `runs` and how many there are
 * (−1: the slot is empty).
 */
class KeyTable {
  slots = KeyTable.#empty(16);
  shift = 32 - 4;
  used = 0;
  /** False while `slots` is a view of a shared index, which other threads read: copied before any write. */
  owned = true;

  own(): Int32Array {
    if (!this.owned) {
      this.slots = this.slots.slice();
      this.owned = true;
    }
    return this.slots;
  }

  /** On shared memory, so that a compacted index can be handed to worker threads without a copy. */
  static #empty(count: number): Int32Array {
    const slots = new Int32Array(new SharedArrayBuffer(16 * count));
    for (let s = 0; s < count; s++) {
      slots[4 * s + 1] = -1;
      slots[4 * s + 3] = -1;
    }
    return slots;
  }

  /** Fibonacci hashing: the top bits of key · 2³²/φ, so that keys differing in any bit spread over the slots. */
  find(key: number): number {
    const slots = this.slots;
    const mask = (slots.length >> 2) - 1;
    let s = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (slots[4 * s + 3] !== -1 && slots[4 * s] !== (key | 0)) s = (s + 1) & mask;
    return s;
  }

  /** Makes `member` the head of the key's chain and returns the previous head (−1 if none). */
  push(key: number, member: number): number {
    if (2 * (this.used + 1) > this.slots.length >> 2) this.#grow();
    const slots = this.own();
    const at = 4 * this.find(key);
    if (slots[at + 3] === -1) {
      this.used++;
      slots[at] = key | 0;
      slots[at + 1] = -1;
      slots[at + 2] = 0;
      slots[at + 3] = 0;
    }
    const previous = slots[at + 1] as number;
    slots[at + 1] = member;
    return previous;
  }

  #grow(): void {
    const old = this.slots;
    this.slots = KeyTable.#empty((old.length >> 2) * 2);
    this.owned = true;
    this.shift--;
    for (let at = 0; at < old.length; at += 4) {
      if (old[at + 3] === -1) continue;
      this.slots.set(old.subarray(at, at + 4), 4 * this.find(old[at] as number));
    }
  }
}

/**
 * A growing bit-sampling index over pool vectors numbered in the order they were added. Members are kept per table
 * in runs by key (compact: a bucket is read in one sweep); members added since the last compaction are chained, and
 * the index compacts itself when they are as many as the compacted ones, so adding stays amortised O(tables).
 */
export class BitSamplingIndex {
  readonly #keyBits: number;
  readonly #tables: KeyTable[];
  readonly #bytes: Uint16Array;
  readonly #shifts: Uint8Array;
  /** Chain links of members added since the last compaction, per table: next[t · capacity + member]. */
  #next: Int32Array;
  /** Compacted members, per table: runs[t · compacted + i]. */
  #runs: Uint32Array = new Uint32Array(0);
  #compacted = 0;
  readonly #scratch: Uint32Array;
  #size = 0;
  #capacity = 1024;

  constructor(plan: BitSamplingPlan, bits: number) {
    if (plan.keyBits > Math.min(MAX_KEY_BITS, bits) || plan.keyBits < 1 || plan.tables < 1) {
      throw new RangeError('blocking plan does not fit the encoding length');
    }
    this.#keyBits = plan.keyBits;
    this.#tables = Array.from({ length: plan.tables }, () => new KeyTable());
    this.#bytes = new Uint16Array(plan.tables * plan.keyBits);
    this.#shifts = new Uint8Array(plan.tables * plan.keyBits);
    const random = seededRandom(plan.seed);
    for (let t = 0; t < plan.tables; t++) {
      const chosen = new Set<number>();
      while (chosen.size < plan.keyBits) chosen.add(Math.floor(random() * bits));
      let k = t * plan.keyBits;
      for (const position of chosen) {
        this.#bytes[k] = position >>> 3;
        this.#shifts[k++] = position & 7;
      }
    }
    this.#next = new Int32Array(this.#capacity * plan.tables);
    this.#scratch = new Uint32Array(plan.tables);
  }

  get size(): number {
    return this.#size;
  }

  /** Compacts the index and hands out its tables (on shared memory already), to be read by other threads. */
  share(plan: BitSamplingPlan, bits: number): SharedIndex {
    this.compact();
    const tables = this.#tables;
    for (const table of tables) table.owned = false;
    return {
      plan,
      bits,
      size: this.#size,
      slots: tables.map((table) => table.slots),
      hashShifts: tables.map((table) => table.shift),
      used: tables.map((table) => table.used),
      runs: this.#runs,
    };
  }

  /** An index over the shared one's members, which can grow on its own from there (its tables then copied). */
  static fromShared(shared: SharedIndex): BitSamplingIndex {
    const index = new BitSamplingIndex(shared.plan, shared.bits);
    index.#tables.forEach((table, t) => {
      table.slots = shared.slots[t] as Int32Array;
      table.shift = shared.hashShifts[t] as number;
      table.used = shared.used[t] as number;
      table.owned = false;
    });
    index.#runs = shared.runs;
    index.#size = shared.size;
    index.#compacted = shared.size;
    index.#capacity = shared.size;
    index.#next = new Int32Array(0);
    return index;
  }

  /** Keys of the vector in every table, into `keys` (branch-free: the bits are unpredictable). */
  #keys(vector: Uint8Array, keys: Uint32Array): void {
    const bytes = this.#bytes;
    const shifts = this.#shifts;
    const keyBits = this.#keyBits;
    for (let t = 0, k = 0; t < keys.length; t++) {
      let key = 0;
      for (const end = k + keyBits; k < end; k++) {
        key = (key << 1) | (((vector[bytes[k] as number] as number) >>> (shifts[k] as number)) & 1);
      }
      keys[t] = key >>> 0;
    }
  }

  /** Adds the vector as member `size` (members are numbered from 0 in the order added). */
  add(vector: Uint8Array): void {
    const tables = this.#tables.length;
    if (this.#size === this.#capacity) {
      const capacity = Math.max(1024, this.#capacity * 2);
      const next = new Int32Array(capacity * tables);
      for (let t = 0; t < tables; t++) {
        next.set(this.#next.subarray(t * this.#capacity, t * this.#capacity + this.#size), t * capacity);
      }
      this.#next = next;
      this.#capacity = capacity;
    }
    const member = this.#size++;
    const keys = this.#scratch;
    this.#keys(vector, keys);
    for (let t = 0; t < tables; t++) {
      this.#next[t * this.#capacity + member] = (this.#tables[t] as KeyTable).push(keys[t] as number, member);
    }
    if (this.#size >= 2 * this.#compacted + 4096) this.compact();
  }

  /** Moves every member into the compact runs (done by `add` as the index grows; call it after a bulk load). */
  compact(): void {
    const tables = this.#tables.length;
    const total = this.#size;
    const runs = new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, tables * total)));
    for (let t = 0; t < tables; t++) {
      const slots = (this.#tables[t] as KeyTable).own();
      const base = t * this.#capacity;
      let at = t * total;
      for (let s = 0; s < slots.length; s += 4) {
        if (slots[s + 3] === -1) continue;
        const start = at;
        const from = t * this.#compacted + (slots[s + 2] as number);
        runs.set(this.#runs.subarray(from, from + (slots[s + 3] as number)), at);
        at += slots[s + 3] as number;
        for (let m = slots[s + 1] as number; m !== -1; m = this.#next[base + m] as number) runs[at++] = m;
        slots[s + 1] = -1;
        slots[s + 2] = start - t * total;
        slots[s + 3] = at - start;
      }
    }
    this.#runs = runs;
    this.#compacted = total;
  }

  /**
   * The distinct members sharing a key with the vector whose popcount lies in [lo, hi], into `out` (grown as
   * needed and returned with the count). `seen` holds a stamp per member; members stamped `stamp` are skipped.
   */
  candidates(
    vector: Uint8Array,
    popcounts: Uint32Array,
    lo: number,
    hi: number,
    seen: Uint32Array,
    stamp: number,
    out: Uint32Array,
  ): { list: Uint32Array; count: number } {
    const tables = this.#tables.length;
    const keys = this.#scratch;
    const next = this.#next;
    const runs = this.#runs;
    this.#keys(vector, keys);
    let list = out;
    let count = 0;
    const visit = (m: number) => {
      if (seen[m] === stamp) return;
      seen[m] = stamp;
      const pc = popcounts[m] as number;
      if (pc < lo || pc > hi) return;
      if (count === list.length) {
        const grown = new Uint32Array(count * 2);
        grown.set(list);
        list = grown;
      }
      list[count++] = m;
    };
    for (let t = 0; t < tables; t++) {
      const table = this.#tables[t] as KeyTable;
      const at = 4 * table.find(keys[t] as number);
      const slots = table.slots;
      const length = slots[at + 3] as number;
      if (length === -1) continue;
      const start = t * this.#compacted + (slots[at + 2] as number);
      for (let i = start; i < start + length; i++) visit(runs[i] as number);
      const base = t * this.#capacity;
      for (let m = slots[at + 1] as number; m !== -1; m = next[base + m] as number) visit(m);
    }
    return { list, count };
  }
}
