import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BagitError,
  decodeManifestPath,
  encodeManifestPath,
  formatBagDeclaration,
  formatBaggingDate,
  formatBagSize,
  formatManifest,
  formatPayloadOxum,
  formatTagFile,
  isSafeBagPath,
  manifestAlgorithmOf,
  parseBagDeclaration,
  parseManifest,
  parsePayloadOxum,
  parseTagFile,
  tagValues,
} from './bagit.ts';

const SHA256 = 'ab'.repeat(32);

describe('bag declaration', () => {
  it('is exactly the two lines of RFC 8493 §2.1.1', () => {
    expect(formatBagDeclaration()).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    expect(parseBagDeclaration(Buffer.from(formatBagDeclaration()))).toEqual({ version: '1.0', encoding: 'UTF-8' });
  });

  it.each([
    ['a byte-order mark', '\uFEFFBagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n'],
    ['the lines swapped', 'Tag-File-Character-Encoding: UTF-8\nBagIt-Version: 1.0\n'],
    ['a third line', 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\nExtra: x\n'],
    ['a missing line', 'BagIt-Version: 1.0\n'],
  ])('refuses %s', (_, text) => {
    expect(() => parseBagDeclaration(Buffer.from(text))).toThrow(BagitError);
  });
});

describe('tag files', () => {
  it('keeps the order and repetitions of elements and accepts LF, CR and CRLF line ends', () => {
    const entries = parseTagFile('Contact-Name: A\r\nSource-Organization: Procura\rContact-Name: B\n');
    expect(entries).toEqual([
      { label: 'Contact-Name', value: 'A' },
      { label: 'Source-Organization', value: 'Procura' },
      { label: 'Contact-Name', value: 'B' },
    ]);
    expect(tagValues(entries, 'contact-name')).toEqual(['A', 'B']);
  });

  it('reads a continued value with its line break but without the indentation', () => {
    expect(parseTagFile('External-Description: first part\n   second part\n\tthird\nBag-Count: 1 of 1\n')).toEqual([
      { label: 'External-Description', value: 'first part\nsecond part\nthird' },
      { label: 'Bag-Count', value: '1 of 1' },
    ]);
  });

  it('writes a value with line breaks as continued lines, and long single-line values unbroken', () => {
    const long = 'x'.repeat(120);
    const text = formatTagFile([
      { label: 'External-Description', value: 'line one\nline two' },
      { label: 'Source-Organization', value: long },
    ]);
    expect(text).toBe(`External-Description: line one\n  line two\nSource-Organization: ${long}\n`);
  });

  it('round-trips any labels and values it accepts', () => {
    const label = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 -]{0,20}[A-Za-z0-9]$/);
    const line = fc.stringMatching(/^[^\r\n \t][^\r\n]{0,30}$/);
    const value = fc.tuple(
      fc.string({ unit: fc.constantFrom('a', ' ', ':', 'é', '%') }),
      fc.array(line, { maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ label, value }), { maxLength: 6 }), (raw) => {
        const entries = raw.map(({ label, value: [first, rest] }) => ({ label, value: [first, ...rest].join('\n') }));
        expect(parseTagFile(formatTagFile(entries))).toEqual(entries);
      }),
    );
  });

  it.each([
    ['no colon', 'Source-Organization Procura\n', 1],
    ['no space after the colon', 'Bag-Count:1 of 1\n', 1],
    ['an empty label', 'Bag-Count: 1 of 1\n: value\n', 2],
    ['a continuation with nothing before it', '  orphan\n', 1],
  ])('refuses %s, naming the line', (_, text, line) => {
    expect(() => parseTagFile(text)).toThrow(expect.objectContaining({ line }));
  });

  it('refuses labels it could not read back', () => {
    expect(() => formatTagFile([{ label: 'Bad:Label', value: 'x' }])).toThrow(BagitError);
    expect(() => formatTagFile([{ label: ' Padded', value: 'x' }])).toThrow(BagitError);
    expect(() => formatTagFile([{ label: 'Note', value: 'a\n  indented' }])).toThrow(BagitError);
  });
});

