import { readdirSync, readFileSync } from 'node:fs';
import IntlMessageFormat from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from './i18n.ts';

type MessageElement = ReturnType<IntlMessageFormat['getAst']>[number];

const localesDir = new URL('./locales/', import.meta.url);

function readLocale(code: string): Map<string, unknown> {
  const text = readFileSync(new URL(`${code}.json`, localesDir), 'utf8');
  try {
    return flatten(JSON.parse(text));
  } catch (error) {
    throw new Error(`${code}.json is not valid JSON: ${(error as Error).message}`);
  }
}

function compile(code: string, key: string, message: string): IntlMessageFormat {
  try {
    return new IntlMessageFormat(message, code);
  } catch (error) {
    throw new Error(`${code}: ${key} is not a valid ICU message (${(error as Error).message}): ${message}`);
  }
}

/** `{ a: { b: 'x' } }` → `a.b → 'x'`, the way i18next resolves keys. */
function flatten(tree: unknown, prefix = '', into = new Map<string, unknown>()): Map<string, unknown> {
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) {
    into.set(prefix, tree);
    return into;
  }
  for (const [key, value] of Object.entries(tree)) flatten(value, prefix ? `${prefix}.${key}` : key, into);
  return into;
}

/** The names of the values a message needs (`{label}`, `{count, plural, …}`), found anywhere in its syntax tree. */
function argumentNames(elements: MessageElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    if ('options' in element) for (const option of Object.values(element.options)) argumentNames(option.value, into);
    if ('children' in element) argumentNames(element.children, into);
    if (element.type !== 0 && element.type !== 7 && element.type !== 8 && 'value' in element) into.add(element.value);
  }
  return into;
}

const english = readLocale('en');

describe('locales', () => {
  it('has a file for every language of the switcher and no other', () => {
    const files = readdirSync(localesDir).filter((name) => name.endsWith('.json'));
    expect(files.map((name) => name.replace(/\.json$/, '')).sort()).toEqual(LANGUAGES.map((l) => l.code).sort());
  });

  describe.each(LANGUAGES.map((language) => language.code))('%s', (code) => {
    const messages = readLocale(code);

    it('has exactly the keys of en.json', () => {
      const missing = [...english.keys()].filter((key) => !messages.has(key));
      const extra = [...messages.keys()].filter((key) => !english.has(key));
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    });

    it('has only non-empty strings that are valid ICU messages with the arguments of the English text', () => {
      for (const [key, message] of messages) {
        if (!english.has(key)) continue; // reported by the key comparison above
        expect(typeof message === 'string' && message.trim() !== '', `${code}: ${key} is empty or not text`).toBe(true);
        const format = compile(code, key, message as string);
        const names = argumentNames(format.getAst());
        const englishNames = argumentNames(compile('en', key, english.get(key) as string).getAst());
        expect([...names].sort(), `${code}: ${key} arguments`).toEqual([...englishNames].sort());
        for (const count of [0, 1, 2, 3, 11, 21, 100]) {
          const values = Object.fromEntries([...names].map((name) => [name, name === 'count' ? count : name]));
          expect(() => format.format(values), `${code}: ${key} with count ${count}`).not.toThrow();
        }
      }
    });
  });

  const translations = LANGUAGES.map((language) => language.code).filter((code) => code !== 'en');
  it.each(translations)('%s translates every sentence instead of copying the English one', (code) => {
    // Short labels such as "Audit" are legitimately the same in several languages; whole sentences never are.
    const copied = [...readLocale(code)].filter(([key, message]) => {
      const source = english.get(key);
      // A message of placeholders and punctuation only ("{purpose}: {decision}") has no words to translate.
      const words = typeof source === 'string' ? source.replace(/\{[^{}]*\}/g, '').replace(/[^\p{L}]/gu, '') : '';
      return (
        typeof source === 'string' && source.includes(' ') && source.length > 20 && words !== '' && message === source
      );
    });
    expect(copied.map(([key]) => key)).toEqual([]);
  });
});
