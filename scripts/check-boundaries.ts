// The walls between Passage's modules, checked on the source text (CONTRIBUTING.md, "Boundaries"). `npm test` runs
// it through test/boundaries.test.ts; run it alone to see every breach with the rule it breaks:
//   node_modules/.bin/node scripts/check-boundaries.ts
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Rule =
  | 'public-face' // another module is used through its index.ts only
  | 'no-repository-in-face' // a public face never hands out a repository
  | 'pure-lib' // src/lib is pure code: no I/O, nothing from the app, the database or a module
  | 'db-below-modules' // src/db knows no module and no app code
  | 'web-contract' // the web app takes types from *.schema.ts and values from src/shared only
  | 'shared-is-pure' // src/shared holds vocabularies and rules the web can load: no I/O, no module
  | 'own-tables'; // a module's SQL names only the tables it owns

export interface Breach {
  rule: Rule;
  file: string;
  detail: string;
}

/** The tables each module owns; a table missing here is a breach too, so a new migration says who owns what. */
export const TABLE_OWNERS: Record<string, readonly string[]> = {
  'user-accounts': ['agencies', 'users', 'memberships', 'sessions', 'login_throttle', 'teams', 'team_members'],
  audit: ['audit_log'],
  'key-custody': ['node_secrets'],
  cases: ['cases', 'case_events', 'movements', 'perpetrators', 'case_saved_filters'],
  survivors: ['persons', 'person_tokens', 'consents', 'survivor_notices', 'disclosures', 'person_photos'],
  care: ['risk_assessments', 'support_plans', 'referrals'],
  custody: ['custody_log_head', 'custody_entries', 'custody_hashes', 'custody_checkpoints'],
  evidence: ['evidence_items', 'evidence_events'],
  federation: ['peers', 'federation_messages'],
  'cross-border-referrals': ['cross_border_referrals', 'cross_border_referral_updates'],
  mla: ['mla_requests', 'mla_history'],
  'evidence-transfers': [
    'evidence_transfers',
    'evidence_transfer_contents',
    'evidence_origins',
    'evidence_permissions',
  ],
  jit: ['jits', 'jit_agencies', 'jit_entries'],
  'linkage-network': ['linkage_groups', 'linkage_refs', 'linkage_encodings', 'linkage_matches', 'linkage_alerts'],
  htcds: ['htcds_import_rows'],
};

const IO_MODULES =
  /^(node:)?(fs|fs\/promises|net|http|https|http2|child_process|worker_threads|dgram|dns|tls)$|^(pg|@electric-sql\/pglite)/;
const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
// SQL names a table after these words; the names are matched against the migrations' tables only.
const SQL_TABLE = /\b(?:from|join|into|update|table)\s+([a-z_][a-z0-9_]*)/gi;

/** The text of the string literals of a file (where its SQL is), without its comments. */
function sqlOf(text: string): string {
  return [...text.matchAll(/`[^`]*`|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g)].map((m) => m[0]).join('\n');
}

interface Import {
  target: string;
  typeOnly: boolean;
}

function importsOf(file: string, text: string): Import[] {
  const found: Import[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[3] ?? m[4];
    if (!spec) continue;
    const target = spec.startsWith('.') ? normalize(join(dirname(file), spec)) : spec;
    found.push({ target, typeOnly: Boolean(m[2]) });
  }
  return found;
}

const moduleOf = (path: string): string | null => /^src\/modules\/([^/]+)\//.exec(path)?.[1] ?? null;
const isTest = (path: string) => /\.test\.tsx?$|\/fixtures\//.test(path);

/** The breaches of a source tree given as paths (relative to the repository, `/`-separated) and their text. */
export function checkBoundaries(files: ReadonlyMap<string, string>, tables: readonly string[]): Breach[] {
  const breaches: Breach[] = [];
  const owner = new Map<string, string>();
  for (const [m, owned] of Object.entries(TABLE_OWNERS)) for (const t of owned) owner.set(t, m);
  for (const t of tables) {
    if (!owner.has(t)) breaches.push({ rule: 'own-tables', file: 'src/db/migrations', detail: `${t} has no owner` });
  }
  for (const [file, text] of files) {
    const from = moduleOf(file);
    for (const { target, typeOnly } of importsOf(file, text)) {
      const to = moduleOf(target);
      if (file.startsWith('src/lib/') && !isTest(file) && (IO_MODULES.test(target) || /^src\/(?!lib\/)/.test(target))) {
        breaches.push({ rule: 'pure-lib', file, detail: target });
      }
      if (
        file.startsWith('src/shared/') &&
        !isTest(file) &&
        (IO_MODULES.test(target) || /^src\/(?!shared\/|lib\/)/.test(target))
      ) {
        breaches.push({ rule: 'shared-is-pure', file, detail: target });
      }
      if (file.startsWith('src/db/') && /^src\/(modules|app|cli)\//.test(target)) {
        breaches.push({ rule: 'db-below-modules', file, detail: target });
      }
      if (file.startsWith('src/web/') && target.startsWith('src/') && !target.startsWith('src/web/')) {
        const allowed = target.startsWith('src/shared/') || (typeOnly && target.endsWith('.schema.ts'));
        if (!allowed) breaches.push({ rule: 'web-contract', file, detail: target });
      }
      if (to && to !== from && !file.startsWith('src/web/') && target !== `src/modules/${to}/index.ts`) {
        breaches.push({ rule: 'public-face', file, detail: target });
      }
      if (from && file === `src/modules/${from}/index.ts` && target.endsWith('.repository.ts')) {
        breaches.push({ rule: 'no-repository-in-face', file, detail: target });
      }
    }
    if (from && !isTest(file)) {
      for (const m of sqlOf(text).matchAll(SQL_TABLE)) {
        const table = (m[1] ?? '').toLowerCase();
        const tableOwner = owner.get(table);
        if (tableOwner && tableOwner !== from) {
          breaches.push({ rule: 'own-tables', file, detail: `${table} (owned by ${tableOwner})` });
        }
      }
    }
  }
  return breaches;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (/\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** This repository's `src/` tree, and the tables its migrations create. */
export function readTree(root = ROOT): { files: Map<string, string>; tables: string[] } {
  const files = new Map<string, string>();
  for (const path of walk(join(root, 'src'))) files.set(relative(root, path), readFileSync(path, 'utf8'));
  const migrations = join(root, 'src/db/migrations');
  const tables = readdirSync(migrations).flatMap((name) =>
    [...readFileSync(join(migrations, name), 'utf8').matchAll(/create table (?:if not exists )?([a-z_]+)/gi)].map(
      (m) => m[1] ?? '',
    ),
  );
  return { files, tables };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files, tables } = readTree();
  const breaches = checkBoundaries(files, tables);
  for (const b of breaches) console.log(`${b.rule}\t${b.file}\t${b.detail}`);
  const counts = Object.groupBy(breaches, (b) => b.rule);
  for (const [rule, list] of Object.entries(counts)) console.log(`${rule}: ${list?.length}`);
  process.exitCode = breaches.length === 0 ? 0 : 1;
}
