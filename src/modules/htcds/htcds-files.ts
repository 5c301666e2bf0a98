import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { AppError } from '../../lib/errors.ts';
import { invalidCharacters, isCleanText } from '../../lib/text-hygiene.ts';
import { fieldDefinition } from '../../shared/case-fields.ts';
import { HTCDS_FIELDS, HTCDS_PREFIXES, type HtcdsField, isMultiSelect } from '../../shared/htcds.ts';

export type CellValue = string | Date | number | boolean;

export interface SheetRow {
  /** 1-based row in the file, as a spreadsheet shows it. */
  rowNumber: number;
  /** A submission's instance id (`meta/instanceID`, `_uuid` or ODK Central's `KEY`) without its `uuid:` prefix. */
  externalId?: string;
  /** Non-empty cells by field name: strings trimmed, xlsx numbers, booleans and dates as they are. */
  fields: Record<string, CellValue>;
}

/** A toolkit column whose visible label names another field than its hidden header (see `applyLabels`). */
export interface RenamedColumn {
  /** Spreadsheet column letter, e.g. `N`. */
  column: string;
  header: string;
  label: string;
  field: string;
}

export interface ReadResult {
  format: 'htcds' | 'xlsform';
  /** Field names read, in column order. */
  columns: string[];
  rows: SheetRow[];
  /** Headers that are neither an HTCDS field, a Passage extension (`psg_`) nor submission metadata: values dropped. */
  unknownColumns: string[];
  renamedColumns: RenamedColumn[];
}

export type SheetErrorId =
  | 'sheet_not_spreadsheet'
  | 'sheet_no_header'
  | 'sheet_duplicate_column'
  | 'sheet_bad_value'
  | 'sheet_is_form';

/** A file that cannot be read as a case sheet, or a value that cannot be written to one. */
export class SheetError extends AppError {
  constructor(id: SheetErrorId, message: string) {
    super(id, 400, message);
    this.name = 'SheetError';
  }
}

const notSpreadsheet = () =>
  new SheetError('sheet_not_spreadsheet', 'The file is not an .xlsx or .csv file. Save it from Excel as .xlsx or CSV.');
const noHeader = (what: string) =>
  new SheetError('sheet_no_header', `The ${what} has no header row with HTCDS field names (such as prs_FirstName).`);

const isForm = () =>
  new SheetError(
    'sheet_is_form',
    'This is an XLSForm: the questions of a survey (such as the HTCDS toolkit form), not its answers. Import the ' +
      'submissions instead: in KoBoToolbox, Data › Downloads (XLS or CSV); in ODK Central, Submissions › Download.',
  );

/** An XLSForm has a `survey` sheet whose header names the columns type, name and label. */
function isXlsForm(workbook: ExcelJS.Workbook): boolean {
  const survey = workbook.getWorksheet('survey');
  if (!survey) return false;
  const header = (survey.getRow(1).values as unknown[]).map((cell) => cellText(cell).toLowerCase());
  return ['type', 'name'].every((name) => header.includes(name));
}

/** Title rows above the header are allowed, but only this many. */
const HEADER_SEARCH_ROWS = 10;
const FIELD_PREFIX = new RegExp(`\\b(${[...HTCDS_PREFIXES, 'psg_'].join('|')})\\w`);

// Submission metadata that KoBoToolbox and ODK add. Names starting with `_` and the `meta/` and `formhub/` groups
// are metadata too. Ids come first in the order they are preferred.
const EXTERNAL_IDS = ['meta/instanceID', 'meta-instanceID', 'instanceID', '_uuid', 'KEY'];
const METADATA = new Set([
  ...['start', 'end', 'today', 'deviceid', 'username', 'simserial', 'subscriberid', 'phonenumber', 'audit'],
  // ODK Central's CSV export
  ...['SubmissionDate', 'SubmitterID', 'SubmitterName', 'AttachmentsPresent', 'AttachmentsExpected', 'Status'],
  ...['ReviewState', 'DeviceID', 'Edits', 'FormVersion'],
]);

// XLSForm names may spell a field with extra underscores (the toolkit's form has `prs_First_Name` and
// `vic_Methods_of_Control`), so fields are also found by prefix plus name without underscores, ignoring case.
const fieldKey = (name: string) => name.slice(0, 4).toLowerCase() + name.slice(4).replaceAll('_', '').toLowerCase();
const fieldsByKey = new Map(HTCDS_FIELDS.map((field) => [fieldKey(field.name), field.name]));

const labelKey = (label: string) => label.replace(/\s+/g, ' ').trim().toLowerCase();
const fieldsByLabel = new Map<string, HtcdsField[]>();
for (const field of HTCDS_FIELDS) {
  const key = labelKey(field.label);
  fieldsByLabel.set(key, [...(fieldsByLabel.get(key) ?? []), field]);
}

