import { createHash, type KeyObject } from 'node:crypto';

/**
 * Names and key identities of a node's custody log (decision 0004). No database or server code here: the offline
 * bag verifier uses these too.
 */

/** The checkpoint origin line, which is also the signing key's name in the signed note. */
export function custodyOrigin(nodeId: string): string {
  return `passage/${nodeId}/custody`;
}

/** `SHA256:` and the unpadded base64 of SHA-256 of the raw 32-byte Ed25519 public key. */
export function keyFingerprint(publicKey: KeyObject): string {
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error('custody checkpoints are signed with Ed25519 keys');
  const { x } = publicKey.export({ format: 'jwk' });
  const raw = Buffer.from(x as string, 'base64url');
  return `SHA256:${createHash('sha256').update(raw).digest('base64').replace(/=+$/, '')}`;
}
