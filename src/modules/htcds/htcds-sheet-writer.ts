/**
 * Writing case rows as a spreadsheet in the HTCDS 2.0 toolkit layout (xlsx) or as CSV; reading is htcds-files.ts.
 */
import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { fieldDefinition } from '../../shared/case-fields.ts';
import { SheetError } from './htcds-files.ts';

// Cells that Excel would run as a formula are written to CSV behind an apostrophe (CSV injection); `'` itself is
// escaped the same way so that reading reverses it exactly. Phone numbers (`+39 06 …`) are left alone.
const FORMULA_START = /^[=+\-@\t\r']/;
const PLAIN_NUMBER = /^[+-][\d\s().-]*$/;
const guardFormula = (text: string) => (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text);

type Written = string | number | boolean | null;

/**
 * The column a file of rejected rows adds, saying why each row was not imported. Its name starts with `_`, which
 * readers take as survey metadata (htcds-files.ts), so the fixed file imports without a warning about it.
 */
export const ERROR_COLUMN = '_import_error';
const EXTRA_LABELS: Record<string, string> = {
  [ERROR_COLUMN]: 'Why the row was not imported (fix, then import again)',
};

/** A value as a cell holds it: lists joined with `;`, dates as YYYY-MM-DD. */
function writtenValue(column: string, value: unknown): Written {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (Array.isArray(value)) return value.map((part) => String(writtenValue(column, part) ?? '')).join(';');
  throw new SheetError('sheet_bad_value', `${column} holds a value that is not text, a number, a date or a list.`);
}

function csvCell(column: string, value: unknown): string {
  const written = writtenValue(column, value);
  return typeof written === 'string' ? guardFormula(written) : written === null ? '' : String(written);
}

type RowSource = AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>;

/**
 * Writes case rows under a header row of field names (xlsx: hidden, as in the toolkit, with a row of English labels
 * below). Returns the number of rows written. The file appears only when complete: it is written beside its final
 * path and renamed, and removed if anything fails.
 */
export async function writeCaseSheet(
  path: string,
  columns: string[],
  rows: RowSource,
  format: 'xlsx' | 'csv',
): Promise<number> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  const output = (await open(temporary, 'wx')).createWriteStream();
  try {
    const written = format === 'xlsx' ? await writeXlsx(output, columns, rows) : await writeCsv(output, columns, rows);
    await rename(temporary, path);
    return written;
  } catch (error) {
    output.destroy();
    await finished(output).catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}

async function writeXlsx(output: Writable, columns: string[], rows: RowSource): Promise<number> {
  // exceljs listens for the file's errors only once it commits: watch them from the start so that none is missed.
  const saved = finished(output);
  saved.catch(() => undefined);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true });
  const sheet = workbook.addWorksheet('Cases', { views: [{ state: 'frozen', ySplit: 2 }] });
  const names = sheet.addRow(columns);
  names.hidden = true;
  names.commit();
  const labels = sheet.addRow(columns.map((column) => fieldDefinition(column)?.label ?? EXTRA_LABELS[column] ?? ''));
  labels.font = { bold: true };
  labels.commit();
  let written = 0;
  for await (const row of rows) {
    sheet.addRow(columns.map((column) => writtenValue(column, row[column]))).commit();
    written++;
  }
  sheet.commit();
  await Promise.all([workbook.commit(), saved]);
  return written;
}

async function writeCsv(output: Writable, columns: string[], rows: RowSource): Promise<number> {
  let written = 0;
  async function* records() {
    yield columns;
    for await (const row of rows) {
      yield columns.map((column) => csvCell(column, row[column]));
      written++;
    }
  }
  // The BOM tells Excel the file is UTF-8.
  await pipeline(Readable.from(records()), stringify({ bom: true }), output);
  return written;
}
