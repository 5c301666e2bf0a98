import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

export const DATE: Intl.DateTimeFormatOptions = { dateStyle: 'medium' };
/** A calendar date without a time (a birth date, the day of a report): the same day in every time zone. */
export const DAY: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeZone: 'UTC' };
export const DATE_TIME: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'medium' };

/** The browser's own variant of the chosen language when it has one (en-GB rather than en), for dates and numbers. */
function regional(language: string): string {
  return navigator.languages.find((tag) => tag.toLowerCase().split('-')[0] === language) ?? language;
}

/** Formats ISO timestamps the way the chosen language writes dates, in the browser's time zone. */
export function useDateFormat(options: Intl.DateTimeFormatOptions): (iso: string) => string {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const format = new Intl.DateTimeFormat(regional(i18n.language), options);
    return (iso: string) => format.format(new Date(iso));
  }, [i18n.language, options]);
}

/** The name of a country from its ISO 3166-1 code, in the chosen language (the code itself when unknown). */
export function useCountryName(): (code: string) => string {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const names = new Intl.DisplayNames(i18n.language, { type: 'region', fallback: 'code' });
    return (code: string) => names.of(code) ?? code;
  }, [i18n.language]);
}

/** Joins values the way the chosen language writes a list ("a, b, c"; in Arabic "a، b، c"). */
export function useListFormat(): (items: string[]) => string {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const format = new Intl.ListFormat(i18n.language, { style: 'short', type: 'unit' });
    return (items: string[]) => format.format(items);
  }, [i18n.language]);
}
