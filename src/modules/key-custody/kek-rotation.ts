/**
 * Rotation of the key-encryption key (KEK) while the node is stopped: `passage keys rotate`.
 *
 * What the KEK protects is small and is all rewrapped in one transaction: per-person data keys (survivors), node
 * secrets (key custody's own) and TOTP secrets (user accounts). Identity fields and blind-index tokens stay byte for
 * byte as they are: they are under the data keys, which do not change. Key custody does not know the other modules'
 * tables: the command that runs the rotation hands it their rewraps (`KekHolders`).
 *
 * The order of the steps lets a crash at any point be finished by running the command again:
 *  1. the new key is written to `<kek file>.next` (durably: a temporary file, fsync, rename) before the transaction
 *     commits, so no committed row ever depends on a key that is not on disk;
 *  2. the transaction rewraps and reseals everything (idempotently: a value already under the new key is kept);
 *  3. the old key file moves to `<kek file>.retired-<UTC time>` and `.next` is renamed into place.
 * While `.next` exists the node refuses to start (`loadKeys`), and a new `rotate` finishes with that key.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Config, ConfigError } from '../../app/config.ts';
import { type Db, openDb, type Queryable } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { keyId } from '../../lib/data-keys.ts';
import { AuditService, type RequestContext } from '../audit/index.ts';
import { pendingKekFile, readKekFile } from './node-keys.ts';
import { rewrapNodeSecrets } from './node-secrets.ts';
import { lockDataDir, refuseWhileRunning, syncDir, writeDurably } from './offline-keys.ts';

const KEY = 'the key-encryption key';

/** Moves one module's values from the old KEK to the new one, keeping those already moved; returns how many. */
export type KekRewrap = (tx: Queryable, oldKek: Buffer, newKek: Buffer) => Promise<number>;

/** What the modules above key custody keep under the KEK, each moved in the rotation's transaction. */
export interface KekHolders {
  /** Data keys wrapped by the KEK besides the node secrets: the survivors' per-person keys. */
  dataKeys: KekRewrap;
  /** Secrets sealed by the KEK: the users' TOTP secrets. */
  totpSecrets: KekRewrap;
}

export interface RotationOptions {
  /** An already open database (tests); otherwise the one the configuration names. */
  db?: Db;
  /** Receives one line per step for the operator; never key material. */
  report?: (line: string) => void;
}

export interface RotationResult {
  /** Id of the key now in use (`keyId`): names the key without revealing it. */
  keyId: string;
  /** Id of the key it replaced; null when an interrupted run had already retired it. */
  previousKeyId: string | null;
  /** Whether this run finished a rotation that an earlier run started. */
  resumed: boolean;
  /** Data keys and node secrets now wrapped by the new key. */
  wrappedKeys: number;
  /** TOTP secrets now sealed by the new key. */
  totpSecrets: number;
  /** Where the old key was moved; null when an interrupted run had already moved it. */
  retiredFile: string | null;
}

/** Rotates the KEK of the node that `config` describes. The node must be stopped. */
export async function rotateKek(
  config: Config,
  ctx: RequestContext,
  holders: KekHolders,
  options: RotationOptions = {},
): Promise<RotationResult> {
  if (config.kek) {
    throw new ConfigError(
      'PASSAGE_KEK',
      'passage keys rotate only rotates a key kept in a file. Put the current key in a file (mode 600) named by ' +
        'PASSAGE_KEK_FILE, unset PASSAGE_KEK, run the rotation, then hand the new key to the environment if you keep it there.',
    );
  }
  await refuseWhileRunning(config.dataDir, KEY);
  // The lock also keeps two rotations of one data directory apart when the database is PostgreSQL.
  const lock = options.db ? null : lockDataDir(config.dataDir, 'passage keys rotate', KEY);
  let db: Db | null = null;
  try {
    db = options.db ?? (await openDb(config));
    await migrate(db);
    return await rotate(config, db, ctx, holders, options.report ?? (() => {}));
  } finally {
    if (db && !options.db) await db.close();
    lock?.release();
  }
}

