import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Config, ConfigError } from './config.ts';

export interface NodeKeys {
  signingKey: KeyObject;
  publicJwk: JsonWebKey;
  /** 256-bit key-encryption key that wraps per-survivor data keys. */
  kek: Buffer;
}

function isDefaultLocation(config: Config, file: string): boolean {
  return file.startsWith(join(config.dataDir, 'keys'));
}

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
  if (!config.kek && !existsSync(config.kekFile) && isDefaultLocation(config, config.kekFile)) {
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

export function loadKeys(config: Config): NodeKeys {
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
  const kek = config.kek
    ? decodeKek('PASSAGE_KEK', config.kek)
    : decodeKek('PASSAGE_KEK_FILE', readSecretFile('PASSAGE_KEK_FILE', config.kekFile));
  return { signingKey, publicJwk: createPublicKey(signingKey).export({ format: 'jwk' }), kek };
}