// Fields whose XLSForm answers are space-separated choice names: HTCDS's multi-selects, and the toolkit form's
// `select_multiple forcedlabourindustry`, which HTCDS itself lists as a single picklist.
const MULTI_SELECT = new Set([
  ...HTCDS_FIELDS.filter(isMultiSelect).map((field) => field.name),
  'vic_ForcedLabourIndustry',
]);

/** The field a header names, if it names one. Any `psg_` name is kept: case-fields.ts knows which exist. */
function fieldName(text: string): string | undefined {
  if (/^psg_\w+$/.test(text)) return text;
  return /^[A-Za-z]{3}_/.test(text) ? fieldsByKey.get(fieldKey(text)) : undefined;
}

type Column =
  | { kind: 'field'; field: string }
  /** KoBoToolbox's extra column per choice of a multi-select (`vic_TypeOfExploitation/ForcedLabour`), 1 or 0. */
  | { kind: 'choice'; field: string; choice: string }
  | { kind: 'externalId'; rank: number }
  | { kind: 'metadata' }
  | { kind: 'unknown' }
  | { kind: 'blank' };

function classify(header: string): Column {
  if (header === '') return { kind: 'blank' };
  const rank = EXTERNAL_IDS.indexOf(header);
  if (rank >= 0) return { kind: 'externalId', rank };
  const path = header.split(/[/-]/);
  const first = path[0] ?? '';
  if (first.startsWith('_') || first === 'meta' || first === 'formhub' || METADATA.has(header)) {
    return { kind: 'metadata' };
  }
  // The group path is whatever comes before the last part that names a field.
  for (let index = path.length - 1; index >= 0; index--) {
    const field = fieldName(path[index] ?? '');
    if (!field) continue;
    if (index === path.length - 1) return { kind: 'field', field };
    const choice = path[index + 1];
    if (index === path.length - 2 && choice && MULTI_SELECT.has(field)) return { kind: 'choice', field, choice };
    break;
  }
  return { kind: 'unknown' };
}

/** The header's columns when the row is mostly field names (or submission metadata), else undefined. */
function headerColumns(texts: string[]): Column[] | undefined {
  const columns = texts.map(classify);
  const filled = columns.filter((column) => column.kind !== 'blank').length;
  const fields = columns.filter((column) => column.kind === 'field' || column.kind === 'choice').length;
  const unknown = columns.filter((column) => column.kind === 'unknown').length;
  return fields > 0 && unknown * 2 < filled ? columns : undefined;
}

function labelOf(column: Column | undefined): string | undefined {
  return column?.kind === 'field' ? fieldDefinition(column.field)?.label : undefined;
}

/** A row right below the header is a row of labels when most of its cells are field labels. */
function isLabelRow(texts: string[], columns: Column[]): boolean {
  let filled = 0;
  let labels = 0;
  texts.forEach((text, index) => {
    if (text === '') return;
    filled++;
    const own = labelOf(columns[index]);
    if (fieldsByLabel.has(labelKey(text)) || (own !== undefined && labelKey(own) === labelKey(text))) labels++;
  });
  return labels > 0 && labels * 2 >= filled;
}

/**
 * People type under the visible label, not the hidden field name, and the two disagree in the toolkit's own template
 * (its Mailing columns are named City, Country, State, Street, PostalCode but labelled Street, City, State, Postal
 * Code, Country; one name is misspelt, one is missing). Where a label is the standard label of exactly one other
 * field, that field is read, and the caller is told.
 */
function applyLabels(columns: Column[], headers: string[], labels: string[], renamed: RenamedColumn[]): Column[] {
  return columns.map((column, index) => {
    const label = labels[index] ?? '';
    const header = headers[index] ?? '';
    if (label === '' || !['field', 'unknown', 'blank'].includes(column.kind)) return column;
    const own = labelOf(column);
    if (own !== undefined && labelKey(own) === labelKey(label)) return column;
    let candidates = fieldsByLabel.get(labelKey(label)) ?? [];
    // Some labels (`Latitude`, `Type`) belong to several fields: the header's prefix picks one.
    if (candidates.length > 1) candidates = candidates.filter((field) => header.startsWith(field.prefix));
    const field = candidates.length === 1 ? candidates[0] : undefined;
    if (!field) return column;
    renamed.push({ column: columnLetter(index), header, label, field: field.name });
    return { kind: 'field', field: field.name };
  });
}

function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

// CSV cells that Excel would run as a formula were written behind an apostrophe (htcds-sheet-writer.ts): reading
// takes it off again.
const unguardFormula = (text: string) => (/^'[=+\-@\t\r']/.test(text) ? text.slice(1) : text);

