import { describe, expect, it } from 'vitest';
import { IdentifierTokenError, IdentifierTokeniser, normaliseIban, normaliseIdentifier } from './tokens.ts';

const tokeniser = new IdentifierTokeniser(Buffer.from('correct horse battery staple'));

describe('IdentifierTokeniser', () => {
  it('gives one token for one phone number however it is written', () => {
    const token = tokeniser.token('phone', '+373 69 123 456');
    expect(tokeniser.token('phone', '0037369123456')).toBe(token);
    expect(tokeniser.token('phone', '069 123 456', { defaultCallingCode: '+373' })).toBe(token);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokeniser.token('phone', '+373 69 123 457')).not.toBe(token);
  });

  it('separates the kinds of identifier and the secrets', () => {
    expect(normaliseIdentifier('document', 'AB 1234567')).toBe('AB1234567');
    expect(normaliseIdentifier('agency_registration', 'AB-1234567', { country: 'ro' })).toBe('RO:AB1234567');
    const document = tokeniser.token('document', 'AB1234567');
    expect(tokeniser.token('agency_registration', 'AB1234567', { country: 'RO' })).not.toBe(document);
    expect(
      new IdentifierTokeniser(Buffer.from('another secret, not the first')).token('document', 'AB1234567'),
    ).not.toBe(document);
    expect(tokeniser.token('document', 'ab-1234567')).toBe(document);
  });

  it('checks IBANs by their check digits', () => {
    expect(normaliseIban('gb82 west 1234 5698 7654 32')).toBe('GB82WEST12345698765432');
    expect(tokeniser.token('iban', 'GB82WEST12345698765432')).toBe(
      tokeniser.token('iban', 'GB82 WEST 1234 5698 7654 32'),
    );
    expect(() => normaliseIban('GB83WEST12345698765432')).toThrow(/check digits/);
    expect(() => normaliseIban('12345')).toThrow(IdentifierTokenError);
  });

  it('refuses invalid identifiers without repeating them', () => {
    const cases: [Parameters<typeof tokeniser.token>, RegExp][] = [
      [['phone', '12ab34'], /phone number/],
      [['iban', 'RO00XXXX0000000000000000'], /check digits/],
      [['document', '---'], /document number/],
      [['agency_registration', 'J40/1234/2020'], /country/],
    ];
    for (const [args, message] of cases) {
      try {
        tokeniser.token(...args);
        throw new Error('accepted');
      } catch (error) {
        expect(error).toBeInstanceOf(IdentifierTokenError);
        expect((error as Error).message).toMatch(message);
        expect((error as Error).message).not.toContain(args[1]);
      }
    }
  });
});
