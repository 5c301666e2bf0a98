/**
 * An evidence item's free-text metadata is sealed at rest (issue 14 item 3, migration 0026, docs/data-at-rest.md):
 * an upload with distinctive values, then every file of the embedded database's data directory is scanned for them.
 * Those who may read the item and the bag see them opened; after a crypto-shred of the survivor they read as erased
 * while the item, its hashes and custody stay. And the upgrade step seals what a wave 1 node kept in clear, once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealClearText } from '../src/app/seal-at-rest.ts';
import { createServices, type Services } from '../src/app/services.ts';
import { type Db, openPglite } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { loadKeys } from '../src/modules/key-custody/index.ts';
import { contextOf } from './factories.ts';
import { buildUser, filesUnder, tempDir, testConfig } from './helpers.ts';

const ENTERED = {
  title: 'Photo of the Valdemoro flat door',
  description: 'Taken by her friend Ottilie Brancusi-Marr',
  collectedBy: 'Officer Saverio Lampedusa',
  collectedWhere: 'Vicolo Anemone 17, Frosinone',
  source: 'The phone of Casimira Drăgulescu',
  device: 'Fairphone serial QX-771-Amaranth',
  handlingNote: 'Do not show to Leontina Pavarotti-Ghe',
  fileName: 'valdemoro-door-Zenobia.jpg',
};
const SEALED = Object.keys(ENTERED);

const dir = tempDir();
const dbDir = join(dir.path, 'db');
let db: Db;
let dbOpen = false;
let services: Services;
let people: { worker: ReturnType<typeof contextOf>; supervisor: ReturnType<typeof contextOf> };
let caseId: string;
let itemId: string;
let sha256: string;

async function open(): Promise<void> {
  db = await openPglite(dbDir);
  dbOpen = true;
  await migrate(db);
  const config = testConfig(dir.path, { PASSAGE_NODE_ID: 'node-rest', PASSAGE_COUNTRY: 'IT' });
  services = createServices(config, db, loadKeys(config), { failureDelayMs: 1 });
}

const upload = (target: string, fields: object) =>
  services.evidence.add(
    people.worker,
    target,
    { handlingCode: 'H3', mediaType: 'image/jpeg', ...fields } as Parameters<Services['evidence']['add']>[2],
    Readable.from([Buffer.from(`content of ${JSON.stringify(fields)}`)]),
  );

beforeAll(async () => {
  await open();
  const worker = await buildUser(services, 'case_worker');
  const supervisor = await buildUser(services, 'supervisor', { agency: worker.agencyId });
  people = { worker: contextOf(worker, 'case_worker'), supervisor: contextOf(supervisor, 'supervisor') };
}, 300_000);

afterAll(async () => {
  if (dbOpen) await db.close();
  dir.remove();
});

describe('evidence metadata at rest', () => {
  it('keeps the free text out of the database files, and opens it for readers and the bag', {
    timeout: 300_000,
  }, async () => {
    const { worker } = people;
    caseId = (await services.cases.create(worker, { survivor: { prs_Gender: 'Feminine', prs_FirstName: 'Marisol' } }))
      .id;
    const item = await upload(caseId, ENTERED);
    itemId = item.id;
    sha256 = item.sha256;
    expect(item).toMatchObject({ ...ENTERED, erasedFields: [] });
    const copy = await services.evidence.derive(
      worker,
      itemId,
      { transformation: 'redaction', fileName: 'redacted.jpg' },
      Readable.from([Buffer.from('redacted')]),
    );
    expect(copy).toMatchObject({ title: `${ENTERED.title} (redaction)`, collectedWhere: ENTERED.collectedWhere });
    expect((await services.evidence.list(worker, caseId)).map((i) => i.title)).toEqual([
      ENTERED.title,
      `${ENTERED.title} (redaction)`,
    ]);
    // The bag is written from the opened values: the payload keeps the file name as it was entered.
    const bag = await services.evidencePackages.prepare(people.supervisor, caseId);
    expect(bag.payload.map((p) => p.path)).toContain(`data/${itemId}/${ENTERED.fileName}`);
    // The clear columns are empty; the row holds only the sealed text.
    const [row] = await db.query<{ title: string | null; file_name: string | null; metadata_sealed: string }>(
      'select title, file_name, metadata_sealed from evidence_items where id = $1',
      [itemId],
    );
    expect(row).toMatchObject({ title: null, file_name: null, metadata_sealed: expect.any(String) });

    await db.query('checkpoint');
    await db.close();
    dbOpen = false;
    const needles = Object.values(ENTERED).flatMap((v) => [Buffer.from(v), Buffer.from(v.toLowerCase())]);
    let scanned = 0;
    for (const file of filesUnder(dbDir)) {
      const bytes = readFileSync(file);
      scanned += bytes.length;
      for (const needle of needles) expect(bytes.includes(needle), `"${needle}" in ${file}`).toBe(false);
    }
    expect(scanned).toBeGreaterThan(1_000_000);
  });

  it("reads the item's free text as erased once her identity is shredded; the item and its custody stay", {
    timeout: 300_000,
  }, async () => {
    await open();
    const { worker, supervisor } = people;
    await services.survivors.erase(supervisor, caseId, 'The survivor asked');
    const item = await services.evidence.get(worker, itemId);
    expect(item).toMatchObject({
      title: '',
      fileName: '',
      description: null,
      collectedWhere: null,
      handlingNote: null,
      handlingCode: 'H3',
      sha256,
    });
    expect(item.erasedFields.sort()).toEqual([...SEALED].sort());
    expect((await services.evidence.custodyOf(worker, itemId)).map((e) => e.event)).toContain('collected');
    // A new item of her case cannot be sealed under a key that is gone.
    await expect(upload(caseId, { title: 'After', fileName: 'after.jpg', handlingCode: 'H0' })).rejects.toMatchObject({
      status: 410,
    });
  });

  it('seals on upgrade what a wave 1 node kept in clear, once, and refuses every other change', {
    timeout: 300_000,
  }, async () => {
    const other = await services.cases.create(people.worker, { survivor: { prs_FirstName: 'Ana' } });
    // Rows as wave 1 wrote them: the free text in clear (inserts are allowed), one of them of the erased survivor.
    const wave1 = (id: string, target: string, title: string) =>
      db.query(
        `insert into evidence_items (id, case_id, sha256, sha512, size, file_name, media_type, title, collected_where,
           handling_code, created_by)
         values ($1, $2, $3, $4, 4, 'wave1.txt', 'text/plain', $5, 'wave one place', 'H0', 'user:x')`,
        [id, target, 'a'.repeat(64), 'b'.repeat(128), title],
      );
    await wave1('wave1-open', other.id, 'wave one title');
    await wave1('wave1-erased', caseId, 'wave one erased title');

    expect(await sealClearText(services)).toBe(2);
    expect(await sealClearText(services)).toBe(0);

    expect(await services.evidence.get(people.worker, 'wave1-open')).toMatchObject({
      title: 'wave one title',
      collectedWhere: 'wave one place',
      fileName: 'wave1.txt',
      erasedFields: [],
    });
    const dropped = await services.evidence.get(people.worker, 'wave1-erased');
    expect(dropped).toMatchObject({ title: '', collectedWhere: null });
    expect(dropped.erasedFields).toHaveLength(SEALED.length);
    const stored = await db.query<object>(
      "select title, file_name, collected_where from evidence_items where id like 'wave1-%'",
    );
    expect(JSON.stringify(stored)).not.toMatch(/wave/);
    // The one change the trigger lets through is done: every other update and every delete is refused.
    await expect(db.query("update evidence_items set title = 'x' where id = 'wave1-open'")).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query("update evidence_items set metadata_sealed = null where id = 'wave1-open'")).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query("delete from evidence_items where id = 'wave1-open'")).rejects.toThrow(/append-only/);
    await wave1('wave1-other', other.id, 'another');
    await expect(
      db.query(
        "update evidence_items set title = null, file_name = null, collected_where = null, size = 5 where id = 'wave1-other'",
      ),
    ).rejects.toThrow(/append-only/);
  });
});