/** One cell as exceljs or csv-parse gives it, reduced to a value; undefined when empty. */
function cellValue(raw: unknown, fromCsv: boolean): CellValue | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text === '') return undefined;
    return fromCsv ? unguardFormula(text) : text;
  }
  if (typeof raw === 'number' || typeof raw === 'boolean') return raw;
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? undefined : raw;
  if (typeof raw === 'object') {
    if ('richText' in raw && Array.isArray(raw.richText)) {
      return cellValue(raw.richText.map((part: { text?: unknown }) => String(part.text ?? '')).join(''), false);
    }
    if ('formula' in raw || 'sharedFormula' in raw) return 'result' in raw ? cellValue(raw.result, false) : undefined;
    if ('text' in raw) return cellValue(raw.text, false);
    if ('error' in raw) return String(raw.error);
  }
  return undefined;
}

const cellText = (raw: unknown): string => {
  const value = cellValue(raw, false);
  return value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
};

const isTicked = (value: CellValue) => value === true || value === 1 || value === '1' || value === 'true';

/** Turns the rows of one sheet, in order, into a ReadResult: finds the header and label rows, then reads data. */
class SheetParser {
  private readonly fromCsv: boolean;
  private header?: { texts: string[]; columns: Column[] };
  private columns?: Column[];
  private format: ReadResult['format'] = 'htcds';
  /** Multi-selects that have only per-choice columns, rebuilt from those. */
  private fromChoices = new Set<string>();
  private readonly rows: SheetRow[] = [];
  private readonly renamed: RenamedColumn[] = [];

  constructor(fromCsv: boolean) {
    this.fromCsv = fromCsv;
  }

  add(rowNumber: number, cells: readonly unknown[]): void {
    // The input rule (src/lib/text-hygiene.ts) for every cell, header rows included, before anything is imported.
    for (let index = 0; index < cells.length; index++) {
      const value = cellValue(cells[index], this.fromCsv);
      if (typeof value === 'string' && !isCleanText(value)) {
        throw invalidCharacters({ in: 'file', path: `row ${rowNumber}, column ${columnLetter(index)}` });
      }
    }
    if (this.columns) {
      this.addData(rowNumber, cells);
      return;
    }
    const texts = Array.from(cells, (cell) => cellText(cell));
    if (texts.every((text) => text === '')) return;
    if (!this.header) {
      const columns = rowNumber <= HEADER_SEARCH_ROWS ? headerColumns(texts) : undefined;
      if (columns) this.header = { texts, columns };
      return;
    }
    if (isLabelRow(texts, this.header.columns)) {
      this.settleColumns(texts);
    } else {
      this.settleColumns([]);
      this.addData(rowNumber, cells);
    }
  }

  /** The sheet's contents, or undefined when it has no header row. */
  result(): ReadResult | undefined {
    if (!this.header) return undefined;
    const columns = this.columns ?? this.settleColumns([]);
    const headers = this.header.texts;
    const fields = columns.flatMap((column) =>
      column.kind === 'field' || (column.kind === 'choice' && this.fromChoices.has(column.field)) ? [column.field] : [],
    );
    return {
      format: this.format,
      columns: [...new Set(fields)],
      rows: this.rows,
      unknownColumns: headers.filter((_, index) => columns[index]?.kind === 'unknown'),
      renamedColumns: this.renamed,
    };
  }

  private settleColumns(labels: string[]): Column[] {
    const header = this.header as { texts: string[]; columns: Column[] };
    const columns = applyLabels(header.columns, header.texts, labels, this.renamed);
    const seen = new Map<string, number>();
    columns.forEach((column, index) => {
      if (column.kind !== 'field') return;
      const earlier = seen.get(column.field);
      if (earlier !== undefined) {
        const where = `${columnLetter(earlier)} and ${columnLetter(index)}`;
        throw new SheetError('sheet_duplicate_column', `Columns ${where} are both ${column.field}: keep one of them.`);
      }
      seen.set(column.field, index);
    });
    for (const column of columns) {
      if (column.kind === 'choice' && !seen.has(column.field)) this.fromChoices.add(column.field);
    }
    const fromForm = (column: Column, index: number) =>
      ['metadata', 'externalId', 'choice'].includes(column.kind) ||
      (column.kind === 'field' && /[/-]/.test(header.texts[index] ?? ''));
    if (columns.some(fromForm)) this.format = 'xlsform';
    this.columns = columns;
    return columns;
  }

