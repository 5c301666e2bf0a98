/**
 * `passage custody checkpoint|prove|verify`: the node's custody log from the console. The commands run as the
 * console operator, on the database or through the running node (console.ts).
 */
import { type Command, InvalidArgumentError, type Option } from 'commander';
import type { operations } from '../app/operations.ts';
import type { ConsistencyProofView, InclusionProofView, IntegrityProblem } from '../modules/custody/index.ts';
import { runCommand } from './console.ts';
import { phasedProgressBar } from './output.ts';

type Result<N extends keyof typeof operations> = Awaited<ReturnType<(typeof operations)[N]>>;

/** A problem found by `custody verify`: exit status 3, as for `passage audit verify`. */
const PROBLEM_EXIT = 3;
/** A wrong combination of options: exit status 2, as for the other commands' usage errors. */
const USAGE_EXIT = 2;

const wholeNumber = (value: string): number => {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('must be a whole number (0, 1, 2, …)');
  }
  return Number(value);
};

export function registerCustodyCommands(program: Command, dataOption: () => Option): void {
  const custody = program
    .command('custody')
    .description("the node's custody transparency log: signed checkpoints, proofs, integrity check");

  custody
    .command('checkpoint')
    .description('print the latest signed checkpoint (signs a new one when the log has grown)')
    .option('--json', 'print the checkpoint with its size, root hash, verifier key and fingerprint as JSON')
    .addOption(dataOption())
    .action(async (opts: { json?: boolean; data?: string }) => {
      const checkpoint = (await runCommand(
        { dataDir: opts.data },
        'custody.checkpoint',
      )) as Result<'custody.checkpoint'>;
      if (opts.json) printJson(checkpoint);
      else process.stdout.write(checkpoint.note);
    });

  custody
    .command('prove')
    .description(
      'print an inclusion proof (--index, optionally --size) or a consistency proof (--consistency <old> <new>), ' +
        'one base64 hash per line, and the signed checkpoint it proves against',
    )
    .option('--index <n>', 'the entry to prove included, numbered from 0', wholeNumber)
    .option('--size <m>', 'the tree size to prove against (default: the latest checkpoint)', wholeNumber)
    .option('--consistency <sizes...>', 'two tree sizes, old and new, to prove consistent')
    .option('--json', 'print the proof and its checkpoints as JSON')
    .addOption(dataOption())
    .action(async (opts: ProveOptions, command: Command) => {
      const args = proveArgs(opts, command);
      const proof = (await runCommand({ dataDir: opts.data }, 'custody.prove', args)) as Result<'custody.prove'>;
      if (opts.json) printJson(proof);
      else if ('index' in proof) printInclusion(proof);
      else printConsistency(proof);
    });

  custody
    .command('verify')
    .description(
      'recompute every leaf and subtree hash of the log and check every checkpoint; exits with status 3 when a ' +
        'problem is found',
    )
    .option('--json', 'print the report as JSON')
    .addOption(dataOption())
    .action(async (opts: { json?: boolean; data?: string }) => {
      const progress = progressBar(!opts.json);
      let report: Result<'custody.verify'>;
      try {
        report = (await runCommand({ dataDir: opts.data }, 'custody.verify', {
          onProgress: progress.update,
        })) as Result<'custody.verify'>;
      } finally {
        progress.stop();
      }
      if (opts.json) printJson(report);
      else printReport(report);
      if (!report.ok) process.exitCode = PROBLEM_EXIT;
    });
}

interface ProveOptions {
  index?: number;
  size?: number;
  consistency?: string[];
  json?: boolean;
  data?: string;
}

function proveArgs(
  opts: ProveOptions,
  command: Command,
): { index: number; size?: number } | { old: number; new: number } {
  if (opts.consistency !== undefined) {
    if (opts.index !== undefined || opts.size !== undefined) {
      command.error('error: give either --index (with --size) or --consistency, not both', { exitCode: USAGE_EXIT });
    }
    if (opts.consistency.length !== 2)
      command.error('error: --consistency needs two sizes: <old> <new>', { exitCode: USAGE_EXIT });
    const [old, next] = opts.consistency.map((value) => {
      try {
        return wholeNumber(value);
      } catch {
        return command.error(`error: --consistency ${value}: must be a whole number (0, 1, 2, …)`, {
          exitCode: USAGE_EXIT,
        });
      }
    }) as [number, number];
    return { old, new: next };
  }
  if (opts.index === undefined)
    command.error('error: give --index <n> or --consistency <old> <new>', { exitCode: USAGE_EXIT });
  return { index: opts.index, size: opts.size };
}

function printInclusion(proof: InclusionProofView): void {
  console.log(`Inclusion proof of entry ${proof.index} in the tree of size ${proof.size}, leaf first.`);
  console.log(`Leaf hash: ${proof.leafHash}`);
  console.log(`Proof (${plural(proof.proof.length, 'hash', 'hashes')}):`);
  for (const hash of proof.proof) console.log(hash);
  console.log('\nCheckpoint:');
  process.stdout.write(proof.checkpoint.note);
}

function printConsistency(proof: ConsistencyProofView): void {
  console.log(`Consistency proof from size ${proof.oldSize} to size ${proof.newSize}.`);
  console.log(`Proof (${plural(proof.proof.length, 'hash', 'hashes')}):`);
  for (const hash of proof.proof) console.log(hash);
  console.log('\nOld checkpoint:');
  process.stdout.write(proof.oldCheckpoint.note);
  console.log('\nNew checkpoint:');
  process.stdout.write(proof.newCheckpoint.note);
}

function printReport(report: Result<'custody.verify'>): void {
  for (const check of report.checks) {
    if (check.ok) console.log(`${capitalised(check.name)} intact: ${check.checked} ${check.unit} checked.`);
    else
      for (const problem of check.problems)
        console.log(`${capitalised(check.name)} PROBLEM ${describeProblem(problem)}`);
  }
  if (!report.ok) console.log('The integrity check found a problem; the first one of each check is listed above.');
}

/** Kind and position, then the plain message: positions only, never an entry's content. */
function describeProblem(problem: IntegrityProblem): string {
  const at = [
    problem.level !== undefined ? `level ${problem.level}` : null,
    problem.index !== undefined ? `index ${problem.index}` : null,
    problem.size !== undefined ? `size ${problem.size}` : null,
    problem.ref ?? null,
  ].filter((part) => part !== null);
  return `(${problem.kind}${at.length ? `, ${at.join(', ')}` : ''}): ${problem.message}`;
}

/** A bar per check on a terminal; nothing when the output goes to a file or a program, or is JSON. */
function progressBar(wanted: boolean) {
  return phasedProgressBar<string>(wanted, (check) => `${capitalised(check)} {bar} {percentage}% | {value}/{total}`);
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
