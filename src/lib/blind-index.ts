/**
 * Blind indexes: keyed tokens of normalised identity values, so that the node can find a survivor by name, document,
 * phone or birth date without decrypting every record.
 *
 * Threat: anyone who reads the index tables (a stolen backup, a corrupt insider with database access) sees which
 * records share a token, and how often each token occurs. Frequency analysis then guesses the common values (the
 * token in most rows is probably the commonest first name or trigram), and with the index key every low-entropy value
 * could be tested outright: a century holds only ~36,500 birth dates. So:
 * - index keys are derived in memory, per purpose, from the node's index root key, which is stored only wrapped by
 *   the KEK and never logged or sent to another node (cross-border linkage uses its own encodings), so a copy of the
 *   tables without the KEK shows only equalities and frequencies;
 * - each purpose has its own key, so a name token cannot be correlated with a document or phone token;
 * - name tokens are returned as a sorted set, which drops the order of trigrams and name parts;
 * - tokens are truncated to 128 bits: collisions stay negligible and nothing is gained by keeping the full HMAC.
 * Rotating the KEK rewraps the root key and leaves every token as it is.
 */
import { createHmac, hkdfSync, type KeyObject } from 'node:crypto';
import { normaliseName } from './normalise.ts';

export type IndexPurpose = 'name' | 'document' | 'phone' | 'birthdate';

/** An index key; a `KeyObject` made once with `createSecretKey` makes each HMAC about four times cheaper. */
export type IndexKey = Buffer | KeyObject;

const KEY_BYTES = 32;
const TOKEN_BYTES = 16;

export function deriveIndexKey(rootKey: Buffer, purpose: IndexPurpose): Buffer {
  if (rootKey.length !== KEY_BYTES) throw new RangeError(`index root key must be ${KEY_BYTES} bytes`);
  return Buffer.from(hkdfSync('sha256', rootKey, Buffer.alloc(0), `passage/blind-index/v1/${purpose}`, KEY_BYTES));
}

/** The token for a whole value, already normalised by the normaliser of its purpose. */
export function exactToken(indexKey: IndexKey, normalisedValue: string): string {
  if (!normalisedValue) throw new RangeError('an empty value has no blind-index token');
  return token(indexKey, 'exact', normalisedValue);
}

/**
 * The tokens for fuzzy name search: per name part, one token for the part and one per trigram of the part padded
 * with a space each side (" ana " → " an", "ana", "na "), as in PostgreSQL's pg_trgm. Order-free, so "Rusu Ana"
 * matches "Ana Rusu".
 */
export function nameTokens(indexKey: IndexKey, name: string): string[] {
  const tokens = new Set<string>();
  for (const part of normaliseName(name).split(' ').filter(Boolean)) {
    tokens.add(token(indexKey, 'part', part));
    const chars = Array.from(` ${part} `);
    for (let i = 0; i + 3 <= chars.length; i++) tokens.add(token(indexKey, 'trigram', chars.slice(i, i + 3).join('')));
  }
  return [...tokens].sort();
}

/** Dice coefficient of two token sets: 1 for the same tokens, 0 for none shared. */
export function nameSimilarity(queryTokens: Iterable<string>, storedTokens: Iterable<string>): number {
  const query = new Set(queryTokens);
  const stored = new Set(storedTokens);
  if (query.size + stored.size === 0) return 0;
  let shared = 0;
  for (const t of query) if (stored.has(t)) shared++;
  return (2 * shared) / (query.size + stored.size);
}

// The kind label keeps the token spaces apart: a one-part name "ana" must not equal the trigram "ana".
function token(indexKey: IndexKey, kind: 'exact' | 'part' | 'trigram', text: string): string {
  return createHmac('sha256', indexKey).update(`${kind}\0${text}`).digest().subarray(0, TOKEN_BYTES).toString('hex');
}
