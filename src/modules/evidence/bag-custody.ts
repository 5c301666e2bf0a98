/**
 * The custody folder of an evidence bag (decision 0004): the signed checkpoint, the node's verifier key, one line
 * per custody event with its inclusion proof, and the exported items. Formatting for the bag writer and strict
 * parsing for the offline verifier live together so that the two cannot drift apart.
 */

import { CUSTODY_EVENTS as EVENT_KINDS } from '../../shared/evidence.ts';
import type { CustodyEntry } from './custody-events.ts';

export const CUSTODY_DIR = 'custody';
export const CUSTODY_CHECKPOINT = 'custody/checkpoint';
export const CUSTODY_VKEY = 'custody/node.vkey';
export const CUSTODY_EVENTS = 'custody/events.jsonl';
export const CUSTODY_ITEMS = 'custody/items.json';

/** A line of custody/events.jsonl: the log entry's exact bytes and its inclusion proof in the checkpoint's tree. */
export interface BagCustodyEvent {
  index: number;
  entry: Uint8Array;
  proof: readonly Uint8Array[];
}

/** An element of custody/items.json. */
export interface BagItemRecord {
  id: string;
  /** Path of the content in the bag: `data/<item id>/<file name>`. */
  path: string;
  sha256: string;
  sha512: string;
  size: number;
  /** For a working copy: the SHA-256 of the item it was made from, and how (redaction, transcript, translation). */
  parentSha256: string | null;
  transformation: string | null;
  /** H0–H3. */
  handlingCode: string;
  /** SIENA grading: source reliability A/B/C/X and information accuracy 1–4, each null when not graded. */
  sourceReliability: string | null;
  informationAccuracy: number | null;
}

export class CustodyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CustodyFormatError';
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SHA512_HEX = /^[0-9a-f]{128}$/;
const ENTRY_KEYS = ['v', 'node', 'item', 'sha256', 'event', 'actor', 'at', 'reason'];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export function formatEventLine({ index, entry, proof }: BagCustodyEvent): string {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return `${JSON.stringify({ index, entry: b64(entry), proof: proof.map(b64) })}\n`;
}

export function parseEventLine(line: string): BagCustodyEvent {
  const value = parseJson(line);
  if (!isRecord(value) || !sameKeys(value, ['index', 'entry', 'proof'])) {
    throw new CustodyFormatError('expected {"index", "entry", "proof"}');
  }
  const { index, entry, proof } = value;
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) {
    throw new CustodyFormatError('index is not a whole number');
  }
  const entryBytes = typeof entry === 'string' ? strictBase64(entry) : undefined;
  if (!entryBytes) throw new CustodyFormatError('entry is not base64');
  if (!Array.isArray(proof)) throw new CustodyFormatError('proof is not a list');
  const hashes = proof.map((h) => (typeof h === 'string' ? strictBase64(h) : undefined));
  if (hashes.some((h) => h?.length !== 32)) throw new CustodyFormatError('proof holds something other than hashes');
  return { index, entry: entryBytes, proof: hashes as Uint8Array[] };
}

/**
 * Reads a custody log entry and insists that it is exactly what the node writes: the keys in order, the values of
 * the right kinds, and the bytes those of JSON.stringify — a second spelling of the same event would be a
 * different leaf, so anything else is not an entry this node wrote.
 */
