/**
 * Offline verification of an evidence bag (decision 0004), for a court or a receiving agency that has the bag
 * and, ideally, the exporting node's key from an independent source — no database, no node, no network. Every
 * file is streamed through its hashes once; the result lists every check, passed or failed, with the place it
 * concerns, so that a person can see what was established and what was not.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  BAG_DECLARATION,
  BAG_INFO,
  BAGIT_VERSION,
  decodeUtf8,
  isManifestAlgorithm,
  isSafeBagPath,
  type ManifestAlgorithm,
  manifestAlgorithmOf,
  parseBagDeclaration,
  parseManifest,
  parsePayloadOxum,
  parseTagFile,
  type TagEntry,
  tagValues,
} from '../../lib/bagit.ts';
import { type NoteVerifier, parseVerifierKey } from '../../lib/signed-note.ts';
import { BagRefusedError, type BagSource, openBagSource } from './bag-source.ts';
import { CustodyChecks, type VerifyContext } from './bag-verify-custody.ts';

export type BagCheckKind =
  | 'archive'
  | 'declaration'
  | 'bag-info'
  | 'payload-manifest'
  | 'payload-file'
  | 'payload-oxum'
  | 'tag-manifest'
  | 'tag-file'
  | 'key'
  | 'checkpoint'
  | 'inclusion-proof'
  | 'event'
  | 'item'
  | 'item-events';

export interface BagCheck {
  kind: BagCheckKind;
  ok: boolean;
  /** The file (and line) the check concerns, relative to the bag's base directory. */
  where: string;
  message: string;
}

/** The key the user trusts: a verifier key string, or the fingerprint the bag's own key must have. */
export type ExpectedKey = { vkey: string } | { fingerprint: string };

export interface BagReport {
  ok: boolean;
  location: string;
  format: 'directory' | 'zip' | null;
  key: {
    /** What the checkpoint signature was checked against. */
    source: 'supplied key' | 'supplied fingerprint' | 'bag only';
    /** False when no key was given: the bag was then only checked against itself. */
    independent: boolean;
    vkey: string | null;
    fingerprint: string | null;
  };
  checkpoint: { origin: string; size: number; rootHash: string } | null;
  bagInfo: TagEntry[];
  counts: { payloadFiles: number; payloadOctets: number; items: number; events: number };
  warnings: string[];
  checks: BagCheck[];
}

export interface VerifyBagOptions {
  key?: ExpectedKey;
  /** Bytes hashed so far and in all. */
  onProgress?: (done: number, total: number) => void;
}

/** Tag files are read whole; a bigger one is not a bag Passage wrote and is not worth the memory. */
const MAX_TAG_FILE = 64 * 1024 * 1024;
const REQUIRED_MANIFESTS: ManifestAlgorithm[] = ['sha256', 'sha512'];
const REQUIRED_TAG_MANIFESTS: ManifestAlgorithm[] = ['sha256'];

/**
 * Verifies the bag at `location` (a directory or a zip file). Problems with the bag are reported, never thrown;
 * only a missing location or a malformed `key.vkey` (the caller's mistakes) throw.
 */
export async function verifyBag(location: string, options: VerifyBagOptions = {}): Promise<BagReport> {
  const supplied = options.key && 'vkey' in options.key ? parseVerifierKey(options.key.vkey) : undefined;
  const report: BagReport = {
    ok: false,
    location,
    format: null,
    key: { source: 'bag only', independent: false, vkey: null, fingerprint: null },
    checkpoint: null,
    bagInfo: [],
    counts: { payloadFiles: 0, payloadOctets: 0, items: 0, events: 0 },
    warnings: [],
    checks: [],
  };
  let source: BagSource;
  try {
    source = await openBagSource(location);
  } catch (error) {
    if (!(error instanceof BagRefusedError)) throw error;
    report.checks.push({ kind: 'archive', ok: false, where: error.where, message: `refused: ${error.message}` });
    return report;
  }
  try {
    report.format = source.format;
    await new Verification(source, report, options, supplied).run();
  } finally {
    await source.close();
  }
  report.ok = report.checks.length > 0 && report.checks.every((c) => c.ok);
  return report;
}

interface ManifestFile {
  name: string;
  algorithm: ManifestAlgorithm;
  entries: Map<string, { checksum: string; line: number }>;
}

export type Digests = Partial<Record<ManifestAlgorithm, string>>;

class Verification {
  readonly #source: BagSource;
  readonly #report: BagReport;
  readonly #options: VerifyBagOptions;
  readonly #supplied: NoteVerifier | undefined;
  readonly #total: number;
  #done = 0;

  constructor(source: BagSource, report: BagReport, options: VerifyBagOptions, supplied?: NoteVerifier) {
    this.#source = source;
    this.#report = report;
    this.#options = options;
    this.#supplied = supplied;
    this.#total = [...source.files.values()].reduce((sum, size) => sum + size, 0);
  }

