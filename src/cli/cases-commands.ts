/**
 * `passage htcds import|export` and `passage case list|show`: cases in and out as HTCDS spreadsheets, and read for
 * scripting. The commands run as the console operator, on the database or through the running node (console.ts).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import type { operations } from '../app/operations.ts';
import { AppError } from '../lib/errors.ts';
import type { RowError } from '../modules/htcds/index.ts';
import type { FieldMap } from '../shared/case-fields.ts';
import { STAGES } from '../shared/lifecycle.ts';
import { PURPOSES } from '../shared/policy.ts';
import { runCommand } from './console.ts';
import { phasedProgressBar } from './output.ts';

type Result<N extends keyof typeof operations> = Awaited<ReturnType<(typeof operations)[N]>>;
type ImportResult = Result<'htcds.import'>;
type CaseDetail = Result<'case.show'>;
type Phase = 'reading' | 'importing' | 'writing';

/** A malformed file, a missing one or a wrong argument: exit status 2, as for invalid settings. */
const USAGE_EXIT = 2;
const FILE_ERROR_IDS = [
  'sheet_not_spreadsheet',
  'sheet_no_header',
  'sheet_duplicate_column',
  'sheet_is_form',
  'file_unreadable',
];

class UsageError extends Error {}

export function registerCaseCommands(program: Command, dataOption: () => Option): void {
  const purposeOption = (description: string) => new Option('--purpose <purpose>', description).choices(PURPOSES);
  const htcds = program.command('htcds').description('cases in and out as HTCDS 2.0 toolkit spreadsheets');

  htcds
    .command('import')
    .description(
      'import cases from an HTCDS toolkit spreadsheet or a KoBoToolbox/ODK export (.xlsx or .csv): all rows or none, ' +
        'or with --partial the valid rows',
    )
    .argument('<file>', 'the .xlsx or .csv file')
    .requiredOption('--agency <agency>', 'id or exact name of the agency the cases belong to')
    .option('--partial', 'import the valid rows and write the rejected ones to the rejects file')
    .option('--rejects <file>', 'where to write rejected rows (row, column, reason) (default: <file>.rejects.csv)')
    .option(
      '--rejected <file>',
      'write the rejected rows themselves (.xlsx or .csv: the same columns and a last column saying why) to fix and ' +
        'import again; rows already imported are skipped',
    )
    .option('--json', 'print the result as JSON')
    .addOption(dataOption())
    .action((file: string, opts: ImportOptions) => handled(() => importCases(file, opts)));

  htcds
    .command('export')
    .description("write an agency's cases as an HTCDS toolkit spreadsheet; identity fields only with --purpose")
    .requiredOption('--agency <agency>', 'id or exact name of the agency')
    .requiredOption('--out <file>', 'the file to write: .xlsx or .csv')
    .addOption(purposeOption('include identity fields, for this purpose; each survivor gets a disclosure record'))
    .option('--force', 'replace the file if it exists')
    .option('--json', 'print the result as JSON')
    .addOption(dataOption())
    .action((opts: ExportOptions) => handled(() => exportCases(opts)));

  const cases = program.command('case').description('read cases (pseudonymous unless a purpose is given)');
  cases
    .command('list')
    .description('list cases, newest first, with pseudonymous references')
    .option('--agency <agency>', 'only the cases of this agency (id or exact name)')
    .addOption(new Option('--stage <stage>', 'only cases in this stage').choices(STAGES))
    .option('--json', 'print {total, cases} as JSON')
    .addOption(dataOption())
    .action(async (opts: { agency?: string; stage?: string; json?: boolean; data?: string }) => {
      const result = (await runCommand({ dataDir: opts.data }, 'case.list', {
        agency: opts.agency,
        stage: opts.stage,
      })) as Result<'case.list'>;
      if (opts.json) printJson({ total: result.total, cases: result.cases });
      else printCaseList(result);
    });
  cases
    .command('void')
    .description('void a case created in error: it leaves lists, search and statistics; the audit trail keeps it')
    .requiredOption('--case <case>', 'case id or reference (e.g. IT-2024-000001)')
    .requiredOption('--reason <reason>', 'why the case was created in error (kept, sealed, in its history)')
    .addOption(dataOption())
    .action(async (opts: { case: string; reason: string; data?: string }) => {
      const found = (await runCommand({ dataDir: opts.data }, 'case.void', {
        case: opts.case,
        reason: opts.reason,
      })) as Result<'case.void'>;
      console.log(`Voided case ${found.reference}: it no longer appears in lists; the audit trail keeps it.`);
    });
  cases
    .command('show')
    .description("show one case; with --purpose also the survivor's identity, which records a disclosure")
    .argument('<case>', 'case id or reference (e.g. IT-2024-000001)')
    .addOption(purposeOption("reveal the survivor's identity, for this purpose"))
    .option('--json', 'print {case, identity} as JSON')
    .addOption(dataOption())
    .action(async (which: string, opts: { purpose?: string; json?: boolean; data?: string }) => {
      const result = (await runCommand({ dataDir: opts.data }, 'case.show', {
        case: which,
        purpose: opts.purpose as (typeof PURPOSES)[number] | undefined,
      })) as CaseDetail;
      if (opts.json) printJson({ case: result.case, identity: result.identity });
      else printCase(result);
    });
}

