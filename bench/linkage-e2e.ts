/**
 * Linkage end to end (issue #6): N × N synthetic records (default 100 000 × 100 000, half of the people in both
 * sets) encoded with the default survivor schema, then matched with blocking on every core and resolved one to one.
 * Reports the wall time of each step and the process's peak resident memory (sampled; worker threads included),
 * and the quality at the default threshold.
 *
 *   node bench/linkage-e2e.ts [--people 100000] [--threshold 0.8] [--workers <n>]
 */
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import {
  ClkEncoder,
  DEFAULT_THRESHOLD,
  loadSchemaArgument,
  matchBatch,
  packVectors,
  planFor,
  resolveOneToOne,
} from '../src/modules/linkage-engine/index.ts';
import { schemaValues, syntheticSet } from './linkage-synthetic.ts';

const { values: args } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    threshold: { type: 'string', default: String(DEFAULT_THRESHOLD) },
    workers: { type: 'string' },
  },
});
const people = Number(args.people);
const threshold = Number(args.threshold);
const workers = args.workers ? Number(args.workers) : availableParallelism();

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const steps: [string, number][] = [];
const started = performance.now();
let last = started;
const step = (name: string) => {
  const now = performance.now();
  steps.push([name, (now - last) / 1000]);
  last = now;
};

console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`);
const set = syntheticSet(people);
step(`generate ${set.a.length} + ${set.b.length} records`);
const encoder = new ClkEncoder(await loadSchemaArgument('survivor'), new TextEncoder().encode('benchmark secret 2026'));
const a = packVectors(
  set.a.map((r) => encoder.encode(schemaValues(r))),
  encoder.schema.l,
);
const b = packVectors(
  set.b.map((r) => encoder.encode(schemaValues(r))),
  encoder.schema.l,
);
step('encode (one thread)');
const plan = planFor(a, b, threshold);
step(`plan blocking (${plan.kind === 'exhaustive' ? 'exhaustive' : `K=${plan.keyBits}, L=${plan.tables}`})`);
let indexed = last;
const pairs = await matchBatch(a, b, {
  threshold,
  blocking: plan,
  workers,
  onProgress: (phase, done, total) => {
    if (phase === 'index' && done === total) indexed = performance.now();
  },
});
steps.push([`index b (one thread, shared with the workers)`, (indexed - last) / 1000]);
steps.push([`match a against b (${workers} threads)`, (performance.now() - indexed) / 1000]);
last = performance.now();
const matches = resolveOneToOne(pairs);
step('one-to-one resolution');
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);

const truth = new Map(set.truth.map(([i, j]) => [i, j]));
let correct = 0;
for (let k = 0; k < matches.a.length; k++) if (truth.get(matches.a[k] as number) === matches.b[k]) correct++;
const width = Math.max(...steps.map(([name]) => name.length));
for (const [name, seconds] of steps) console.log(`${name.padEnd(width)}  ${seconds.toFixed(1).padStart(7)} s`);
console.log(`${'total'.padEnd(width)}  ${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s`);
console.log(`peak resident memory ${mib(peak)}`);
console.log(
  `${pairs.a.length} pairs with Dice ≥ ${threshold}, ${matches.a.length} one-to-one matches, ` +
    `precision ${((100 * correct) / Math.max(1, matches.a.length)).toFixed(2)} %, ` +
    `recall ${((100 * correct) / set.truth.length).toFixed(2)} % of ${set.truth.length} true pairs`,
);
