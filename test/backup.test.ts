/**
 * `passage backup` and `passage restore`, run as the operator runs them, on the database of the run (PGlite, or
 * PostgreSQL with DATABASE_URL): a node's data comes back whole, an erasure made after the backup stays done, and a
 * backup that was altered, or a database that is not empty, is refused without writing anything.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { loadConfig } from '../src/app/config.ts';
import { type OpenServices, openServices } from '../src/app/node.ts';
import { operatorContext } from '../src/app/operations.ts';
import { createTestDatabaseUrl } from '../src/db/testing.ts';
import { AppError } from '../src/lib/errors.ts';
import { destroyedKeysFile } from '../src/modules/key-custody/index.ts';
import { buildCase, buildSurvivor, contextOf } from './factories.ts';
import { buildUser, tempDir } from './helpers.ts';
import { commandEnvironment, runPassage } from './passage-command.ts';

const dir = tempDir('passage-backup-');
const data = join(dir.path, 'node');
const NAME = { prs_FirstName: 'Oxana', prs_SecondName: 'Ciobanuwska', prs_IdentityNumber: 'MD9981234' };
const EVIDENCE = 'Payslip for March: 400 EUR\n';
let env: Record<string, string>;
const drops: (() => Promise<void>)[] = [];
let caseId = '';
let personId = '';
let supervisor: { id: string; agencyId: string };

const passage = (args: string[]) => runPassage([...args, '--data', data], env);
const open = () => openServices(loadConfig({ dataDir: data, databaseUrl: env.DATABASE_URL }), 'test');

async function withNode<T>(use: (services: OpenServices) => Promise<T>): Promise<T> {
  const services = await open();
  try {
    return await use(services);
  } finally {
    await services.close();
  }
}

/** Loses the database as a broken disk would, keeping the keys directory: a new empty one takes its place. */
async function loseDatabase(): Promise<void> {
  if (env.DATABASE_URL) {
    const fresh = await createTestDatabaseUrl(inject('dbTemplate'));
    drops.push(fresh.drop);
    env.DATABASE_URL = fresh.url;
  } else {
    rmSync(join(data, 'db'), { recursive: true, force: true });
  }
  rmSync(join(data, 'evidence'), { recursive: true, force: true });
}

const searchHits = (services: OpenServices) =>
  services.cases.search(contextOf(supervisor, 'supervisor'), { name: 'Oxana Ciobanuwska', document: 'MD9981234' });

beforeAll(async () => {
  ({ env } = await commandEnvironment());
  if (env.DATABASE_URL) {
    const first = await createTestDatabaseUrl(inject('dbTemplate'));
    drops.push(first.drop);
    env.DATABASE_URL = first.url;
  }
  const init = await passage(['init', '--node-id', 'node-bk', '--country', 'IT']);
  expect(init.status, init.stderr).toBe(0);
  await withNode(async (services) => {
    supervisor = await buildUser(services, 'supervisor');
    const ctx = contextOf(supervisor, 'supervisor');
    const created = await buildCase(services, ctx, { survivor: buildSurvivor(NAME) });
    caseId = created.id;
    const fields = { title: 'Payslip', handlingCode: 'H1', fileName: 'payslip.txt', mediaType: 'text/plain' };
    await services.evidence.add(ctx, caseId, fields, Readable.from([Buffer.from(EVIDENCE)]));
    const [hit] = await searchHits(services);
    expect(hit?.caseId).toBe(caseId);
    personId = (await services.survivors.readIdentity(ctx, caseId, 'case_management')).personId;
  });
}, 120_000);

afterAll(async () => {
  for (const drop of drops) await drop();
  dir.remove();
});

