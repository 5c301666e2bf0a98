import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { htcdsField, picklistValues } from '../../../shared/htcds.ts';
import { LANGUAGES } from '../../i18n/i18n.ts';
import { TRANSLATED_PICKLISTS } from './vocabulary.ts';

const locale = (code: string) =>
  JSON.parse(readFileSync(new URL(`../../i18n/locales/${code}.json`, import.meta.url), 'utf8')) as {
    htcds: Record<string, Record<string, string>>;
  };

describe('HTCDS picklist labels', () => {
  it('are in English exactly the labels of the standard, for every value of every picklist the app shows', () => {
    const expected = Object.fromEntries(
      TRANSLATED_PICKLISTS.map((field) => [
        field,
        Object.fromEntries((htcdsField(field)?.values ?? []).map((value) => [value.name, value.label])),
      ]),
    );
    expect(locale('en').htcds).toEqual(expected);
  });

  it.each(LANGUAGES.map((language) => language.code))('are all translated in %s', (code) => {
    const labels = locale(code).htcds;
    for (const field of TRANSLATED_PICKLISTS) {
      expect(Object.keys(labels[field] ?? {}).sort(), field).toEqual([...picklistValues(field)].sort());
    }
  });
});
