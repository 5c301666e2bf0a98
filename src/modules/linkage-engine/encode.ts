/**
 * CLK encoding (cryptographic long-term key: one Bloom filter per record, Schnell, Bachteler and Reiher 2011) driven
 * by a clkhash v3 linkage schema, following clkhash 0.18 so that the same schema, secret and values give the same
 * bytes as clkhash does:
 * - keys: HKDF (RFC 5869, the schema's hash, salt and info) of the secret gives 2·(number of features) keys of keySize
 *   bytes, two per feature in schema order, ignored features included;
 * - each token of a feature sets k bits: k = bitsPerToken, or bitsPerFeature shared out over the value's tokens (the
 *   first bitsPerFeature mod t tokens get one more);
 * - blakeHash: bit indices are the 16-bit little-endian words of keyed BLAKE2b-512 (key: the feature's first key, salt:
 *   the decimal block number), mod the filter length; doubleHash: bit i of k is (h1 + i·h2) mod L with h1 and h2 the
 *   big-endian HMAC-SHA1 (first key) and HMAC-MD5 (second key) of the token mod L; with prevent_singularity an h2 of 0
 *   is re-drawn from HMAC-MD5 of the token and a counter;
 * - the filter has l·2^xorFolds bits and is folded xorFolds times (first half XOR second half);
 * - bit i is bit (7 − i mod 8) of byte ⌊i/8⌋, as Python's bitarray serialises it.
 */
import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2.js';
import { prepareValue, RecordValueError, tokenise } from './features.ts';
import type { HashedFeature, LinkageSchema, Strategy, TextEncodingName } from './schema.ts';

export class EncodingSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncodingSecretError';
  }
}

/** HKDF of the secret: for each feature (in schema order) its pair of keys. */
export function deriveFeatureKeys(schema: LinkageSchema, secret: Uint8Array): [Uint8Array, Uint8Array][] {
  if (secret.length === 0) throw new EncodingSecretError('the encoding secret is empty');
  const { hash, salt, info, keySize } = schema.kdf;
  const count = schema.features.length;
  const bytes = new Uint8Array(
    hkdfSync(hash === 'SHA256' ? 'sha256' : 'sha512', secret, salt, info, 2 * count * keySize),
  );
  return Array.from({ length: count }, (_, i) => [
    bytes.slice(2 * i * keySize, (2 * i + 1) * keySize),
    bytes.slice((2 * i + 1) * keySize, (2 * i + 2) * keySize),
  ]);
}

/** How many bits each of `count` tokens sets. */
export function bitsPerToken(strategy: Strategy, count: number): number[] {
  if ('bitsPerToken' in strategy) return new Array<number>(count).fill(strategy.bitsPerToken);
  const k = Math.floor(strategy.bitsPerFeature / count);
  const residue = strategy.bitsPerFeature % count;
  return Array.from({ length: count }, (_, i) => (i < residue ? k + 1 : k));
}

/** The bytes a token is hashed as, in the feature's text encoding (Python's utf-16/utf-32 codecs write a BOM). */
export function tokenBytes(token: string, encoding: TextEncodingName): Uint8Array {
  switch (encoding) {
    case 'utf-8':
    case 'ascii':
      return new Uint8Array(Buffer.from(token, 'utf8'));
    case 'utf-16':
      return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(token, 'utf16le')]));
    case 'utf-32': {
      const points = Array.from(token, (c) => c.codePointAt(0) as number);
      const out = Buffer.alloc(4 + 4 * points.length);
      out.writeUInt32LE(0xfeff, 0);
      points.forEach((p, i) => {
        out.writeUInt32LE(p, 4 + 4 * i);
      });
      return new Uint8Array(out);
    }
  }
}

/** Big-endian unsigned integer `bytes` mod `m` (m < 2^45 keeps every step exact). */
function bigEndianMod(bytes: Uint8Array, m: number): number {
  let r = 0;
  for (const byte of bytes) r = (r * 256 + byte) % m;
  return r;
}

const SALTS = Array.from({ length: 4096 }, (_, i) => {
  const salt = new Uint8Array(16);
  salt.set(Buffer.from(String(i), 'ascii'));
  return salt;
});

export function blakeIndices(token: Uint8Array, k: number, key: Uint8Array, filterBits: number): number[] {
  const indices: number[] = [];
  for (let block = 0; indices.length < k; block++) {
    const digest = blake2b(token, { key, salt: SALTS[block], dkLen: 64 });
    for (let j = 0; j < 64 && indices.length < k; j += 2) {
      indices.push(((digest[j] as number) | ((digest[j + 1] as number) << 8)) % filterBits);
    }
  }
  return indices;
}

