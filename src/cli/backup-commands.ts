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
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command, Option } from 'commander';
import yazl from 'yazl';
import { type Config, loadConfig, resolveDataDir, SETTINGS_FILE } from '../app/config.ts';
import { acquireDataLock } from '../app/data-lock.ts';
import { appliedVersions, countRows, dumpTable, sequenceValues, tablesInOrder } from '../db/backup.ts';
import { type Db, openDb } from '../db/client.ts';
import { AuditService } from '../modules/audit/index.ts';
import { FileBlobStore } from '../modules/evidence/index.ts';
import { DestroyedKeys } from '../modules/key-custody/index.ts';
import { reapplyErasures } from '../modules/survivors/index.ts';

import {
  BACKUP_FORMAT,
  BATCH,
  type BackupManifest,
  type BackupPart,
  type BackupResult,
  evidencePart,
  FORMAT_VERSION,
  hashed,
  progress,
  refuse,
  refuseWhileRunning,
  settingsWithoutSecrets,
  tablePart,
  verifyBackupFile,
} from './backup-file.ts';
import { restore } from './restore.ts';

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
