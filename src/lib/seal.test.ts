import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seal, unseal } from './seal.ts';

const key = Buffer.alloc(32, 7);
const context = 'user:01H/totp';

describe('seal', () => {
  it('still opens values sealed before the GCM core was shared', () => {
    expect(unseal(key, 'v1.8nlLnTXB9CXBOzoq.k67ujWKZJ4jYYR55uoPluQ.KZUQtGMCbASZmqUtVuzd_Q', context)).toBe(
      'JBSWY3DPEHPK3PXP',
    );
  });

  it('round-trips under the same key and context only', () => {
    const sealed = seal(key, 'secret', context);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(unseal(key, sealed, context)).toBe('secret');
    expect(() => unseal(key, sealed, 'user:other/totp')).toThrow();
    expect(() => unseal(randomBytes(32), sealed, context)).toThrow();
  });

  it('refuses a truncated authentication tag', () => {
    const [version, iv, body, tag] = seal(key, 'secret', context).split('.');
    const short = Buffer.from(tag as string, 'base64url')
      .subarray(0, 4)
      .toString('base64url');
    expect(() => unseal(key, [version, iv, body, short].join('.'), context)).toThrow();
  });

  it('round-trips an empty value', () => {
    expect(unseal(key, seal(key, '', context), context)).toBe('');
  });
});
