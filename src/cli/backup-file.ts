/**
 * The backup file's format (src/cli/backup-commands.ts says what a backup holds and why): the manifest and the names
 * of its parts, opening a backup and checking every part against the manifest, and what backup and restore share.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { Presets, SingleBar } from 'cli-progress';
import yauzl from 'yauzl';
import { adminSocketPath, isAnswering } from '../app/admin-client.ts';
import { type Config, SETTINGS_FILE } from '../app/config.ts';
import type { SequenceValue } from '../db/backup.ts';
import { AppError } from '../lib/errors.ts';

export const BACKUP_FORMAT = 'passage-backup';
export const FORMAT_VERSION = 1;
export const BATCH = 500;
/** Settings that are secrets or name a server with its password: never in a backup. */
export const SECRET_SETTINGS = ['databaseUrl', 'oidcClientSecret', 'kek', 'signingKey'];

export interface BackupPart {
  name: string;
  sha256: string;
  bytes: number;
  /** Rows of a table part. */
  rows?: number;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  nodeId: string;
  database: 'pglite' | 'postgres';
  /** The schema the rows fit: the migrations applied when the backup was taken. */
  migrations: number[];
  /** Tables in the order they are restored (each after those it refers to). */
  tables: string[];
  sequences: SequenceValue[];
  parts: BackupPart[];
  /** What the backup leaves out, and why (read by people). */
  notIncluded: string[];
}

export interface BackupResult {
  file: string;
  tables: number;
  rows: number;
  evidenceFiles: number;
  bytes: number;
  sha256: string;
}

export interface RestoreResult {
  tables: number;
  rows: number;
  evidenceFiles: number;
  erasedAgain: number;
}

export const tablePart = (index: number, table: string) => `database/${String(index).padStart(3, '0')}-${table}.jsonl`;
export const evidencePart = (sha256: string) => `evidence/${sha256}`;

export const refuse = (id: string, message: string) => new AppError(id, 1, message);

export async function refuseWhileRunning(config: Config): Promise<void> {
  if (await isAnswering(adminSocketPath(config.dataDir))) {
    throw refuse('node_running', `The node is running on ${config.dataDir}; stop it first (backups need it stopped).`);
  }
}

/** A progress bar on a terminal; a line per phase elsewhere (logs, tests). */
export function progress(label: string, total: number) {
  if (!process.stderr.isTTY) {
    console.error(`${label}: ${total}`);
    return { increment: (_n = 1) => undefined, stop: () => undefined };
  }
  const bar = new SingleBar(
    { format: `${label} {bar} {value}/{total}`, stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return { increment: (n = 1) => bar.increment(n), stop: () => bar.stop() };
}

/** Passes bytes through while counting and hashing them, and records the part once it ends. */
export function hashed(
  name: string,
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  parts: BackupPart[],
  rows?: number,
): Readable {
  return Readable.from(
    (async function* () {
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of source) {
        const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        hash.update(buffer);
        bytes += buffer.length;
        yield buffer;
      }
      parts.push({ name, sha256: hash.digest('hex'), bytes, ...(rows === undefined ? {} : { rows }) });
    })(),
  );
}

export function settingsWithoutSecrets(dataDir: string): string | null {
  const file = join(dataDir, SETTINGS_FILE);
  if (!existsSync(file)) return null;
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const key of SECRET_SETTINGS) delete settings[key];
  return `${JSON.stringify(settings, null, 2)}\n`;
}

export interface OpenBackup {
  manifest: BackupManifest;
  /** A part's bytes, checked against the manifest as they are read: the stream fails at its end on a mismatch. */
  read(name: string): Promise<Readable>;
  close(): void;
}

export async function openBackup(path: string): Promise<OpenBackup> {
  if (!existsSync(path)) throw refuse('backup_missing', `There is no backup at ${path}.`);
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, z) => (error ? fail(error) : ok(z))),
  ).catch(() => {
    throw refuse('backup_unreadable', `${path} is not a Passage backup (not a ZIP file).`);
  });
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((ok, fail) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on('end', ok);
    zip.on('error', fail);
    zip.readEntry();
  });
  const raw = (entry: yauzl.Entry) =>
    new Promise<Readable>((ok, fail) => zip.openReadStream(entry, (error, s) => (error ? fail(error) : ok(s))));
  const manifestEntry = entries.get('manifest.json');
  if (!manifestEntry) throw refuse('backup_unreadable', `${path} has no manifest: it is not a Passage backup.`);
  const chunks: Buffer[] = [];
  for await (const chunk of await raw(manifestEntry)) chunks.push(chunk as Buffer);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw refuse('backup_unreadable', `The manifest of ${path} is not JSON.`);
  }
  if (manifest.format !== BACKUP_FORMAT || manifest.version !== FORMAT_VERSION) {
    throw refuse('backup_unreadable', `${path} is not a Passage backup of a format this version reads.`);
  }
  const expected = new Map(manifest.parts.map((p) => [p.name, p]));
  const unexpected = [...entries.keys()].find((name) => name !== 'manifest.json' && !expected.has(name));
  if (unexpected) throw refuse('backup_altered', `The backup holds a part its manifest does not name (${unexpected}).`);
  return {
    manifest,
    async read(name) {
      const part = expected.get(name);
      const entry = entries.get(name);
      if (!part || !entry) throw refuse('backup_altered', `The backup lacks the part ${name} that its manifest names.`);
      const source = await raw(entry);
      return Readable.from(
        (async function* () {
          const hash = createHash('sha256');
          let bytes = 0;
          for await (const chunk of source) {
            hash.update(chunk as Buffer);
            bytes += (chunk as Buffer).length;
            yield chunk as Buffer;
          }
          if (bytes !== part.bytes || hash.digest('hex') !== part.sha256) {
            throw refuse('backup_altered', `The part ${name} of the backup does not match its manifest (altered?).`);
          }
        })(),
      );
    },
    close: () => zip.close(),
  };
}

/** Reads every part once, checking it against the manifest, before anything is written. */
export async function verifyBackup(backupFile: OpenBackup): Promise<void> {
  const bar = progress('Checking the backup', backupFile.manifest.parts.length);
  for (const part of backupFile.manifest.parts) {
    for await (const _ of await backupFile.read(part.name)) {
      // reading is the check
    }
    bar.increment();
  }
  bar.stop();
}

export async function verifyBackupFile(path: string): Promise<BackupManifest> {
  const opened = await openBackup(resolve(path));
  try {
    await verifyBackup(opened);
    return opened.manifest;
  } finally {
    opened.close();
  }
}
