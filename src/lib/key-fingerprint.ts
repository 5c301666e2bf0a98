import { createHash, type KeyObject } from 'node:crypto';

/**
 * The fingerprint of a node's Ed25519 key (decision 0004): `SHA256:` and the unpadded base64 of SHA-256 over the
 * 32-byte raw public key. Short enough to read out over the phone or print in a court filing, so that a
 * verifier can check the key a bag carries against one obtained independently.
 */

const PREFIX = 'SHA256:';

export function keyFingerprint(publicKey: KeyObject): string {
  if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError('a key fingerprint is taken of an Ed25519 public key');
  }
  const { x } = publicKey.export({ format: 'jwk' });
  const digest = createHash('sha256')
    .update(Buffer.from(x as string, 'base64url'))
    .digest('base64');
  return `${PREFIX}${digest.replace(/=+$/, '')}`;
}

/** Exactly the spelling keyFingerprint produces: the prefix and 43 base64 characters that decode to 32 bytes. */
export function isKeyFingerprint(value: string): boolean {
  if (!value.startsWith(PREFIX)) return false;
  const encoded = value.slice(PREFIX.length);
  return (
    /^[A-Za-z0-9+/]{43}$/.test(encoded) && Buffer.from(`${encoded}=`, 'base64').toString('base64') === `${encoded}=`
  );
}
