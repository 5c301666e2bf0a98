/**
 * Writes an evidence package as a BagIt 1.0 bag (decision 0004): into a zip (a file or any writable stream,
 * such as an HTTP response) or into a directory. Payload files stream from their source through SHA-256 and
 * SHA-512 into the output, never held in memory; content that does not match the hashes the caller recorded
 * aborts the whole bag, since a bag with a wrong file in it would certify something untrue. Tag files are small
 * and built in memory.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Readable, Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import {
  BAG_DECLARATION,
  BAG_INFO,
  formatBagDeclaration,
  formatBaggingDate,
  formatBagSize,
  formatManifest,
  formatPayloadOxum,
  formatTagFile,
  isSafeBagPath,
  type ManifestEntry,
  type TagEntry,
} from '../../lib/bagit.ts';
import { AppError } from '../../lib/errors.ts';
import {
  type BagCustodyEvent,
  type BagItemRecord,
  CUSTODY_CHECKPOINT,
  CUSTODY_EVENTS,
  CUSTODY_ITEMS,
  CUSTODY_VKEY,
  formatEventLine,
  formatItems,
} from './bag-custody.ts';

export interface BagPayloadFile {
  /** `data/<item id>/<file name>`. */
  path: string;
  size: number;
  /** Lower-case hex, as recorded when the content was collected. */
  sha256: string;
  sha512: string;
  /** Opened only when the file's turn comes, so one payload file is open at a time. */
  open(): Readable;
}

export interface BagCustody {
  /** The signed note (checkpoint) every event's proof is against. */
  checkpoint: string;
  /** The node's verifier key string, `vkeyString(origin, publicKey)`. */
  nodeVkey: string;
  events: readonly BagCustodyEvent[];
  items: readonly BagItemRecord[];
}

export interface BagContents {
  /** Name of the bag's base directory inside a zip, e.g. the case reference. */
  name: string;
  info: {
    sourceOrganization: string;
    /** The case reference. */
    externalIdentifier: string;
    baggingDate?: Date;
    /** Further bag-info.txt elements, after the standard ones. */
    extra?: readonly TagEntry[];
  };
  payload: readonly BagPayloadFile[];
  custody: BagCustody;
}

export interface BagWriteOptions {
  /** Payload bytes written so far and in all; called as the bytes stream. */
  onProgress?: (done: number, total: number) => void;
}

export interface BagSummary {
  files: number;
  octets: number;
}

export class BagWriteError extends AppError {
  constructor(id: 'bag_invalid' | 'bag_payload_mismatch' | 'bag_exists', message: string) {
    super(id, id === 'bag_exists' ? 409 : 500, message);
    this.name = 'BagWriteError';
  }
}

const FILE_MODE = 0o644;

/**
 * Writes the bag as a zip file. The zip is built under a temporary name beside `file`, flushed to disk and
 * renamed into place, so `file` is either the whole bag or absent. An existing file is replaced only with
 * `replace`.
 */
