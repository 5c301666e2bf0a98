/**
 * The Dice kernel (issue #6): comparisons per second for N × N random 1024-bit encodings (default 10 000 × 10 000),
 * the WebAssembly SIMD kernel against the plain TypeScript one on one core, then both through `matchBatch` with no
 * blocking on one worker and on every core. Random vectors (density ½) all fall in the length window at 0.8, so
 * every pair is compared.
 *
 *   node bench/linkage-kernel.ts [--n 10000] [--ts-queries 1000]
 */
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { randomVectors } from '../src/modules/linkage-engine/fixtures/clks.ts';
import {
  createKernel,
  type KernelKind,
  LengthWindows,
  Matches,
  matchBatch,
  packVectors,
  popcount,
} from '../src/modules/linkage-engine/index.ts';

const { values: args } = parseArgs({
  options: { n: { type: 'string', default: '10000' }, 'ts-queries': { type: 'string', default: '1000' } },
});
const n = Number(args.n);
const bits = 1024;
const threshold = 0.8;
const a = randomVectors(n, bits, 1);
const b = randomVectors(n, bits, 2);
const rate = (pairs: number, seconds: number) => `${(pairs / seconds / 1e6).toFixed(1)} M/s`;

/** Pairs inside the length window (the pairs the kernel compares) for the first `queries` of a. */
function comparedPairs(queries: number): number {
  const windows = new LengthWindows(bits, threshold);
  const popcounts = b.map(popcount);
  let compared = 0;
  for (let i = 0; i < queries; i++) {
    const { lo, hi } = windows.for(popcount(a[i] as Uint8Array));
    for (const pc of popcounts) if (pc >= lo && pc <= hi) compared++;
  }
  return compared;
}

async function timedOneCore(kind: KernelKind, queries: number) {
  const kernel = await createKernel(kind, bits);
  for (const v of b) kernel.add(v, popcount(v));
  const windows = new LengthWindows(bits, threshold);
  const found = new Matches();
  const started = performance.now();
  for (let i = 0; i < queries; i++) {
    const q = a[i] as Uint8Array;
    kernel.setQuery(q, windows.for(popcount(q)));
    found.clear();
    kernel.matchRange(0, n, found);
  }
  const seconds = (performance.now() - started) / 1000;
  return { pairs: comparedPairs(queries), seconds };
}

console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`);
console.log(`${n} × ${n} random ${bits}-bit encodings, threshold ${threshold}`);
const wasm = await timedOneCore('wasm', n);
const ts = await timedOneCore('typescript', Math.min(n, Number(args['ts-queries'])));
const rows: string[][] = [
  ['WebAssembly SIMD, 1 core (kernel)', rate(wasm.pairs, wasm.seconds), `${wasm.seconds.toFixed(2)} s`],
  [
    `TypeScript, 1 core (kernel, ${Math.min(n, Number(args['ts-queries']))} queries)`,
    rate(ts.pairs, ts.seconds),
    `${ts.seconds.toFixed(2)} s`,
  ],
];
const pa = packVectors(a, bits);
const pb = packVectors(b, bits);
for (const kind of ['wasm', 'typescript'] as const) {
  for (const workers of kind === 'wasm' ? [1, availableParallelism()] : [availableParallelism()]) {
    if (kind === 'typescript' && n > 10_000) continue;
    const started = performance.now();
    let matching = started;
    await matchBatch(pa, pb, {
      threshold,
      blocking: { kind: 'exhaustive' },
      kernel: kind,
      workers,
      onProgress: (phase, done, total) => {
        if (phase === 'index' && done === total) matching = performance.now();
      },
    });
    const ended = performance.now();
    const label = `${kind === 'wasm' ? 'WebAssembly SIMD' : 'TypeScript'}, matchBatch, ${workers} thread(s)`;
    rows.push([
      `${label}, matching`,
      rate(comparedPairs(n), (ended - matching) / 1000),
      `${((ended - matching) / 1000).toFixed(2)} s`,
    ]);
    rows.push([
      `${label}, with start-up`,
      rate(comparedPairs(n), (ended - started) / 1000),
      `${((ended - started) / 1000).toFixed(2)} s`,
    ]);
  }
}
const width = Math.max(...rows.map((r) => (r[0] as string).length));
for (const [what, r, s] of rows)
  console.log(`${(what as string).padEnd(width)}  ${(r as string).padStart(11)}  ${(s as string).padStart(8)}`);
console.log(
  `WebAssembly / TypeScript on one core: ${(wasm.pairs / wasm.seconds / (ts.pairs / ts.seconds)).toFixed(1)}×`,
);
