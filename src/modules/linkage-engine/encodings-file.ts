/**
 * The encodings file: what `passage link encode` writes and `passage link match` reads. JSON, one record per line:
 *
 *   {"format":"passage-linkage-encodings","formatVersion":1,
 *    "schema":{"version":3,"sha256":"<hex>","l":1024},
 *    "encodings":[
 *     {"id":"r1","encoding":"<base64 of l/8 bytes>"},
 *     …]}
 *
 * `schema.sha256` identifies the linkage schema the encodings were made with (SHA-256 of its canonical JSON, see
 * `schemaFingerprint`), so that two files made with different schemas are not compared. The bytes are the CLK
 * bit array as clkhash serialises it. clkhash's own output (`{"clks": ["<base64>", …]}`) is read too: its records
 * get their 0-based position as id and no schema fingerprint.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { checkBits, LinkageInputError } from './dice.ts';

export const ENCODINGS_FORMAT = 'passage-linkage-encodings';
export const ENCODINGS_FORMAT_VERSION = 1;

export interface EncodedRecord {
  id: string;
  encoding: Uint8Array;
}

export interface Encodings {
  /** Linkage schema version (clkhash v3). */
  schemaVersion: 3;
  /** Hex SHA-256 of the canonical schema; null for files written by clkhash itself. */
  schemaSha256: string | null;
  /** Encoding length in bits (the schema's `clkConfig.l`): every encoding has l/8 bytes. */
  bits: number;
  records: EncodedRecord[];
}

export function serialiseEncodings(encodings: Encodings): string {
  checkEncodings(encodings);
  const header = {
    format: ENCODINGS_FORMAT,
    formatVersion: ENCODINGS_FORMAT_VERSION,
    schema: { version: encodings.schemaVersion, sha256: encodings.schemaSha256, l: encodings.bits },
  };
  const lines = encodings.records.map((record) =>
    JSON.stringify({ id: record.id, encoding: Buffer.from(record.encoding).toString('base64') }),
  );
  const head = JSON.stringify(header).slice(0, -1);
  return lines.length === 0 ? `${head},"encodings":[]}\n` : `${head},"encodings":[\n${lines.join(',\n')}\n]}\n`;
}

/** Parses an encodings file (`source` names it in errors). Throws `LinkageInputError` naming what is wrong. */
export function parseEncodings(text: string, source = 'encodings file'): Encodings {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LinkageInputError(`${source} is not JSON`);
  }
  if (!isObject(json)) throw new LinkageInputError(`${source} is not a JSON object`);
  if (Array.isArray(json.clks) && json.format === undefined) return parseClkhashOutput(json.clks, source);
  if (json.format !== ENCODINGS_FORMAT) {
    throw new LinkageInputError(`${source}: "format" must be "${ENCODINGS_FORMAT}" (or a clkhash "clks" list)`);
  }
  if (json.formatVersion !== ENCODINGS_FORMAT_VERSION) {
    throw new LinkageInputError(`${source}: unsupported "formatVersion" (expected ${ENCODINGS_FORMAT_VERSION})`);
  }
  const schema = json.schema;
  if (!isObject(schema)) throw new LinkageInputError(`${source}: "schema" must be an object`);
  if (schema.version !== 3) throw new LinkageInputError(`${source}: "schema.version" must be 3`);
  const sha256 = schema.sha256;
  if (sha256 !== null && (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256))) {
    throw new LinkageInputError(`${source}: "schema.sha256" must be 64 lower-case hex digits or null`);
  }
  const bits = schema.l;
  if (typeof bits !== 'number' || !Number.isInteger(bits) || bits % 8 !== 0) {
    throw new LinkageInputError(`${source}: "schema.l" must be a whole number of bytes in bits`);
  }
  checkBits(bits);
  if (!Array.isArray(json.encodings)) throw new LinkageInputError(`${source}: "encodings" must be a list`);
  const ids = new Set<string>();
  const records = json.encodings.map((entry: unknown, i: number): EncodedRecord => {
    const where = `${source}: encodings[${i}]`;
    if (!isObject(entry)) throw new LinkageInputError(`${where} must be an object`);
    const id = entry.id;
    if (typeof id !== 'string' || id === '') throw new LinkageInputError(`${where}.id must be a non-empty string`);
    if (ids.has(id)) throw new LinkageInputError(`${where}.id repeats an earlier record's id`);
    ids.add(id);
    return { id, encoding: decodeBase64(entry.encoding, bits, `${where}.encoding`) };
  });
  return { schemaVersion: 3, schemaSha256: sha256, bits, records };
}

function parseClkhashOutput(clks: unknown[], source: string): Encodings {
  if (clks.length === 0) throw new LinkageInputError(`${source}: "clks" is empty, so its encoding length is unknown`);
  const first = clks[0];
  if (typeof first !== 'string') throw new LinkageInputError(`${source}: clks[0] must be a base64 string`);
  const bits = Buffer.from(first, 'base64').length * 8;
  checkBits(bits);
  const records = clks.map((clk, i) => ({ id: String(i), encoding: decodeBase64(clk, bits, `${source}: clks[${i}]`) }));
  return { schemaVersion: 3, schemaSha256: null, bits, records };
}

function decodeBase64(value: unknown, bits: number, where: string): Uint8Array {
  if (typeof value !== 'string') throw new LinkageInputError(`${where} must be a base64 string`);
  const bytes = Buffer.from(value, 'base64');
  if (bytes.toString('base64') !== value) throw new LinkageInputError(`${where} is not canonical base64`);
  if (bytes.length * 8 !== bits) {
    throw new LinkageInputError(`${where} has ${bytes.length * 8} bits where the file's l is ${bits}`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

function checkEncodings(encodings: Encodings): void {
  if (!Number.isInteger(encodings.bits) || encodings.bits % 8 !== 0) {
    throw new LinkageInputError('encoding length must be a whole number of bytes');
  }
  checkBits(encodings.bits);
  const ids = new Set<string>();
  encodings.records.forEach((record, i) => {
    if (record.id === '') throw new LinkageInputError(`record ${i + 1} has an empty id`);
    if (ids.has(record.id)) throw new LinkageInputError(`record ${i + 1} repeats an earlier record's id`);
    ids.add(record.id);
    if (record.encoding.length * 8 !== encodings.bits) {
      throw new LinkageInputError(
        `record ${i + 1} has ${record.encoding.length * 8} bits where ${encodings.bits} were expected`,
      );
    }
  });
}

export async function readEncodings(path: string): Promise<Encodings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new LinkageInputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return parseEncodings(text, path);
}

/** Writes the file whole or not at all: beside its final path, then renamed; removed if anything fails. */
export async function writeEncodings(path: string, encodings: Encodings): Promise<void> {
  await writeFileAtomically(path, serialiseEncodings(encodings));
}

export async function writeFileAtomically(path: string, contents: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    await writeFile(temporary, contents, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
