/**
 * What a survivor's photo may be: a JPEG, PNG or WebP image of at most 5 MiB, a few per person. The type is read
 * from the file's first bytes (its signature); the type or file name a client declares is not trusted, since a
 * browser later shows the image with the type the node sends.
 */
import { AppError } from '../../lib/errors.ts';

export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
export const PHOTOS_PER_PERSON = 5;
export const PHOTO_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoMediaType = (typeof PHOTO_MEDIA_TYPES)[number];

/** The name under which disclosures and the case timeline mention photos, alongside identity field names. */
export const PHOTO_FIELD = 'psg_Photo';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The image type the bytes begin with, or null when they are none of the accepted types. */
export function detectPhotoType(bytes: Uint8Array): PhotoMediaType | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    return 'image/webp';
  }
  return null;
}

export const photoTooLarge = () =>
  new AppError('photo_too_large', 413, 'The photo is larger than 5 MiB. Send a smaller version of it.');

/** Checks an uploaded image; returns its type or throws an error with a stable id. */
export function checkPhoto(bytes: Uint8Array): PhotoMediaType {
  if (bytes.byteLength === 0) throw new AppError('file_missing', 400, 'Attach the photo in a field named "file".');
  if (bytes.byteLength > PHOTO_MAX_BYTES) throw photoTooLarge();
  const type = detectPhotoType(bytes);
  if (!type) {
    throw new AppError('photo_type_not_allowed', 415, 'A photo must be a JPEG, PNG or WebP image.');
  }
  return type;
}
