import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinkageSchemaError, parseLinkageSchema, schemaFingerprint } from './schema.ts';

const read = (path: string) => JSON.parse(readFileSync(join(import.meta.dirname, path), 'utf8'));
const kat = () => read('fixtures/kat-schema.json');

/** The example of clkhash's schema documentation (docs/schema.rst), verbatim in structure. */
const CLKHASH_DOCS_EXAMPLE = {
  version: 3,
  clkConfig: {
    l: 1024,
    kdf: {
      type: 'HKDF',
      hash: 'SHA256',
      salt: 'SCbL2zHNnmsckfzchsNkZY9XoHk96P/G5nUBrM7ybymlEFsMV6PAeDZCNp3rfNUPCtLDMOGQHG4pCQpfhiHCyA==',
      info: '',
      keySize: 64,
    },
  },
  features: [
    { identifier: 'INDEX', ignored: true },
    {
      identifier: 'NAME freetext',
      format: { type: 'string', encoding: 'utf-8', case: 'mixed', minLength: 3 },
      hashing: { comparison: { type: 'ngram', n: 2 }, strategy: { bitsPerFeature: 100 }, hash: { type: 'doubleHash' } },
    },
    {
      identifier: 'DOB YYYY/MM/DD',
      format: { type: 'date', description: 'Numbers separated by slashes', format: '%Y/%m/%d' },
      hashing: {
        comparison: { type: 'ngram', n: 1, positional: true },
        strategy: { bitsPerFeature: 200 },
        hash: { type: 'doubleHash' },
      },
    },
    {
      identifier: 'GENDER M or F',
      format: { type: 'enum', values: ['M', 'F'] },
      hashing: { comparison: { type: 'ngram', n: 1 }, strategy: { bitsPerFeature: 400 }, hash: { type: 'doubleHash' } },
    },
  ],
};

type Doc = ReturnType<typeof kat>;

function errorOf(change: (doc: Doc) => void): LinkageSchemaError {
  const doc = kat();
  change(doc);
  try {
    parseLinkageSchema(doc);
  } catch (error) {
    if (error instanceof LinkageSchemaError) return error;
    throw error;
  }
  throw new Error('the schema was accepted');
}

