import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type Config, loadConfig, resolveDataDir, SETTINGS_FILE } from '../app/config.ts';
import { acquireDataLock } from '../app/data-lock.ts';
import { appliedVersions, clearSeededRows, countRows, insertRows, setSequences, tablesWithData } from '../db/backup.ts';
import { type Db, openDb } from '../db/client.ts';
import { listMigrations, migrate } from '../db/migrate.ts';
import { AuditService } from '../modules/audit/index.ts';
import { FileBlobStore } from '../modules/evidence/index.ts';
import { DestroyedKeys } from '../modules/key-custody/index.ts';
import { reapplyErasures } from '../modules/survivors/index.ts';

import {
  BATCH,
  type OpenBackup,
  openBackup,
  progress,
  type RestoreResult,
  refuse,
  refuseWhileRunning,
  tablePart,
  verifyBackup,
} from './backup-file.ts';

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
