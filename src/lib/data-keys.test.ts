import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decryptField,
  EnvelopeError,
  encryptField,
  keyId,
  newDataKey,
  rewrapDataKey,
  unwrapDataKey,
  wrapDataKey,
  wrappedKeyId,
} from './data-keys.ts';

const kek = randomBytes(32);
const survivorId = '01JSURVIVOR0000000000000001';
const context = { ownerId: survivorId, field: 'givenName' };

/** Flips one bit of the byte at `index` inside the base64url blob that ends `value`. */
function tamper(value: string, index: number): string {
  const parts = value.split('.');
  const bytes = Buffer.from(parts.at(-1) as string, 'base64url');
  bytes[index] = (bytes[index] as number) ^ 0x01;
  return [...parts.slice(0, -1), bytes.toString('base64url')].join('.');
}

function failure(run: () => unknown): EnvelopeError {
  try {
    run();
  } catch (error) {
    if (error instanceof EnvelopeError) return error;
    throw error;
  }
  throw new Error('expected an EnvelopeError');
}

describe('data keys', () => {
  it('are 32 fresh random bytes', () => {
    const a = newDataKey();
    expect(a).toHaveLength(32);
    expect(a.equals(newDataKey())).toBe(false);
  });

  it('wrap and unwrap for the same KEK and survivor', () => {
    const dataKey = newDataKey();
    const wrapped = wrapDataKey(kek, dataKey, survivorId);
    expect(wrapped).toMatch(/^dk1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+$/);
    expect(wrapped).not.toContain(dataKey.toString('base64url'));
    expect(unwrapDataKey(kek, wrapped, survivorId).equals(dataKey)).toBe(true);
  });

  it('name the wrapping KEK by the first 8 hex digits of its SHA-256', () => {
    const wrapped = wrapDataKey(kek, newDataKey(), survivorId);
    const expected = createHash('sha256').update(kek).digest('hex').slice(0, 8);
    expect(keyId(kek)).toBe(expected);
    expect(wrappedKeyId(wrapped)).toBe(expected);
    expect(wrapped.split('.')[1]).toBe(expected);
  });

  it('refuse another KEK, naming both key ids', () => {
    const wrapped = wrapDataKey(kek, newDataKey(), survivorId);
    const error = failure(() => unwrapDataKey(randomBytes(32), wrapped, survivorId));
    expect(error.code).toBe('wrong_key');
    expect(error.message).toContain(keyId(kek));
  });

  it('refuse another survivor', () => {
    const wrapped = wrapDataKey(kek, newDataKey(), survivorId);
    expect(failure(() => unwrapDataKey(kek, wrapped, `${survivorId}2`)).code).toBe('not_authentic');
  });

  it.each([0, 12, 30, 59])('refuse a wrapped key with byte %i altered', (index) => {
    const wrapped = wrapDataKey(kek, newDataKey(), survivorId);
    expect(failure(() => unwrapDataKey(kek, tamper(wrapped, index), survivorId)).code).toBe('not_authentic');
  });

  it.each([
    ['another version', (w: string) => w.replace(/^dk1/, 'dk2')],
    ['a malformed key id', (w: string) => w.replace(/\.[0-9a-f]{8}\./, '.XYZ.')],
    ['a missing part', (w: string) => w.split('.').slice(0, 2).join('.')],
    ['an extra part', (w: string) => `${w}.x`],
    ['a truncated body', (w: string) => w.slice(0, 30)],
    ['a sealed value', () => 'v1.aaaa.bbbb.cccc'],
  ])('report %s as an unknown format', (_, change) => {
    const wrapped = wrapDataKey(kek, newDataKey(), survivorId);
    expect(failure(() => unwrapDataKey(kek, change(wrapped), survivorId)).code).toBe('unknown_format');
  });

  it('refuse keys of the wrong length', () => {
    expect(() => wrapDataKey(kek, randomBytes(16), survivorId)).toThrow(RangeError);
    expect(() => wrapDataKey(randomBytes(31), newDataKey(), survivorId)).toThrow(RangeError);
  });
});

