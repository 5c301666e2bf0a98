/**
 * Batch encoding of a CSV of records (what `passage link encode` runs): a header row naming the schema's features in
 * the schema's order, plus the record id column (the first column unless named); values are trimmed of surrounding
 * whitespace. Errors say which row and column is wrong and why, never the value.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import { ClkEncoder } from './encode.ts';
import type { EncodedRecord, Encodings } from './encodings-file.ts';
import { RecordValueError } from './features.ts';
import { type LinkageSchema, loadLinkageSchema } from './schema.ts';

export class RecordsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordsFileError';
  }
}

export const DEFAULT_SCHEMAS = {
  survivor: join(import.meta.dirname, 'schemas/survivor.json'),
  perpetrator: join(import.meta.dirname, 'schemas/perpetrator.json'),
} as const;

/** A schema file, or the name of a default schema (`survivor`, `perpetrator`). */
export function loadSchemaArgument(pathOrName: string): Promise<LinkageSchema> {
  const builtIn = DEFAULT_SCHEMAS[pathOrName as keyof typeof DEFAULT_SCHEMAS];
  return loadLinkageSchema(builtIn ?? pathOrName);
}

/** Least secret accepted from a file: a shared secret shorter than this is guessable. */
export const MIN_SECRET_BYTES = 16;

/** The secret is the file's bytes less one trailing line break, as clkhash takes the secret string given to it. */
export async function readSecretFile(path: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new RecordsFileError(`cannot read the secret file ${path} (${(error as NodeJS.ErrnoException).code})`);
  }
  let end = bytes.length;
  if (bytes[end - 1] === 0x0a) end--;
  if (bytes[end - 1] === 0x0d) end--;
  if (end < MIN_SECRET_BYTES) {
    throw new RecordsFileError(
      `the secret file ${path} must hold at least ${MIN_SECRET_BYTES} bytes (e.g. from: openssl rand -base64 32)`,
    );
  }
  return new Uint8Array(bytes.subarray(0, end));
}

export interface HeaderPlan {
  /** Column of the record id. */
  idIndex: number;
  /** For each schema feature, its column. */
  featureIndexes: number[];
}

/** Matches a header row to the schema: which columns are missing, extra or out of order. */
export function planColumns(schema: LinkageSchema, header: string[], idColumn?: string): HeaderPlan {
  const names = header.map((h) => h.trim());
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new RecordsFileError(`the header names column "${duplicate}" twice`);
  const idName = idColumn ?? names[0] ?? '';
  const idIndex = names.indexOf(idName);
  if (idIndex < 0) throw new RecordsFileError(`the header has no id column "${idName}"`);
  const expected = schema.features.map((f) => f.identifier);
  const present = names.filter((name, i) => i !== idIndex || expected.includes(name));
  const missing = expected.filter((name) => !present.includes(name));
  const extra = present.filter((name) => !expected.includes(name));
  const problems = [
    missing.length ? `missing column(s) ${quoteList(missing)}` : '',
    extra.length ? `column(s) ${quoteList(extra)} not in the schema` : '',
  ].filter(Boolean);
  if (problems.length) {
    throw new RecordsFileError(
      `the CSV header does not match the linkage schema: ${problems.join('; ')} ` +
        `(expected, in this order: ${quoteList(expected)}, plus the id column)`,
    );
  }
  if (present.some((name, i) => name !== expected[i])) {
    throw new RecordsFileError(
      `the CSV columns are out of order: the schema expects ${quoteList(expected)}, the file has ${quoteList(present)}`,
    );
  }
  return { idIndex, featureIndexes: expected.map((name) => names.indexOf(name)) };
}

const quoteList = (names: string[]) => names.map((n) => `"${n}"`).join(', ');

export interface EncodeCsvOptions {
  idColumn?: string;
  onProgress?: (done: number, total: number) => void;
}

/** Encodes every record of a CSV text. Throws `RecordsFileError` for anything wrong with the file. */
export async function encodeCsv(
  schema: LinkageSchema,
  secret: Uint8Array,
  csv: string,
  options: EncodeCsvOptions = {},
): Promise<Encodings> {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(csv, { bom: true, info: true, skip_empty_lines: true }) as unknown as typeof rows;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new RecordsFileError(`the CSV is malformed${line ? ` at line ${line}` : ''} (${error.code})`);
    }
    throw error;
  }
  const header = rows[0];
  if (!header) throw new RecordsFileError('the CSV is empty: it needs a header row');
  const plan = planColumns(schema, header.record, options.idColumn);
  const encoder = new ClkEncoder(schema, secret);
  const body = rows.slice(1);
  const seen = new Map<string, number>();
  const records: EncodedRecord[] = [];
  for (const [i, { record, info }] of body.entries()) {
    const line = info.lines;
    const id = (record[plan.idIndex] ?? '').trim();
    if (id === '') throw new RecordsFileError(`line ${line}: the id column is empty`);
    const earlier = seen.get(id);
    if (earlier !== undefined) throw new RecordsFileError(`line ${line}: the id repeats the one on line ${earlier}`);
    seen.set(id, line);
    const values = plan.featureIndexes.map((column) => (record[column] ?? '').trim());
    try {
      records.push({ id, encoding: encoder.encode(values) });
    } catch (error) {
      if (error instanceof RecordValueError) {
        throw new RecordsFileError(`line ${line}, column "${error.feature}": ${error.message}`);
      }
      throw error;
    }
    if (i % 512 === 511 || i === body.length - 1) {
      options.onProgress?.(i + 1, body.length);
      // Let the progress bar draw (and signals arrive) on long runs.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return { schemaVersion: 3, schemaSha256: schema.sha256, bits: schema.l, records };
}