async function rotate(
  config: Config,
  db: Db,
  ctx: RequestContext,
  holders: KekHolders,
  report: (line: string) => void,
): Promise<RotationResult> {
  const next = pendingKekFile(config);
  const resumed = existsSync(next);
  let oldKek: Buffer | null;
  let newKek: Buffer;
  if (resumed) {
    newKek = readKekFile(next);
    // Without the old file, the interrupted run had committed and retired it: every value is under the new key.
    oldKek = existsSync(config.kekFile) ? readKekFile(config.kekFile) : null;
    report(`Finishing the interrupted rotation to key ${keyId(newKek)} (${next}).`);
  } else {
    oldKek = readKekFile(config.kekFile);
    newKek = randomBytes(32);
    report(`Rotating the key-encryption key ${keyId(oldKek)} in ${config.kekFile}.`);
  }
  const counts = await rewrapDatabase(db, holders, oldKek ?? newKek, newKek, ctx, () => {
    if (resumed) return;
    writeDurably(next, `${newKek.toString('base64')}\n`);
    report(`Wrote the new key ${keyId(newKek)} to ${next}.`);
  });
  report(
    `Rewrapped ${counts.wrappedKeys} data keys and node secrets and resealed ${counts.totpSecrets} TOTP secrets ` +
      `under key ${keyId(newKek)}.`,
  );
  const retiredFile = oldKek ? retire(config.kekFile) : null;
  renameSync(next, config.kekFile);
  syncDir(dirname(config.kekFile));
  if (retiredFile) report(`Moved the old key ${keyId(oldKek as Buffer)} to ${retiredFile}.`);
  report(`The key-encryption key is now ${keyId(newKek)} (${config.kekFile}).`);
  return {
    keyId: keyId(newKek),
    previousKeyId: oldKek ? keyId(oldKek) : null,
    resumed,
    wrappedKeys: counts.wrappedKeys,
    totpSecrets: counts.totpSecrets,
    retiredFile,
  };
}

/**
 * The database step of a rotation, in one transaction: rewraps every data key and node secret, reseals every TOTP
 * secret and records `keys.rotate`. Safe to run again with the same keys. `beforeCommit` runs after every value was
 * rewrapped and before the commit: the place to make the new key durable, so that a database that refuses the
 * rotation (a value under neither key) leaves no new key behind.
 */
export async function rewrapDatabase(
  db: Db,
  holders: KekHolders,
  oldKek: Buffer,
  newKek: Buffer,
  ctx: RequestContext,
  beforeCommit: () => void = () => {},
): Promise<{ wrappedKeys: number; totpSecrets: number }> {
  const audit = new AuditService(db);
  return db.transaction(async (tx) => {
    const keys = (await holders.dataKeys(tx, oldKek, newKek)) + (await rewrapNodeSecrets(tx, oldKek, newKek));
    const totpSecrets = await holders.totpSecrets(tx, oldKek, newKek);
    // Only the console can rotate (the node is stopped), so there is no policy decision to ask for.
    await audit.record(tx, ctx, { action: 'keys.rotate', resource: `kek:${keyId(newKek)}`, outcome: 'success' });
    beforeCommit();
    return { wrappedKeys: keys, totpSecrets };
  });
}

/** Moves the old key aside, never over an earlier retired key. */
function retire(kekFile: string): string {
  const stamp = new Date().toISOString().replace(/[-:]|\.\d+/g, '');
  let retired = `${kekFile}.retired-${stamp}`;
  for (let n = 2; existsSync(retired); n++) retired = `${kekFile}.retired-${stamp}-${n}`;
  renameSync(kekFile, retired);
  chmodSync(retired, 0o600);
  // The old key must be safely aside before `.next` takes its name: the two renames must not be reordered on disk.
  syncDir(dirname(kekFile));
  return retired;
}
