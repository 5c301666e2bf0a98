import { describe, expect, it } from 'vitest';
import { checkBoundaries, readTree } from '../scripts/check-boundaries.ts';

// Breaches that were there when the check came in, each to be removed by issue #13's work; the list only shrinks.
const KNOWN = new Set([
  'no-repository-in-face src/modules/audit/index.ts src/modules/audit/audit.repository.ts',
  'no-repository-in-face src/modules/care/index.ts src/modules/care/care.repository.ts',
  'no-repository-in-face src/modules/cases/index.ts src/modules/cases/cases.repository.ts',
  'no-repository-in-face src/modules/evidence/index.ts src/modules/evidence/evidence.repository.ts',
  'no-repository-in-face src/modules/user-accounts/index.ts src/modules/user-accounts/user-accounts.repository.ts',
  'own-tables src/modules/care/care.repository.ts agencies (owned by user-accounts)',
  'own-tables src/modules/care/care.repository.ts cases (owned by cases)',
  'own-tables src/modules/cases/cases.repository.ts consents (owned by survivors)',
  'own-tables src/modules/cases/cases.repository.ts disclosures (owned by survivors)',
  'own-tables src/modules/cases/cases.repository.ts person_tokens (owned by survivors)',
  'own-tables src/modules/cases/cases.repository.ts persons (owned by survivors)',
  'own-tables src/modules/cases/cases.repository.ts referrals (owned by care)',
  'own-tables src/modules/cases/cases.repository.ts survivor_notices (owned by survivors)',
  'own-tables src/modules/cases/cases.service.ts agencies (owned by user-accounts)',
  'own-tables src/modules/evidence-transfers/evidence-transfers.repository.ts cases (owned by cases)',
  'own-tables src/modules/evidence-transfers/evidence-transfers.repository.ts evidence_items (owned by evidence)',
  'own-tables src/modules/htcds/htcds.service.ts agencies (owned by user-accounts)',
  'own-tables src/modules/htcds/htcds.service.ts cases (owned by cases)',
  'own-tables src/modules/jit/jit.repository.ts agencies (owned by user-accounts)',
  'own-tables src/modules/jit/jit.repository.ts evidence_items (owned by evidence)',
  'own-tables src/modules/jit/jit.repository.ts users (owned by user-accounts)',
  'own-tables src/modules/key-custody/kek-rotation.ts users (owned by user-accounts)',
  'own-tables src/modules/linkage-network/linkage-network.repository.ts cases (owned by cases)',
  'own-tables src/modules/linkage-network/linkage-network.service.ts cases (owned by cases)',
  'own-tables src/modules/survivors/identity-vault.ts node_secrets (owned by key-custody)',
]);

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
