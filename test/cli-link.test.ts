import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkedSets } from '../src/modules/linkage-engine/fixtures/clks.ts';
import { dice, type Encodings, writeEncodings } from '../src/modules/linkage-engine/index.ts';
import { tempDir } from './helpers.ts';
import { runLink } from './passage-command.ts';

const dir = tempDir('passage-cli-link-');
const file = (name: string) => join(dir.path, name);
const schema = 'c'.repeat(64);
const { a, b } = linkedSets(1000, 250, 1024, 21);

const link = (args: string[]) => runLink(args, dir.path);

const encodings = (prefix: string, vectors: Uint8Array[], bits = 1024, sha: string | null = schema): Encodings => ({
  schemaVersion: 3,
  schemaSha256: sha,
  bits,
  records: vectors.map((encoding, i) => ({ id: `${prefix}-${i}`, encoding })),
});

const readCsv = (path: string) => parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];

beforeAll(async () => {
  await writeEncodings(file('a.json'), encodings('ro', a));
  await writeEncodings(file('b.json'), encodings('it', b));
  await writeEncodings(file('short.json'), encodings('x', [new Uint8Array(64)], 512));
  await writeEncodings(file('other-schema.json'), encodings('y', b, 1024, 'd'.repeat(64)));
  writeFileSync(file('clkhash.json'), JSON.stringify({ clks: b.map((v) => Buffer.from(v).toString('base64')) }));
});
afterAll(() => dir.remove());

// Each run is a new process that loads the CLI: seconds on a loaded machine.
const slow = { timeout: 180_000 };

describe('passage link match', () => {
  it('writes the one-to-one matches at or above the threshold, best first', slow, () => {
    const run = link(['match', '--threshold', '0.8', 'a.json', 'b.json', '--out', 'matches.csv']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const rows = readCsv(file('matches.csv'));
    expect(Object.keys(rows[0] ?? {})).toEqual(['a_id', 'b_id', 'score']);
    // The noisy copies score 0.7–1 against their originals; every one at or above 0.8 is found, paired with itself.
    const expected = a.flatMap((v, i) => (dice(v, b[i] as Uint8Array) >= 0.8 ? [i] : []));
    expect(rows.map((r) => r.a_id).sort()).toEqual(expected.map((i) => `ro-${i}`).sort());
    for (const row of rows) {
      expect(row.b_id).toBe(row.a_id?.replace('ro-', 'it-'));
      const i = Number(row.a_id?.slice(3));
      expect(Number(row.score)).toBe(dice(a[i] as Uint8Array, b[i] as Uint8Array));
    }
    const scores = rows.map((r) => Number(r.score));
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(run.stdout).toMatch(/Matched 1000 × 1000 encodings .*: \d+ pairs with Dice ≥ 0.8; wrote \d+ one-to-one/);
  });

  it(
    'writes every pair with --all-pairs, reads clkhash output, and gives the same matches on two threads as --exhaustive on one',
    slow,
    () => {
      const all = link(['match', '--threshold', '0.3', '--all-pairs', 'a.json', 'clkhash.json', '--out', 'all.csv']);
      expect(all.status).toBe(0);
      const rows = readCsv(file('all.csv'));
      expect(new Set(rows.map((r) => r.a_id)).size).toBeLessThan(rows.length);
      expect(rows.every((r) => /^\d+$/.test(r.b_id ?? ''))).toBe(true);
      const exhaustive = link([
        'match',
        '--threshold',
        '0.8',
        '--exhaustive',
        '--workers',
        '1',
        'a.json',
        'b.json',
        '--out',
        'exhaustive.csv',
      ]);
      expect(exhaustive.status).toBe(0);
      expect(exhaustive.stdout).toContain('no blocking');
      const planned = link([
        'match',
        '--threshold',
        '0.8',
        '--workers',
        '2',
        'a.json',
        'b.json',
        '--out',
        'planned.csv',
      ]);
      expect(planned.status).toBe(0);
      expect(readFileSync(file('planned.csv'), 'utf8')).toBe(readFileSync(file('exhaustive.csv'), 'utf8'));
    },
  );

  it('refuses bad input with a clear message, naming the file, and leaves no output behind', slow, () => {
    const cases: [string[], RegExp][] = [
      [['--threshold', '0', 'a.json', 'b.json'], /--threshold <t>.* must be a number in \(0, 1\]/],
      [['--threshold', '1.01', 'a.json', 'b.json'], /must be a number in \(0, 1\]/],
      [['--threshold', 'high', 'a.json', 'b.json'], /must be a number in \(0, 1\]/],
      [['--threshold', '0.8', 'a.json', 'short.json'], /a\.json has 1024-bit encodings and short\.json 512-bit ones/],
      [['--threshold', '0.8', 'a.json', 'other-schema.json'], /different linkage schemas/],
      [['--threshold', '0.8', 'a.json', 'missing.json'], /cannot read missing\.json: ENOENT/],
      [['--threshold', '0.8', 'a.json', 'matches.csv'], /matches\.csv is not JSON/],
    ];
    for (const [args, message] of cases) {
      const run = link(['match', ...args, '--out', 'refused.csv']);
      expect(run.status, args.join(' ')).not.toBe(0);
      expect(run.stderr).toMatch(message);
      expect(existsSync(file('refused.csv'))).toBe(false);
    }
    expect(readdirSync(dir.path).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
