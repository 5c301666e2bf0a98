/**
 * Linkage schemas in the clkhash linkage schema v3 format (Data61's clkhash, `clkhash/schemas/v3.json`): what the
 * data owners of a linkage group agree on so that their CLK encodings are comparable. Any valid v3 schema is
 * accepted; errors name the place in the schema (`features[2].hashing.strategy`), never a data value.
 *
 * One Passage extension: a feature may carry `"x-passage-normalise": "name" | "birthDate" | "upper"`, applied to a
 * value before the format check and tokenising (`name`: Passage's name normaliser, which folds case and diacritics
 * and transliterates Cyrillic and Greek to Latin). The v3 JSON Schema allows extra keys on a feature, and clkhash
 * ignores them, so such a schema stays valid for clkhash (which would then expect values normalised beforehand).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { MAX_BITS } from './dice.ts';

export class LinkageSchemaError extends Error {
  /** Where in the schema, e.g. `features[2].hashing.strategy`; '' for the whole document. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(path ? `linkage schema: ${path}: ${message}` : `linkage schema: ${message}`);
    this.name = 'LinkageSchemaError';
    this.path = path;
  }
}

export type TextEncodingName = 'ascii' | 'utf-8' | 'utf-16' | 'utf-32';

export type FeatureFormat =
  | {
      type: 'string';
      encoding: TextEncodingName;
      case: 'upper' | 'lower' | 'mixed';
      minLength?: number;
      maxLength?: number;
      pattern?: RegExp;
    }
  | { type: 'integer'; encoding: 'utf-8'; minimum?: bigint; maximum?: bigint }
  | { type: 'date'; encoding: 'utf-8'; format: string }
  | { type: 'enum'; encoding: 'utf-8'; values: ReadonlySet<string> };

export type Comparison =
  | { type: 'ngram'; n: number; positional: boolean }
  | { type: 'exact' }
  | { type: 'numeric'; thresholdDistance: number; resolution: number; fractionalPrecision: number };

export type Strategy = { bitsPerToken: number } | { bitsPerFeature: number };

export type FeatureHash = { type: 'blakeHash' } | { type: 'doubleHash'; preventSingularity: boolean };

export type PassageNormaliser = 'name' | 'birthDate' | 'upper';

export interface IgnoredFeature {
  identifier: string;
  ignored: true;
}

export interface HashedFeature {
  identifier: string;
  ignored: false;
  format: FeatureFormat;
  comparison: Comparison;
  strategy: Strategy;
  hash: FeatureHash;
  missingValue?: { sentinel: string; replaceWith?: string };
  normalise?: PassageNormaliser;
}

export type Feature = IgnoredFeature | HashedFeature;

export interface LinkageSchema {
  version: 3;
  /** Encoding length in bits, after XOR folding. */
  l: number;
  xorFolds: number;
  kdf: { hash: 'SHA256' | 'SHA512'; salt: Uint8Array; info: Uint8Array; keySize: number };
  features: Feature[];
  /** Hex SHA-256 of the schema document with its keys sorted: the same schema gives the same fingerprint. */
  sha256: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

/** Largest Bloom filter before folding: keeps a record's filter small whatever the schema asks. */
const MAX_FILTER_BITS = 1 << 20;

