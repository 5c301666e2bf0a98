/**
 * A node's X25519 key, to which other nodes encrypt what they send it (cross-border referrals). It is derived from
 * the node's Ed25519 signing key, so that there is no second secret to create, back up and rotate: HKDF-SHA256 over
 * the signing key's raw 32 private bytes, with a fixed info string, gives the 32-byte X25519 private key.
 */
import { createHash, createPrivateKey, createPublicKey, hkdfSync, type KeyObject, sign, verify } from 'node:crypto';

const INFO = 'passage node x25519 encryption key v1';
/** PKCS#8 DER of an X25519 private key, up to the 32 key bytes (RFC 8410). */
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** A node's public X25519 key as a JWK (RFC 8037), named by its fingerprint. */
export interface EncryptionJwk {
  kty: 'OKP';
  crv: 'X25519';
  x: string;
  kid: string;
  use: 'enc';
}

/** The X25519 private key of the node whose Ed25519 private key is `signingKey`. */
export function deriveEncryptionKey(signingKey: KeyObject): KeyObject {
  if (signingKey.type !== 'private' || signingKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError('the encryption key is derived from an Ed25519 private key');
  }
  const { d } = signingKey.export({ format: 'jwk' });
  const seed = Buffer.from(d as string, 'base64url');
  const derived = Buffer.from(hkdfSync('sha256', seed, Buffer.alloc(0), INFO, 32));
  return createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, derived]), format: 'der', type: 'pkcs8' });
}

/** `SHA256:` and the unpadded base64 of SHA-256 over the raw public key, like the signing keys' fingerprints. */
export function encryptionKeyFingerprint(x: string): string {
  const digest = createHash('sha256').update(Buffer.from(x, 'base64url')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

export function encryptionJwk(key: KeyObject): EncryptionJwk {
  const { x } = createPublicKey(key).export({ format: 'jwk' });
  return { kty: 'OKP', crv: 'X25519', x: x as string, kid: encryptionKeyFingerprint(x as string), use: 'enc' };
}

/** Checks a published X25519 JWK; returns the reason it is refused, or the key. */
export function parseEncryptionJwk(value: unknown): EncryptionJwk | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  const jwk = value as Record<string, unknown>;
  if (jwk.kty !== 'OKP' || jwk.crv !== 'X25519') return 'is not an X25519 key (kty "OKP", crv "X25519")';
  if ('d' in jwk) return 'holds a private key: publish only the public key';
  if (jwk.use !== undefined && jwk.use !== 'enc') return 'has a use other than "enc"';
  const { x, kid } = jwk;
  if (
    typeof x !== 'string' ||
    !/^[A-Za-z0-9_-]{43}$/.test(x) ||
    Buffer.from(x, 'base64url').toString('base64url') !== x
  ) {
    return 'has no 32-byte public key in x';
  }
  try {
    createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' });
  } catch {
    return 'is not a valid X25519 public key';
  }
  const fingerprint = encryptionKeyFingerprint(x);
  if (kid !== fingerprint) return `has a kid that is not its fingerprint (${fingerprint})`;
  return { kty: 'OKP', crv: 'X25519', x, kid: fingerprint, use: 'enc' };
}

/** What a node's signing key signs to vouch for its encryption key: both name the node, so neither can be moved. */
const endorsed = (nodeId: string, jwk: EncryptionJwk) => Buffer.from(`passage encryption key v1\n${nodeId}\n${jwk.x}`);

/**
 * The node's Ed25519 signature (base64url) over its encryption key: a peer that checked the signing key's
 * fingerprint out of band thereby knows the encryption key is the node's too.
 */
export function signEncryptionKey(nodeId: string, jwk: EncryptionJwk, signingKey: KeyObject): string {
  return sign(null, endorsed(nodeId, jwk), signingKey).toString('base64url');
}

export function encryptionKeySigned(nodeId: string, jwk: EncryptionJwk, signature: string, by: KeyObject): boolean {
  return verify(null, endorsed(nodeId, jwk), by, Buffer.from(signature, 'base64url'));
}
