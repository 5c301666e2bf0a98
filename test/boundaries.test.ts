import { describe, expect, it } from 'vitest';
import { checkBoundaries, readTree } from '../scripts/check-boundaries.ts';

describe('module boundaries (scripts/check-boundaries.ts)', () => {
  it('finds no breach in src/', () => {
    const { files, tables } = readTree();
    expect(checkBoundaries(files, tables).map((b) => `${b.rule}: ${b.file} → ${b.detail}`)).toEqual([]);
  });

  it('names the rule a deliberate breach breaks', () => {
    const tree = new Map([
      [
        'src/modules/mla/mla.service.ts',
        'import { insertCase } from \'../cases/cases.repository.ts\';\nq.query("select * from peers")',
      ],
      ['src/modules/cases/index.ts', "export { insertCase } from './cases.repository.ts';"],
      ['src/web/features/x.ts', "import { MlaService } from '../../modules/mla/mla.service.ts';"],
      ['src/lib/x.ts', "import { readFileSync } from 'node:fs';"],
      ['src/shared/x.ts', "import { CasesService } from '../modules/cases/index.ts';"],
      ['src/db/x.ts', "import type { Config } from '../app/config.ts';"],
    ]);
    expect(checkBoundaries(tree, ['peers', 'orphans']).map((b) => b.rule)).toEqual([
      'own-tables',
      'public-face',
      'own-tables',
      'no-repository-in-face',
      'web-contract',
      'pure-lib',
      'shared-is-pure',
      'db-below-modules',
    ]);
  });
});