export function parseCustodyEntry(bytes: Uint8Array): CustodyEntry {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new CustodyFormatError('entry is not UTF-8');
  }
  const value = parseJson(text);
  if (!isRecord(value) || Object.keys(value).join() !== ENTRY_KEYS.join()) {
    throw new CustodyFormatError(`entry keys are not ${ENTRY_KEYS.join(', ')} in that order`);
  }
  const { v, node, item, sha256, event, actor, at, reason } = value;
  if (v !== 1) throw new CustodyFormatError('entry version is not 1');
  if (!isText(node) || !isText(item)) throw new CustodyFormatError('entry node or item is not a non-empty string');
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
    throw new CustodyFormatError('entry sha256 is not lower-case hex SHA-256');
  }
  if (!(EVENT_KINDS as readonly unknown[]).includes(event)) {
    throw new CustodyFormatError('entry event is not a custody event kind');
  }
  if (typeof actor !== 'string' || !(actor === 'console' || /^user:\S+$/.test(actor))) {
    throw new CustodyFormatError('entry actor is not "user:<id>" or "console"');
  }
  if (typeof at !== 'string' || !ISO_UTC.test(at) || Number.isNaN(Date.parse(at))) {
    throw new CustodyFormatError('entry time is not ISO 8601 UTC');
  }
  if (reason !== null && typeof reason !== 'string') throw new CustodyFormatError('entry reason is not text or null');
  if (JSON.stringify(value) !== text) throw new CustodyFormatError('entry is not in the canonical JSON spelling');
  return value as unknown as CustodyEntry;
}

/** items.json is pretty-printed: people read it next to the payload. */
export function formatItems(items: readonly BagItemRecord[]): string {
  const ordered = items.map((i) => ({
    id: i.id,
    path: i.path,
    sha256: i.sha256,
    sha512: i.sha512,
    size: i.size,
    parentSha256: i.parentSha256,
    transformation: i.transformation,
    handlingCode: i.handlingCode,
    sourceReliability: i.sourceReliability,
    informationAccuracy: i.informationAccuracy,
  }));
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Parses items.json; the problem with each malformed element is reported by its position (1-based). */
export function parseItems(text: string): { items: BagItemRecord[]; problems: { position: number; reason: string }[] } {
  const value = parseJson(text);
  if (!Array.isArray(value)) throw new CustodyFormatError('items.json is not a list');
  const items: BagItemRecord[] = [];
  const problems: { position: number; reason: string }[] = [];
  value.forEach((element, i) => {
    const reason = itemProblem(element);
    if (reason) problems.push({ position: i + 1, reason });
    else items.push(element as BagItemRecord);
  });
  return { items, problems };
}

function itemProblem(item: unknown): string | undefined {
  if (!isRecord(item)) return 'not an object';
  if (!isText(item.id)) return 'id is not a non-empty string';
  if (!isText(item.path) || !item.path.startsWith('data/')) return 'path is not in data/';
  if (typeof item.sha256 !== 'string' || !SHA256_HEX.test(item.sha256)) return 'sha256 is not lower-case hex';
  if (typeof item.sha512 !== 'string' || !SHA512_HEX.test(item.sha512)) return 'sha512 is not lower-case hex';
  if (typeof item.size !== 'number' || !Number.isSafeInteger(item.size) || item.size < 0) {
    return 'size is not a whole number';
  }
  if (item.parentSha256 !== null && !(typeof item.parentSha256 === 'string' && SHA256_HEX.test(item.parentSha256))) {
    return 'parentSha256 is neither null nor lower-case hex';
  }
  if (item.transformation !== null && typeof item.transformation !== 'string') {
    return 'transformation is neither null nor text';
  }
  if (!isText(item.handlingCode)) return 'handlingCode is missing';
  if (item.sourceReliability !== null && !isText(item.sourceReliability)) {
    return 'sourceReliability is neither null nor text';
  }
  if (item.informationAccuracy !== null && typeof item.informationAccuracy !== 'number') {
    return 'informationAccuracy is neither null nor a number';
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CustodyFormatError('not valid JSON');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function sameKeys(value: Record<string, unknown>, keys: string[]): boolean {
  const actual = Object.keys(value);
  return actual.length === keys.length && keys.every((k) => actual.includes(k));
}

/** Node's decoder skips invalid characters; the bytes must be exactly what the text spells. */
function strictBase64(s: string): Uint8Array | undefined {
  const bytes = Buffer.from(s, 'base64');
  return bytes.toString('base64') === s ? new Uint8Array(bytes) : undefined;
}
