/**
 * `passage evidence add|list|export`: evidence files into a case from the node's disk (e.g. an investigator's export of a
 * seized device), and the items of a case with their hashes. The commands run as the console operator, on the
 * database or through the running node (console.ts); each file gets its own `collected` custody event.
 */
import { existsSync, lstatSync, readdirSync, type statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import type { operations } from '../app/operations.ts';
import { formatBytes } from '../modules/evidence/index.ts';
import {
  EVIDENCE_TYPES,
  HANDLING_CODES,
  INFORMATION_ACCURACY,
  SOURCE_RELIABILITY,
  TITLE_MAX,
} from '../shared/evidence.ts';
import { runCommand } from './console.ts';

type Result<N extends keyof typeof operations> = Awaited<ReturnType<(typeof operations)[N]>>;

/** A missing file or a wrong argument: exit status 2, as for invalid settings. */
const USAGE_EXIT = 2;

class UsageError extends Error {}

/** The `evidence` command group, shared with the other evidence commands (export). */
export function evidenceCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'evidence') ??
    program.command('evidence').description('evidence items of cases: add files, list them, export packages')
  );
}

export function registerEvidenceCommands(program: Command, dataOption: () => Option): void {
  const evidence = evidenceCommand(program);
  evidence
    .command('add')
    .description(
      'add files to a case as evidence, walking folders; each file becomes an item with a "collected" custody event',
    )
    .argument('<paths...>', 'files and folders (folders are walked; symbolic links are skipped)')
    .requiredOption('--case <case>', 'case reference (e.g. IT-2026-000001) or id')
    .option('--agency <agency>', 'the agency that collected the files (id or exact name), recorded as "collected by"')
    .addOption(
      new Option(
        '--handling <code>',
        'SIENA handling code: H0 purpose-restricted, H1 not for court without the ' +
          "provider's permission, H2 no onward sharing, H3 other restrictions (with --handling-note)",
      )
        .choices(HANDLING_CODES)
        .default('H2'),
    )
    .option('--handling-note <text>', 'the restrictions of H3')
    .option('--source <text>', 'where the files came from, e.g. "seized phone"')
    .option('--device <text>', 'the device they were taken from')
    .addOption(new Option('--type <type>', 'kind of evidence').choices(EVIDENCE_TYPES))
    .option('--collected-at <date>', 'when they were collected: YYYY-MM-DD, or a date and time with a time zone')
    .option('--collected-where <text>', 'where they were collected')
    .addOption(new Option('--reliability <grade>', 'SIENA source reliability').choices(SOURCE_RELIABILITY))
    .addOption(new Option('--accuracy <grade>', 'SIENA information accuracy').choices(INFORMATION_ACCURACY.map(String)))
    .option('--json', 'print the result as JSON')
    .addOption(dataOption())
    .action((paths: string[], opts: AddOptions) => handled(() => addEvidence(paths, opts)));

  evidence
    .command('list')
    .description('list the evidence items of a case with their hashes and handling codes')
    .requiredOption('--case <case>', 'case reference or id')
    .option('--json', 'print {case, items} as JSON')
    .addOption(dataOption())
    .action(async (opts: { case: string; json?: boolean; data?: string }) => {
      const result = (await runCommand({ dataDir: opts.data }, 'evidence.list', {
        case: opts.case,
      })) as Result<'evidence.list'>;
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else printList(result);
    });

  evidence
    .command('export')
    .description(
      'write the evidence package of a case: a BagIt zip with every item, its custody events and their inclusion ' +
        'proofs, which `passage verify` checks offline; records an "exported" custody event per item',
    )
    .requiredOption('--case <case>', 'case reference or id')
    .requiredOption('--out <file>', 'the zip file to write')
    .option('--replace', 'replace the file if it exists')
    .option('--json', 'print the result as JSON')
    .addOption(dataOption())
    .action((opts: ExportOptions) => handled(() => exportPackage(opts)));
}

interface ExportOptions {
  case: string;
  out: string;
  replace?: boolean;
  json?: boolean;
  data?: string;
}

async function exportPackage(opts: ExportOptions): Promise<void> {
  const out = resolve(opts.out);
  if (!existsSync(dirname(out))) throw new UsageError(`The folder ${dirname(out)} does not exist.`);
  const progress = progressBar(!opts.json, 'Exporting');
  let result: Result<'evidence.export'>;
  try {
    result = (await runCommand({ dataDir: opts.data }, 'evidence.export', {
      case: opts.case,
      out,
      replace: opts.replace,
      onProgress: progress.update,
    })) as Result<'evidence.export'>;
  } finally {
    progress.stop();
  }
  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(
    `Exported ${result.items} item${result.items === 1 ? '' : 's'} (${formatBytes(result.bytes)}) of ` +
      `${result.case.reference} with ${result.events} custody events to ${result.out}.`,
  );
  console.log(`Package ${result.packageId}, signed by the node key ${result.fingerprint}.`);
  console.log(`Check it with: passage verify ${result.out} --key ${result.fingerprint}`);
}

interface AddOptions {
  case: string;
  agency?: string;
  handling: string;
  handlingNote?: string;
  source?: string;
  device?: string;
  type?: string;
  collectedAt?: string;
  collectedWhere?: string;
  reliability?: string;
  accuracy?: string;
  json?: boolean;
  data?: string;
}

async function handled(command: () => Promise<void>): Promise<void> {
  try {
    await command();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`passage: ${error.message}`);
    process.exitCode = USAGE_EXIT;
  }
}

