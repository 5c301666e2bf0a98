import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dice, parseLinkageSchema, readEncodings } from '../src/modules/linkage-engine/index.ts';
import { tempDir } from './helpers.ts';
import { runLink } from './passage-command.ts';

const dir = tempDir('passage-cli-link-encode-');
const file = (name: string) => join(dir.path, name);

const link = (args: string[]) => runLink(args, dir.path);

const HEADER = 'givenNames,familyNames,birthDate,sex,citizenship,placeOfBirth,case_ref';
const ROWS = [
  ' Ana Maria , Rusu ,04.03.1999,f,md,Chișinău,ro-1',
  'Анна Мария,Русу,1999-03-04,F,MD,Kishinev,it-7',
  'Olena,Kovalchuk,1990-05-01,F,UA,Kyiv,it-8',
  ',,,,,,x-3',
];
const encode = (input: string, out = 'out.json', extra: string[] = ['--id-column', 'case_ref']) =>
  link(['encode', '--schema', 'survivor', '--secret-file', 'secret', '--in', input, '--out', out, ...extra]);

beforeAll(() => {
  writeFileSync(file('secret'), 'q3P5m0y0Zl7kq2bSg8zZ0sQ1w9bO1bK8\n');
  writeFileSync(file('short-secret'), 'abc\n');
  writeFileSync(file('records.csv'), [HEADER, ...ROWS].join('\n'));
  writeFileSync(file('swapped.csv'), HEADER.replace('sex,citizenship', 'citizenship,sex'));
  writeFileSync(file('renamed.csv'), HEADER.replace('placeOfBirth', 'town'));
  writeFileSync(file('bad-date.csv'), [HEADER, 'Ana,Rusu,31.02.1999,F,MD,Chișinău,ro-1'].join('\n'));
  writeFileSync(file('duplicate.csv'), [HEADER, ROWS[0], ROWS[0]].join('\n'));
  writeFileSync(file('short-row.csv'), [HEADER, 'Ana,Rusu'].join('\n'));
  writeFileSync(file('bad-schema.json'), JSON.stringify({ version: 3, clkConfig: { l: 1024, kdf: { type: 'X' } } }));
});
afterAll(() => dir.remove());

const slow = { timeout: 180_000 };

describe('passage link encode', () => {
  it('encodes a CSV under the survivor schema into an encodings file that link match reads', slow, async () => {
    const run = encode('records.csv');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Encoded 4 records as 1024-bit CLKs/);
    const encodings = await readEncodings(file('out.json'));
    expect(encodings.bits).toBe(1024);
    expect(encodings.records.map((r) => r.id)).toEqual(['ro-1', 'it-7', 'it-8', 'x-3']);
    const { readFileSync } = await import('node:fs');
    const schema = parseLinkageSchema(
      JSON.parse(
        readFileSync(join(import.meta.dirname, '../src/modules/linkage-engine/schemas/survivor.json'), 'utf8'),
      ),
    );
    expect(encodings.schemaSha256).toBe(schema.sha256);
    const [ana, anna, olena, empty] = encodings.records.map((r) => r.encoding) as Uint8Array[];
    // The same woman, transliterated and with the other birth-date notation: far closer than another woman.
    expect(dice(ana as Uint8Array, anna as Uint8Array)).toBeGreaterThan(0.75);
    expect(dice(ana as Uint8Array, olena as Uint8Array)).toBeLessThan(
      dice(ana as Uint8Array, anna as Uint8Array) - 0.2,
    );
    expect((empty as Uint8Array).every((byte) => byte === 0)).toBe(true);

    const matched = link(['match', '--threshold', '0.75', 'out.json', 'out.json', '--out', 'self.csv']);
    expect(matched.status).toBe(0);
  });

  it('explains a schema/CSV mismatch and writes nothing', slow, () => {
    const swapped = encode('swapped.csv', 'never.json');
    expect(swapped.status).toBe(1);
    expect(swapped.stderr).toMatch(/columns are out of order: the schema expects .*"sex", "citizenship".*the file has/);
    const renamed = encode('renamed.csv', 'never.json');
    expect(renamed.stderr).toMatch(/missing column\(s\) "placeOfBirth"; column\(s\) "town" not in the schema/);
    const noId = encode('records.csv', 'never.json', ['--id-column', 'record']);
    expect(noId.stderr).toMatch(/no id column "record"/);
    // Without --id-column the first column is the id (and, being a feature too, still encoded): case_ref is extra.
    expect(encode('records.csv', 'never.json', []).stderr).toMatch(/column\(s\) "case_ref" not in the schema/);
    expect(existsSync(file('never.json'))).toBe(false);
  });

  it('names the line and column of a bad value, never the value, and leaves no partial file', slow, () => {
    const run = encode('bad-date.csv', 'never.json');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/bad-date\.csv: line 2, column "birthDate": the birth date does not exist/);
    expect(run.stderr).not.toContain('31.02.1999');
    expect(encode('duplicate.csv', 'never.json').stderr).toMatch(/line 3: the id repeats the one on line 2/);
    expect(encode('short-row.csv', 'never.json').stderr).toMatch(/malformed at line 2/);
    expect(readdirSync(dir.path).filter((name) => name.includes('never'))).toEqual([]);
  });

  it('refuses a short secret and an invalid schema', slow, () => {
    const secret = link([
      'encode',
      '--schema',
      'survivor',
      '--secret-file',
      'short-secret',
      '--in',
      'records.csv',
      '--out',
      'never.json',
    ]);
    expect(secret.stderr).toMatch(/at least 16 bytes/);
    const schema = link([
      'encode',
      '--schema',
      'bad-schema.json',
      '--secret-file',
      'secret',
      '--in',
      'records.csv',
      '--out',
      'never.json',
    ]);
    expect(schema.stderr).toMatch(/linkage schema: clkConfig\.kdf\.type: must be "HKDF"/);
    expect(existsSync(file('never.json'))).toBe(false);
  });
});
