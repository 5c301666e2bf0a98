/**
 * Linkage quality on the synthetic ground truth (issue #6): people in two sets, half of them in both with typos,
 * other transliterations, swapped names and missing fields (`linkage-synthetic.ts`), encoded with the default
 * survivor schema and matched. Reports precision, recall and F1 of the one-to-one matches by threshold, recall by
 * kind of variation at the default threshold, and what blocking keeps of the pairs an exhaustive comparison finds.
 *
 *   node bench/linkage-quality.ts [--people 10000] [--seed 2026]
 */
import { parseArgs } from 'node:util';
import {
  ClkEncoder,
  DEFAULT_THRESHOLD,
  loadSchemaArgument,
  Matches,
  MatchPool,
  matchBatch,
  type PackedVectors,
  type Pairs,
  packVectors,
  planBlocking,
  planFor,
  resolveOneToOne,
  vectorAt,
} from '../src/modules/linkage-engine/index.ts';
import { type SyntheticRecord, schemaValues, syntheticSet, type Variation } from './linkage-synthetic.ts';

const { values: args } = parseArgs({
  options: { people: { type: 'string', default: '10000' }, seed: { type: 'string', default: '2026' } },
});
const people = Number(args.people);
const LOWEST = 0.6;
const THRESHOLDS = [0.6, 0.65, 0.7, 0.72, 0.74, 0.76, 0.78, 0.8, 0.82, 0.84, 0.86, 0.88, 0.9, 0.95];

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

function above(pairs: Pairs, t: number): Pairs {
  const keep = Array.from(pairs.scores.keys()).filter((k) => (pairs.scores[k] as number) >= t);
  return {
    a: Uint32Array.from(keep, (k) => pairs.a[k] as number),
    b: Uint32Array.from(keep, (k) => pairs.b[k] as number),
    scores: Float64Array.from(keep, (k) => pairs.scores[k] as number),
  };
}

const set = syntheticSet(people, Number(args.seed));
const truth = new Map(set.truth.map(([i, j]) => [i, j]));
console.log(`Synthetic set: ${set.a.length} records in a, ${set.b.length} in b, ${set.truth.length} people in both.`);

let started = performance.now();
const encoder = new ClkEncoder(await loadSchemaArgument('survivor'), new TextEncoder().encode('benchmark secret 2026'));
const encode = (records: SyntheticRecord[]): PackedVectors =>
  packVectors(
    records.map((r) => encoder.encode(schemaValues(r))),
    encoder.schema.l,
  );
const a = encode(set.a);
const b = encode(set.b);
console.log(`Encoded with the default survivor schema (l = ${a.bits}) in ${seconds(started)}.`);

started = performance.now();
const exhaustive = await matchBatch(a, b, { threshold: LOWEST, blocking: { kind: 'exhaustive' } });
console.log(`Exhaustive comparison at ≥ ${LOWEST}: ${exhaustive.a.length} pairs in ${seconds(started)}.\n`);

const quality = (pairs: Pairs) => {
  const matches = resolveOneToOne(pairs);
  let correct = 0;
  for (let k = 0; k < matches.a.length; k++) if (truth.get(matches.a[k] as number) === matches.b[k]) correct++;
  const precision = matches.a.length ? correct / matches.a.length : 1;
  const recall = correct / set.truth.length;
  return { matches, correct, precision, recall, f1: (2 * precision * recall) / (precision + recall || 1) };
};

console.log('One-to-one matches by threshold (exhaustive comparison):');
table(
  ['threshold', 'matches', 'correct', 'precision', 'recall', 'F1'],
  THRESHOLDS.map((t) => {
    const q = quality(above(exhaustive, t));
    return [
      t.toFixed(2),
      String(q.matches.a.length),
      String(q.correct),
      pct(q.precision),
      pct(q.recall),
      q.f1.toFixed(4),
    ];
  }),
);

const atDefault = quality(above(exhaustive, DEFAULT_THRESHOLD));
const found = new Set(Array.from(atDefault.matches.a, (i, k) => `${i}:${atDefault.matches.b[k]}`));
const kinds: (Variation | 'none')[] = ['none', 'typo', 'transliterated', 'swapped', 'missing', 'date'];
console.log(`\nRecall by variation at the default threshold ${DEFAULT_THRESHOLD} (a pair may have several):`);
table(
  ['variation', 'pairs', 'found', 'recall'],
  kinds.map((kind) => {
    const pairs = set.truth.filter((_, k) => {
      const v = set.variations[k] ?? [];
      return kind === 'none' ? v.length === 0 : v.includes(kind);
    });
    const hits = pairs.filter(([i, j]) => found.has(`${i}:${j}`)).length;
    return [kind, String(pairs.length), String(hits), pct(hits / Math.max(1, pairs.length))];
  }),
);

console.log('\nBlocking (bit sampling) against exhaustive comparison, pairs at or above the threshold:');
const rows: string[][] = [];
const sample = Array.from({ length: 2000 }, (_, k) => vectorAt(k % 2 ? a : b, Math.floor((k * a.count) / 2000)));
const cases: [number, number][] = [
  [0.7, b.count],
  [DEFAULT_THRESHOLD, b.count],
  [DEFAULT_THRESHOLD, 100_000],
  [0.9, b.count],
];
for (const [t, plannedFor] of cases) {
  // The plan for a pool of `plannedFor` (the 100 000 one is what linkage-e2e.ts uses), tried on this set.
  const plan =
    plannedFor === b.count
      ? planFor(a, b, t)
      : planBlocking({ bits: b.bits, threshold: t, sample, poolSize: plannedFor });
  started = performance.now();
  const blocked = await matchBatch(a, b, { threshold: t, blocking: plan });
  const time = seconds(started);
  const all = above(exhaustive, t);
  const keys = new Set(Array.from(blocked.a, (i, k) => `${i}:${blocked.b[k]}`));
  const kept = Array.from(all.a, (i, k) => `${i}:${all.b[k]}`).filter((key) => keys.has(key)).length;
  // Work per query, measured single-threaded on the first 1000 queries.
  const pool = await MatchPool.create({ bits: b.bits, threshold: t, blocking: plan });
  for (let j = 0; j < b.count; j++) pool.add(String(j), vectorAt(b, j));
  const queries = Math.min(1000, a.count);
  for (let i = 0; i < queries; i++) pool.matchInto(vectorAt(a, i), new Matches());
  const perQuery = pool.compared / queries;
  const described = plan.kind === 'exhaustive' ? 'exhaustive' : `K=${plan.keyBits}, L=${plan.tables}`;
  rows.push([
    t.toFixed(2),
    `${described}, planned for ${plannedFor}`,
    String(all.a.length),
    String(kept),
    pct(kept / Math.max(1, all.a.length)),
    `${perQuery.toFixed(0)} (${pct(perQuery / b.count)})`,
    time,
  ]);
}
table(['threshold', 'plan', 'exhaustive pairs', 'kept', 'blocking recall', 'compared per query', 'time'], rows);