/** Runs a command; a usage or file error is printed and exits with status 2, anything else goes to main.ts. */
async function handled(command: () => Promise<void>): Promise<void> {
  try {
    await command();
  } catch (error) {
    const isFileError = error instanceof AppError && FILE_ERROR_IDS.includes(error.id);
    if (!(error instanceof UsageError) && !isFileError) throw error;
    console.error(`passage: ${error.message}`);
    process.exitCode = USAGE_EXIT;
  }
}

interface ImportOptions {
  agency: string;
  partial?: boolean;
  rejects?: string;
  rejected?: string;
  json?: boolean;
  data?: string;
}

async function importCases(file: string, opts: ImportOptions): Promise<void> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`${file} is not a file.`);
  const rejectedFormat = opts.rejected ? extname(opts.rejected).toLowerCase().slice(1) : null;
  if (rejectedFormat !== null && rejectedFormat !== 'xlsx' && rejectedFormat !== 'csv') {
    throw new UsageError(`${opts.rejected} must end in .xlsx or .csv.`);
  }
  const progress = progressBar(!opts.json);
  let result: ImportResult;
  try {
    result = (await runCommand({ dataDir: opts.data }, 'htcds.import', {
      file: path,
      agency: opts.agency,
      partial: opts.partial === true,
      onProgress: progress.update,
    })) as ImportResult;
  } finally {
    progress.stop();
  }
  // Rejects are written with --partial, or without it when a file for them is named.
  const rejectsFile =
    result.rejected.length > 0 && (opts.partial || opts.rejects) ? (opts.rejects ?? `${file}.rejects.csv`) : null;
  if (rejectsFile) await writePrivately(rejectsFile, ['row', 'column', 'reason'], result.rejected, 'csv');
  // The rows themselves come from the file as this process reads it: the node's answer never carries values.
  const rejectedFile = result.rejected.length > 0 && opts.rejected ? opts.rejected : null;
  if (rejectedFile) {
    const { readCaseSheet, rejectedRowsSheet } = await import('../modules/htcds/index.ts');
    const sheet = rejectedRowsSheet(await readCaseSheet(path), result.rejected);
    await writePrivately(rejectedFile, sheet.columns, sheet.rows, rejectedFormat as 'xlsx' | 'csv');
  }
  if (opts.json) printJson({ ...result, rejectsFile, rejectedFile });
  else printImport(file, result, rejectsFile, rejectedFile);
  // A file imported again, whose rows all went in before, is not a failure.
  const nothingNew = result.imported === 0 && result.alreadyImported.length === 0;
  if (!result.committed || nothingNew) process.exitCode = 1;
}

interface ExportOptions {
  agency: string;
  out: string;
  purpose?: string;
  force?: boolean;
  json?: boolean;
  data?: string;
}

async function exportCases(opts: ExportOptions): Promise<void> {
  const format = extname(opts.out).toLowerCase().slice(1);
  if (format !== 'xlsx' && format !== 'csv') throw new UsageError(`${opts.out} must end in .xlsx or .csv.`);
  const out = resolve(opts.out);
  if (!existsSync(dirname(out))) throw new UsageError(`The folder of ${opts.out} does not exist.`);
  if (existsSync(out) && !opts.force) throw new UsageError(`${opts.out} exists. Give --force to replace it.`);
  const result = (await runCommand({ dataDir: opts.data }, 'htcds.export', {
    agency: opts.agency,
    purpose: opts.purpose as (typeof PURPOSES)[number] | undefined,
  })) as Result<'htcds.export'>;
  const progress = progressBar(!opts.json);
  let written: number;
  try {
    written = await writePrivately(out, result.columns, counted(result.rows, progress.update), format);
  } finally {
    progress.stop();
  }
  const summary = {
    file: opts.out,
    agency: result.agency,
    cases: written,
    columns: result.columns.length,
    purpose: result.purpose,
  };
  if (opts.json) {
    printJson(summary);
    return;
  }
  console.log(`Exported ${plural(written, 'case')} of ${result.agency.name} to ${opts.out}.`);
  console.log(
    result.purpose
      ? `Identity fields are included for the purpose "${result.purpose}"; each survivor's disclosure log records it.`
      : 'Identity fields are left out. Give --purpose to include them.',
  );
}

function* counted<T>(rows: readonly T[], update: (phase: Phase, done: number, total: number) => void): Generator<T> {
  for (const [i, row] of rows.entries()) {
    yield row;
    update('writing', i + 1, rows.length);
  }
}

/** Files with case data are readable by their owner only, from the moment they exist. */
async function writePrivately(
  path: string,
  columns: string[],
  rows: Iterable<object>,
  format: 'xlsx' | 'csv',
): Promise<number> {
  const { writeCaseSheet } = await import('../modules/htcds/index.ts');
  const previous = process.umask(0o077);
  try {
    return await writeCaseSheet(path, columns, rows as Iterable<Record<string, unknown>>, format);
  } finally {
    process.umask(previous);
  }
}