describe('backup and restore', { timeout: 180_000 }, () => {
  const file = join(dir.path, 'node-bk.zip');

  it('writes one file with the data and evidence, and neither the keys nor anything in clear', async () => {
    const made = await passage(['backup', '--out', file]);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/Wrote .*node-bk\.zip: \d+ tables, \d+ rows, 1 evidence files/);
    expect(made.stdout).toContain('keys directory is not in the backup');
    expect(readdirPartials()).toEqual([]);
    const config = loadConfig({ dataDir: data });
    const kek = readFileSync(config.kekFile, 'utf8').trim();
    const parts = await zipEntries(file);
    expect(parts.map((p) => p.name)).toContain('manifest.json');
    expect(parts.some((p) => p.name.startsWith('evidence/') && p.body.toString() === EVIDENCE)).toBe(true);
    for (const { name, body } of parts) {
      expect(body.includes(Buffer.from(kek)), name).toBe(false);
      expect(name.startsWith('keys/'), name).toBe(false);
      if (name.startsWith('evidence/')) continue;
      expect(body.includes(Buffer.from('Ciobanuwska')), name).toBe(false);
      expect(body.includes(Buffer.from('MD9981234')), name).toBe(false);
    }
    // A second backup under the same name would overwrite the first: refused.
    const again = await passage(['backup', '--out', file]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('exists already');
    const checked = await passage(['restore', '--check', '--from', file]);
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stdout).toContain('is intact');
  });

  it('restores a backup taken before an erasure without bringing the erased identity back', async () => {
    await withNode((services) => services.survivors.erase(contextOf(supervisor, 'supervisor'), caseId, 'She asked'));
    expect(readFileSync(destroyedKeysFile(loadConfig({ dataDir: data })), 'utf8')).toContain(`person:${personId}`);
    await loseDatabase();

    const restored = await passage(['restore', '--from', file]);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('1 erasures made after the backup were applied again');

    await withNode(async (services) => {
      const ctx = contextOf(supervisor, 'supervisor');
      await expect(services.survivors.readIdentity(ctx, caseId, 'case_management')).rejects.toMatchObject({
        id: 'identity_erased',
      });
      expect((await searchHits(services)).map((h) => h.caseId)).not.toContain(caseId);
      const [person] = await services.db.query<{ wrapped_key: string | null; erased_at: unknown }>(
        'select wrapped_key, erased_at from persons where id = $1',
        [personId],
      );
      expect(person).toMatchObject({ wrapped_key: null });
      expect(person?.erased_at).not.toBeNull();
      const tokens = await services.db.query('select 1 from person_tokens where person_id = $1', [personId]);
      expect(tokens).toEqual([]);
      const verified = await services.audit.verify(operatorContext('test'));
      expect(verified.ok).toBe(true);
      const trail = await services.db.query<{ action: string; resource: string }>(
        "select action, resource from audit_log where action in ('survivor.erase_reapplied', 'node.restore')",
      );
      expect(trail.map((r) => r.action).sort()).toEqual(['node.restore', 'survivor.erase_reapplied']);
      expect(trail.find((r) => r.action === 'survivor.erase_reapplied')?.resource).toBe(`person:${personId}`);
      // The rest came back: the case, and its evidence item with its hash; its title was sealed under the
      // survivor's key, so it stays erased with her (docs/data-at-rest.md).
      const [item] = await services.evidence.list(ctx, caseId);
      expect(item?.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(item?.title).toBe('');
      expect(item?.erasedFields).toContain('title');
    });
    const custody = await passage(['custody', 'verify']);
    expect(custody.status, custody.stdout + custody.stderr).toBe(0);
  });

  it('erases again at start-up what a restore made without the list brought back', async () => {
    // The operator restored before putting the list of destroyed keys back; the next start applies it.
    const config = loadConfig({ dataDir: data });
    const list = destroyedKeysFile(config);
    renameSync(list, `${list}.away`);
    await loseDatabase();
    const restored = await passage(['restore', '--from', file]);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout).not.toContain('applied again');
    await withNode(async (services) => {
      const [person] = await services.db.query<{ wrapped_key: string | null }>(
        'select wrapped_key from persons where id = $1',
        [personId],
      );
      expect(person?.wrapped_key).not.toBeNull();
    });
    renameSync(`${list}.away`, list);
    await withNode(async (services) => {
      await expect(
        services.survivors.readIdentity(contextOf(supervisor, 'supervisor'), caseId, 'case_management'),
      ).rejects.toBeInstanceOf(AppError);
      expect(await searchHits(services)).toEqual([]);
    });
  });

  it('refuses to restore into a database that holds data, and writes nothing', async () => {
    const refused = await passage(['restore', '--from', file]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('already holds data');
  });

  it('refuses an altered backup before writing anything', async () => {
    const altered = join(dir.path, 'altered.zip');
    const zip = new yazl.ZipFile();
    const entries = await zipEntries(file);
    for (const { name, body } of entries) {
      const changed = name.startsWith('evidence/') ? Buffer.from(body.toString().replace('March', 'April')) : body;
      zip.addBuffer(changed, name);
    }
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream) chunks.push(c as Buffer);
    writeFileSync(altered, Buffer.concat(chunks));
    await loseDatabase();
    const refused = await passage(['restore', '--from', altered]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('does not match its manifest');
    expect(existsSync(join(data, 'evidence', 'sha256'))).toBe(false);
    await withNode(async (services) => {
      expect(await services.db.query('select 1 from cases')).toEqual([]);
    });
  });

  it('refuses while the keys are missing: the list of destroyed keys must be in place first', async () => {
    const bare = join(dir.path, 'bare');
    const refused = await runPassage(['restore', '--from', file, '--data', bare], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('Put the keys back first');
    expect(existsSync(join(bare, 'db'))).toBe(false);
  });
});

/** Every part of a backup file, uncompressed. */
function zipEntries(path: string): Promise<{ name: string; body: Buffer }[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, z) => {
      if (error) return reject(error);
      const out: { name: string; body: Buffer }[] = [];
      z.on('entry', (entry: yauzl.Entry) =>
        z.openReadStream(entry, async (e, s) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          for await (const c of s) chunks.push(c as Buffer);
          out.push({ name: entry.fileName, body: Buffer.concat(chunks) });
          z.readEntry();
        }),
      );
      z.on('end', () => resolve(out));
      z.readEntry();
    });
  });
}

function readdirPartials(): string[] {
  return readdirSync(dir.path).filter((f) => f.includes('.partial-'));
}