  private addData(rowNumber: number, cells: readonly unknown[]): void {
    const fields: Record<string, CellValue> = {};
    let externalId: string | undefined;
    let idRank = Number.POSITIVE_INFINITY;
    (this.columns ?? []).forEach((column, index) => {
      const value = cellValue(cells[index], this.fromCsv);
      if (value === undefined) return;
      if (column.kind === 'field') {
        const spaced = this.format === 'xlsform' && MULTI_SELECT.has(column.field) && typeof value === 'string';
        fields[column.field] = spaced ? value.split(/[\s;]+/).join(';') : value;
      } else if (column.kind === 'choice' && this.fromChoices.has(column.field) && isTicked(value)) {
        const before = fields[column.field];
        fields[column.field] = before === undefined ? column.choice : `${before};${column.choice}`;
      } else if (column.kind === 'externalId' && column.rank < idRank) {
        externalId = String(value).replace(/^uuid:/, '');
        idRank = column.rank;
      }
    });
    // Rows with nothing to import (the template numbers 1000 empty rows in its unnamed first column) are skipped.
    if (Object.keys(fields).length === 0) return;
    this.rows.push(externalId === undefined ? { rowNumber, fields } : { rowNumber, externalId, fields });
  }
}

type Progress = (done: number, total: number) => void;

/**
 * Reads a case sheet: .xlsx or .csv (UTF-8, UTF-16 with BOM, or Windows-1252 as older Excel saves it), told apart
 * by content. `onProgress` reports rows of the sheet (xlsx, once the workbook is loaded) or characters (csv) done so
 * far, for a progress bar.
 */
export async function readCaseSheet(path: string, onProgress?: Progress): Promise<ReadResult> {
  const bytes = await readFile(path);
  if (bytes.subarray(0, 4).toString('latin1') === 'PK\x03\x04') return readXlsx(bytes, onProgress);
  if (bytes.subarray(0, 4).toString('hex') === 'd0cf11e0') {
    throw new SheetError('sheet_not_spreadsheet', 'This is an old Excel .xls file. Save it from Excel as .xlsx.');
  }
  return readCsv(decode(bytes), onProgress);
}

async function readXlsx(bytes: Buffer, onProgress?: Progress): Promise<ReadResult> {
  // The whole workbook is loaded in memory: exceljs's streaming reader would copy sheets holding personal data to
  // the system's temporary directory (whenever a sheet comes before the shared strings in the zip, as in the
  // toolkit's template) and leave them there when reading stops early.
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.read(Readable.from([bytes]));
  } catch {
    throw notSpreadsheet();
  }
  // The first sheet with a header row holds the cases (KoBoToolbox puts repeat groups in later sheets).
  for (const worksheet of workbook.worksheets) {
    const sheet = new SheetParser(false);
    worksheet.eachRow((row, rowNumber) => {
      sheet.add(rowNumber, (row.values as unknown[]).slice(1));
      onProgress?.(rowNumber, worksheet.rowCount);
    });
    const result = sheet.result();
    if (result) return result;
  }
  if (isXlsForm(workbook)) throw isForm();
  throw noHeader('workbook');
}

async function readCsv(text: string, onProgress?: Progress): Promise<ReadResult> {
  const parser = parse({
    delimiter: guessDelimiter(text),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
  });
  Readable.from(slices(text, onProgress)).pipe(parser);
  const sheet = new SheetParser(true);
  let rowNumber = 0;
  try {
    for await (const record of parser) sheet.add(++rowNumber, record as string[]);
  } catch (error) {
    if (error instanceof CsvError) {
      throw new SheetError(
        'sheet_not_spreadsheet',
        `The CSV file cannot be read after row ${rowNumber}: ${error.code}.`,
      );
    }
    throw error;
  }
  const result = sheet.result();
  if (!result) throw noHeader('CSV file');
  return result;
}

function* slices(text: string, onProgress?: Progress): Generator<string> {
  const size = 64 * 1024;
  for (let start = 0; start < text.length; start += size) {
    yield text.slice(start, start + size);
    onProgress?.(Math.min(start + size, text.length), text.length);
  }
}

/** Text as Excel and survey tools save CSV; anything with control characters is not a CSV file. */
function decode(bytes: Buffer): string {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes);
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes);
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = new TextDecoder('windows-1252').decode(bytes);
    }
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text.slice(0, 64 * 1024))) throw notSpreadsheet();
  return text;
}

/**
 * Excel saves CSV with `;` where the decimal separator is a comma, KoBoToolbox offers both, "Unicode text" uses tabs.
 * The header line tells, as field names hold none of them.
 */
function guessDelimiter(text: string): string {
  const lines = text.split('\n', HEADER_SEARCH_ROWS);
  const header = lines.find((line) => FIELD_PREFIX.test(line)) ?? lines[0] ?? '';
  const count = (delimiter: string) => header.split(delimiter).length;
  return [';', '\t'].reduce((best, delimiter) => (count(delimiter) > count(best) ? delimiter : best), ',');
}
