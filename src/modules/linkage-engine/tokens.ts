/**
 * Keyed tokens for identifiers that match exactly or not at all (phone numbers, bank accounts, identity documents,
 * agency registrations): HMAC-SHA256 of the identifier's normal form, under a key derived from the linkage group's
 * encoding secret for that kind of identifier only. Bloom filters would add nothing here (a phone number one digit
 * off is another phone), and equal tokens are all a matcher needs.
 *
 * The kinds are domain-separated: each has its own HKDF-derived key, so a document token can never equal a phone
 * token, and tokens of one kind reveal nothing about another. As with CLKs, whoever holds the secret can test guesses
 * (phone numbers are few enough to enumerate), so the secret stays with the data owners and tokens go only to the
 * linkage unit.
 */
import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { normaliseDocument, normalisePhone } from '../../lib/normalise.ts';
import { isCountryCode } from '../../shared/countries.ts';

export const IDENTIFIER_KINDS = ['phone', 'iban', 'document', 'agency_registration'] as const;
export type ExactIdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export class IdentifierTokenError extends Error {
  readonly kind: ExactIdentifierKind;
  constructor(kind: ExactIdentifierKind, message: string) {
    super(message);
    this.name = 'IdentifierTokenError';
    this.kind = kind;
  }
}

export interface IdentifierContext {
  /** Calling code for national phone numbers, e.g. "+373". */
  defaultCallingCode?: string;
  /** ISO 3166-1 alpha-2 country that issued an agency registration number (required for that kind). */
  country?: string;
}

/** An IBAN in electronic form ("RO49AAAA1B31007593840000"), its ISO 13616 check digits verified. */
export function normaliseIban(input: string): string {
  const iban = input.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) {
    throw new IdentifierTokenError('iban', 'an IBAN is a country code, two check digits and 11–30 letters or digits');
  }
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const c of rearranged) {
    const digits = /\d/.test(c) ? c : String(c.charCodeAt(0) - 55);
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  if (remainder !== 1) throw new IdentifierTokenError('iban', 'the IBAN check digits do not match');
  return iban;
}

/** The normal form that is tokenised; equal normal forms give equal tokens. */
export function normaliseIdentifier(kind: ExactIdentifierKind, value: string, context: IdentifierContext = {}): string {
  try {
    switch (kind) {
      case 'phone':
        return normalisePhone(value, context.defaultCallingCode);
      case 'iban':
        return normaliseIban(value);
      case 'document':
        return normaliseDocument(value);
      case 'agency_registration': {
        const country = context.country?.toUpperCase();
        if (!country || !isCountryCode(country)) {
          throw new IdentifierTokenError(kind, 'an agency registration number needs the ISO country that issued it');
        }
        return `${country}:${normaliseDocument(value)}`;
      }
    }
  } catch (error) {
    if (error instanceof IdentifierTokenError) throw error;
    throw new IdentifierTokenError(kind, (error as Error).message);
  }
}

/** Tokens of exact identifiers under one linkage secret. */
export class IdentifierTokeniser {
  private readonly keys: Record<ExactIdentifierKind, KeyObject>;

  constructor(secret: Uint8Array) {
    if (secret.length === 0) throw new RangeError('the linkage secret is empty');
    this.keys = Object.fromEntries(
      IDENTIFIER_KINDS.map((kind) => [
        kind,
        createSecretKey(
          Buffer.from(hkdfSync('sha256', secret, 'passage/linkage-tokens', `passage/linkage-token/v1/${kind}`, 32)),
        ),
      ]),
    ) as Record<ExactIdentifierKind, KeyObject>;
  }

  /** base64url of HMAC-SHA256(key of `kind`, normal form). Throws `IdentifierTokenError` for an invalid value. */
  token(kind: ExactIdentifierKind, value: string, context: IdentifierContext = {}): string {
    const normal = normaliseIdentifier(kind, value, context);
    return createHmac('sha256', this.keys[kind]).update(normal, 'utf8').digest('base64url');
  }
}
