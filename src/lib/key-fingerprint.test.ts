import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isKeyFingerprint, keyFingerprint } from './key-fingerprint.ts';

describe('key fingerprint', () => {
  it('is SHA256: and the unpadded base64 of SHA-256 over the raw key, as openssl computes it', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const der = publicKey.export({ format: 'der', type: 'spki' });
    // An Ed25519 SubjectPublicKeyInfo ends with the 32 raw key bytes; openssl hashes them independently of Node.
    const digest = spawnSync('openssl', ['dgst', '-sha256', '-binary'], { input: der.subarray(-32) }).stdout;
    expect(digest.length).toBe(32);
    const fingerprint = keyFingerprint(publicKey);
    expect(fingerprint).toBe(`SHA256:${digest.toString('base64').replace(/=+$/, '')}`);
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(isKeyFingerprint(fingerprint)).toBe(true);
  });

  it('refuses keys that are not Ed25519 public keys', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    expect(() => keyFingerprint(privateKey)).toThrow(TypeError);
    expect(() => keyFingerprint(generateKeyPairSync('x25519').publicKey)).toThrow(TypeError);
    expect(keyFingerprint(publicKey)).not.toBe(keyFingerprint(generateKeyPairSync('ed25519').publicKey));
  });

  it.each([
    'sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
    'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
    'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF',
    'SHA256:47DEQpj8HBSa-_TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
    // The last character carries unused bits that must be zero in canonical base64.
    'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV',
  ])('does not take %s for a fingerprint', (value) => {
    expect(isKeyFingerprint(value)).toBe(false);
  });
});