export async function loadLinkageSchema(path: string): Promise<LinkageSchema> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new LinkageSchemaError('', `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LinkageSchemaError('', `${path} is not JSON`);
  }
  return parseLinkageSchema(json);
}

export function parseLinkageSchema(document: unknown): LinkageSchema {
  if (!isObject(document)) throw new LinkageSchemaError('', 'must be a JSON object');
  if (document.version !== 3) {
    throw new LinkageSchemaError('version', 'must be 3 (convert v1/v2 schemas with clkhash first)');
  }
  const clk = document.clkConfig;
  if (!isObject(clk)) throw new LinkageSchemaError('clkConfig', 'must be an object');
  const l = clk.l;
  if (!isInteger(l) || l < 8 || l % 8 !== 0 || l > MAX_BITS) {
    throw new LinkageSchemaError('clkConfig.l', `must be a whole number of bytes in bits, 8–${MAX_BITS}`);
  }
  const xorFolds = clk.xorFolds ?? 0;
  if (!isInteger(xorFolds) || xorFolds < 0 || l * 2 ** xorFolds > MAX_FILTER_BITS) {
    throw new LinkageSchemaError(
      'clkConfig.xorFolds',
      `must be a whole number ≥ 0 with l·2^xorFolds ≤ ${MAX_FILTER_BITS}`,
    );
  }
  const kdf = parseKdf(clk.kdf);
  if (!Array.isArray(document.features)) throw new LinkageSchemaError('features', 'must be a list');
  if (document.features.length === 0) throw new LinkageSchemaError('features', 'must list at least one feature');
  const features = document.features.map((feature, i) => parseFeature(feature, `features[${i}]`));
  const seen = new Map<string, number>();
  features.forEach((feature, i) => {
    const earlier = seen.get(feature.identifier);
    if (earlier !== undefined) {
      throw new LinkageSchemaError(`features[${i}].identifier`, `repeats the identifier of features[${earlier}]`);
    }
    seen.set(feature.identifier, i);
  });
  if (!features.some((f) => !f.ignored)) throw new LinkageSchemaError('features', 'all features are ignored');
  const hashLength = kdf.hash === 'SHA256' ? 32 : 64;
  if (2 * features.length * kdf.keySize > 255 * hashLength) {
    throw new LinkageSchemaError(
      'clkConfig.kdf.keySize',
      `HKDF-${kdf.hash} yields at most ${255 * hashLength} bytes: 2 keys × ${features.length} features × keySize is more`,
    );
  }
  const filterBits = l * 2 ** xorFolds;
  features.forEach((feature, i) => {
    if (feature.ignored || feature.hash.type !== 'blakeHash') return;
    if ((filterBits & (filterBits - 1)) !== 0) {
      throw new LinkageSchemaError(`features[${i}].hashing.hash`, 'blakeHash needs l·2^xorFolds to be a power of two');
    }
    if (kdf.keySize > 64) {
      throw new LinkageSchemaError('clkConfig.kdf.keySize', 'blakeHash takes keys of at most 64 bytes');
    }
  });
  return { version: 3, l, xorFolds, kdf, features, sha256: schemaFingerprint(document) };
}

/** SHA-256 of the document as JSON with object keys sorted at every level. */
export function schemaFingerprint(document: unknown): string {
  return createHash('sha256').update(canonicalJson(document)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function parseKdf(kdf: unknown): LinkageSchema['kdf'] {
  const at = 'clkConfig.kdf';
  if (!isObject(kdf)) throw new LinkageSchemaError(at, 'must be an object');
  if (kdf.type !== 'HKDF') throw new LinkageSchemaError(`${at}.type`, 'must be "HKDF"');
  const hash = kdf.hash ?? 'SHA256';
  if (hash !== 'SHA256' && hash !== 'SHA512')
    throw new LinkageSchemaError(`${at}.hash`, 'must be "SHA256" or "SHA512"');
  const keySize = kdf.keySize ?? 64;
  if (!isInteger(keySize) || keySize < 1) throw new LinkageSchemaError(`${at}.keySize`, 'must be a whole number ≥ 1');
  const info = base64(kdf.info, `${at}.info`);
  if (info.length > 1024) throw new LinkageSchemaError(`${at}.info`, 'must be at most 1024 bytes');
  return { hash, salt: base64(kdf.salt, `${at}.salt`), info, keySize };
}

function base64(value: unknown, at: string): Uint8Array {
  if (value === undefined) return new Uint8Array(0);
  if (typeof value !== 'string' || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw new LinkageSchemaError(at, 'must be base64-encoded bytes');
  }
  return new Uint8Array(Buffer.from(value, 'base64'));
}

const FEATURE_NORMALISERS: readonly PassageNormaliser[] = ['name', 'birthDate', 'upper'];

function parseFeature(feature: unknown, at: string): Feature {
  if (!isObject(feature)) throw new LinkageSchemaError(at, 'must be an object');
  const identifier = feature.identifier;
  if (typeof identifier !== 'string' || identifier.trim() === '') {
    throw new LinkageSchemaError(`${at}.identifier`, 'must be a non-empty string');
  }
  if (feature.description !== undefined && typeof feature.description !== 'string') {
    throw new LinkageSchemaError(`${at}.description`, 'must be a string');
  }
  if (feature.ignored === true) {
    const extra = Object.keys(feature).find((k) => !['identifier', 'ignored', 'description'].includes(k));
    if (extra) throw new LinkageSchemaError(`${at}.${extra}`, 'is not allowed on an ignored feature');
    return { identifier, ignored: true };
  }
  if (feature.ignored !== undefined && feature.ignored !== false) {
    throw new LinkageSchemaError(`${at}.ignored`, 'must be true or false');
  }
  if (feature.format === undefined) throw new LinkageSchemaError(`${at}.format`, 'is required (or "ignored": true)');
  if (feature.hashing === undefined) throw new LinkageSchemaError(`${at}.hashing`, 'is required (or "ignored": true)');
  const format = parseFormat(feature.format, `${at}.format`);
  const normalise = feature['x-passage-normalise'];
  if (normalise !== undefined && !FEATURE_NORMALISERS.includes(normalise as PassageNormaliser)) {
    throw new LinkageSchemaError(`${at}.x-passage-normalise`, `must be one of ${FEATURE_NORMALISERS.join(', ')}`);
  }
  const hashing = feature.hashing;
  const hat = `${at}.hashing`;
  if (!isObject(hashing)) throw new LinkageSchemaError(hat, 'must be an object');
  onlyKeys(hashing, ['comparison', 'strategy', 'hash', 'missingValue'], hat);
  return {
    identifier,
    ignored: false,
    format,
    comparison: parseComparison(hashing.comparison, `${hat}.comparison`),
    strategy: parseStrategy(hashing.strategy, `${hat}.strategy`),
    hash: parseHash(hashing.hash, `${hat}.hash`),
    ...(hashing.missingValue === undefined
      ? {}
      : { missingValue: parseMissingValue(hashing.missingValue, `${hat}.missingValue`) }),
    ...(normalise === undefined ? {} : { normalise: normalise as PassageNormaliser }),
  };
}

function onlyKeys(object: Json, allowed: string[], at: string): void {
  const extra = Object.keys(object).find((k) => !allowed.includes(k));
  if (extra) throw new LinkageSchemaError(`${at}.${extra}`, `is not allowed here (allowed: ${allowed.join(', ')})`);
}

const ENCODINGS: readonly TextEncodingName[] = ['ascii', 'utf-8', 'utf-16', 'utf-32'];

function parseFormat(format: unknown, at: string): FeatureFormat {
  if (!isObject(format)) throw new LinkageSchemaError(at, 'must be an object');
  const optionalInteger = (key: string, min: number) => {
    const value = format[key];
    if (value !== undefined && (!isInteger(value) || value < min)) {
      throw new LinkageSchemaError(`${at}.${key}`, `must be a whole number ≥ ${min}`);
    }
    return value as number | undefined;
  };
  switch (format.type) {
    case 'string': {
      const encoding = format.encoding ?? 'utf-8';
      if (!ENCODINGS.includes(encoding as TextEncodingName)) {
        throw new LinkageSchemaError(`${at}.encoding`, `must be one of ${ENCODINGS.join(', ')}`);
      }
      if (format.pattern !== undefined) {
        onlyKeys(format, ['type', 'encoding', 'pattern', 'description'], at);
        if (typeof format.pattern !== 'string') throw new LinkageSchemaError(`${at}.pattern`, 'must be a string');
        let pattern: RegExp;
        try {
          pattern = new RegExp(`^(?:${format.pattern})$`, 'u');
        } catch {
          throw new LinkageSchemaError(`${at}.pattern`, 'is not a valid regular expression');
        }
        return { type: 'string', encoding: encoding as TextEncodingName, case: 'mixed', pattern };
      }
      onlyKeys(format, ['type', 'encoding', 'case', 'minLength', 'maxLength', 'description'], at);
      const letterCase = format.case ?? 'mixed';
      if (letterCase !== 'upper' && letterCase !== 'lower' && letterCase !== 'mixed') {
        throw new LinkageSchemaError(`${at}.case`, 'must be "upper", "lower" or "mixed"');
      }
      const minLength = optionalInteger('minLength', 0);
      const maxLength = optionalInteger('maxLength', 1);
      return {
        type: 'string',
        encoding: encoding as TextEncodingName,
        case: letterCase,
        ...(minLength === undefined ? {} : { minLength }),
        ...(maxLength === undefined ? {} : { maxLength }),
      };
    }
    case 'integer': {
      onlyKeys(format, ['type', 'minimum', 'maximum', 'description'], at);
      const bound = (key: 'minimum' | 'maximum') => {
        const value = format[key];
        if (value === undefined) return {};
        if (!isInteger(value)) throw new LinkageSchemaError(`${at}.${key}`, 'must be a whole number');
        return { [key]: BigInt(value) };
      };
      return { type: 'integer', encoding: 'utf-8', ...bound('minimum'), ...bound('maximum') };
    }
    case 'date': {
      onlyKeys(format, ['type', 'format', 'description'], at);
      if (typeof format.format !== 'string') throw new LinkageSchemaError(`${at}.format`, 'must be a strptime format');
      const unsupported = /%(?![YymdbB%])./s.exec(format.format) ?? (/%$/.test(format.format) ? ['%'] : null);
      if (unsupported) {
        throw new LinkageSchemaError(`${at}.format`, 'uses a directive other than %Y %y %m %d %b %B %%');
      }
      if (!/%[Yy]/.test(format.format) || !/%[mbB]/.test(format.format) || !/%d/.test(format.format)) {
        throw new LinkageSchemaError(`${at}.format`, 'must give the year, month and day');
      }
      return { type: 'date', encoding: 'utf-8', format: format.format };
    }
    case 'enum': {
      onlyKeys(format, ['type', 'values', 'description'], at);
      const values = format.values;
      if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
        throw new LinkageSchemaError(`${at}.values`, 'must be a list of strings');
      }
      return { type: 'enum', encoding: 'utf-8', values: new Set(values as string[]) };
    }
    default:
      throw new LinkageSchemaError(`${at}.type`, 'must be "string", "integer", "date" or "enum"');
  }
}

function parseComparison(comparison: unknown, at: string): Comparison {
  if (!isObject(comparison)) throw new LinkageSchemaError(at, 'is required: an object');
  switch (comparison.type) {
    case 'ngram': {
      const n = comparison.n;
      if (!isInteger(n) || n < 1) throw new LinkageSchemaError(`${at}.n`, 'must be a whole number ≥ 1');
      const positional = comparison.positional ?? false;
      if (typeof positional !== 'boolean') throw new LinkageSchemaError(`${at}.positional`, 'must be true or false');
      return { type: 'ngram', n, positional };
    }
    case 'exact':
      return { type: 'exact' };
    case 'numeric': {
      const { thresholdDistance, resolution } = comparison;
      const fractionalPrecision = comparison.fractional_precision ?? 0;
      if (typeof thresholdDistance !== 'number' || !(thresholdDistance > 0) || !Number.isFinite(thresholdDistance)) {
        throw new LinkageSchemaError(`${at}.thresholdDistance`, 'must be a number > 0');
      }
      if (!isInteger(resolution) || resolution < 1) {
        throw new LinkageSchemaError(`${at}.resolution`, 'must be a whole number ≥ 1');
      }
      if (!isInteger(fractionalPrecision) || fractionalPrecision < 0 || fractionalPrecision > 15) {
        throw new LinkageSchemaError(`${at}.fractional_precision`, 'must be a whole number 0–15');
      }
      if (roundHalfEven(thresholdDistance * 10 ** fractionalPrecision) === 0) {
        throw new LinkageSchemaError(`${at}.thresholdDistance`, 'is zero at this fractional_precision');
      }
      return { type: 'numeric', thresholdDistance, resolution, fractionalPrecision };
    }
    default:
      throw new LinkageSchemaError(`${at}.type`, 'must be "ngram", "exact" or "numeric"');
  }
}

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function parseStrategy(strategy: unknown, at: string): Strategy {
  if (!isObject(strategy)) throw new LinkageSchemaError(at, 'is required: an object');
  const keys = Object.keys(strategy);
  if (keys.length !== 1 || (keys[0] !== 'bitsPerToken' && keys[0] !== 'bitsPerFeature')) {
    throw new LinkageSchemaError(at, 'must hold exactly one of bitsPerToken, bitsPerFeature');
  }
  const key = keys[0];
  const value = strategy[key];
  if (!isInteger(value) || value < 1 || value > 100_000) {
    throw new LinkageSchemaError(`${at}.${key}`, 'must be a whole number 1–100000');
  }
  return key === 'bitsPerToken' ? { bitsPerToken: value } : { bitsPerFeature: value };
}

function parseHash(hash: unknown, at: string): FeatureHash {
  if (hash === undefined) return { type: 'blakeHash' };
  if (!isObject(hash)) throw new LinkageSchemaError(at, 'must be an object');
  if (hash.type === 'blakeHash') {
    if (hash.prevent_singularity !== undefined) {
      throw new LinkageSchemaError(`${at}.prevent_singularity`, 'applies to doubleHash only');
    }
    return { type: 'blakeHash' };
  }
  if (hash.type === 'doubleHash') {
    const prevent = hash.prevent_singularity ?? false;
    if (typeof prevent !== 'boolean')
      throw new LinkageSchemaError(`${at}.prevent_singularity`, 'must be true or false');
    return { type: 'doubleHash', preventSingularity: prevent };
  }
  throw new LinkageSchemaError(`${at}.type`, 'must be "blakeHash" or "doubleHash"');
}

function parseMissingValue(missing: unknown, at: string): { sentinel: string; replaceWith?: string } {
  if (!isObject(missing)) throw new LinkageSchemaError(at, 'must be an object');
  if (typeof missing.sentinel !== 'string') throw new LinkageSchemaError(`${at}.sentinel`, 'must be a string');
  if (missing.replaceWith !== undefined && typeof missing.replaceWith !== 'string') {
    throw new LinkageSchemaError(`${at}.replaceWith`, 'must be a string');
  }
  return {
    sentinel: missing.sentinel,
    ...(missing.replaceWith === undefined ? {} : { replaceWith: missing.replaceWith }),
  };
}
