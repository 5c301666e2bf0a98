/**
 * The stored form of a person's photo: AES-256-GCM under the person's data key, laid out as one byte string
 * `version | IV | ciphertext | tag` for a bytea column. The associated data binds the ciphertext to its person and
 * photo id, so a photo copied onto another person's row, or into another photo's row, fails to decrypt.
 *
 * Only the identity vault calls these, with a data key it has just unwrapped.
 */
import { EnvelopeError } from '../../lib/data-keys.ts';
import { decryptGcm, encryptGcm } from '../../lib/seal.ts';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PhotoContext {
  personId: string;
  photoId: string;
}

// A JSON array keeps the parts unambiguous whatever characters the ids contain.
const aad = ({ personId, photoId }: PhotoContext) =>
  Buffer.from(JSON.stringify(['passage/photo', VERSION, personId, photoId]));

export function sealPhotoBytes(dataKey: Buffer, image: Buffer, context: PhotoContext): Buffer {
  const { iv, body, tag } = encryptGcm(dataKey, image, aad(context));
  return Buffer.concat([Buffer.of(VERSION), iv, body, tag]);
}

export function openPhotoBytes(dataKey: Buffer, sealed: Uint8Array, context: PhotoContext): Buffer {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) {
    throw new EnvelopeError('unknown_format', 'encrypted photo has an unknown format');
  }
  const parts = {
    iv: bytes.subarray(1, 1 + IV_BYTES),
    body: bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES),
    tag: bytes.subarray(bytes.length - TAG_BYTES),
  };
  try {
    return decryptGcm(dataKey, parts, aad(context));
  } catch {
    throw new EnvelopeError(
      'not_authentic',
      'encrypted photo failed authentication: wrong data key, another person or photo, or altered data',
    );
  }
}