const PHASE_LABELS: Record<Phase, string> = {
  reading: 'Reading   {bar} {percentage}%',
  importing: 'Importing {bar} {percentage}% | {value}/{total} cases',
  writing: 'Writing   {bar} {percentage}% | {value}/{total} cases',
};

/** A bar per phase on a terminal; nothing when the output goes to a file or a program, or is JSON. */
function progressBar(wanted: boolean) {
  return phasedProgressBar<Phase>(wanted, (phase) => PHASE_LABELS[phase]);
}

function printImport(
  file: string,
  result: ImportResult,
  rejectsFile: string | null,
  rejectedFile: string | null,
): void {
  const layout = result.format === 'xlsform' ? 'KoBoToolbox/ODK submissions' : 'HTCDS toolkit layout';
  console.log(`Read ${plural(result.rows, 'row')} from ${file} (${layout}).`);
  for (const column of result.unknownColumns) {
    console.error(`Warning: column "${column}" is not an HTCDS field; its values were not imported.`);
  }
  for (const r of result.renamedColumns) {
    console.error(
      `Warning: column ${r.column} is named ${r.header} but labelled "${r.label}"; it was read as ${r.field}.`,
    );
  }
  if (!result.committed) {
    console.error(`passage: ${result.message}`);
    printRejected(result.rejected, console.error);
    if (!rejectsFile) console.error('Give --partial to import the valid rows and write the rejected ones to a file.');
    else console.error(`The rejected rows are listed in ${rejectsFile}.`);
    if (rejectedFile) console.error(`The rejected rows, to fix and import again, are in ${rejectedFile}.`);
    return;
  }
  const refs = result.references;
  const range = refs.length > 2 ? `${refs[0]} … ${refs.at(-1)}` : refs.join(', ');
  console.log(`Imported ${plural(result.imported, 'case')} into ${result.agency.name}${range ? `: ${range}` : ''}.`);
  if (result.rejected.length > 0) {
    console.log(`Rejected ${plural(new Set(result.rejected.map((r) => r.row)).size, 'row')}:`);
    printRejected(result.rejected, console.log);
    if (rejectsFile) console.log(`The rejected rows are listed in ${rejectsFile}.`);
    if (rejectedFile) console.log(`The rejected rows, to fix and import again, are in ${rejectedFile}.`);
  }
  const again = result.alreadyImported.length;
  if (again > 0) console.log(`Skipped ${plural(again, 'row')} imported before (the same row is never imported twice).`);
}

/** Row, column and reason of each problem; never the value, which may be personal data. */
function printRejected(rejected: readonly RowError[], print: (line: string) => void): void {
  for (const r of rejected) print(`  row ${r.row}, ${r.column}: ${r.reason}`);
}

function printCaseList(result: Result<'case.list'>): void {
  table(
    ['REFERENCE', 'STAGE', 'SINCE', 'REPORTED', 'TRAFFICKING STATUS', 'AGENCY', 'ID'],
    result.cases.map((c) => [
      c.reference,
      c.erased ? `${c.stage} (identity erased)` : c.stage,
      c.stageSince.slice(0, 10),
      c.reportedAt,
      c.traffickingStatus ?? '',
      result.agencyNames[c.agencyId] ?? c.agencyId,
      c.id,
    ]),
  );
  console.log(`${plural(result.total, 'case')}.`);
}

function printCase({ case: c, agencyName, identity }: CaseDetail): void {
  const rows: [string, string][] = [
    ['Case', `${c.reference} (id ${c.id})`],
    ['Agency', agencyName ?? c.agencyId],
    ['Stage', `${c.stage} since ${c.stageSince.slice(0, 10)} (HTCDS status ${c.status})`],
    ['Reported', c.reportedAt],
  ];
  if (c.closureRequest) rows.push(['Closure', `requested: ${c.closureRequest.reason}`]);
  table(['', ''], rows, false);
  section('Survivor', c.survivor.attributes);
  if (c.survivor.erased) console.log("\nIdentity: erased at the survivor's request.");
  else if (identity) section(`Identity (disclosed for the purpose "${identity.purpose}", recorded)`, identity.fields);
  else if (c.survivor.identityFields.length > 0) {
    console.log(`\nIdentity on record: ${c.survivor.identityFields.join(', ')}. Give --purpose to see it.`);
  }
  section('Victim', c.victim);
  section('Case', c.details);
  for (const [i, m] of c.movements.entries()) section(`Movement ${i + 1}`, m.fields);
  for (const [i, p] of c.perpetrators.entries()) section(`Perpetrator ${i + 1}`, p.fields);
}

function section(title: string, fields: FieldMap): void {
  const entries = Object.entries(fields);
  if (entries.length === 0) return;
  console.log(`\n${title}:`);
  table(
    ['', ''],
    entries.map(([name, value]) => [`  ${name}`, Array.isArray(value) ? value.join('; ') : String(value)]),
    false,
  );
}

/** Rows as aligned columns, with or without the header line. */
function table(headers: string[], rows: string[][], withHeader = true): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  if (withHeader) console.log(line(headers));
  for (const row of rows) console.log(line(row));
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
