import i18next from 'i18next';
import ICU from 'i18next-icu';
import { initReactI18next } from 'react-i18next';
import ar from './locales/ar.json' with { type: 'json' };
import en from './locales/en.json' with { type: 'json' };
import es from './locales/es.json' with { type: 'json' };
import fr from './locales/fr.json' with { type: 'json' };
import it from './locales/it.json' with { type: 'json' };
import pt from './locales/pt.json' with { type: 'json' };
import ro from './locales/ro.json' with { type: 'json' };
import ru from './locales/ru.json' with { type: 'json' };

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
  await i18next.changeLanguage(code);
  try {
    window.localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // Without storage the choice lasts until the page is closed, which is still useful.
  }
}

export function initI18n(): void {
  // Screen readers pick their voice from `lang`; `dir` mirrors the whole layout for Arabic.
  i18next.on('languageChanged', (code) => {
    document.documentElement.lang = code;
    document.documentElement.dir = i18next.dir(code);
  });
  void i18next
    .use(ICU)
    .use(initReactI18next)
    .init({
      resources: {
        en: { translation: en },
        fr: { translation: fr },
        es: { translation: es },
        ar: { translation: ar },
        ro: { translation: ro },
        it: { translation: it },
        ru: { translation: ru },
        pt: { translation: pt },
      },
      lng: preferredLanguage(),
      supportedLngs: LANGUAGES.map((language) => language.code),
      // A missing translation must show up as its key in review, never as silent English.
      fallbackLng: false,
      initAsync: false,
    });
}
