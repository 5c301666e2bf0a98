/**
 * Rotation of the node's Ed25519 signing key while the node is stopped: `passage keys rotate-signing`.
 *
 * The old key signs an endorsement of the new one (key-endorsement.ts) and moves, public part only, to
 * `<signing key file>.retired.json` with the end of its grace period; the node publishes it with `exp` beside the new
 * key, so messages and receipts it signed before stay verifiable, and peers take the new key on its first message
 * because a key they trust endorsed it. Steps, each file written whole (temporary file, fsync, rename):
 *  1. the retired entry is appended; 2. the new key replaces the old in the signing key file.
 * A crash between the two leaves the old key in use and an entry naming it, which `loadKeys` ignores and the next run
 * replaces.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { type Config, ConfigError } from '../../app/config.ts';
import { type Db, openDb } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { deriveEncryptionKey } from '../../lib/encryption-key.ts';
import { AppError } from '../../lib/errors.ts';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import { AuditService, type RequestContext } from '../audit/index.ts';
import { signEndorsement, signingJwk } from '../federation/index.ts';
import { loadKeys } from './node-keys.ts';
import { lockDataDir, refuseWhileRunning, writeDurably } from './offline-keys.ts';
import { type RetiredKeyEntry, readRetiredKeys, retiredKeysFile } from './retired-keys.ts';

export const DEFAULT_GRACE_DAYS = 30;
const KEY = 'the signing key';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SigningRotationOptions {
  /** How long the old key keeps verifying; 30 days unless given. */
  graceDays?: number;
  /** An already open database (tests); otherwise the one the configuration names. */
  db?: Db;
  /** Receives one line per step for the operator; never key material. */
  report?: (line: string) => void;
  now?: Date;
}

export interface SigningRotationResult {
  /** Fingerprint of the new key: what to read out to peers' administrators when they add this node from now on. */
  fingerprint: string;
  previousFingerprint: string;
  validUntil: string;
  retiredFile: string;
}

/** Replaces the signing key of the node that `config` describes. The node must be stopped. */
export async function rotateSigningKey(
  config: Config,
  ctx: RequestContext,
  options: SigningRotationOptions = {},
): Promise<SigningRotationResult> {
  if (config.signingKey) {
    throw new ConfigError(
      'PASSAGE_SIGNING_KEY',
      'passage keys rotate-signing only rotates a key kept in a file. The key comes from the environment: replace ' +
        'it there yourself (peers must then be re-added with the new fingerprint), or keep it in a file named by ' +
        'PASSAGE_SIGNING_KEY_FILE.',
    );
  }
  const graceDays = options.graceDays ?? DEFAULT_GRACE_DAYS;
  if (!(graceDays > 0 && graceDays <= 365)) {
    throw new AppError('grace_days_invalid', 400, `The grace period must be more than 0 and at most 365 days.`);
  }
  await refuseWhileRunning(config.dataDir, KEY);
  const lock = lockDataDir(config.dataDir, 'passage keys rotate-signing', KEY);
  let db: Db | null = null;
  try {
    db = options.db ?? (await openDb(config));
    await migrate(db);
    return await rotate(config, db, ctx, graceDays, options);
  } finally {
    if (db && !options.db) await db.close();
    lock.release();
  }
}

async function rotate(
  config: Config,
  db: Db,
  ctx: RequestContext,
  graceDays: number,
  options: SigningRotationOptions,
): Promise<SigningRotationResult> {
  const report = options.report ?? (() => {});
  const now = options.now ?? new Date();
  const { signingKey: oldKey } = loadKeys(config);
  const oldPublic = createPublicKey(oldKey);
  const previousFingerprint = keyFingerprint(oldPublic);
  const { privateKey: newKey } = generateKeyPairSync('ed25519');
  const fingerprint = keyFingerprint(createPublicKey(newKey));
  report(`Rotating the signing key ${previousFingerprint} in ${config.signingKeyFile}.`);

  const validUntil = new Date(now.getTime() + graceDays * DAY_MS).toISOString();
  const { kty, crv, x, d } = deriveEncryptionKey(oldKey).export({ format: 'jwk' });
  const entry: RetiredKeyEntry = {
    jwk: signingJwk(oldPublic),
    retiredAt: now.toISOString(),
    validUntil,
    endorsement: await signEndorsement(config.nodeId, newKey, oldKey, now),
    // What peers sealed to the old encryption key (a referral not yet accepted) must still open.
    encryptionKey: { kty: kty as 'OKP', crv: crv as 'X25519', x: x as string, d: d as string },
  };
  const file = retiredKeysFile(config);
  // An entry for the current key is left by a run cut short after step 1: this entry replaces it.
  const kept = readRetiredKeys(file).filter((key) => key.jwk.kid !== previousFingerprint);
  // Recorded before the files change: a rotation the audit trail does not show must not happen.
  const audit = new AuditService(db);
  await db.transaction((tx) =>
    audit.record(tx, ctx, { action: 'keys.rotate_signing', resource: `key:${fingerprint}`, outcome: 'success' }),
  );
  writeDurably(file, `${JSON.stringify([...kept, entry], null, 2)}\n`);
  report(`Retired ${previousFingerprint} to ${file}; it verifies until ${validUntil}.`);
  writeDurably(config.signingKeyFile, `${JSON.stringify(newKey.export({ format: 'jwk' }))}\n`);
  report(`The signing key is now ${fingerprint} (${config.signingKeyFile}).`);
  report(
    'Peers take the new key on its first message: the old key endorsed it. Give the new fingerprint to whoever ' +
      'adds this node as a peer from now on.',
  );
  return { fingerprint, previousFingerprint, validUntil, retiredFile: file };
}