describe('manifests', () => {
  it('writes "checksum  path" lines and percent-encodes only CR, LF and %', () => {
    expect(encodeManifestPath('data/a/100% sure\r\n.txt')).toBe('data/a/100%25 sure%0D%0A.txt');
    expect(formatManifest([{ checksum: SHA256.toUpperCase(), path: 'data/a b/c%d' }])).toBe(
      `${SHA256}  data/a b/c%25d\n`,
    );
  });

  it('decodes only the three escapes, in either case, and leaves other percent signs', () => {
    expect(decodeManifestPath('data/%25%0d%0A%20x')).toBe('data/%\r\n%20x');
    fc.assert(fc.property(fc.string(), (path) => decodeManifestPath(encodeManifestPath(path)) === path));
  });

  it('reads lines separated by spaces or tabs, lower-cases checksums and keeps line numbers', () => {
    const text = `${SHA256.toUpperCase()}\tdata/x y.txt\r\n\n${SHA256}   data/z%0A.txt\n`;
    expect(parseManifest(text, 'sha256')).toEqual([
      { checksum: SHA256, path: 'data/x y.txt', line: 1 },
      { checksum: SHA256, path: 'data/z\n.txt', line: 3 },
    ]);
  });

  it('refuses a checksum of the wrong length for the algorithm, naming the line', () => {
    expect(() => parseManifest(`${SHA256}  data/a\n${SHA256}  data/b\n`, 'sha512')).toThrow(
      expect.objectContaining({ line: 1 }),
    );
    expect(() => parseManifest(`${SHA256}  data/a\nnot-hex  data/b\n`, 'sha256')).toThrow(/line 2/);
  });

  it('names the algorithm of manifest and tag manifest files', () => {
    expect(manifestAlgorithmOf('manifest-sha512.txt')).toBe('sha512');
    expect(manifestAlgorithmOf('tagmanifest-sha256.txt')).toBeUndefined();
    expect(manifestAlgorithmOf('tagmanifest-sha256.txt', { tag: true })).toBe('sha256');
    expect(manifestAlgorithmOf('custody/manifest-sha256.txt')).toBeUndefined();
  });
});

describe('paths', () => {
  it.each(['data/a/b.txt', 'data/.hidden', 'custody/events.jsonl', 'data/a..b'])('accepts %s', (path) => {
    expect(isSafeBagPath(path)).toBe(true);
  });

  it.each([
    '',
    '/etc/passwd',
    'C:/x',
    '../x',
    'data/../../x',
    'data/./x',
    'data//x',
    'data/x/',
    'data\\..\\x',
    'data/\0',
  ])('refuses %j', (path) => {
    expect(isSafeBagPath(path)).toBe(false);
  });
});

describe('Payload-Oxum, Bag-Size and Bagging-Date', () => {
  it('formats and parses octets.streams strictly', () => {
    expect(formatPayloadOxum({ octets: 279164409832, streams: 1198 })).toBe('279164409832.1198');
    expect(parsePayloadOxum('279164409832.1198')).toEqual({ octets: 279164409832, streams: 1198 });
    for (const bad of ['', '1', '1.', '.1', '01.1', '1.2.3', '-1.1', '1.1 ', '1e3.1']) {
      expect(() => parsePayloadOxum(bad)).toThrow(BagitError);
    }
  });

  it('writes sizes for people and dates as YYYY-MM-DD in UTC', () => {
    expect(formatBagSize(999)).toBe('999 bytes');
    expect(formatBagSize(1_234_567)).toBe('1.23 MB');
    expect(formatBagSize(42_600_000_000)).toBe('42.6 GB');
    expect(formatBaggingDate(new Date('2024-06-01T23:30:00-02:00'))).toBe('2024-06-02');
  });
});