  async run(): Promise<void> {
    for (const { path, kind } of this.#source.irregular) {
      this.#check('archive', false, path, `is a ${kind}, not a regular file; it was not read`);
    }
    await this.#declaration();
    const bagInfo = await this.#bagInfo();
    const payload = await this.#payload(await this.#manifests(false));
    this.#oxum(bagInfo, payload);
    await this.#tagFiles(await this.#manifests(true));
    await new CustodyChecks(this.#context(), this.#options.key, this.#supplied).run(payload);
  }

  /** What the custody checks need: the bag, the report, and reading with failures recorded. */
  #context(): VerifyContext {
    return {
      source: this.#source,
      report: this.#report,
      check: (kind, ok, where, message) => this.#check(kind, ok, where, message),
      readText: (path, kind) => this.#readText(path, kind),
    };
  }

  async #declaration(): Promise<void> {
    const bytes = await this.#read(BAG_DECLARATION, 'declaration');
    if (!bytes) return;
    try {
      const { version, encoding } = parseBagDeclaration(bytes);
      const ok = version === BAGIT_VERSION && encoding.toUpperCase() === 'UTF-8';
      this.#check('declaration', ok, BAG_DECLARATION, `BagIt ${version}, tag files in ${encoding}`);
    } catch (error) {
      this.#check('declaration', false, BAG_DECLARATION, (error as Error).message);
    }
  }

  async #bagInfo(): Promise<TagEntry[]> {
    const text = await this.#readText(BAG_INFO, 'bag-info');
    if (text === undefined) return [];
    try {
      this.#report.bagInfo = parseTagFile(text);
      this.#check('bag-info', true, BAG_INFO, `${this.#report.bagInfo.length} metadata elements`);
    } catch (error) {
      this.#check('bag-info', false, BAG_INFO, (error as Error).message);
    }
    return this.#report.bagInfo;
  }

  /** Payload manifests (`manifest-*.txt`) or tag manifests (`tagmanifest-*.txt`) in the base directory. */
  async #manifests(tag: boolean): Promise<ManifestFile[]> {
    const kind = tag ? 'tag-manifest' : 'payload-manifest';
    const manifests: ManifestFile[] = [];
    for (const name of [...this.#source.files.keys()].filter((p) => !p.includes('/')).sort()) {
      const algorithm = manifestAlgorithmOf(name, { tag });
      if (algorithm === undefined) continue;
      if (!isManifestAlgorithm(algorithm)) {
        this.#check(kind, false, name, `cannot be checked: unknown algorithm "${algorithm}"`);
        continue;
      }
      const text = await this.#readText(name, kind);
      if (text === undefined) continue;
      const manifest: ManifestFile = { name, algorithm, entries: new Map() };
      try {
        for (const { checksum, path, line } of parseManifest(text, algorithm)) {
          const where = `${name} line ${line}`;
          const inPayload = path.startsWith('data/');
          if (!isSafeBagPath(path) || inPayload === tag || (tag && manifestAlgorithmOf(path, { tag: true }))) {
            this.#check(kind, false, where, `names a path a ${tag ? 'tag' : 'payload'} manifest may not list`);
          } else if (manifest.entries.has(path)) {
            this.#check(kind, false, where, 'lists a file a second time');
          } else {
            manifest.entries.set(path, { checksum, line });
          }
        }
        this.#check(kind, true, name, `${manifest.entries.size} files listed`);
        manifests.push(manifest);
      } catch (error) {
        this.#check(kind, false, name, (error as Error).message);
      }
    }
    for (const algorithm of tag ? REQUIRED_TAG_MANIFESTS : REQUIRED_MANIFESTS) {
      const name = `${tag ? 'tag' : ''}manifest-${algorithm}.txt`;
      if (!this.#source.files.has(name)) this.#check(kind, false, name, 'is missing');
    }
    return manifests;
  }

  /** Every payload file, streamed once through every manifest's algorithm (and SHA-256/512 for items.json). */
  async #payload(manifests: ManifestFile[]): Promise<Map<string, { size: number; digests: Digests }>> {
    const algorithms = [...new Set([...REQUIRED_MANIFESTS, ...manifests.map((m) => m.algorithm)])];
    const payload = new Map<string, { size: number; digests: Digests }>();
    const paths = [...this.#source.files.keys()].filter((p) => p.startsWith('data/')).sort();
    for (const path of paths) {
      const size = this.#source.files.get(path) ?? 0;
      const digests = await this.#digest(path, algorithms, 'payload-file');
      if (!digests) continue;
      payload.set(path, { size, digests });
      this.#compare(path, digests, manifests, 'payload-file');
    }
    this.#report.counts.payloadFiles = paths.length;
    this.#report.counts.payloadOctets = paths.reduce((sum, p) => sum + (this.#source.files.get(p) ?? 0), 0);
    this.#unlisted(manifests, 'payload-manifest');
    return payload;
  }

  #oxum(bagInfo: TagEntry[], payload: Map<string, { size: number }>): void {
    const values = tagValues(bagInfo, 'Payload-Oxum');
    if (values.length !== 1) {
      this.#check(
        'payload-oxum',
        false,
        BAG_INFO,
        values.length ? 'Payload-Oxum appears twice' : 'Payload-Oxum is missing',
      );
      return;
    }
    const octets = this.#report.counts.payloadOctets;
    const streams = this.#report.counts.payloadFiles;
    const actual = `${octets}.${streams}`;
    try {
      const claimed = parsePayloadOxum(values[0] as string);
      const ok = claimed.octets === octets && claimed.streams === streams && payload.size === streams;
      const message = ok
        ? `${streams} files, ${octets} bytes, as bag-info.txt says`
        : `bag-info.txt says ${values[0]} but data/ holds ${actual} (bytes.files)`;
      this.#check('payload-oxum', ok, BAG_INFO, message);
    } catch (error) {
      this.#check('payload-oxum', false, BAG_INFO, (error as Error).message);
    }
  }

  /** Every tag file outside data/, except the tag manifests themselves, against every tag manifest. */
  async #tagFiles(manifests: ManifestFile[]): Promise<void> {
    const algorithms = manifests.map((m) => m.algorithm);
    const paths = [...this.#source.files.keys()]
      .filter((p) => !p.startsWith('data/') && !manifestAlgorithmOf(p, { tag: true }))
      .sort();
    for (const path of paths) {
      const digests = algorithms.length ? await this.#digest(path, algorithms, 'tag-file') : {};
      if (digests) this.#compare(path, digests, manifests, 'tag-file');
    }
    this.#unlisted(manifests, 'tag-manifest');
  }

  /** One check per file: listed in every manifest, and every listed checksum equal to the file's. */
  #compare(path: string, digests: Digests, manifests: ManifestFile[], kind: BagCheckKind): void {
    const problems: string[] = [];
    for (const { name, algorithm, entries } of manifests) {
      const listed = entries.get(path);
      if (!listed) problems.push(`is not listed in ${name}`);
      else if (listed.checksum !== digests[algorithm])
        problems.push(`${algorithm} differs from ${name} line ${listed.line}`);
    }
    const names = manifests.map((m) => m.name).join(' and ');
    if (manifests.length) this.#check(kind, problems.length === 0, path, problems.join('; ') || `matches ${names}`);
  }

  /** Manifest lines naming files that the bag does not hold. */
  #unlisted(manifests: ManifestFile[], kind: BagCheckKind): void {
    for (const { name, entries } of manifests) {
      for (const [path, { line }] of entries) {
        if (!this.#source.files.has(path))
          this.#check(kind, false, `${name} line ${line}`, `lists ${path}, which is not in the bag`);
      }
    }
  }

  async #digest(path: string, algorithms: ManifestAlgorithm[], kind: BagCheckKind): Promise<Digests | undefined> {
    const hashes = algorithms.map((a) => createHash(a));
    try {
      for await (const chunk of (await this.#source.open(path)) as AsyncIterable<Buffer>) {
        for (const hash of hashes) hash.update(chunk);
        this.#progress(chunk.length);
      }
    } catch (error) {
      this.#check(kind, false, path, `cannot be read: ${(error as Error).message}`);
      return undefined;
    }
    return Object.fromEntries(algorithms.map((a, i) => [a, hashes[i]?.digest('hex')]));
  }

  async #read(path: string, kind: BagCheckKind): Promise<Buffer | undefined> {
    const size = this.#source.files.get(path);
    if (size === undefined) {
      this.#check(kind, false, path, 'is missing');
      return undefined;
    }
    if (size > MAX_TAG_FILE) {
      this.#check(kind, false, path, `is too large to be a tag file (${size} bytes)`);
      return undefined;
    }
    try {
      return await collect(await this.#source.open(path));
    } catch (error) {
      this.#check(kind, false, path, `cannot be read: ${(error as Error).message}`);
      return undefined;
    }
  }

  async #readText(path: string, kind: BagCheckKind): Promise<string | undefined> {
    const bytes = await this.#read(path, kind);
    if (!bytes) return undefined;
    try {
      return decodeUtf8(bytes);
    } catch (error) {
      this.#check(kind, false, path, (error as Error).message);
      return undefined;
    }
  }

  #check(kind: BagCheckKind, ok: boolean, where: string, message: string): void {
    this.#report.checks.push({ kind, ok, where, message });
  }

  #progress(bytes: number): void {
    this.#done += bytes;
    this.#options.onProgress?.(this.#done, this.#total);
  }
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