describe('parseLinkageSchema', () => {
  it('accepts the clkhash documentation example, the test schema and the default schemas', () => {
    const docs = parseLinkageSchema(CLKHASH_DOCS_EXAMPLE);
    expect(docs.l).toBe(1024);
    expect(docs.features.map((f) => f.ignored)).toEqual([true, false, false, false]);
    const parsed = parseLinkageSchema(kat());
    expect(parsed.kdf.keySize).toBe(64);
    expect(parsed.features[3]).toMatchObject({
      identifier: 'dob',
      comparison: { type: 'ngram', n: 1, positional: true },
      hash: { type: 'doubleHash', preventSingularity: true },
      missingValue: { sentinel: '' },
    });
    expect(parsed.features[1]).toMatchObject({ hash: { type: 'blakeHash' } });
    for (const name of ['survivor', 'perpetrator']) {
      const schema = parseLinkageSchema(read(`schemas/${name}.json`));
      expect(schema.features.every((f) => f.ignored || f.missingValue?.sentinel === '')).toBe(true);
    }
    expect(parseLinkageSchema(read('schemas/survivor.json')).features.map((f) => f.identifier)).toEqual([
      'givenNames',
      'familyNames',
      'birthDate',
      'sex',
      'citizenship',
      'placeOfBirth',
    ]);
  });

  it('fills in the defaults of clkhash', () => {
    const doc = kat();
    doc.clkConfig.kdf = { type: 'HKDF' };
    const schema = parseLinkageSchema(doc);
    expect(schema.kdf).toEqual({ hash: 'SHA256', salt: new Uint8Array(0), info: new Uint8Array(0), keySize: 64 });
    expect(schema.xorFolds).toBe(0);
  });

  it('fingerprints the document whatever the order of its keys', () => {
    const doc = kat();
    const reordered = { features: doc.features, clkConfig: doc.clkConfig, version: 3 };
    expect(schemaFingerprint(reordered)).toBe(schemaFingerprint(doc));
    expect(parseLinkageSchema(reordered).sha256).toBe(parseLinkageSchema(doc).sha256);
    const longer = kat();
    longer.clkConfig.l = 2048;
    expect(schemaFingerprint(longer)).not.toBe(schemaFingerprint(doc));
  });

  const invalid: [string, string, (doc: Doc) => void][] = [
    ['version', 'version', (d) => (d.version = 2)],
    ['clkConfig', 'clkConfig', (d) => delete d.clkConfig],
    ['clkConfig.l', 'clkConfig.l', (d) => (d.clkConfig.l = 1000.5)],
    ['l not whole bytes', 'clkConfig.l', (d) => (d.clkConfig.l = 1020)],
    ['xorFolds', 'clkConfig.xorFolds', (d) => (d.clkConfig.xorFolds = -1)],
    ['kdf type', 'clkConfig.kdf.type', (d) => (d.clkConfig.kdf.type = 'PBKDF2')],
    ['kdf hash', 'clkConfig.kdf.hash', (d) => (d.clkConfig.kdf.hash = 'MD5')],
    ['salt not base64', 'clkConfig.kdf.salt', (d) => (d.clkConfig.kdf.salt = 'not base64!')],
    ['keySize', 'clkConfig.kdf.keySize', (d) => (d.clkConfig.kdf.keySize = 0)],
    ['HKDF output too long', 'clkConfig.kdf.keySize', (d) => (d.clkConfig.kdf.keySize = 600)],
    ['blake key too long', 'clkConfig.kdf.keySize', (d) => (d.clkConfig.kdf.keySize = 65)],
    ['features', 'features', (d) => (d.features = {})],
    ['no features', 'features', (d) => (d.features = [])],
    ['all ignored', 'features', (d) => (d.features = [{ identifier: 'a', ignored: true }])],
    ['identifier', 'features[1].identifier', (d) => (d.features[1].identifier = '')],
    ['duplicate identifier', 'features[2].identifier', (d) => (d.features[2].identifier = 'given_name')],
    ['ignored extra key', 'features[0].format', (d) => (d.features[0].format = { type: 'string' })],
    ['no format', 'features[1].format', (d) => delete d.features[1].format],
    ['no hashing', 'features[1].hashing', (d) => delete d.features[1].hashing],
    ['format type', 'features[1].format.type', (d) => (d.features[1].format.type = 'float')],
    ['format extra key', 'features[1].format.minimum', (d) => (d.features[1].format.minimum = 1)],
    [
      'pattern and maxLength',
      'features[1].format.maxLength',
      (d) => Object.assign(d.features[1].format, { pattern: 'a' }),
    ],
    ['bad pattern', 'features[1].format.pattern', (d) => (d.features[1].format = { type: 'string', pattern: '(' })],
    ['encoding', 'features[1].format.encoding', (d) => (d.features[1].format.encoding = 'latin-1')],
    ['string case', 'features[1].format.case', (d) => (d.features[1].format.case = 'title')],
    ['date directive', 'features[3].format.format', (d) => (d.features[3].format.format = '%Y-%m-%d %H')],
    ['incomplete date', 'features[3].format.format', (d) => (d.features[3].format.format = '%Y-%m')],
    ['enum values', 'features[4].format.values', (d) => (d.features[4].format.values = [1, 2])],
    ['integer bound', 'features[5].format.minimum', (d) => (d.features[5].format.minimum = 0.5)],
    ['hashing extra key', 'features[1].hashing.ngram', (d) => (d.features[1].hashing.ngram = 2)],
    ['comparison', 'features[1].hashing.comparison', (d) => delete d.features[1].hashing.comparison],
    ['comparison type', 'features[1].hashing.comparison.type', (d) => (d.features[1].hashing.comparison.type = 'x')],
    ['ngram n', 'features[1].hashing.comparison.n', (d) => (d.features[1].hashing.comparison.n = 0)],
    [
      'positional',
      'features[1].hashing.comparison.positional',
      (d) => (d.features[1].hashing.comparison.positional = 'yes'),
    ],
    [
      'numeric threshold',
      'features[5].hashing.comparison.thresholdDistance',
      (d) => (d.features[5].hashing.comparison.thresholdDistance = 0),
    ],
    [
      'numeric resolution',
      'features[5].hashing.comparison.resolution',
      (d) => (d.features[5].hashing.comparison.resolution = 0),
    ],
    ['strategy', 'features[1].hashing.strategy', (d) => delete d.features[1].hashing.strategy],
    [
      'two strategies',
      'features[1].hashing.strategy',
      (d) => (d.features[1].hashing.strategy = { bitsPerToken: 2, bitsPerFeature: 3 }),
    ],
    [
      'strategy value',
      'features[1].hashing.strategy.bitsPerFeature',
      (d) => (d.features[1].hashing.strategy.bitsPerFeature = 0),
    ],
    ['hash type', 'features[1].hashing.hash.type', (d) => (d.features[1].hashing.hash = { type: 'sha1' })],
    [
      'prevent_singularity on blake',
      'features[1].hashing.hash.prevent_singularity',
      (d) => (d.features[1].hashing.hash = { type: 'blakeHash', prevent_singularity: true }),
    ],
    [
      'sentinel',
      'features[3].hashing.missingValue.sentinel',
      (d) => (d.features[3].hashing.missingValue.sentinel = null),
    ],
    [
      'replaceWith',
      'features[3].hashing.missingValue.replaceWith',
      (d) => (d.features[3].hashing.missingValue.replaceWith = 0),
    ],
    ['blake length', 'features[1].hashing.hash', (d) => (d.clkConfig.l = 1000)],
    [
      'passage normaliser',
      'features[1].x-passage-normalise',
      (d) => (d.features[1]['x-passage-normalise'] = 'soundex'),
    ],
  ];

  it.each(invalid)('refuses a schema with a bad %s, naming %s', (_, path, change) => {
    const error = errorOf(change);
    expect(error.path).toBe(path);
    expect(error.message).toContain(path);
  });

  it('refuses a document that is no object', () => {
    expect(() => parseLinkageSchema([])).toThrow(LinkageSchemaError);
    expect(() => parseLinkageSchema('{}')).toThrow(/must be a JSON object/);
  });
});
