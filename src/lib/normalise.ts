/**
 * Normal forms of identifiers, so that one person written two ways gives one blind-index token.
 * Errors never repeat the input: it is personal data and error messages end up in logs.
 */

export type IdentifierKind = 'phone' | 'document' | 'birth_date';

export class InvalidIdentifierError extends Error {
  readonly kind: IdentifierKind;

  constructor(kind: IdentifierKind, message: string) {
    super(message);
    this.name = 'InvalidIdentifierError';
    this.kind = kind;
  }
}

// Passports romanise Russian by ICAO Doc 9303 and Ukrainian by the 2010 national table; both are followed here.
// biome-ignore format: a transliteration table reads best as a table
const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'i', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
  ъ: 'ie', ы: 'y', ь: '', э: 'e', ю: 'iu', я: 'ia', і: 'i', ї: 'i', є: 'ie', ґ: 'g', ў: 'u',
};
const UKRAINIAN: Record<string, string> = { ...CYRILLIC, г: 'h', и: 'y' };
const UKRAINIAN_WORD_START: Record<string, string> = { є: 'ye', ї: 'yi', й: 'y', ю: 'yu', я: 'ya' };

// ELOT 743 (Greek passports), letter by letter after the digraphs below.
// biome-ignore format: a transliteration table reads best as a table
const GREEK: Record<string, string> = {
  α: 'a', β: 'v', γ: 'g', δ: 'd', ε: 'e', ζ: 'z', η: 'i', θ: 'th', ι: 'i', κ: 'k', λ: 'l', μ: 'm', ν: 'n', ξ: 'x',
  ο: 'o', π: 'p', ρ: 'r', σ: 's', ς: 's', τ: 't', υ: 'y', φ: 'f', χ: 'ch', ψ: 'ps', ω: 'o',
};
const GREEK_DIGRAPHS: Record<string, string> = { ου: 'ou', γγ: 'ng', γκ: 'gk', γξ: 'nx', γχ: 'nch' };
const LATIN_SPECIALS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
  ħ: 'h',
};

/**
 * Folds a name to lower-case Latin without diacritics, its parts separated by single spaces. Scripts not
 * transliterated here (Arabic, Devanagari, …) are kept as written. Apostrophes are dropped rather than split on
 * ("O'Brien" → "obrien", "Мар'яна" → "mariana") because they sit inside one name part.
 */
export function normaliseName(name: string): string {
  const folded = name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['‘’ʼ`]/g, '');
  const latin = transliterateGreek(stripDiacritics(transliterateCyrillic(folded)));
  return latin
    .replace(/[ßæœøđðþłıħ]/g, (c) => LATIN_SPECIALS[c] ?? c)
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
    .trim();
}

function transliterateCyrillic(text: string): string {
  // Only Ukrainian has і ї є ґ; Russian and Belarusian letters rule it out. Without either, both tables agree
  // on most names ("Олександр Коваленко"), and the trigram tokens absorb the rest (и: i or y, г: g or h).
  const ukrainian = /[іїєґ]/.test(text) && !/[ёъыэў]/.test(text);
  const table = ukrainian ? UKRAINIAN : CYRILLIC;
  const prepared = ukrainian ? text.replaceAll('зг', 'zgh') : text;
  return prepared.replace(/\p{Script=Cyrillic}/gu, (c, offset: number, whole: string) => {
    const wordStart = !/\p{L}/u.test(whole[offset - 1] ?? '');
    return (ukrainian && wordStart ? UKRAINIAN_WORD_START[c] : undefined) ?? table[c] ?? c;
  });
}

// Marks are removed only from Latin and Greek letters: in scripts such as Devanagari they carry the vowels.
function stripDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/(?<=[\p{Script=Latin}\p{Script=Greek}])\p{M}+/gu, '')
    .normalize('NFC');
}

function transliterateGreek(text: string): string {
  return (
    text
      // αυ ευ ηυ sound as af ef if before a voiceless consonant or at the end of a word, else av ev iv.
      .replace(/([αεη])υ(?=[θκξπστφχψς]|[^\p{L}]|$)/gu, (_, v: string) => `${GREEK[v]}f`)
      .replace(/([αεη])υ/g, (_, v: string) => `${GREEK[v]}v`)
      .replace(/ου|γ[γκξχ]/g, (pair) => GREEK_DIGRAPHS[pair] ?? pair)
      .replace(/[α-ω]/g, (c) => GREEK[c] ?? c)
  );
}

