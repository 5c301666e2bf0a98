import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveIndexKey, exactToken, type IndexPurpose, nameSimilarity, nameTokens } from './blind-index.ts';
import { normaliseName, normalisePhone } from './normalise.ts';

const kek = randomBytes(32);
const nameKey = deriveIndexKey(kek, 'name');
const purposes: IndexPurpose[] = ['name', 'document', 'phone', 'birthdate'];

function similarity(a: string, b: string): number {
  return nameSimilarity(nameTokens(nameKey, a), nameTokens(nameKey, b));
}

describe('deriveIndexKey', () => {
  it('gives a distinct 32-byte key per purpose, none equal to the KEK', () => {
    const keys = purposes.map((purpose) => deriveIndexKey(kek, purpose).toString('hex'));
    expect(new Set([...keys, kek.toString('hex')]).size).toBe(purposes.length + 1);
    for (const key of keys) expect(key).toHaveLength(64);
  });

  it('is stable for one KEK and differs between KEKs', () => {
    expect(deriveIndexKey(kek, 'phone').equals(deriveIndexKey(Buffer.from(kek), 'phone'))).toBe(true);
    expect(deriveIndexKey(kek, 'phone').equals(deriveIndexKey(randomBytes(32), 'phone'))).toBe(false);
  });

  it('refuses a KEK of the wrong length', () => {
    expect(() => deriveIndexKey(randomBytes(16), 'name')).toThrow(RangeError);
  });
});

describe('exactToken', () => {
  it('is 16 bytes of hex, deterministic, and not the plain HMAC of the value', () => {
    const token = exactToken(nameKey, 'ana rusu');
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(exactToken(nameKey, 'ana rusu')).toBe(token);
    expect(createHmac('sha256', nameKey).update('ana rusu').digest('hex')).not.toContain(token);
  });

  it('differs between index keys for the same value', () => {
    const phone = normalisePhone('+373 69 123 456');
    const tokens = purposes.map((purpose) => exactToken(deriveIndexKey(kek, purpose), phone));
    expect(new Set(tokens).size).toBe(purposes.length);
  });

  it('matches one person written in Cyrillic and in Latin', () => {
    const cyrillic = exactToken(nameKey, normaliseName('Олександр Коваленко'));
    expect(exactToken(nameKey, normaliseName('Oleksandr Kovalenko'))).toBe(cyrillic);
    expect(exactToken(nameKey, normaliseName('OLEKSANDR  KOVALENKO'))).toBe(cyrillic);
  });

  it('matches one phone number written three ways', () => {
    const phoneKey = deriveIndexKey(kek, 'phone');
    const tokens = [
      normalisePhone('+373 69 123 456'),
      normalisePhone('0037369123456'),
      normalisePhone('069123456', '+373'),
    ].map((phone) => exactToken(phoneKey, phone));
    expect(new Set(tokens).size).toBe(1);
  });

  it('refuses an empty value, which would put every blank in one bucket', () => {
    expect(() => exactToken(nameKey, normaliseName(' - '))).toThrow(RangeError);
  });
});

describe('nameTokens', () => {
  it('holds one token per part and per padded trigram, sorted and without repeats', () => {
    // "ana": part + " an", "ana", "na "; "rusu": part + " ru", "rus", "usu", "su ".
    const tokens = nameTokens(nameKey, 'Ana Rusu');
    expect(tokens).toHaveLength(9);
    expect([...tokens].sort()).toEqual(tokens);
    expect(nameTokens(nameKey, 'Ana Ana')).toHaveLength(4);
  });

  it('are the same in Cyrillic and Latin, and in either order', () => {
    const tokens = nameTokens(nameKey, 'Олександр Коваленко');
    expect(nameTokens(nameKey, 'Oleksandr Kovalenko')).toEqual(tokens);
    expect(nameTokens(nameKey, 'Kovalenko, Oleksandr')).toEqual(tokens);
  });

  it('keep a one-part name apart from the same letters as a trigram', () => {
    const part = nameTokens(nameKey, 'ana');
    expect(new Set(part).size).toBe(4);
  });

  it('differ between index keys', () => {
    const other = nameTokens(deriveIndexKey(kek, 'document'), 'Ana Rusu');
    expect(nameSimilarity(nameTokens(nameKey, 'Ana Rusu'), other)).toBe(0);
  });

  it('are empty for a name with no letters', () => {
    expect(nameTokens(nameKey, ' -- ')).toEqual([]);
  });
});

describe('nameSimilarity', () => {
  it('ranks a spelling variant high and another person low', () => {
    expect(similarity('Ana Rusu', 'Anna Rusu')).toBeGreaterThan(0.6);
    expect(similarity('Ana Rusu', 'Maria Popescu')).toBeLessThan(0.2);
    expect(similarity('Ana Rusu', 'Ana Rusu')).toBe(1);
  });

  it('finds transliteration variants the exact token misses', () => {
    expect(similarity('Михайло Коваль', 'Mykhailo Koval')).toBeGreaterThan(0.6);
    expect(similarity('Ștefania Țurcanu', 'Stefania Turcanu')).toBe(1);
    expect(similarity('Oleksandr Kovalenko', 'Olexandr Kowalenko')).toBeGreaterThan(0.5);
  });

  it('ranks closer spellings first', () => {
    const query = nameTokens(nameKey, 'Anna Rusu');
    const stored = ['Maria Popescu', 'Ana Russu', 'Ana Rusu', 'Anna Rusu'];
    const ranked = [...stored].sort(
      (a, b) => nameSimilarity(query, nameTokens(nameKey, b)) - nameSimilarity(query, nameTokens(nameKey, a)),
    );
    expect(ranked).toEqual(['Anna Rusu', 'Ana Rusu', 'Ana Russu', 'Maria Popescu']);
  });

  it('is symmetric, and 0 for empty sets', () => {
    expect(similarity('Ana Rusu', 'Ion Rusu')).toBe(similarity('Ion Rusu', 'Ana Rusu'));
    expect(nameSimilarity([], [])).toBe(0);
    expect(nameSimilarity(['a'], [])).toBe(0);
  });
});