interface FoundFile {
  path: string;
  title: string;
  size: number;
}

/**
 * The files to add, in a stable order: each file argument as it is, each folder walked. A file's title is its path
 * from the folder's parent (e.g. `phone-export/DCIM/IMG_0001.jpg`), so that items keep where they were found.
 */
function collectFiles(paths: string[]): { files: FoundFile[]; skipped: string[] } {
  const files: FoundFile[] = [];
  const skipped: string[] = [];
  const walk = (path: string, root: string) => {
    const info = lstatSync(path);
    if (info.isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(join(path, name), root);
    } else if (info.isFile()) {
      files.push({ path, title: relative(root, path).slice(-TITLE_MAX), size: info.size });
    } else {
      skipped.push(path);
    }
  };
  for (const given of paths) {
    const path = resolve(given);
    let info: ReturnType<typeof statSync>;
    try {
      info = lstatSync(path);
    } catch {
      throw new UsageError(`${given} does not exist.`);
    }
    if (info.isDirectory()) walk(path, dirname(path));
    else if (info.isFile()) files.push({ path, title: basename(path), size: info.size });
    else throw new UsageError(`${given} is neither a file nor a folder.`);
  }
  const seen = new Set<string>();
  return { files: files.filter((f) => !seen.has(f.path) && seen.add(f.path)), skipped };
}

async function addEvidence(paths: string[], opts: AddOptions): Promise<void> {
  const { files, skipped } = collectFiles(paths);
  for (const path of skipped) console.error(`Skipped ${path}: not a regular file (a link, a device or a socket).`);
  if (files.length === 0) throw new UsageError('There are no files to add.');
  if (opts.handling === 'H3' && !opts.handlingNote) throw new UsageError('H3 needs --handling-note.');
  const progress = progressBar(!opts.json, 'Adding', files.length);
  let result: Result<'evidence.add'>;
  try {
    result = (await runCommand({ dataDir: opts.data }, 'evidence.add', {
      case: opts.case,
      agency: opts.agency,
      files: files.map(({ path, title }) => ({ path, title })),
      fields: {
        handlingCode: opts.handling,
        handlingNote: opts.handlingNote,
        source: opts.source,
        device: opts.device,
        type: opts.type,
        collectedAt: opts.collectedAt,
        collectedWhere: opts.collectedWhere,
        sourceReliability: opts.reliability,
        informationAccuracy: opts.accuracy,
      },
      onProgress: progress.update,
    })) as Result<'evidence.add'>;
  } finally {
    progress.stop();
  }
  if (opts.json) console.log(JSON.stringify(result, null, 2));
  else printAdded(result);
  if (result.failed) process.exitCode = 1;
}

/**
 * A byte-counting bar on a terminal, with the file it is at when `fileCount` is given; nothing when the output goes
 * to a file or a program, or is JSON.
 */
function progressBar(wanted: boolean, verb: string, fileCount?: number) {
  if (!wanted || process.stdout.isTTY !== true) return { update: () => undefined, stop: () => undefined };
  const files = fileCount === undefined ? '' : ' | file {file} of {files}';
  const bar = new SingleBar(
    {
      format: `${verb} {bar} {percentage}% | {done} of {total_size}${files}`,
      stream: process.stdout,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  const names: string[] = [];
  bar.start(1, 0, { done: formatBytes(0), total_size: formatBytes(0), file: 1, files: fileCount });
  return {
    update(done: number, total: number, file?: string): void {
      if (file !== undefined && names.at(-1) !== file) names.push(file);
      bar.setTotal(total);
      bar.update(done, { done: formatBytes(done), total_size: formatBytes(total), file: names.length });
    },
    stop(): void {
      bar.stop();
    },
  };
}

function printAdded(result: Result<'evidence.add'>): void {
  const bytes = result.added.reduce((sum, a) => sum + a.size, 0);
  const count = `${result.added.length} file${result.added.length === 1 ? '' : 's'}`;
  if (result.added.length > 0) {
    console.log(
      `Added ${count} (${formatBytes(bytes)}) to ${result.case.reference}, each with a "collected" custody event.`,
    );
    table(
      ['SHA-256', 'SIZE', 'FILE', 'ITEM'],
      result.added.map((a) => [a.sha256, formatBytes(a.size), a.path, a.id]),
    );
  }
  if (result.failed) {
    console.error(`passage: ${result.failed.path} was not added: ${result.failed.message}`);
    const details = result.failed.details as { errors?: { field: string; reason: string }[] } | null;
    for (const e of details?.errors ?? []) console.error(`  ${e.field}: ${e.reason}`);
    console.error(
      result.added.length > 0
        ? 'The files after it were not added either; the ones listed above were.'
        : 'Nothing was added.',
    );
  }
}

function printList(result: Result<'evidence.list'>): void {
  table(
    ['SHA-256', 'SIZE', 'HANDLING', 'GRADING', 'FILE', 'COPY OF', 'ITEM'],
    result.items.map((i) => [
      i.sha256,
      formatBytes(i.size),
      i.handlingCode,
      `${i.sourceReliability ?? '-'}${i.informationAccuracy ?? '-'}`,
      i.fileName,
      i.parentId ? `${i.transformation} of ${i.parentId}` : '',
      i.id,
    ]),
  );
  console.log(`${result.items.length} item${result.items.length === 1 ? '' : 's'} in ${result.case.reference}.`);
}

function table(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  console.log(line(headers));
  for (const row of rows) console.log(line(row));
}
