/**
 * `passage backup` and `passage restore`: the node's data in one ZIP file, on either database, with the node stopped.
 *
 * What a backup holds: the database as a logical copy (src/db/backup.ts; the same format for PGlite and PostgreSQL,
 * so a backup of one restores into the other), the evidence store, and the settings without their secrets. What it
 * never holds: the keys directory (the key-encryption key, the signing key, the list of destroyed keys). A backup
 * next to the key that opens it would undo encryption at rest; the operator backs the keys up apart (docs/
 * operator-guide.md). The list of destroyed keys stays out so that restoring an old backup cannot undo an erasure:
 * it is applied again after every restore and at every start (survivors' reapplyErasures).
 *
 * Integrity: `manifest.json` names every part with its SHA-256 and size; restore checks them all before it writes
 * anything, and again as it reads. Nothing half-written: the backup is written to a temporary file that is renamed
 * when complete; a restore goes into a database without data, in one transaction, after the evidence files (which
 * are stored by hash, so a second attempt reuses them).
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Presets, SingleBar } from 'cli-progress';
import type { Command, Option } from 'commander';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { adminSocketPath, isAnswering } from '../app/admin-client.ts';
import { type Config, loadConfig, resolveDataDir, SETTINGS_FILE } from '../app/config.ts';
import { acquireDataLock } from '../app/data-lock.ts';
import {
  appliedVersions,
  clearSeededRows,
  countRows,
  dumpTable,
  insertRows,
  type SequenceValue,
  sequenceValues,
  setSequences,
  tablesInOrder,
  tablesWithData,
} from '../db/backup.ts';
import { type Db, openDb } from '../db/client.ts';
import { listMigrations, migrate } from '../db/migrate.ts';
import { AppError } from '../lib/errors.ts';
import { AuditService } from '../modules/audit/index.ts';
import { FileBlobStore } from '../modules/evidence/index.ts';
import { DestroyedKeys } from '../modules/key-custody/index.ts';
import { reapplyErasures } from '../modules/survivors/index.ts';

export const BACKUP_FORMAT = 'passage-backup';
const FORMAT_VERSION = 1;
const BATCH = 500;
/** Settings that are secrets or name a server with its password: never in a backup. */
const SECRET_SETTINGS = ['databaseUrl', 'oidcClientSecret', 'kek', 'signingKey'];

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

const tablePart = (index: number, table: string) => `database/${String(index).padStart(3, '0')}-${table}.jsonl`;
const evidencePart = (sha256: string) => `evidence/${sha256}`;

const refuse = (id: string, message: string) => new AppError(id, 1, message);

async function refuseWhileRunning(config: Config): Promise<void> {
  if (await isAnswering(adminSocketPath(config.dataDir))) {
    throw refuse('node_running', `The node is running on ${config.dataDir}; stop it first (backups need it stopped).`);
  }
}