// ITU-T E.164 country calling codes in service; the set is prefix-free, so the first match is the code.
const CALLING_CODES = new Set(
  (
    '1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 ' +
    '84 86 90 91 92 93 94 95 98 211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 ' +
    '235 236 237 238 239 240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255 256 257 258 260 261 262 ' +
    '263 264 265 266 267 268 269 290 291 297 298 299 350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 ' +
    '375 376 377 378 379 380 381 382 383 385 386 387 389 420 421 423 500 501 502 503 504 505 506 507 508 509 590 ' +
    '591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679 680 681 682 683 685 686 687 688 689 ' +
    '690 691 692 800 808 850 852 853 855 856 870 878 880 881 882 883 886 888 960 961 962 963 964 965 966 967 968 ' +
    '970 971 972 973 974 975 976 977 979 992 993 994 995 996 998'
  ).split(' '),
);
// Dialled before a national number but dropped in international form; '0' unless listed. Italy, San Marino and
// the Vatican keep their leading 0 internationally.
const TRUNK_PREFIXES: Record<string, string> = { '1': '1', '7': '8', '39': '', '378': '', '379': '' };

/**
 * Writes a phone number in E.164 form ("+37369123456"). International numbers start with + or 00; any other
 * number is national and takes `defaultCallingCode` ("+373"). Rejects numbers no network can route: unknown
 * country codes, fewer than 4 subscriber digits, more than 15 digits in all.
 */
export function normalisePhone(input: string, defaultCallingCode?: string): string {
  const text = input.normalize('NFKC').trim();
  const international = /^(\+|00)/.test(text);
  const digits = (international ? text.replace(/\(0\)/g, '') : text).replace(/[\s().\-/]/g, '');
  if (!/^(\+|00)?\d+$/.test(digits)) {
    throw new InvalidIdentifierError('phone', 'a phone number may only hold digits, spaces and + ( ) - . /');
  }
  const full = international ? digits.replace(/^(\+|00)/, '') : withCallingCode(digits, defaultCallingCode);
  const code = [1, 2, 3].map((length) => full.slice(0, length)).find((prefix) => CALLING_CODES.has(prefix));
  if (!code) throw new InvalidIdentifierError('phone', 'the phone number has no known country calling code');
  if (full.length - code.length < 4 || full.length > 15) {
    throw new InvalidIdentifierError('phone', 'the phone number has too few or too many digits');
  }
  return `+${full}`;
}

function withCallingCode(national: string, defaultCallingCode: string | undefined): string {
  const code = defaultCallingCode?.replace(/^\+/, '');
  if (!code || !CALLING_CODES.has(code)) {
    throw new InvalidIdentifierError('phone', 'a national phone number needs a known default country calling code');
  }
  const trunk = TRUNK_PREFIXES[code] ?? '0';
  return code + (trunk && national.startsWith(trunk) ? national.slice(trunk.length) : national);
}

// Cyrillic and Greek capitals that look Latin: series such as "КВ" are typed on Latin keyboards as "KB".
const LOOKALIKES = 'АВЕКМНОРСТУХІΑΒΕΖΗΙΚΜΝΟΡΤΥΧ';
const LOOKALIKES_LATIN = 'ABEKMHOPCTYXIABEZHIKMNOPTYX';

/** Upper-cases a document number and keeps only its letters and digits ("ab 12-34" → "AB1234"). */
export function normaliseDocument(input: string): string {
  const normal = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, '')
    .replace(new RegExp(`[${LOOKALIKES}]`, 'g'), (c) => LOOKALIKES_LATIN[LOOKALIKES.indexOf(c)] ?? c);
  if (!normal) throw new InvalidIdentifierError('document', 'a document number needs at least one letter or digit');
  return normal;
}

/**
 * Writes a birth date as YYYY-MM-DD. Accepts that form and DD.MM.YYYY; slashed dates are refused because
 * 03/04 means March in one country and April in another. Dates that do not exist or lie outside 1900..today fail.
 */
export function normaliseBirthDate(input: string, today: Date = new Date()): string {
  const text = input.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
  const [year, month, day] = (iso ? [iso[1], iso[2], iso[3]] : dotted ? [dotted[3], dotted[2], dotted[1]] : []).map(
    Number,
  );
  if (year === undefined || month === undefined || day === undefined) {
    throw new InvalidIdentifierError('birth_date', 'a birth date must be written YYYY-MM-DD or DD.MM.YYYY');
  }
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new InvalidIdentifierError('birth_date', 'the birth date does not exist in the calendar');
  }
  if (year < 1900 || date.getTime() > today.getTime()) {
    throw new InvalidIdentifierError('birth_date', 'a birth date must lie between 1900 and today');
  }
  return date.toISOString().slice(0, 10);
}
