/**
 * Envelope encryption of sensitive fields under data keys wrapped by the node's key-encryption key (KEK).
 *
 * A survivor has a random data key; every identity field is encrypted under it, and the data key is stored only
 * wrapped by the KEK. Destroying the wrapped data key therefore erases every field of that person, in backups too,
 * and rotating the KEK rewraps one small value per survivor without touching fields. The node's own data keys (for
 * JIT entries, MLA requests, stored messages, linkage secrets: key-custody's node secrets) use the same envelope.
 *
 * Associated data binds each ciphertext to where it belongs: a wrapped key to its owner (a survivor, or a node
 * secret by name), a field to its owner (the survivor, JIT entry, MLA request, message...) and field name. Copying a
 * ciphertext into another row or column makes it fail to decrypt instead of showing one person's name as another's.
 * The associated data holds the values only, never the property names, so naming them does not change a byte.
 */
import { createHash, randomBytes } from 'node:crypto';
import { decryptGcm, encryptGcm, type GcmParts } from './seal.ts';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const WRAP_VERSION = 'dk1';
const FIELD_VERSION = 'fe1';
const KEY_ID = /^[0-9a-f]{8}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export type EnvelopeErrorCode = 'unknown_format' | 'wrong_key' | 'not_authentic';

/** A value that cannot be decrypted. Messages name the reason, never the contents. */
export class EnvelopeError extends Error {
  readonly code: EnvelopeErrorCode;

  constructor(code: EnvelopeErrorCode, message: string) {
    super(message);
    this.name = 'EnvelopeError';
    this.code = code;
  }
}

/** Where a field belongs: the id of the record that owns it (a survivor, a JIT entry, an MLA request...) and its name. */
export interface FieldContext {
  ownerId: string;
  field: string;
}

export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** Names a KEK without revealing it, so that a rotation can tell which KEK wrapped a stored data key. */
export function keyId(kek: Buffer): string {
  assertKey(kek, 'key-encryption key');
  return createHash('sha256').update(kek).digest('hex').slice(0, 8);
}

/** The id of the KEK that wrapped `wrapped`, read without decrypting. */
export function wrappedKeyId(wrapped: string): string {
  return parseWrapped(wrapped).kid;
}

/** Wraps a data key as `dk1.<key id>.<base64url(iv | ciphertext | tag)>`, bound to the id of its owner. */
export function wrapDataKey(kek: Buffer, dataKey: Buffer, ownerId: string): string {
  assertKey(dataKey, 'data key');
  const kid = keyId(kek);
  const parts = encryptGcm(kek, dataKey, wrapAad(kid, ownerId));
  return `${WRAP_VERSION}.${kid}.${joinParts(parts)}`;
}

export function unwrapDataKey(kek: Buffer, wrapped: string, ownerId: string): Buffer {
  const { kid, parts } = parseWrapped(wrapped);
  const expected = keyId(kek);
  if (kid !== expected) {
    throw new EnvelopeError('wrong_key', `data key was wrapped by key ${kid}, not by the given key ${expected}`);
  }
  const message = 'wrapped data key failed authentication: it belongs to another owner or was altered';
  return decryptOrThrow(kek, parts, wrapAad(kid, ownerId), message);
}

/**
 * Moves a wrapped data key from `oldKek` to `newKek`. A key already wrapped by `newKek` is checked and returned
 * unchanged, so a rotation that stopped halfway can simply run again.
 */
export function rewrapDataKey(oldKek: Buffer, newKek: Buffer, wrapped: string, ownerId: string): string {
  const alreadyRotated = wrappedKeyId(wrapped) === keyId(newKek);
  const dataKey = unwrapDataKey(alreadyRotated ? newKek : oldKek, wrapped, ownerId);
  try {
    return alreadyRotated ? wrapped : wrapDataKey(newKek, dataKey, ownerId);
  } finally {
    dataKey.fill(0);
  }
}

/** Encrypts one field as `fe1.<base64url(iv | ciphertext | tag)>`. */
export function encryptField(dataKey: Buffer, value: string, context: FieldContext): string {
  assertKey(dataKey, 'data key');
  const parts = encryptGcm(dataKey, Buffer.from(value, 'utf8'), fieldAad(context));
  return `${FIELD_VERSION}.${joinParts(parts)}`;
}

export function decryptField(dataKey: Buffer, encrypted: string, context: FieldContext): string {
  assertKey(dataKey, 'data key');
  const [version, blob, ...rest] = encrypted.split('.');
  const parts = version === FIELD_VERSION && rest.length === 0 ? splitParts(blob) : null;
  if (!parts) throw new EnvelopeError('unknown_format', 'encrypted field has an unknown format');
  const message = 'encrypted field failed authentication: wrong data key, another owner or field, or altered data';
  return decryptOrThrow(dataKey, parts, fieldAad(context), message).toString('utf8');
}

function assertKey(key: Buffer, name: string): void {
  if (key.length !== KEY_BYTES) throw new RangeError(`${name} must be ${KEY_BYTES} bytes, got ${key.length}`);
}

// JSON arrays keep the parts of the associated data unambiguous whatever characters the ids contain.
function wrapAad(kid: string, ownerId: string): Buffer {
  return Buffer.from(JSON.stringify(['passage/data-key', WRAP_VERSION, kid, ownerId]));
}

function fieldAad({ ownerId, field }: FieldContext): Buffer {
  return Buffer.from(JSON.stringify(['passage/field', FIELD_VERSION, ownerId, field]));
}

function parseWrapped(wrapped: string): { kid: string; parts: GcmParts } {
  const [version, kid, blob, ...rest] = wrapped.split('.');
  const parts = version === WRAP_VERSION && kid && KEY_ID.test(kid) && rest.length === 0 ? splitParts(blob) : null;
  if (!kid || !parts) throw new EnvelopeError('unknown_format', 'wrapped data key has an unknown format');
  return { kid, parts };
}

function joinParts({ iv, body, tag }: GcmParts): string {
  return Buffer.concat([iv, body, tag]).toString('base64url');
}

function splitParts(blob: string | undefined): GcmParts | null {
  if (!blob || !BASE64URL.test(blob)) return null;
  const bytes = Buffer.from(blob, 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES) return null;
  return {
    iv: bytes.subarray(0, IV_BYTES),
    body: bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES),
    tag: bytes.subarray(bytes.length - TAG_BYTES),
  };
}

function decryptOrThrow(key: Buffer, parts: GcmParts, aad: Buffer, message: string): Buffer {
  try {
    return decryptGcm(key, parts, aad);
  } catch {
    throw new EnvelopeError('not_authentic', message);
  }
}