/** A progress bar on a terminal; a line per phase elsewhere (logs, tests). */
function progress(label: string, total: number) {
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
function hashed(
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

function settingsWithoutSecrets(dataDir: string): string | null {
  const file = join(dataDir, SETTINGS_FILE);
  if (!existsSync(file)) return null;
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const key of SECRET_SETTINGS) delete settings[key];
  return `${JSON.stringify(settings, null, 2)}\n`;
}

export async function backup(dataDir: string, out: string): Promise<BackupResult> {
  const config = loadConfig({ dataDir });
  await refuseWhileRunning(config);
  const file = resolve(out);
  if (existsSync(file)) throw refuse('backup_exists', `${file} exists already; give the backup another name.`);
  if (!existsSync(dirname(file)))
    throw refuse('backup_directory_missing', `The directory ${dirname(file)} does not exist.`);
  const lock = config.databaseUrl ? null : acquireDataLock(config.dataDir, 'passage backup');
  const temp = `${file}.partial-${process.pid}`;
  let db: Db | null = null;
  try {
    if (!config.databaseUrl && !existsSync(join(config.dataDir, 'db'))) {
      throw refuse('backup_no_database', `There is no database to back up in ${config.dataDir}.`);
    }
    db = await openDb(config);
    const applied = await appliedVersions(db);
    if (applied.length === 0) throw refuse('backup_no_database', 'There is no database to back up: it has no schema.');
    // Erasures the database knows go on the list before the copy is made (the list is what keeps them erased).
    await reapplyErasures(db, new AuditService(db), DestroyedKeys.of(config), {
      actor: { kind: 'operator', name: 'passage backup' },
      requestId: null,
    });
    const store = new FileBlobStore(config.evidenceDir);
    const result = await writeBackup(db, config, store, applied, temp);
    const fd = openSync(temp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
    return { ...result, file };
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  } finally {
    await db?.close();
    lock?.release();
  }
}

async function writeBackup(
  db: Db,
  config: Config,
  store: FileBlobStore,
  migrations: number[],
  temp: string,
): Promise<Omit<BackupResult, 'file'>> {
  return db.transaction(async (tx) => {
    // One consistent view of every table, however long the copy takes.
    await tx.exec('set transaction isolation level repeatable read, read only');
    const tables = await tablesInOrder(tx);
    const counts = new Map<string, number>();
    for (const table of tables) counts.set(table, await countRows(tx, table));
    const blobs: { sha256: string; size: number }[] = [];
    for await (const sha256 of store.list()) blobs.push({ sha256, size: (await store.size(sha256)) ?? 0 });
    const rows = [...counts.values()].reduce((a, b) => a + b, 0);
    const bar = progress('Backing up rows and evidence files', rows + blobs.length);

    const parts: BackupPart[] = [];
    const zip = new yazl.ZipFile();
    const written = pipeline(zip.outputStream, createWriteStream(temp, { mode: 0o600, flags: 'wx' }));
    const failed = new Promise<never>((_, reject) => zip.on('error', reject));
    const settings = settingsWithoutSecrets(config.dataDir);
    if (settings !== null) zip.addReadStream(hashed(SETTINGS_FILE, [settings], parts), SETTINGS_FILE);
    tables.forEach((table, i) => {
      const lines = (async function* () {
        for await (const row of dumpTable(tx, table, BATCH)) {
          bar.increment();
          yield `${row}\n`;
        }
      })();
      zip.addReadStream(hashed(tablePart(i, table), lines, parts, counts.get(table)), tablePart(i, table));
    });
    for (const blob of blobs) {
      const content = (async function* () {
        yield* await store.read(blob.sha256, { verify: { size: blob.size } });
        bar.increment();
      })();
      zip.addReadStream(hashed(evidencePart(blob.sha256), content, parts), evidencePart(blob.sha256), {
        compress: false,
      });
    }
    const sequences = await sequenceValues(tx);
    // The manifest is read by the ZIP writer after every part before it has streamed, so their digests are known.
    const manifest = (async function* () {
      const body: BackupManifest = {
        format: BACKUP_FORMAT,
        version: FORMAT_VERSION,
        createdAt: new Date().toISOString(),
        nodeId: config.nodeId,
        database: db.kind,
        migrations,
        tables,
        sequences,
        parts,
        notIncluded: [
          'the keys directory (key-encryption key, signing key, retired keys, list of destroyed keys): back it up apart',
          'settings that are secrets (database URL, OIDC client secret)',
        ],
      };
      yield `${JSON.stringify(body, null, 2)}\n`;
    })();
    zip.addReadStream(Readable.from(manifest), 'manifest.json');
    zip.end();
    await Promise.race([written, failed]);
    bar.stop();
    const sha256 = createHash('sha256');
    for await (const chunk of createReadStream(temp)) sha256.update(chunk as Buffer);
    return {
      tables: tables.length,
      rows,
      evidenceFiles: blobs.length,
      bytes: parts.reduce((sum, p) => sum + p.bytes, 0),
      sha256: sha256.digest('hex'),
    };
  });
}

// --- reading a backup

interface OpenBackup {
  manifest: BackupManifest;
  /** A part's bytes, checked against the manifest as they are read: the stream fails at its end on a mismatch. */
  read(name: string): Promise<Readable>;
  close(): void;
}

async function openBackup(path: string): Promise<OpenBackup> {
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
async function verifyBackup(backupFile: OpenBackup): Promise<void> {
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

export async function restore(dataDir: string, from: string): Promise<RestoreResult> {
  const opened = await openBackup(resolve(from));
  try {
    await verifyBackup(opened);
    return await restoreInto(resolveDataDir({ dataDir }), opened);
  } finally {
    opened.close();
  }
}

async function restoreInto(dataDir: string, backupFile: OpenBackup): Promise<RestoreResult> {
  const { manifest } = backupFile;
  const settingsFile = join(dataDir, SETTINGS_FILE);
  if (existsSync(settingsFile)) {
    const current = loadConfig({ dataDir });
    if (current.nodeId !== manifest.nodeId) {
      throw refuse(
        'backup_other_node',
        `The backup is of node ${manifest.nodeId}; ${dataDir} is set up for node ${current.nodeId}.`,
      );
    }
  }
  const config = loadConfig({ dataDir, nodeId: manifest.nodeId });
  await refuseWhileRunning(config);
  // The keys come back first, from where the operator keeps them apart: without the key-encryption key the data
  // cannot be read, and without the list of destroyed keys an erasure made after the backup would be undone.
  if (!config.kek && !existsSync(config.kekFile)) {
    throw refuse(
      'restore_keys_missing',
      `Put the keys back first (${dirname(config.kekFile)}: the key-encryption key and the list of destroyed keys, ` +
        'from your key backup), then restore.',
    );
  }
  const code = new Set(listMigrations().map((m) => m.version));
  const newer = manifest.migrations.filter((v) => !code.has(v));
  if (newer.length > 0) {
    throw refuse('backup_newer', 'The backup was made by a newer version of Passage; restore it with that version.');
  }
  const lock = config.databaseUrl ? null : acquireDataLock(config.dataDir, 'passage restore');
  let db: Db | null = null;
  try {
    db = await openDb(config);
    const applied = await appliedVersions(db);
    const backupVersions = new Set(manifest.migrations);
    if (applied.some((v) => !backupVersions.has(v))) {
      throw refuse(
        'restore_not_empty',
        'The database already has a newer schema than the backup; restore into a new, empty database.',
      );
    }
    // The schema the backup's rows fit; the migrations after it run once the rows are in.
    for (const migration of listMigrations().filter(
      (m) => backupVersions.has(m.version) && !applied.includes(m.version),
    )) {
      await db.transaction(async (tx) => {
        await tx.exec(migration.sql);
        await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      });
    }
    const full = await tablesWithData(db);
    if (full.length > 0) {
      throw refuse(
        'restore_not_empty',
        `The database already holds data (${full.slice(0, 3).join(', ')}…); restore only into an empty one ` +
          '(embedded: move the db directory aside; PostgreSQL: create a new database).',
      );
    }
    if (!existsSync(settingsFile)) {
      const part = manifest.parts.find((p) => p.name === SETTINGS_FILE);
      if (part) {
        const chunks: Buffer[] = [];
        for await (const chunk of await backupFile.read(SETTINGS_FILE)) chunks.push(chunk as Buffer);
        writeFileSync(settingsFile, Buffer.concat(chunks), { mode: 0o600 });
      }
    }
    const evidenceFiles = await restoreEvidence(config, backupFile);
    const rows = await restoreDatabase(db, backupFile);
    await migrate(db);
    const ctx = { actor: { kind: 'operator' as const, name: 'passage restore' }, requestId: null };
    const audit = new AuditService(db);
    const { erasedAgain } = await reapplyErasures(db, audit, DestroyedKeys.of(config), ctx);
    await db.transaction((tx) =>
      audit.record(tx, ctx, { action: 'node.restore', resource: `backup:${manifest.createdAt}`, outcome: 'success' }),
    );
    return { tables: manifest.tables.length, rows, evidenceFiles, erasedAgain: erasedAgain.length };
  } finally {
    await db?.close();
    lock?.release();
  }
}

async function restoreEvidence(config: Config, backupFile: OpenBackup): Promise<number> {
  const store = new FileBlobStore(config.evidenceDir);
  const parts = backupFile.manifest.parts.filter((p) => p.name.startsWith('evidence/'));
  const bar = progress('Restoring evidence files', parts.length);
  for (const part of parts) {
    const sha256 = part.name.slice('evidence/'.length);
    if ((await store.size(sha256)) !== part.bytes) {
      const pending = await store.receive(await backupFile.read(part.name), { maxBytes: part.bytes });
      if (pending.sha256 !== sha256) {
        await store.discard(pending);
        throw refuse('backup_altered', `The evidence file ${sha256} in the backup does not match its name.`);
      }
      await store.commit(pending);
    }
    bar.increment();
  }
  bar.stop();
  return parts.length;
}

async function restoreDatabase(db: Db, backupFile: OpenBackup): Promise<number> {
  const { manifest } = backupFile;
  const total = manifest.parts.reduce((sum, p) => sum + (p.rows ?? 0), 0);
  const bar = progress('Restoring rows', total);
  const rows = await db.transaction(async (tx) => {
    let count = 0;
    for (const [i, table] of manifest.tables.entries()) {
      if ((await countRows(tx, table)) > 0) await clearSeededRows(tx, table);
      const lines = createInterface({ input: await backupFile.read(tablePart(i, table)), crlfDelay: Infinity });
      let batch: string[] = [];
      for await (const line of lines) {
        if (!line) continue;
        batch.push(line);
        if (batch.length >= BATCH) {
          await insertRows(tx, table, batch);
          bar.increment(batch.length);
          count += batch.length;
          batch = [];
        }
      }
      await insertRows(tx, table, batch);
      bar.increment(batch.length);
      count += batch.length;
    }
    await setSequences(tx, manifest.sequences);
    return count;
  });
  bar.stop();
  return rows;
}

export function registerBackupCommands(program: Command, dataOption: () => Option): void {
  program
    .command('backup')
    .description(
      'write the database, evidence and settings to one file (node stopped); the keys are not in it: back them up apart',
    )
    .addOption(dataOption())
    .requiredOption('--out <file>', 'the backup file to write (a ZIP); it must not exist yet')
    .action(async (opts: { data?: string; out: string }) => {
      const result = await backup(resolveDataDir({ dataDir: opts.data }), opts.out);
      console.log(
        `Wrote ${result.file}: ${result.tables} tables, ${result.rows} rows, ${result.evidenceFiles} evidence files ` +
          `(${result.bytes} bytes; SHA-256 ${result.sha256}).`,
      );
      console.log(
        'The keys directory is not in the backup. Keep a copy of it apart from the backups (see the operator guide).',
      );
    });
  program
    .command('restore')
    .description(
      'restore a backup into a data directory whose database is empty (node stopped); keys must be in place first',
    )
    .addOption(dataOption())
    .requiredOption('--from <file>', 'the backup file')
    .option('--check', 'only check the backup against its manifest; write nothing')
    .action(async (opts: { data?: string; from: string; check?: boolean }) => {
      if (opts.check) {
        const manifest = await verifyBackupFile(opts.from);
        console.log(
          `The backup of ${manifest.nodeId} taken ${manifest.createdAt} is intact (${manifest.parts.length} parts).`,
        );
        return;
      }
      const result = await restore(resolveDataDir({ dataDir: opts.data }), opts.from);
      console.log(
        `Restored ${result.rows} rows in ${result.tables} tables and ${result.evidenceFiles} evidence files.` +
          (result.erasedAgain > 0 ? ` ${result.erasedAgain} erasures made after the backup were applied again.` : ''),
      );
    });
}
