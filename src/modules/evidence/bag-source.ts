/**
 * Read access to a received bag, as a directory or as a zip holding one top-level directory, without unpacking
 * it: files are listed with their sizes and opened as streams. Nothing is ever written to disk, and entries that
 * could escape a directory when unpacked by another tool (absolute paths, "..", backslashes) refuse the whole
 * zip — a bag that tries this is not one Passage wrote.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { isSafeBagPath } from '../../lib/bagit.ts';

export interface BagSource {
  readonly format: 'directory' | 'zip';
  /** Regular files by path relative to the bag's base directory ("/"-separated), with their sizes. */
  readonly files: ReadonlyMap<string, number>;
  /** Entries that are not regular files (links, devices); they are never read. */
  readonly irregular: readonly { path: string; kind: string }[];
  open(path: string): Promise<Readable>;
  close(): Promise<void>;
}

/** The bag cannot be read at all; `where` names the entry when one is to blame. */
export class BagRefusedError extends Error {
  readonly where: string;
  constructor(message: string, where = '') {
    super(message);
    this.name = 'BagRefusedError';
    this.where = where;
  }
}

export async function openBagSource(location: string): Promise<BagSource> {
  const stats = await lstat(location);
  if (stats.isDirectory()) return openDirectory(location);
  if (stats.isFile()) return openZip(location);
  throw new BagRefusedError('not a directory or a zip file', location);
}

async function openDirectory(base: string): Promise<BagSource> {
  const files = new Map<string, number>();
  const irregular: { path: string; kind: string }[] = [];
  const walk = async (relative: string) => {
    for (const entry of await readdir(join(base, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.set(path, (await lstat(join(base, path))).size);
      else irregular.push({ path, kind: entry.isSymbolicLink() ? 'symbolic link' : 'special file' });
    }
  };
  await walk('');
  return {
    format: 'directory',
    files,
    irregular,
    async open(path) {
      if (!files.has(path)) throw new BagRefusedError('no such file in the bag', path);
      return createReadStream(join(base, path));
    },
    async close() {},
  };
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

async function openZip(location: string): Promise<BagSource> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(location, { autoClose: false, strictFileNames: true, validateEntrySizes: true });
  } catch (error) {
    throw new BagRefusedError(`not a readable zip archive (${(error as Error).message})`, location);
  }
  try {
    const entries = new Map<string, yauzl.Entry>();
    const irregular: { path: string; kind: string }[] = [];
    let root: string | undefined;
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      const isDirectory = name.endsWith('/');
      const path = isDirectory ? name.slice(0, -1) : name;
      if (!isSafeBagPath(path)) throw new BagRefusedError('the zip holds an entry with an unsafe path', name);
      const [top, ...rest] = path.split('/');
      if (root !== undefined && top !== root) {
        throw new BagRefusedError('the zip must hold exactly one top-level directory', name);
      }
      root = top;
      if (isDirectory) continue;
      const relative = rest.join('/');
      if (relative === '') throw new BagRefusedError('the zip must hold exactly one top-level directory', name);
      if (entries.has(relative)) throw new BagRefusedError('the zip holds the same entry twice', name);
      if (entry.isEncrypted()) throw new BagRefusedError('the zip holds an encrypted entry', name);
      // The Unix mode, when the archiver recorded one, is in the high half of the external attributes.
      const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (mode !== 0 && mode !== S_IFREG) {
        irregular.push({ path: relative, kind: mode === S_IFLNK ? 'symbolic link' : 'special file' });
        continue;
      }
      entries.set(relative, entry);
    }
    const files = new Map([...entries].map(([path, entry]) => [path, entry.uncompressedSize]));
    return {
      format: 'zip',
      files,
      irregular,
      async open(path) {
        const entry = entries.get(path);
        if (!entry) throw new BagRefusedError('no such file in the bag', path);
        return zip.openReadStreamPromise(entry);
      },
      async close() {
        zip.close();
      },
    };
  } catch (error) {
    zip.close();
    if (error instanceof BagRefusedError) throw error;
    // yauzl refuses unsafe names itself ("absolute path: /etc/passwd"); its message names the entry.
    throw new BagRefusedError(`the zip cannot be read safely (${(error as Error).message})`);
  }
}
