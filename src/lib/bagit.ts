/**
 * BagIt 1.0 (RFC 8493) text formats: the bag declaration, tag files such as bag-info.txt, manifests and
 * Payload-Oxum. Pure functions; reading and writing bags is the evidence module's job. Parsers are strict and
 * name the line that is wrong, because their input is a bag received from elsewhere.
 */

export const BAGIT_VERSION = '1.0';
export const BAG_DECLARATION = 'bagit.txt';
export const BAG_INFO = 'bag-info.txt';
export const PAYLOAD_DIR = 'data';

/** Checksum algorithms a bag may name (RFC 8493 §2.4 normalised names) that node:crypto can compute. */
export const MANIFEST_ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export type ManifestAlgorithm = (typeof MANIFEST_ALGORITHMS)[number];

const HEX_LENGTH: Record<ManifestAlgorithm, number> = {
  md5: 32,
  sha1: 40,
  sha224: 56,
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

export class BagitError extends Error {
  /** 1-based line of the offending text, when there is one. */
  readonly line?: number;
  constructor(message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'BagitError';
    this.line = line;
  }
}

export interface TagEntry {
  label: string;
  value: string;
}

export interface ManifestEntry {
  /** Lower-case hex. */
  checksum: string;
  /** Relative to the bag's base directory, decoded (may contain CR, LF or %). */
  path: string;
}

export interface PayloadOxum {
  octets: number;
  streams: number;
}

/** §2.1.1: exactly two lines, in this order. */
export function formatBagDeclaration(): string {
  return `BagIt-Version: ${BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n`;
}

export function parseBagDeclaration(bytes: Uint8Array): { version: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new BagitError('bagit.txt must not start with a byte-order mark');
  }
  const entries = parseTagFile(decodeUtf8(bytes));
  const [version, encoding] = entries;
  if (entries.length !== 2 || version?.label !== 'BagIt-Version' || encoding?.label !== 'Tag-File-Character-Encoding') {
    throw new BagitError('bagit.txt must hold exactly BagIt-Version and Tag-File-Character-Encoding, in that order');
  }
  return { version: version.value, encoding: encoding.value };
}

/**
 * Formats `Label: value` lines. A value holding line breaks is written folded (§2.2.2): each further line is
 * indented, and a reader takes the break, not the indentation, as part of the value. Values without breaks are
 * never folded, even past the recommended 79 characters, since folding would put a break into the value.
 */
export function formatTagFile(entries: readonly TagEntry[]): string {
  return entries
    .map(({ label, value }) => {
      assertLabel(label);
      const [first, ...rest] = value.split(/\r\n|\r|\n/);
      if (rest.some((line) => /^[ \t]/.test(line))) {
        throw new BagitError(`a continued line of ${label} cannot start with white space`);
      }
      return [`${label}: ${first}`, ...rest.map((line) => `  ${line}`)].map((line) => `${line}\n`).join('');
    })
    .join('');
}

/**
 * Parses a tag file. Lines end in LF, CR or CRLF; a line starting with a space or tab continues the previous
 * value (the break is kept as LF, the indentation dropped); a value is separated from its label by ":" and one
 * space or tab. Empty lines, which hand-edited files often end with, are skipped.
 */
export function parseTagFile(text: string): TagEntry[] {
  const lines = splitLines(text);
  const entries: TagEntry[] = [];
  lines.forEach((line, i) => {
    const previous = entries.at(-1);
    if (line === '') return;
    if (/^[ \t]/.test(line)) {
      if (!previous) throw new BagitError('continuation line without a label before it', i + 1);
      previous.value += `\n${line.replace(/^[ \t]+/, '')}`;
      return;
    }
    const colon = line.indexOf(':');
    const label = line.slice(0, colon);
    if (colon <= 0 || !isLabel(label)) throw new BagitError('expected "Label: value"', i + 1);
    const separator = line[colon + 1];
    if (separator !== ' ' && separator !== '\t') {
      throw new BagitError(`expected one space or tab after "${label}:"`, i + 1);
    }
    entries.push({ label, value: line.slice(colon + 2) });
  });
  return entries;
}

