import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where evidence content is kept: by the SHA-256 of its bytes, so identical content is stored once. Content arrives
 * in two steps so that nothing appears under a hash before the item that refers to it is being committed: `receive`
 * streams it to a temporary place while hashing, `commit` puts it under its hash (atomically). A store on an
 * S3-compatible service would receive into a temporary key and copy it to its final key.
 */
export interface BlobStore {
  /** Streams `source` to a temporary place, computing SHA-256 and SHA-512; fails once it passes `maxBytes`. */
  receive(source: Readable | AsyncIterable<Uint8Array>, options: { maxBytes: number }): Promise<PendingBlob>;
  /** Makes received content readable under its hash. Content already stored under that hash is kept as it is. */
  commit(pending: PendingBlob): Promise<void>;
  /** Forgets received content that will not be committed. Safe to call twice, and after `commit`. */
  discard(pending: PendingBlob): Promise<void>;
  /** Size of the stored content, or null when nothing is stored under the hash. */
  size(sha256: string): Promise<number | null>;
  /** Streams stored content. With `verify`, the stream fails at its end if the bytes no longer hash to `sha256`. */
  read(sha256: string, options?: { verify?: { size: number } }): Promise<Readable>;
  remove(sha256: string): Promise<void>;
  /** Every hash with content stored under it. */
  list(): AsyncIterable<string>;
}

export interface PendingBlob {
  readonly sha256: string;
  readonly sha512: string;
  readonly size: number;
  /** Store-specific handle of the temporary content. */
  readonly token: string;
}

/** Content larger than the store was asked to accept. */
export class BlobTooLargeError extends Error {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`The content is larger than ${maxBytes} bytes.`);
    this.maxBytes = maxBytes;
  }
}

/** Stored content whose bytes no longer match its hash (or its recorded size). */
export class BlobAlteredError extends Error {
  readonly sha256: string;
  constructor(sha256: string) {
    super(`The stored content of ${sha256} does not match its hash.`);
    this.sha256 = sha256;
  }
}

export class BlobMissingError extends Error {
  readonly sha256: string;
  constructor(sha256: string) {
    super(`No content is stored under ${sha256}.`);
    this.sha256 = sha256;
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}

/** Hashes and counts the bytes flowing through, refusing more than `maxBytes`. */
class Hashing extends Transform {
  readonly #sha256 = createHash('sha256');
  readonly #sha512 = createHash('sha512');
  readonly #maxBytes: number;
  size = 0;

  constructor(maxBytes: number) {
    super();
    this.#maxBytes = maxBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.#maxBytes) {
      done(new BlobTooLargeError(this.#maxBytes));
      return;
    }
    this.#sha256.update(chunk);
    this.#sha512.update(chunk);
    done(null, chunk);
  }

  digests(): { sha256: string; sha512: string } {
    return { sha256: this.#sha256.digest('hex'), sha512: this.#sha512.digest('hex') };
  }
}

/** Passes stored bytes through and fails at the end when they do not hash to what they are stored under. */
class Verifying extends Transform {
  readonly #hash = createHash('sha256');
  readonly #sha256: string;
  readonly #size: number;
  #seen = 0;

  constructor(sha256: string, size: number) {
    super();
    this.#sha256 = sha256;
    this.#size = size;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#seen += chunk.length;
    this.#hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const intact = this.#seen === this.#size && this.#hash.digest('hex') === this.#sha256;
    done(intact ? null : new BlobAlteredError(this.#sha256));
  }
}

/** Temporary files older than this are left over from a process that stopped mid-upload. */
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;

/**
 * The default store: files under `<root>/sha256/<first two hex digits>/<hash>`, received into `<root>/tmp` on the
 * same file system, written with fsync and moved into place with an atomic rename (the directory is synced too).
 */
export class FileBlobStore implements BlobStore {
  readonly root: string;
  #swept = false;

  constructor(root: string) {
    this.root = root;
  }

  get tempDir(): string {
    return join(this.root, 'tmp');
  }

  pathOf(sha256: string): string {
    if (!isSha256Hex(sha256)) throw new Error('not a SHA-256 hash in lower-case hex');
    return join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }

  async receive(source: Readable | AsyncIterable<Uint8Array>, options: { maxBytes: number }): Promise<PendingBlob> {
    await mkdir(this.tempDir, { recursive: true, mode: 0o700 });
    await this.#sweepOnce();
    const token = `${Date.now()}-${randomBytes(12).toString('hex')}.part`;
    const path = join(this.tempDir, token);
    const hashing = new Hashing(options.maxBytes);
    // `flush`: the file is synced to disk before it is closed, so a committed row never names half-written content.
    const file = createWriteStream(path, { flags: 'wx', mode: 0o600, flush: true, highWaterMark: 1024 * 1024 });
    try {
      await pipeline(source, hashing, file);
    } catch (error) {
      await unlink(path).catch(() => undefined);
      throw error;
    }
    return { ...hashing.digests(), size: hashing.size, token };
  }

  async commit(pending: PendingBlob): Promise<void> {
    const target = this.pathOf(pending.sha256);
    const temp = this.#tempPath(pending);
    if ((await this.size(pending.sha256)) !== null) {
      await unlink(temp).catch(ignoreMissing);
      return;
    }
    const dir = join(target, '..');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await rename(temp, target);
    await syncDir(dir);
  }

  async discard(pending: PendingBlob): Promise<void> {
    await unlink(this.#tempPath(pending)).catch(ignoreMissing);
  }

  async size(sha256: string): Promise<number | null> {
    try {
      return (await stat(this.pathOf(sha256))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async read(sha256: string, options: { verify?: { size: number } } = {}): Promise<Readable> {
    const path = this.pathOf(sha256);
    const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new BlobMissingError(sha256) : error;
    });
    const stream = handle.createReadStream({ highWaterMark: 1024 * 1024 });
    if (!options.verify) return stream;
    const verifying = new Verifying(sha256, options.verify.size);
    stream.on('error', (error) => verifying.destroy(error));
    verifying.on('close', () => stream.destroy());
    return stream.pipe(verifying);
  }

  async remove(sha256: string): Promise<void> {
    await unlink(this.pathOf(sha256)).catch(ignoreMissing);
  }

  async *list(): AsyncIterable<string> {
    const base = join(this.root, 'sha256');
    const prefixes = await readdir(base).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    for (const prefix of prefixes.sort()) {
      const names = await readdir(join(base, prefix));
      for (const name of names.sort()) if (isSha256Hex(name) && name.startsWith(prefix)) yield name;
    }
  }

  #tempPath(pending: PendingBlob): string {
    if (!/^[0-9]+-[0-9a-f]{24}\.part$/.test(pending.token)) throw new Error('not a token of this store');
    return join(this.tempDir, pending.token);
  }

  /** Removes temporary files that a stopped process left behind; once per process, on the first upload. */
  async #sweepOnce(): Promise<void> {
    if (this.#swept) return;
    this.#swept = true;
    const now = Date.now();
    for (const name of await readdir(this.tempDir)) {
      const path = join(this.tempDir, name);
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true });
    }
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

/** Makes a rename in `dir` durable: without it a crash could lose a file that a committed row refers to. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
