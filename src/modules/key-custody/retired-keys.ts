/**
 * The node's retired signing keys (`<signing key file>.retired.json`, written by `passage keys rotate-signing`):
 * public keys only, each with the end of its grace period and its endorsement of the key that replaced it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseSigningJwk, type RetiredSigningKey } from '../federation/index.ts';

/**
 * An entry of the file: what is published, and the private X25519 key derived from the retired signing key, kept so
 * that what peers sealed to it before the rotation (a pending referral) still opens. Never published.
 */
export interface RetiredKeyEntry extends RetiredSigningKey {
  encryptionKey?: { kty: 'OKP'; crv: 'X25519'; x: string; d: string };
}

import { type Config, ConfigError } from '../../app/config.ts';

export const retiredKeysFile = (config: Config): string => `${config.signingKeyFile}.retired.json`;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Every entry of the file, oldest first; an empty list when there is none. Throws on a file that is not sound. */
export function readRetiredKeys(file: string): RetiredKeyEntry[] {
  if (!existsSync(file)) return [];
  const refuse = (why: string) => new ConfigError('PASSAGE_SIGNING_KEY_FILE', `${file} ${why}`);
  if ((statSync(file).mode & 0o077) !== 0) throw refuse('must not be readable by group or others (chmod 600)');
  let entries: unknown;
  try {
    entries = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw refuse('is not JSON');
  }
  if (!Array.isArray(entries)) throw refuse('is not a list of retired keys');
  return entries.map((entry, i) => {
    const { jwk, retiredAt, validUntil, endorsement, encryptionKey } = (entry ?? {}) as Record<string, unknown>;
    let key: RetiredSigningKey['jwk'];
    try {
      key = parseSigningJwk(jwk, i);
    } catch (error) {
      throw refuse(`entry ${i}: ${(error as Error).message}`);
    }
    if (
      typeof retiredAt !== 'string' ||
      !INSTANT.test(retiredAt) ||
      typeof validUntil !== 'string' ||
      !INSTANT.test(validUntil) ||
      typeof endorsement !== 'string'
    ) {
      throw refuse(`entry ${i} needs retiredAt, validUntil (UTC instants) and an endorsement`);
    }
    const x25519 = encryptionKey as RetiredKeyEntry['encryptionKey'];
    if (
      x25519 !== undefined &&
      (x25519?.kty !== 'OKP' || x25519.crv !== 'X25519' || typeof x25519.x !== 'string' || typeof x25519.d !== 'string')
    ) {
      throw refuse(`entry ${i} has an encryptionKey that is not an X25519 private JWK`);
    }
    return { jwk: key, retiredAt, validUntil, endorsement, ...(x25519 ? { encryptionKey: x25519 } : {}) };
  });
}

/** The retired keys still in their grace period at `now`, other than `currentKid` (a rotation cut short). */
export function liveRetiredKeys(
  all: readonly RetiredKeyEntry[],
  currentKid: string,
  now = new Date(),
): RetiredSigningKey[] {
  return all
    .filter((key) => key.jwk.kid !== currentKid && Date.parse(key.validUntil) > now.getTime())
    .map(({ jwk, retiredAt, validUntil, endorsement }) => ({ jwk, retiredAt, validUntil, endorsement }));
}