/** Values of a label, in file order. Reserved labels are case-insensitive (§2.2.2), so every label is here. */
export function tagValues(entries: readonly TagEntry[], label: string): string[] {
  const wanted = label.toLowerCase();
  return entries.filter((e) => e.label.toLowerCase() === wanted).map((e) => e.value);
}

/** `checksum  path` lines: two spaces, as sha256sum prints them, so the tools' output can be compared directly. */
export function formatManifest(entries: readonly ManifestEntry[]): string {
  return entries.map(({ checksum, path }) => `${checksum.toLowerCase()}  ${encodeManifestPath(path)}\n`).join('');
}

/** Entries carry their 1-based line, so that a verifier can say where a wrong checksum was written. */
export function parseManifest(text: string, algorithm: ManifestAlgorithm): (ManifestEntry & { line: number })[] {
  const hexLength = HEX_LENGTH[algorithm];
  const entries: (ManifestEntry & { line: number })[] = [];
  splitLines(text).forEach((line, i) => {
    if (line.trim() === '') return;
    const match = /^([0-9A-Fa-f]+)[ \t]+(.+)$/.exec(line);
    if (!match || match[1]?.length !== hexLength) {
      throw new BagitError(`expected "<${algorithm} checksum> <path>"`, i + 1);
    }
    const checksum = (match[1] as string).toLowerCase();
    entries.push({ checksum, path: decodeManifestPath(match[2] as string), line: i + 1 });
  });
  return entries;
}

/** §2.1.3: CR, LF and % (only those) are percent-encoded in manifest paths. */
export function encodeManifestPath(path: string): string {
  return path.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function decodeManifestPath(encoded: string): string {
  return encoded.replace(/%(25|0D|0A)/gi, (code) => String.fromCharCode(Number.parseInt(code.slice(1), 16)));
}

/**
 * A path that stays inside the bag on every platform: relative, "/"-separated, without empty, "." or ".."
 * segments, backslashes (a separator on Windows), drive letters or NUL.
 */
export function isSafeBagPath(path: string): boolean {
  if (path === '' || path.startsWith('/') || /^[A-Za-z]:/.test(path) || /[\\\0]/.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** `manifest-sha256.txt` → sha256; undefined for other names. Tag manifests with `tag: true`. */
export function manifestAlgorithmOf(fileName: string, { tag = false } = {}): string | undefined {
  const match = (tag ? /^tagmanifest-([a-z0-9]+)\.txt$/ : /^manifest-([a-z0-9]+)\.txt$/).exec(fileName);
  return match?.[1];
}

export function isManifestAlgorithm(name: string): name is ManifestAlgorithm {
  return (MANIFEST_ALGORITHMS as readonly string[]).includes(name);
}

export function formatPayloadOxum({ octets, streams }: PayloadOxum): string {
  if (!isCount(octets) || !isCount(streams)) throw new BagitError('Payload-Oxum counts must be whole numbers');
  return `${octets}.${streams}`;
}

export function parsePayloadOxum(value: string): PayloadOxum {
  const match = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/.exec(value);
  const octets = Number(match?.[1]);
  const streams = Number(match?.[2]);
  if (!match || !isCount(octets) || !isCount(streams)) {
    throw new BagitError(`Payload-Oxum "${value}" is not "<octets>.<files>"`);
  }
  return { octets, streams };
}

/** Bag-Size for people: decimal units as in the RFC's examples ("42.6 GB"). */
export function formatBagSize(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** Bagging-Date is YYYY-MM-DD; Passage writes dates in UTC. */
export function formatBaggingDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Tag files are UTF-8 (the only encoding Passage writes or accepts); invalid bytes are an error, not U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new BagitError('not valid UTF-8');
  }
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function isLabel(label: string): boolean {
  return label !== '' && !/[:\r\n]/.test(label) && !/^[ \t]|[ \t]$/.test(label);
}

function assertLabel(label: string): void {
  if (!isLabel(label)) throw new BagitError(`"${label}" is not a tag label`);
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}
