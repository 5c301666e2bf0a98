/**
 * The rejected rows of an import as a spreadsheet to fix and import again: the columns the file was read with, the
 * rows that were refused with their values as they were read, and a last column that says why. Rows that went in are
 * left out; importing the whole original file again would skip them anyway (see rowKey in htcds-values.ts).
 */
import type { FieldMap } from '../../shared/case-fields.ts';
import type { RowError } from './htcds.service.ts';
import type { ReadResult } from './htcds-files.ts';
import { ERROR_COLUMN } from './htcds-sheet-writer.ts';

export function rejectedRowsSheet(
  sheet: Pick<ReadResult, 'columns' | 'rows'>,
  rejected: readonly RowError[],
): { columns: string[]; rows: FieldMap[] } {
  const reasons = new Map<number, string[]>();
  for (const r of rejected) reasons.set(r.row, [...(reasons.get(r.row) ?? []), `${r.column}: ${r.reason}`]);
  const rows: FieldMap[] = [];
  for (const row of sheet.rows) {
    const why = reasons.get(row.rowNumber);
    if (!why) continue;
    const values: FieldMap = {};
    for (const [name, value] of Object.entries(row.fields)) {
      values[name] = value instanceof Date ? value.toISOString().slice(0, 10) : value;
    }
    rows.push({ ...values, [ERROR_COLUMN]: `Row ${row.rowNumber}: ${why.join(' ')}` });
  }
  return { columns: [...sheet.columns, ERROR_COLUMN], rows };
}