export function doubleHashIndices(
  token: Uint8Array,
  k: number,
  keys: { sha1: KeyObject; md5: KeyObject },
  filterBits: number,
  preventSingularity: boolean,
): number[] {
  const h1 = bigEndianMod(createHmac('sha1', keys.sha1).update(token).digest(), filterBits);
  let h2 = bigEndianMod(createHmac('md5', keys.md5).update(token).digest(), filterBits);
  for (let i = 0; preventSingularity && h2 === 0; i++) {
    const counter = Buffer.from(String.fromCodePoint(i), 'utf8');
    h2 = bigEndianMod(createHmac('md5', keys.md5).update(token).update(counter).digest(), filterBits);
  }
  return Array.from({ length: k }, (_, i) => (h1 + i * h2) % filterBits);
}

/** XOR-folds a filter of `bits` bits `folds` times (each fold: first half XOR second half). */
export function foldXor(filter: Uint8Array, folds: number): Uint8Array {
  let current = filter;
  for (let f = 0; f < folds; f++) {
    const half = current.length / 2;
    const next = current.slice(0, half);
    for (let i = 0; i < half; i++) next[i] = (next[i] as number) ^ (current[half + i] as number);
    current = next;
  }
  return current;
}

const CACHE_LIMIT = 1 << 16;

interface FeatureHasher {
  feature: HashedFeature;
  position: number;
  indices(token: string, k: number): number[];
}

/**
 * Encodes records under one schema and secret. A record is one value per schema feature, in schema order (the values
 * of ignored features are not looked at). Token → indices results are cached: names repeat a great deal.
 */
export class ClkEncoder {
  readonly schema: LinkageSchema;
  readonly filterBits: number;
  private readonly hashers: FeatureHasher[];

  constructor(schema: LinkageSchema, secret: Uint8Array) {
    this.schema = schema;
    this.filterBits = schema.l * 2 ** schema.xorFolds;
    const keys = deriveFeatureKeys(schema, secret);
    this.hashers = schema.features.flatMap((feature, position) =>
      feature.ignored ? [] : [this.hasher(feature, position, keys[position] as [Uint8Array, Uint8Array])],
    );
  }

  private hasher(feature: HashedFeature, position: number, [first, second]: [Uint8Array, Uint8Array]): FeatureHasher {
    const cache = new Map<string, number[]>();
    const bits = this.filterBits;
    const hash = feature.hash;
    const compute =
      hash.type === 'blakeHash'
        ? (bytes: Uint8Array, k: number) => blakeIndices(bytes, k, first, bits)
        : (
            (keys) => (bytes: Uint8Array, k: number) =>
              doubleHashIndices(bytes, k, keys, bits, hash.preventSingularity)
          )({
            sha1: createSecretKey(first),
            md5: createSecretKey(second),
          });
    return {
      feature,
      position,
      indices: (token, k) => {
        const key = `${k} ${token}`;
        let found = cache.get(key);
        if (!found) {
          if (cache.size >= CACHE_LIMIT) cache.clear();
          found = compute(tokenBytes(token, feature.format.encoding), k);
          cache.set(key, found);
        }
        return found;
      },
    };
  }

  /** Each hashed feature's tokens for a record (for inspection and tests). */
  tokens(values: readonly string[]): Map<string, string[]> {
    this.checkArity(values);
    return new Map(
      this.hashers.map(({ feature, position }) => [
        feature.identifier,
        tokenise(feature.identifier, feature.comparison, prepareValue(feature, values[position] as string)),
      ]),
    );
  }

  /** The CLK of a record: l/8 bytes. Throws `RecordValueError` naming the feature whose value is invalid. */
  encode(values: readonly string[]): Uint8Array {
    this.checkArity(values);
    const filter = new Uint8Array(this.filterBits / 8);
    for (const { feature, position, indices } of this.hashers) {
      const word = prepareValue(feature, values[position] as string);
      const tokens = tokenise(feature.identifier, feature.comparison, word);
      if (tokens.length === 0) continue;
      const ks = bitsPerToken(feature.strategy, tokens.length);
      tokens.forEach((token, t) => {
        for (const index of indices(token, ks[t] as number)) {
          filter[index >>> 3] = (filter[index >>> 3] as number) | (0x80 >>> (index & 7));
        }
      });
    }
    return foldXor(filter, this.schema.xorFolds);
  }

  private checkArity(values: readonly string[]): void {
    if (values.length !== this.schema.features.length) {
      throw new RecordValueError('', `a record needs ${this.schema.features.length} values, one per schema feature`);
    }
  }
}
