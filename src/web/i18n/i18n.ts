import i18next from 'i18next';
import ICU from 'i18next-icu';
import { initReactI18next } from 'react-i18next';
import type en from './locales/en.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: typeof en };
  }
}

/** Each language is named in itself, so that a person who cannot read the current language still finds their own. */
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'fr', name: 'Français' },
  { code: 'es', name: 'Español' },
  { code: 'ar', name: 'العربية' },
  { code: 'ro', name: 'Română' },
  { code: 'it', name: 'Italiano' },
  { code: 'ru', name: 'Русский' },
  { code: 'pt', name: 'Português' },
] as const;

export type Language = (typeof LANGUAGES)[number]['code'];

type Translations = typeof en;

/**
 * Each language's translations are a file of their own that the browser fetches only when that language is chosen:
 * eight languages in the first download would be most of its weight.
 */
const LOADERS: Record<Language, () => Promise<{ default: unknown }>> = {
  en: () => import('./locales/en.json'),
  fr: () => import('./locales/fr.json'),
  es: () => import('./locales/es.json'),
  ar: () => import('./locales/ar.json'),
  ro: () => import('./locales/ro.json'),
  it: () => import('./locales/it.json'),
  ru: () => import('./locales/ru.json'),
  pt: () => import('./locales/pt.json'),
};

async function loadLanguage(code: Language): Promise<void> {
  if (i18next.hasResourceBundle(code, 'translation')) return;
  const { default: translations } = await LOADERS[code]();
  i18next.addResourceBundle(code, 'translation', translations as Translations);
}

const STORAGE_KEY = 'passage.language';

function isLanguage(code: string | null): code is Language {
  return LANGUAGES.some((language) => language.code === code);
}

function storedLanguage(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage can be disabled by browser privacy settings
  }
}

/** The saved choice, else the first of the browser's languages that Passage speaks, else English. */
function preferredLanguage(): Language {
  const stored = storedLanguage();
  if (isLanguage(stored)) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0] ?? null;
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/**
 * Wraps a value that comes from outside the translations (a name, an email address) in Unicode isolate marks, so that
 * inside an Arabic sentence it keeps its own direction and the punctuation around it stays in place.
 */
export const isolate = (value: string) => `\u2068${value}\u2069`;

export async function setLanguage(code: string): Promise<void> {
  if (!isLanguage(code)) return;
  await loadLanguage(code);
  await i18next.changeLanguage(code);
  try {
    window.localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // Without storage the choice lasts until the page is closed, which is still useful.
  }
}

/** Loads the preferred language's translations and starts i18next with them; the app renders once this resolves. */
export async function initI18n(): Promise<void> {
  // Screen readers pick their voice from `lang`; `dir` mirrors the whole layout for Arabic.
  i18next.on('languageChanged', (code) => {
    document.documentElement.lang = code;
    document.documentElement.dir = i18next.dir(code);
  });
  const language = preferredLanguage();
  // Without its translations (the server went away mid-load) the app still starts, showing keys, rather than nothing.
  const translations = await LOADERS[language]().then(
    (loaded) => loaded.default,
    () => ({}),
  );
  await i18next
    .use(ICU)
    .use(initReactI18next)
    .init({
      resources: { [language]: { translation: translations as Translations } },
      lng: language,
      supportedLngs: LANGUAGES.map((entry) => entry.code),
      // A missing translation must show up as its key in review, never as silent English.
      fallbackLng: false,
      // Other languages are added by setLanguage when chosen; i18next must not try to fetch them itself.
      partialBundledLanguages: true,
      initAsync: false,
    });
}
