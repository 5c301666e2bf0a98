import { describe, expect, it } from 'vitest';
import { checkBoundaries, readTree } from '../scripts/check-boundaries.ts';

// Breaches allowed while issue #13's work removed them; none is left, and new code must not add one.
const KNOWN = new Set<string>([]);

const key = (b: { rule: string; file: string; detail: string }) => `${b.rule} ${b.file} ${b.detail}`;

describe('module boundaries (scripts/check-boundaries.ts)', () => {
  const { files, tables } = readTree();
  const breaches = checkBoundaries(files, tables);

  it('finds no breach beyond the known ones', () => {
    expect(breaches.filter((b) => !KNOWN.has(key(b))).map(key)).toEqual([]);
  });

  it('lists no known breach that is gone', () => {
    const seen = new Set(breaches.map(key));
    expect([...KNOWN].filter((k) => !seen.has(k))).toEqual([]);
  });

  it('names the rule a deliberate breach breaks', () => {
    const tree = new Map([
      [
        'src/modules/mla/mla.service.ts',
        "import { insertCase } from '../cases/cases.repository.ts';\nq.query('select * from peers')",
      ],
      ['src/modules/cases/index.ts', "export { insertCase } from './cases.repository.ts';"],
      ['src/web/features/x.ts', "import { MlaService } from '../../modules/mla/mla.service.ts';"],
      ['src/lib/x.ts', "import { readFileSync } from 'node:fs';"],
    ]);
    expect(checkBoundaries(tree, ['peers']).map((b) => b.rule)).toEqual([
      'public-face',
      'own-tables',
      'no-repository-in-face',
      'web-contract',
      'pure-lib',
    ]);
  });
});
