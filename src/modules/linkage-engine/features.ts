/**
 * From a feature's value to its tokens, as clkhash does it: the missing-value sentinel is replaced (and not checked),
 * any other value is checked against the feature's format and put in its canonical form (integers without sign or
 * padding noise, dates as YYYYMMDD), then tokenised by the feature's comparison. Strings are handled as sequences of
 * Unicode code points, as Python does. Errors name the rule broken, never the value (it is personal data).
 */
import { InvalidIdentifierError, normaliseBirthDate, normaliseName } from '../../lib/normalise.ts';
import { type Comparison, type FeatureFormat, type HashedFeature, roundHalfEven } from './schema.ts';

export class RecordValueError extends Error {
  readonly feature: string;
  constructor(feature: string, message: string) {
    super(message);
    this.name = 'RecordValueError';
    this.feature = feature;
  }
}

/** The string a feature's value is tokenised from. */
export function prepareValue(feature: HashedFeature, raw: string): string {
  const missing = feature.missingValue;
  if (missing && raw === missing.sentinel) return missing.replaceWith ?? missing.sentinel;
  const value = normalised(feature, raw);
  return canonical(feature.identifier, feature.format, value);
}

function normalised(feature: HashedFeature, raw: string): string {
  switch (feature.normalise) {
    case undefined:
      return raw;
    case 'name':
      return normaliseName(raw);
    case 'upper':
      return raw.toUpperCase();
    case 'birthDate':
      try {
        return normaliseBirthDate(raw);
      } catch (error) {
        if (error instanceof InvalidIdentifierError) throw new RecordValueError(feature.identifier, error.message);
        throw error;
      }
  }
}

function canonical(identifier: string, format: FeatureFormat, value: string): string {
  const fail = (message: string) => new RecordValueError(identifier, `the value ${message}`);
  switch (format.type) {
    case 'string': {
      if (format.encoding === 'ascii' && /[^\0-\x7f]/.test(value)) throw fail('holds characters outside ASCII');
      if (format.pattern) {
        if (!format.pattern.test(value)) throw fail("does not match the schema's pattern");
        return value;
      }
      const length = Array.from(value).length;
      if (format.minLength !== undefined && length < format.minLength) {
        throw fail(`is shorter than ${format.minLength} characters`);
      }
      if (format.maxLength !== undefined && length > format.maxLength) {
        throw fail(`is longer than ${format.maxLength} characters`);
      }
      if (format.case === 'upper' && value.toUpperCase() !== value) throw fail('must be upper case');
      if (format.case === 'lower' && value.toLowerCase() !== value) throw fail('must be lower case');
      return value;
    }
    case 'integer': {
      const n = parsePythonInt(value);
      if (n === undefined) throw fail('is not a whole number');
      if (format.minimum !== undefined && n < format.minimum) throw fail(`is below the minimum ${format.minimum}`);
      if (format.maximum !== undefined && n > format.maximum) throw fail(`is above the maximum ${format.maximum}`);
      return n.toString();
    }
    case 'date': {
      const date = parseDate(value, format.format);
      if (!date) throw fail(`is not a date in the format ${format.format}`);
      return date;
    }
    case 'enum':
      if (!format.values.has(value)) throw fail("is not one of the schema's values");
      return value;
  }
}

/** Python's int(s, 10): surrounding whitespace, a sign, underscores between digits. */
function parsePythonInt(text: string): bigint | undefined {
  const match = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(text);
  if (!match) return undefined;
  const n = BigInt((match[2] as string).replaceAll('_', ''));
  return match[1] === '-' ? -n : n;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * strptime with the directives %Y %y %m %d %b %B %% (C locale), as Python parses them: the whole value must match,
 * whitespace in the format matches any run of whitespace. Returns YYYYMMDD, or undefined if the value does not parse
 * or names a day that does not exist.
 */
export function parseDate(value: string, format: string): string | undefined {
  const parts: string[] = [];
  let pattern = '';
  for (const token of format.match(/%.|\s+|[^%\s]+/gs) ?? []) {
    if (/^\s+$/.test(token)) pattern += '\\s+';
    else if (token === '%%') pattern += '%';
    else if (token.startsWith('%')) {
      parts.push(token);
      pattern += {
        '%Y': '(\\d{4})',
        '%y': '(\\d{2})',
        '%m': '(1[0-2]|0[1-9]|[1-9])',
        '%d': '(3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])',
        '%b': `(${MONTHS.map((m) => m.slice(0, 3)).join('|')})`,
        '%B': `(${MONTHS.join('|')})`,
      }[token];
    } else pattern += escapeRegExp(token);
  }
  const match = new RegExp(`^${pattern}$`, 'i').exec(value);
  if (!match) return undefined;
  let year = 1900;
  let month = 1;
  let day = 1;
  parts.forEach((directive, i) => {
    const text = (match[i + 1] as string).trim().toLowerCase();
    if (directive === '%Y') year = Number(text);
    else if (directive === '%y') year = Number(text) + (Number(text) < 69 ? 2000 : 1900);
    else if (directive === '%m') month = Number(text);
    else if (directive === '%d') day = Number(text);
    else if (directive === '%b') month = MONTHS.findIndex((m) => m.startsWith(text)) + 1;
    else month = MONTHS.indexOf(text) + 1;
  });
  if (year < 1) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${String(year).padStart(4, '0')}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
}

/** The tokens of a prepared value: none for an empty one, so that it sets no bits. */
export function tokenise(identifier: string, comparison: Comparison, word: string): string[] {
  if (word.length === 0) return [];
  switch (comparison.type) {
    case 'exact':
      return [word];
    case 'ngram': {
      const { n, positional } = comparison;
      const pad = ' '.repeat(n - 1);
      const chars = Array.from(pad + word + pad);
      const grams: string[] = [];
      for (let i = 0; i + n <= chars.length; i++) {
        const gram = chars.slice(i, i + n).join('');
        grams.push(positional ? `${i + 1} ${gram}` : gram);
      }
      return grams;
    }
    case 'numeric':
      return numericTokens(identifier, comparison, word);
  }
}

/**
 * clkhash's numeric comparison (after Vatsalan and Christen 2015): the value is quantised to a grid and encoded as
 * its neighbourhood of 2·resolution + 1 grid points, so that values closer than thresholdDistance share tokens.
 */
function numericTokens(
  identifier: string,
  comparison: Extract<Comparison, { type: 'numeric' }>,
  word: string,
): string[] {
  const { resolution, fractionalPrecision } = comparison;
  let v = parsePythonInt(word);
  if (v !== undefined) v *= 10n ** BigInt(fractionalPrecision);
  else {
    const f = parsePythonFloat(word);
    if (f === undefined || !Number.isFinite(f))
      throw new RecordValueError(identifier, 'the value is not a finite number');
    v = BigInt(fractionalPrecision > 0 ? roundHalfEven(f * 10 ** fractionalPrecision) : Math.trunc(f));
  }
  const interval = BigInt(roundHalfEven(comparison.thresholdDistance * 10 ** fractionalPrecision));
  v *= 2n * BigInt(resolution);
  const residue = ((v % interval) + interval) % interval;
  if (residue !== 0n) v = 2n * residue < interval ? v - residue : v + (interval - residue);
  const tokens: string[] = [];
  for (let i = -resolution; i <= resolution; i++) tokens.push((v + BigInt(i) * interval).toString());
  return tokens;
}

function parsePythonFloat(text: string): number | undefined {
  const t = text.trim().replace(/(?<=\d)_(?=\d)/g, '');
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  if (/^[+-]?(inf|infinity|nan)$/i.test(t)) return Number.NaN;
  return undefined;
}
