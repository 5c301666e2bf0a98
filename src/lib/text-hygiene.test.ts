import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findBadText, invalidCharacters, isCleanText } from './text-hygiene.ts';

const code = (n: number) => String.fromCharCode(n);

describe('isCleanText', () => {
  it('refuses NUL, the other C0 controls, DEL and C1 controls', () => {
    for (let n = 0; n < 0x20; n++) {
      if ([0x09, 0x0a, 0x0d].includes(n)) continue;
      expect(isCleanText(`a${code(n)}b`), `U+${n.toString(16)}`).toBe(false);
    }
    for (let n = 0x7f; n <= 0x9f; n++) expect(isCleanText(`a${code(n)}b`), `U+${n.toString(16)}`).toBe(false);
  });

  it('allows tab and line breaks in text but not in a line', () => {
    for (const c of ['\t', '\n', '\r', '\r\n']) {
      expect(isCleanText(`first${c}second`, 'text')).toBe(true);
      expect(isCleanText(`first${c}second`, 'line')).toBe(false);
    }
  });

  it('refuses lone surrogates, high or low, anywhere, and allows pairs', () => {
    expect(isCleanText('\uD800')).toBe(false);
    expect(isCleanText('a\uDC00')).toBe(false);
    expect(isCleanText('\uDBFFx')).toBe(false);
    expect(isCleanText('\uDC00\uD800')).toBe(false);
    expect(isCleanText('😀 \uD83D\uDE00')).toBe(true);
  });

  it('allows the text people write: accents, scripts, emoji, no-break spaces, right-to-left marks', () => {
    for (const text of ['Ștefan Ionescu', 'Nguyễn Thị Hoa', 'فاطمة', 'Анна', '日本語', '€ 12', 'a\u00a0b\u200fc', 'ß'])
      expect(isCleanText(text, 'line'), text).toBe(true);
  });

  it('agrees with a definition written from code points, on any string', () => {
    const allowed = (s: string, lineBreaks: boolean) => {
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c === 0x09 || c === 0x0a || c === 0x0d) {
          if (!lineBreaks) return false;
        } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false;
        else if (c >= 0xd800 && c <= 0xdbff) {
          const low = s.charCodeAt(i + 1);
          if (!(low >= 0xdc00 && low <= 0xdfff)) return false;
          i++;
        } else if (c >= 0xdc00 && c <= 0xdfff) return false;
      }
      return true;
    };
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 8 }),
        (a, b) => {
          const s = a + b;
          expect(isCleanText(s, 'text')).toBe(allowed(s, true));
          expect(isCleanText(s, 'line')).toBe(allowed(s, false));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('findBadText', () => {
  it('finds nothing in clean JSON and ignores numbers, booleans and null', () => {
    expect(findBadText({ a: 'x', b: [1, true, null, { c: 'line\nbreak' }] })).toBeNull();
    expect(findBadText(42)).toBeNull();
  });

  it('gives the JSON pointer of the bad string, in arrays and nested objects', () => {
    expect(findBadText({ a: 'ok', b: { c: ['ok', 'x\u0000y'] } })).toBe('/b/c/1');
    expect(findBadText('\u0000')).toBe('/');
    expect(findBadText({ 'a/b': { '~': '\uD800' } })).toBe('/a~1b/~0');
  });

  it('refuses a bad key without repeating it, and a line break in a key', () => {
    expect(findBadText({ ok: { 'Maria\u0000': 1 } })).toBe('/ok/?');
    expect(findBadText({ 'two\nlines': 1 })).toBe('/?');
  });

  it('walks a deeply nested body without exhausting the stack', () => {
    let deep: unknown = 'x\u0007';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findBadText(deep)).toBe(`${'/0'.repeat(200_000)}`);
  });
});

describe('invalidCharacters', () => {
  it('is a 400 with a stable id and the location, and never the value', () => {
    const error = invalidCharacters({ in: 'body', path: '/name' });
    expect(error).toMatchObject({ id: 'invalid_characters', status: 400, details: [{ in: 'body', path: '/name' }] });
    expect(error.message).toContain('body /name');
  });
});
