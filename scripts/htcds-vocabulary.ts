// Derived from the Human Trafficking Case Data Standard 2.0 by IOM, CC BY 4.0
// (https://github.com/UNMigration/HTCDS). Use is consistent with IOM's mandate and implies no endorsement by IOM.
//
// Reads the standard's Field_Standards sheet (as CSV) and writes src/shared/htcds-fields.json, the vocabulary
// that case records are validated against.
//   node_modules/.bin/node scripts/htcds-vocabulary.ts [path-to-csv]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HtcdsField } from '../src/shared/htcds.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_CSV = resolve(repoRoot, 'vendor/htcds/htcds-field-standards-2.0.csv');
export const OUTPUT = resolve(repoRoot, 'src/shared/htcds-fields.json');

/** RFC 4180: fields separated by commas, records by CRLF (LF and CR accepted too), quotes doubled inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (quoted) throw new Error('CSV ends inside a quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const lines = (cell: string): string[] =>
  cell
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** A cell such as "[Use ISO 3166 country codes standard]" names an external code list instead of listing values. */
function standardIn(cell: string): string | undefined {
  return /^\[?Use (ISO \d+(?:-\d+)?) /i.exec(cell)?.[1];
}

// Section headings span lines in the sheet ("Person -\nVictim Context").
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

export function deriveFields(csv: string): HtcdsField[] {
  const [header, ...records] = parseCsv(csv.replace(/^\uFEFF/, ''));
  if (!header) throw new Error('The CSV is empty');
  const column = (title: string): number => {
    const index = header.findIndex((cell) => cell.trim().startsWith(title));
    if (index < 0) throw new Error(`The CSV has no column "${title}"`);
    return index;
  };
  const col = {
    section: column('Section'),
    status: column('Status'),
    core: column('Core'),
    prefix: column('Field Name Prefix'),
    fullName: column('Field Name including Prefix'),
    label: column('Field Label'),
    type: column('Field Type'),
    valueNames: column('Value Names'),
    valueLabels: column('Value Labels'),
  };
  const fields: HtcdsField[] = [];
  let section = '';
  for (const record of records) {
    const cell = (index: number): string => (record[index] ?? '').trim();
    const name = cell(col.fullName);
    if (cell(col.section)) section = oneLine(cell(col.section));
    // Besides headings, the sheet holds "EXAMPLE QUESTION" rows named N/A under Assessment and Planning: not fields.
    if (!name || name === 'N/A') continue;
    const field: HtcdsField = {
      name,
      prefix: cell(col.prefix),
      section,
      status: cell(col.status),
      label: cell(col.label),
      type: cell(col.type),
      core: cell(col.core).toLowerCase() === 'core',
    };
    const names = lines(cell(col.valueNames));
    const labels = lines(cell(col.valueLabels));
    const valueStandard = standardIn(cell(col.valueNames)) ?? standardIn(cell(col.valueLabels));
    if (valueStandard) field.valueStandard = valueStandard;
    else if (names.length > 0) {
      if (labels.length !== names.length) {
        throw new Error(`${name}: ${names.length} value names but ${labels.length} value labels`);
      }
      field.values = names.map((valueName, i) => ({ name: valueName, label: labels[i] ?? valueName }));
    }
    fields.push(field);
  }
  return fields;
}

export const serialise = (fields: HtcdsField[]): string => `${JSON.stringify(fields, null, 2)}\n`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const source = resolve(process.argv[2] ?? DEFAULT_CSV);
  const fields = deriveFields(readFileSync(source, 'utf8'));
  writeFileSync(OUTPUT, serialise(fields));
  const values = fields.reduce((sum, field) => sum + (field.values?.length ?? 0), 0);
  console.log(`Wrote ${fields.length} fields and ${values} picklist values to ${OUTPUT}`);
}
