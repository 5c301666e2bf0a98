/**
 * `passage link …`: privacy-preserving record linkage in batch, for operators, researchers and auditors. Works on
 * files only: no data directory, database or network.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { stringify } from 'csv-stringify/sync';
import type { BlockingPlan } from '../modules/linkage-engine/index.ts';
import {
  LinkageInputError,
  matchBatch,
  type Pairs,
  packVectors,
  planFor,
  readEncodings,
  resolveOneToOne,
  writeFileAtomically,
} from '../modules/linkage-engine/index.ts';
import { registerLinkEncodeCommand } from './link-encode-command.ts';
import { registerLinkSecretCommand } from './link-secret-command.ts';
import { phasedProgressBar } from './output.ts';

const threshold = (value: string) => {
  const t = Number(value);
  if (value.trim() === '' || !(t > 0 && t <= 1)) throw new InvalidArgumentError('must be a number in (0, 1]');
  return t;
};

const positiveInteger = (value: string) => {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('must be a positive whole number');
  return Number(value);
};

const describePlan = (plan: BlockingPlan) =>
  plan.kind === 'exhaustive'
    ? 'no blocking'
    : `blocking by bit sampling, ${plan.tables} tables of ${plan.keyBits} bits`;

export function registerLinkCommands(program: Command): void {
  const link = program.command('link').description('privacy-preserving record linkage on CLK encodings (files only)');
  registerLinkEncodeCommand(link);
  registerLinkSecretCommand(link);

  link
    .command('match')
    .description(
      'match two encodings files: every pair with Dice ≥ threshold, resolved one-to-one (greedy by descending ' +
        'score); writes a CSV with a id, b id, score',
    )
    .argument('<a.json>', 'encodings file (from passage link encode, or clkhash output)')
    .argument('<b.json>', 'encodings file made with the same linkage schema')
    .requiredOption('--threshold <t>', 'least Dice coefficient of a match, in (0, 1]', threshold)
    .requiredOption('--out <matches.csv>', 'CSV to write (replaced whole, never half-written)')
    .option('--all-pairs', 'write every pair at or above the threshold, not only the one-to-one matches')
    .option('--exhaustive', 'compare every pair (no blocking): slower, finds the few pairs blocking misses')
    .option('--workers <n>', 'worker threads (default: one per core)', positiveInteger)
    .option('--no-progress', 'no progress bars')
    .action(
      async (
        aPath: string,
        bPath: string,
        opts: {
          threshold: number;
          out: string;
          allPairs?: boolean;
          exhaustive?: boolean;
          workers?: number;
          progress: boolean;
        },
      ) => {
        const started = performance.now();
        const [a, b] = await Promise.all([readEncodings(aPath), readEncodings(bPath)]);
        if (a.bits !== b.bits) {
          throw new LinkageInputError(
            `${aPath} has ${a.bits}-bit encodings and ${bPath} ${b.bits}-bit ones: they cannot be compared`,
          );
        }
        if (a.schemaSha256 && b.schemaSha256 && a.schemaSha256 !== b.schemaSha256) {
          throw new LinkageInputError(`${aPath} and ${bPath} were encoded with different linkage schemas`);
        }
        const packedA = packVectors(
          a.records.map((r) => r.encoding),
          a.bits,
        );
        const packedB = packVectors(
          b.records.map((r) => r.encoding),
          b.bits,
        );
        const blocking: BlockingPlan = opts.exhaustive
          ? { kind: 'exhaustive' }
          : planFor(packedA, packedB, opts.threshold);
        const progress = phasedProgressBar<'index' | 'match'>(opts.progress, (phase) =>
          phase === 'index'
            ? 'Indexing {bar} {percentage}% | {value}/{total} encodings of b'
            : 'Matching {bar} {percentage}% | {value}/{total} encodings of a',
        );
        let pairs: Pairs;
        try {
          pairs = await matchBatch(packedA, packedB, {
            threshold: opts.threshold,
            blocking,
            workers: opts.workers,
            onProgress: progress.update,
          });
        } finally {
          progress.stop();
        }
        const written = opts.allPairs ? byScore(pairs) : resolveOneToOne(pairs);
        const rows = Array.from(written.a, (i, k) => [
          a.records[i]?.id,
          b.records[written.b[k] as number]?.id,
          String(written.scores[k]),
        ]);
        await writeFileAtomically(opts.out, stringify(rows, { header: true, columns: ['a_id', 'b_id', 'score'] }));
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        console.log(
          `Matched ${a.records.length} × ${b.records.length} encodings (${describePlan(blocking)}): ` +
            `${pairs.a.length} pairs with Dice ≥ ${opts.threshold}; wrote ${rows.length} ` +
            `${opts.allPairs ? 'pairs' : 'one-to-one matches'} to ${opts.out} in ${seconds} s.`,
        );
      },
    );
}

/** All pairs, best first (ties by a position, then b position). */
function byScore(pairs: Pairs): Pairs {
  const order = Array.from(pairs.a.keys()).sort(
    (x, y) =>
      (pairs.scores[y] as number) - (pairs.scores[x] as number) ||
      (pairs.a[x] as number) - (pairs.a[y] as number) ||
      (pairs.b[x] as number) - (pairs.b[y] as number),
  );
  return {
    a: Uint32Array.from(order, (k) => pairs.a[k] as number),
    b: Uint32Array.from(order, (k) => pairs.b[k] as number),
    scores: Float64Array.from(order, (k) => pairs.scores[k] as number),
  };
}