export async function writeBagZip(
  file: string,
  contents: BagContents,
  options: BagWriteOptions & { replace?: boolean } = {},
): Promise<BagSummary> {
  if (!options.replace && existsSync(file)) throw new BagWriteError('bag_exists', `${basename(file)} already exists.`);
  const plan = planBag(contents);
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.partial`);
  const out = createWriteStream(temp, { flags: 'wx', mode: 0o600 });
  try {
    const summary = await streamZip(out, plan, contents.name, options);
    const handle = await open(temp, 'r');
    await handle.sync().finally(() => handle.close());
    await rename(temp, file);
    return summary;
  } catch (error) {
    // The stream opens its file asynchronously: removing it before the stream has closed could leave it behind.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Writes the bag as a zip into `out`. On failure `out` is destroyed (with the error once writing began), so that a reader sees a
 * broken transfer rather than a zip that merely looks short.
 */
export async function writeBagZipStream(
  out: Writable,
  contents: BagContents,
  options: BagWriteOptions = {},
): Promise<BagSummary> {
  let plan: BagPlan;
  try {
    plan = planBag(contents);
  } catch (error) {
    out.destroy();
    throw error;
  }
  return streamZip(out, plan, contents.name, options);
}

async function streamZip(out: Writable, plan: BagPlan, root: string, options: BagWriteOptions): Promise<BagSummary> {
  const mtime = plan.date;
  const zip = new ZipFile();
  // yazl's output is a PassThrough; its typings only promise the older stream interface.
  const zipOutput = zip.outputStream as Readable;
  const progress = progressCounter(plan.summary.octets, options.onProgress);
  let current: Readable | undefined;
  let fail: (error: unknown) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    fail = (error) => {
      reject(error);
      current?.destroy();
      zipOutput.destroy();
      out.destroy(error instanceof Error ? error : new Error(String(error)));
    };
    pipeline(zipOutput, out).then(resolve, fail);
  });
  zip.on('error', fail);

  for (const tag of plan.tagFiles) zip.addBuffer(tag.bytes, `${root}/${tag.path}`, { mtime, mode: FILE_MODE });
  plan.payload.forEach((file, position) => {
    // Evidence is mostly media that is compressed already; storing it keeps the export as fast as the disk.
    const entryOptions = { size: file.size, mtime, mode: FILE_MODE, compress: false };
    zip.addReadStreamLazy(`${root}/${file.path}`, entryOptions, (callback) => {
      try {
        const check = new PayloadCheck(file, position, progress);
        current = file.open();
        pipeline(current, check).catch(fail);
        callback(null, check);
      } catch (error) {
        fail(error);
      }
    });
  });
  zip.end();
  await finished;
  return plan.summary;
}

/**
 * Writes the bag as the directory `dir`, which must not exist. The bag is built under a temporary name beside it
 * and renamed into place when complete.
 */
export async function writeBagDirectory(
  dir: string,
  contents: BagContents,
  options: BagWriteOptions = {},
): Promise<BagSummary> {
  if (existsSync(dir)) throw new BagWriteError('bag_exists', `${basename(dir)} already exists.`);
  const plan = planBag(contents);
  const progress = progressCounter(plan.summary.octets, options.onProgress);
  const temp = join(dirname(dir), `.${basename(dir)}.${randomBytes(6).toString('hex')}.partial`);
  try {
    for (const tag of plan.tagFiles) {
      await mkdir(dirname(join(temp, tag.path)), { recursive: true });
      await writeFile(join(temp, tag.path), tag.bytes, { flag: 'wx' });
    }
    for (const [position, file] of plan.payload.entries()) {
      const target = join(temp, file.path);
      await mkdir(dirname(target), { recursive: true });
      await pipeline(
        file.open(),
        new PayloadCheck(file, position, progress),
        createWriteStream(target, { flags: 'wx' }),
      );
    }
    await rename(temp, dir);
    return plan.summary;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

interface BagPlan {
  date: Date;
  payload: readonly BagPayloadFile[];
  tagFiles: { path: string; bytes: Buffer }[];
  summary: BagSummary;
}

/** Checks the contents for consistency and builds every tag file, before a byte is written. */
function planBag(contents: BagContents): BagPlan {
  const { payload, custody, info } = contents;
  if (!isSafeBagPath(contents.name) || contents.name.includes('/')) {
    throw invalid('the bag name must be a single safe path segment');
  }
  const byPath = new Map<string, BagPayloadFile>();
  payload.forEach((file, i) => {
    if (!isSafeBagPath(file.path) || !file.path.startsWith('data/')) throw invalid(`payload file ${i + 1}: bad path`);
    if (byPath.has(file.path)) throw invalid(`payload file ${i + 1}: path used twice`);
    if (!/^[0-9a-f]{64}$/.test(file.sha256) || !/^[0-9a-f]{128}$/.test(file.sha512)) {
      throw invalid(`payload file ${i + 1}: hashes must be lower-case hex SHA-256 and SHA-512`);
    }
    if (!Number.isSafeInteger(file.size) || file.size < 0) throw invalid(`payload file ${i + 1}: bad size`);
    byPath.set(file.path, file);
  });
  custody.items.forEach((item, i) => {
    const file = byPath.get(item.path);
    if (!file || file.sha256 !== item.sha256 || file.sha512 !== item.sha512 || file.size !== item.size) {
      throw invalid(`item ${i + 1} does not match a payload file`);
    }
  });
  if (!custody.checkpoint.endsWith('\n') || !/^[^\s]+$/.test(custody.nodeVkey)) {
    throw invalid('the checkpoint must be a signed note and the verifier key one line');
  }

  const date = info.baggingDate ?? new Date();
  const octets = payload.reduce((sum, f) => sum + f.size, 0);
  const summary = { files: payload.length, octets };
  const sorted = [...payload].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest = (algorithm: 'sha256' | 'sha512'): string =>
    formatManifest(sorted.map((f): ManifestEntry => ({ checksum: f[algorithm], path: f.path })));
  const bagInfo: TagEntry[] = [
    { label: 'Source-Organization', value: info.sourceOrganization },
    { label: 'Bagging-Date', value: formatBaggingDate(date) },
    { label: 'Payload-Oxum', value: formatPayloadOxum({ octets, streams: payload.length }) },
    { label: 'External-Identifier', value: info.externalIdentifier },
    { label: 'Bag-Count', value: '1 of 1' },
    { label: 'Bag-Size', value: formatBagSize(octets) },
    ...(info.extra ?? []),
  ];
  const tagFiles = [
    { path: BAG_DECLARATION, text: formatBagDeclaration() },
    { path: BAG_INFO, text: formatTagFile(bagInfo) },
    { path: 'manifest-sha256.txt', text: manifest('sha256') },
    { path: 'manifest-sha512.txt', text: manifest('sha512') },
    { path: CUSTODY_CHECKPOINT, text: custody.checkpoint },
    { path: CUSTODY_VKEY, text: `${custody.nodeVkey}\n` },
    { path: CUSTODY_EVENTS, text: custody.events.map(formatEventLine).join('') },
    { path: CUSTODY_ITEMS, text: formatItems(custody.items) },
  ].map(({ path, text }) => ({ path, bytes: Buffer.from(text, 'utf8') }));
  const tagManifest = formatManifest(
    tagFiles.map(({ path, bytes }) => ({ checksum: createHash('sha256').update(bytes).digest('hex'), path })),
  );
  tagFiles.push({ path: 'tagmanifest-sha256.txt', bytes: Buffer.from(tagManifest, 'utf8') });
  return { date, payload, tagFiles, summary };
}

/**
 * Passes a payload file's bytes through while hashing them, and fails the stream when the content is longer or
 * shorter than recorded or its hashes differ. Errors name the item's folder, never the file name, which may
 * say something about a person.
 */
class PayloadCheck extends Transform {
  readonly #file: BagPayloadFile;
  readonly #where: string;
  readonly #progress: (bytes: number) => void;
  readonly #sha256 = createHash('sha256');
  readonly #sha512 = createHash('sha512');
  #bytes = 0;

  constructor(file: BagPayloadFile, position: number, progress: (bytes: number) => void) {
    super();
    this.#file = file;
    this.#where = `payload file ${position + 1} (${dirname(file.path)})`;
    this.#progress = progress;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#bytes += chunk.length;
    if (this.#bytes > this.#file.size) {
      callback(mismatch(`${this.#where} is longer than its recorded size`));
      return;
    }
    this.#sha256.update(chunk);
    this.#sha512.update(chunk);
    this.#progress(chunk.length);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#bytes !== this.#file.size) {
      callback(mismatch(`${this.#where} is shorter than its recorded size`));
    } else if (this.#sha256.digest('hex') !== this.#file.sha256 || this.#sha512.digest('hex') !== this.#file.sha512) {
      callback(mismatch(`the content of ${this.#where} does not match its recorded SHA-256/SHA-512`));
    } else {
      callback();
    }
  }
}

function progressCounter(total: number, onProgress?: (done: number, total: number) => void) {
  let done = 0;
  return (bytes: number) => {
    done += bytes;
    onProgress?.(done, total);
  };
}

function invalid(message: string): BagWriteError {
  return new BagWriteError('bag_invalid', `Cannot build the bag: ${message}.`);
}

function mismatch(message: string): BagWriteError {
  return new BagWriteError('bag_payload_mismatch', `Export stopped: ${message}; the bag was not written.`);
}
