/**
 * What is personal in a cross-border referral travels as a compact JWE (RFC 7516) to the receiving node's X25519
 * key (ECDH-ES+A256KW, A256GCM), inside the signed message. Neither node's message table thus holds it in clear,
 * and the receiver can crypto-shred it by dropping the ciphertext. The protected header names the referral, so that
 * a sealed part cannot be replayed under another referral.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';
import type { EncryptionJwk } from '../../lib/encryption-key.ts';

const ALG = 'ECDH-ES+A256KW';
const ENC = 'A256GCM';
const CTY = 'passage-referral+json';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encrypts `content` to `recipient`, bound to the referral `referralId`. */
export function sealFor(recipient: EncryptionJwk, referralId: string, content: object): Promise<string> {
  const key = createPublicKey({ key: { kty: recipient.kty, crv: recipient.crv, x: recipient.x }, format: 'jwk' });
  return new CompactEncrypt(encoder.encode(JSON.stringify(content)))
    .setProtectedHeader({ alg: ALG, enc: ENC, cty: CTY, kid: recipient.kid, ref: referralId })
    .encrypt(key);
}

/** Decrypts a sealed part with this node's key; throws when it is not for this referral or does not open. */
export async function openSealed<T>(
  jwe: string,
  privateKey: KeyObject | readonly KeyObject[],
  referralId: string,
): Promise<T> {
  // Several keys after a signing-key rotation: what was sealed to the key derived from the old one still opens.
  const [first, ...former] = Array.isArray(privateKey) ? privateKey : [privateKey];
  const decrypt = (key: KeyObject) =>
    compactDecrypt(jwe, key, { keyManagementAlgorithms: [ALG], contentEncryptionAlgorithms: [ENC] });
  let opened = decrypt(first as KeyObject);
  for (const key of former) opened = opened.catch(() => decrypt(key));
  const { plaintext, protectedHeader } = await opened;
  if (protectedHeader.cty !== CTY || protectedHeader.ref !== referralId) {
    throw new Error('the sealed part belongs to another referral');
  }
  return JSON.parse(decoder.decode(plaintext)) as T;
}
