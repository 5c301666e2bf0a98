import { type ChildProcess, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../src/db/client.ts';
import { parseCustodyEntry } from '../src/modules/evidence/index.ts';
import { tempDir } from './helpers.ts';
import { commandEnvironment, MAIN, NODE, startPassage, stopPassage } from './passage-command.ts';

const dir = tempDir('passage-cli-evidence-');
const data = join(dir.path, 'node');
const file = (...parts: string[]) => join(dir.path, ...parts);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
let env: Record<string, string>;
let dropDatabase: () => Promise<void> = async () => {};

function passage(args: string[]) {
  const result = spawnSync(NODE, [MAIN, ...args, '--data', data], { env, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Reads the node's database directly (only while no command holds it). */
async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const db = await openDb({ dataDir: data, databaseUrl: env.DATABASE_URL ?? null });
  try {
    return await db.query<T>(sql, params);
  } finally {
    await db.close();
  }
}

const AGENCY = 'Squadra Mobile';
let reference: string;

/** A seized phone's export: a folder tree, a file beside it, and a symbolic link that must not be followed. */
const PHOTO = randomBytes(150_000);
const CHAT = Buffer.from('[2026-01-03 21:14] recruiter: the bus leaves at six\n');
const CONTRACT = randomBytes(2_500_000);

beforeAll(async () => {
  ({ env, drop: dropDatabase } = await commandEnvironment());
  expect(passage(['init', '--node-id', 'node-it', '--country', 'IT']).status).toBe(0);
  const agency = passage(['agency', 'add', '--name', AGENCY, '--country', 'IT', '--type', 'LawEnforcement']);
  expect(agency.status, agency.stderr).toBe(0);
  writeFileSync(file('case.csv'), 'psg_ReportedAt,prs_FirstName,prs_Gender\n2026-01-10,Ana,Feminine\n');
  const imported = passage(['htcds', 'import', file('case.csv'), '--agency', AGENCY]);
  expect(imported.status, imported.stderr).toBe(0);
  reference = /IT-2026-\d{6}/.exec(imported.stdout)?.[0] as string;

  mkdirSync(file('phone-export', 'DCIM'), { recursive: true });
  mkdirSync(file('phone-export', 'WhatsApp'), { recursive: true });
  writeFileSync(file('phone-export', 'DCIM', 'IMG_0001.jpg'), PHOTO);
  writeFileSync(file('phone-export', 'WhatsApp', 'chat.txt'), CHAT);
  symlinkSync('/etc/hostname', file('phone-export', 'link-outside'));
  writeFileSync(file('contract.pdf'), CONTRACT);
}, 180_000);
afterAll(async () => {
  await dropDatabase();
  dir.remove();
});

const slow = { timeout: 180_000 };

describe('passage evidence add', slow, () => {
  it('walks folders, adds each file with a collected custody event, and skips links', async () => {
    const result = passage([
      'evidence',
      'add',
      '--case',
      reference.toLowerCase(),
      '--agency',
      AGENCY,
      '--source',
      'seized phone',
      '--reliability',
      'B',
      '--accuracy',
      '2',
      file('phone-export'),
      file('contract.pdf'),
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Added 3 files (2.53 MiB) to ${reference}`);
    expect(result.stderr).toContain(`Skipped ${file('phone-export', 'link-outside')}`);
    // No bar when the output is not a terminal.
    expect(result.stdout).not.toMatch(/Adding|█/);
    for (const content of [PHOTO, CHAT, CONTRACT]) expect(result.stdout).toContain(sha256(content));

    // The free text is sealed at rest (docs/data-at-rest.md): read through the node, opened.
    const listing = JSON.parse(passage(['evidence', 'list', '--case', reference, '--json']).stdout) as {
      items: { id: string; title: string; fileName: string; sha256: string }[];
    };
    const items = [...listing.items].sort((a, b) => a.title.localeCompare(b.title));
    expect(items).toMatchObject([
      { title: 'contract.pdf', fileName: 'contract.pdf', mediaType: 'application/pdf', sha256: sha256(CONTRACT) },
      {
        title: 'phone-export/DCIM/IMG_0001.jpg',
        fileName: 'IMG_0001.jpg',
        mediaType: 'image/jpeg',
        sha256: sha256(PHOTO),
        collectedBy: AGENCY,
        source: 'seized phone',
        handlingCode: 'H2',
      },
      { title: 'phone-export/WhatsApp/chat.txt', fileName: 'chat.txt', mediaType: 'text/plain' },
    ]);
    const clear = await query<{ title: string | null }>('select title from evidence_items where title is not null');
    expect(clear).toEqual([]);
    // Each stored file is the file's bytes, under its hash.
    for (const content of [PHOTO, CHAT, CONTRACT]) {
      const sha = sha256(content);
      expect(readFileSync(join(data, 'evidence', 'sha256', sha.slice(0, 2), sha)).equals(content)).toBe(true);
    }
    // One collected event per file, by the console, in the custody log.
    const events = await query<{ item_id: string; event: string; actor: string; entry: Uint8Array }>(
      `select e.item_id, e.event, e.actor, c.entry from evidence_events e
         join custody_entries c on c.idx = e.log_index order by e.log_index`,
    );
    expect(events.map((e) => [e.event, e.actor])).toEqual([
      ['collected', 'console'],
      ['collected', 'console'],
      ['collected', 'console'],
    ]);
    expect(events.map((e) => parseCustodyEntry(e.entry).item).sort()).toEqual(items.map((i) => i.id).sort());
  });

  it('draws a progress bar in bytes on a terminal', () => {
    writeFileSync(file('audio.opus'), randomBytes(300_000));
    const command = [NODE, MAIN, 'evidence', 'add', '--case', reference, file('audio.opus'), '--data', data]
      .map((arg) => `'${arg}'`)
      .join(' ');
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(result.status, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/Adding .*100% \| 292\.97 KiB of 292\.97 KiB \| file 1 of 1/);
    expect(result.stdout).toContain('Added 1 file (292.97 KiB)');
  });

  it('lists the items with hashes and handling codes, as a table and as JSON', () => {
    const table = passage(['evidence', 'list', '--case', reference]);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`${sha256(CONTRACT)} +2\\.38 MiB +H2 +B2 +contract\\.pdf`));
    expect(table.stdout).toMatch(new RegExp(`${sha256(PHOTO)} .+ H2 +B2 +IMG_0001\\.jpg`));
    expect(table.stdout).toMatch(/ H2 +-- +audio\.opus/);
    expect(table.stdout).toContain(`4 items in ${reference}.`);
    const json = JSON.parse(passage(['evidence', 'list', '--case', reference, '--json']).stdout);
    expect(json.case.reference).toBe(reference);
    expect(json.items).toHaveLength(4);
    expect(json.items[0]).toHaveProperty('sha512');
  });

  it('exports the evidence package with a progress bar; passage verify accepts it with the printed fingerprint', async () => {
    const bag = file('package.zip');
    const command = [NODE, MAIN, 'evidence', 'export', '--case', reference, '--out', bag, '--data', data]
      .map((arg) => `'${arg}'`)
      .join(' ');
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(result.status, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/Exporting .*100% \| 2\.81 MiB of 2\.81 MiB/);
    expect(result.stdout).toContain(`Exported 4 items (2.81 MiB) of ${reference} with 8 custody events to ${bag}.`);
    const fingerprint = /--key (SHA256:\S+)/.exec(result.stdout)?.[1] as string;
    const verified = spawnSync(NODE, [MAIN, 'verify', bag, '--key', fingerprint], { env, encoding: 'utf8' });
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);

    const exported = async () => (await query("select item_id from evidence_events where event = 'exported'")).length;
    expect(await exported()).toBe(4);
    const again = passage(['evidence', 'export', '--case', reference, '--out', bag]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect(await exported()).toBe(4);
    const replaced = passage(['evidence', 'export', '--case', reference, '--out', bag, '--replace', '--json']);
    expect(replaced.status, replaced.stderr).toBe(0);
    expect(JSON.parse(replaced.stdout)).toMatchObject({ items: 4, events: 12, out: bag });
    expect(await exported()).toBe(8);
  });

  it('refuses missing files and unknown cases clearly, adding nothing', async () => {
    const before = (await query('select id from evidence_items')).length;
    const missing = passage(['evidence', 'add', '--case', reference, file('contract.pdf'), file('nowhere.pdf')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`passage: ${file('nowhere.pdf')} does not exist.`);
    const unknown = passage(['evidence', 'add', '--case', 'IT-1999-999999', file('contract.pdf')]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('passage: The case "IT-1999-999999" was not found.');
    const h3 = passage(['evidence', 'add', '--case', reference, '--handling', 'H3', file('contract.pdf')]);
    expect(h3.status).toBe(2);
    expect(h3.stderr).toContain('H3 needs --handling-note');
    const future = passage([
      'evidence',
      'add',
      '--case',
      reference,
      '--collected-at',
      '2999-01-01',
      file('contract.pdf'),
    ]);
    expect(future.status).toBe(1);
    expect(future.stderr).toContain('collectedAt: cannot be in the future');
    expect(future.stderr).toContain('Nothing was added.');
    expect((await query('select id from evidence_items')).length).toBe(before);
    expect(readdirSync(join(data, 'evidence', 'tmp'))).toEqual([]);
  });
});

describe('passage evidence through the running node', slow, () => {
  let node: ChildProcess;
  beforeAll(async () => {
    node = await startPassage(['--data', data, '--port', '0'], env);
  });
  afterAll(() => stopPassage(node));

  it('adds files over the admin channel; the node streams them from disk', () => {
    const video = randomBytes(1_000_000);
    writeFileSync(file('video.mp4'), video);
    const added = passage(['evidence', 'add', '--case', reference, '--type', 'video', file('video.mp4'), '--json']);
    expect(added.status, added.stderr).toBe(0);
    const result = JSON.parse(added.stdout);
    expect(result.added).toMatchObject([{ fileName: 'video.mp4', size: video.length, sha256: sha256(video) }]);
    expect(result.failed).toBeNull();
    const listed = JSON.parse(passage(['evidence', 'list', '--case', reference, '--json']).stdout);
    expect(listed.items.find((i: { sha256: string }) => i.sha256 === sha256(video))).toMatchObject({
      type: 'video',
      mediaType: 'video/mp4',
    });
  });
});
