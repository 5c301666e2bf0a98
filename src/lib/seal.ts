import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The three parts of an AES-256-GCM ciphertext; callers choose how to lay them out in their own format. */
export interface GcmParts {
  iv: Buffer;
  body: Buffer;
  tag: Buffer;
}

export function encryptGcm(key: Buffer, plaintext: Buffer, aad: Buffer): GcmParts {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, body, tag: cipher.getAuthTag() };
}

/** Throws when the key, the associated data or any byte is wrong. */
export function decryptGcm(key: Buffer, { iv, body, tag }: GcmParts, aad: Buffer): Buffer {
  // A fixed tag length: GCM would otherwise accept a truncated tag, which is far easier to forge.
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

/** Encrypts `plaintext` with AES-256-GCM under `key`; `context` is bound as associated data. */
export function seal(key: Buffer, plaintext: string, context: string): string {
  const { iv, body, tag } = encryptGcm(key, Buffer.from(plaintext, 'utf8'), Buffer.from(context));
  return [VERSION, iv.toString('base64url'), body.toString('base64url'), tag.toString('base64url')].join('.');
}

export function unseal(key: Buffer, sealed: string, context: string): string {
  const parts = sealed.split('.');
  const [version, iv, body, tag] = parts;
  // The body may be empty (an empty plaintext); the other parts may not.
  if (parts.length !== 4 || version !== VERSION || !iv || body === undefined || !tag) {
    throw new Error('sealed value has an unknown format');
  }
  const gcm = {
    iv: Buffer.from(iv, 'base64url'),
    body: Buffer.from(body, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
  };
  return decryptGcm(key, gcm, Buffer.from(context)).toString('utf8');
}
