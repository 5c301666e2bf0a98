import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Config, ConfigError } from '../../app/config.ts';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import type { RetiredSigningKey } from '../federation/index.ts';
import { liveRetiredKeys, readRetiredKeys, retiredKeysFile } from './retired-keys.ts';

export interface NodeKeys {
  signingKey: KeyObject;
  publicJwk: JsonWebKey;
  /** 256-bit key-encryption key that wraps per-survivor data keys. */
  kek: Buffer;
  /** Signing keys replaced by a rotation and still in their grace period: published for verification only. */
  retired?: RetiredSigningKey[];
  /**
   * The public keys of every signing key the node ever retired, however long ago: what it signed for good (custody
   * checkpoints) must keep verifying after the grace period.
   */
  formerKeys?: KeyObject[];
  /** The X25519 private keys derived from those retired signing keys: referrals sealed to them still open. */
  formerEncryptionKeys?: KeyObject[];
}

function isDefaultLocation(config: Config, file: string): boolean {
  return file.startsWith(join(config.dataDir, 'keys'));
}

/**
 * The new key of a key-encryption-key rotation that has not finished (`passage keys rotate`, see kek-rotation.ts).
 * While it exists, part of the data may be wrapped by it: the node must not start with the old key alone.
 */
export const pendingKekFile = (config: Config): string => `${config.kekFile}.next`;

function writeSecret(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
}

/**
 * Creates the node's keys in the data directory when they do not exist yet. Keys that the operator points to
 * elsewhere are never generated: a missing one is a configuration error. Returns the files it created.
 */
export function ensureKeys(config: Config): string[] {
  const created: string[] = [];
  if (!config.signingKey && !existsSync(config.signingKeyFile) && isDefaultLocation(config, config.signingKeyFile)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeSecret(config.signingKeyFile, `${JSON.stringify(privateKey.export({ format: 'jwk' }))}\n`);
    created.push(config.signingKeyFile);
  }
  // Without a key file but with a pending one, a rotation stopped between retiring the old key and installing the
  // new one: `passage keys rotate` finishes it, and a fresh key here would only get in the way.
  if (
    !config.kek &&
    !existsSync(config.kekFile) &&
    !existsSync(pendingKekFile(config)) &&
    isDefaultLocation(config, config.kekFile)
  ) {
    writeSecret(config.kekFile, `${randomBytes(32).toString('base64')}\n`);
    created.push(config.kekFile);
  }
  return created;
}

function readSecretFile(setting: string, file: string): string {
  if (!existsSync(file)) throw new ConfigError(setting, `key file ${file} does not exist (run "passage init")`);
  if ((statSync(file).mode & 0o077) !== 0) {
    throw new ConfigError(setting, `key file ${file} must not be readable by group or others (chmod 600)`);
  }
  return readFileSync(file, 'utf8').trim();
}

function decodeKek(setting: string, text: string): Buffer {
  const kek = Buffer.from(text, 'base64');
  if (kek.length !== 32) throw new ConfigError(setting, 'must be 32 bytes encoded in base64');
  return kek;
}

/** Reads a key-encryption key kept in a file (mode 600, 32 bytes in base64). */
export function readKekFile(file: string): Buffer {
  return decodeKek('PASSAGE_KEK_FILE', readSecretFile('PASSAGE_KEK_FILE', file));
}

export function loadKeys(config: Config): NodeKeys {
  if (!config.kek && existsSync(pendingKekFile(config))) {
    throw new ConfigError(
      'PASSAGE_KEK_FILE',
      `a key rotation did not finish (${pendingKekFile(config)} exists). ` +
        `Run "passage keys rotate --data ${config.dataDir}" to finish it, then start the node.`,
    );
  }
  const [setting, source] = config.signingKey
    ? ['PASSAGE_SIGNING_KEY', 'the value']
    : ['PASSAGE_SIGNING_KEY_FILE', config.signingKeyFile];
  let signingKey: KeyObject;
  try {
    const jwk = JSON.parse(config.signingKey ?? readSecretFile(setting, config.signingKeyFile));
    signingKey = createPrivateKey({ key: jwk, format: 'jwk' });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(setting, `${source} is not an Ed25519 private JWK`);
  }
  if (signingKey.asymmetricKeyType !== 'ed25519') throw new ConfigError(setting, `${source} is not an Ed25519 key`);
  const kek = config.kek ? decodeKek('PASSAGE_KEK', config.kek) : readKekFile(config.kekFile);
  const publicKey = createPublicKey(signingKey);
  const all = readRetiredKeys(retiredKeysFile(config));
  return {
    signingKey,
    publicJwk: publicKey.export({ format: 'jwk' }),
    kek,
    retired: liveRetiredKeys(all, keyFingerprint(publicKey)),
    formerEncryptionKeys: all.flatMap((key) =>
      key.encryptionKey ? [createPrivateKey({ key: { ...key.encryptionKey }, format: 'jwk' })] : [],
    ),
    formerKeys: all.map((key) => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.jwk.x }, format: 'jwk' })),
  };
}