describe('KEK rotation', () => {
  const newKek = randomBytes(32);

  it('rewraps under the new KEK; the old KEK then fails', () => {
    const dataKey = newDataKey();
    const rewrapped = rewrapDataKey(kek, newKek, wrapDataKey(kek, dataKey, survivorId), survivorId);
    expect(wrappedKeyId(rewrapped)).toBe(keyId(newKek));
    expect(unwrapDataKey(newKek, rewrapped, survivorId).equals(dataKey)).toBe(true);
    expect(failure(() => unwrapDataKey(kek, rewrapped, survivorId)).code).toBe('wrong_key');
  });

  it('leaves field ciphertexts readable', () => {
    const dataKey = newDataKey();
    const field = encryptField(dataKey, 'Ana', context);
    const rewrapped = rewrapDataKey(kek, newKek, wrapDataKey(kek, dataKey, survivorId), survivorId);
    expect(decryptField(unwrapDataKey(newKek, rewrapped, survivorId), field, context)).toBe('Ana');
  });

  it('returns a key already under the new KEK unchanged, so an interrupted rotation can run again', () => {
    const wrapped = wrapDataKey(newKek, newDataKey(), survivorId);
    expect(rewrapDataKey(kek, newKek, wrapped, survivorId)).toBe(wrapped);
  });

  it('refuses a key wrapped by neither KEK, or for another survivor', () => {
    const wrapped = wrapDataKey(randomBytes(32), newDataKey(), survivorId);
    expect(failure(() => rewrapDataKey(kek, newKek, wrapped, survivorId)).code).toBe('wrong_key');
    const other = wrapDataKey(kek, newDataKey(), 'someone-else');
    expect(failure(() => rewrapDataKey(kek, newKek, other, survivorId)).code).toBe('not_authentic');
  });
});

describe('identity fields', () => {
  const dataKey = newDataKey();

  it.each(['Олександр Коваленко', 'Ana Rusu', '', 'ș ț ă 🙂 "quoted" . dots'])('round-trip %j', (value) => {
    const encrypted = encryptField(dataKey, value, context);
    expect(encrypted).toMatch(/^fe1\.[A-Za-z0-9_-]+$/);
    expect(decryptField(dataKey, encrypted, context)).toBe(value);
  });

  it('encrypt the same value differently each time', () => {
    expect(encryptField(dataKey, 'Ana', context)).not.toBe(encryptField(dataKey, 'Ana', context));
  });

  it.each([
    ['another data key', newDataKey(), context],
    ['another survivor', dataKey, { ...context, ownerId: 'someone-else' }],
    ['another field', dataKey, { ...context, field: 'familyName' }],
  ])('fail under %s without revealing the value', (_, key, otherContext) => {
    const encrypted = encryptField(dataKey, 'Maria Popescu', context);
    const error = failure(() => decryptField(key, encrypted, otherContext));
    expect(error.code).toBe('not_authentic');
    expect(error.message).not.toMatch(/Maria|Popescu/);
  });

  it('cannot be confused by ids that contain separators', () => {
    const encrypted = encryptField(dataKey, 'x', { ownerId: 'a', field: 'b","c' });
    expect(() => decryptField(dataKey, encrypted, { ownerId: 'a","b', field: 'c' })).toThrow(EnvelopeError);
  });

  it.each([0, 11, 12, 20])('fail with byte %i altered', (index) => {
    const encrypted = encryptField(dataKey, 'Maria Popescu', context);
    expect(failure(() => decryptField(dataKey, tamper(encrypted, index), context)).code).toBe('not_authentic');
  });

  it.each(['', 'fe1', 'fe1.', 'fe2.AAAA', 'fe1.!!!!', 'fe1.AAAA', 'fe1.a.b', 'dk1.0123abcd.AAAA'])(
    'report %j as an unknown format',
    (value) => {
      expect(failure(() => decryptField(dataKey, value, context)).code).toBe('unknown_format');
    },
  );
});

describe('stored values', () => {
  // Made by the code of commit 1892d6c, when the owner was still called `survivorId`: the associated data holds
  // values only, so naming the owner differently must leave every stored data key and field readable.
  const storedKek = Buffer.alloc(32, 0x4b);
  const storedDataKey = Buffer.alloc(32, 0x44);
  const wrapped = 'dk1.07a98710.suc8kIceO0mo0JvPGQnIuzpoUDz8kaIxvg6KTqxuBqEsy-4yHd-gk5JO-R8ew_4O9PYml9UYLcJaCHZh';
  const field = 'fe1.3L9Dk9Ssv9V1JqJSC6PCCA2Z0kpuREtTDndYCRrwQ29Ze3Wvh_hzaUQQMyrp_iwtf_Cz4VA';

  it('unwrap a data key wrapped before the owner was renamed', () => {
    expect(unwrapDataKey(storedKek, wrapped, survivorId).equals(storedDataKey)).toBe(true);
  });

  it('decrypt a field encrypted before the owner was renamed', () => {
    expect(decryptField(storedDataKey, field, context)).toBe('Олександра Rusu');
  });
});
