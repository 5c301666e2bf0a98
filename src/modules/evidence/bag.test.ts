import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import {
  custodyEntry,
  ORIGIN,
  SAMPLE_FILES,
  type TestBagContents,
  testBagContents,
} from '../../../test/bag-factory.ts';
import { tempDir } from '../../../test/helpers.ts';
import { decodeManifestPath, formatManifest, parseManifest } from '../../lib/bagit.ts';
import { formatCheckpoint } from '../../lib/checkpoint.ts';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import { inclusionProof, leafHash, rootHash } from '../../lib/merkle.ts';
import { signNote, vkeyString } from '../../lib/signed-note.ts';
import { type BagReport, type ExpectedKey, verifyBag } from './bag-verify.ts';
import { BagWriteError, writeBagDirectory, writeBagZip, writeBagZipStream } from './bag-writer.ts';

const tmp = tempDir('passage-bag-');
let fixture: TestBagContents;
let dirBag: string;
let zipBag: string;
let copies = 0;

beforeAll(async () => {
  fixture = testBagContents(join(tmp.path, 'store'), SAMPLE_FILES);
  dirBag = join(tmp.path, 'IT-2024-000001');
  zipBag = join(tmp.path, 'IT-2024-000001.zip');
  await writeBagDirectory(dirBag, fixture.contents);
  await writeBagZip(zipBag, fixture.contents);
});
afterAll(() => tmp.remove());

const failures = (report: BagReport) =>
  report.checks.filter((c) => !c.ok).map(({ kind, where, message }) => ({ kind, where, message }));

/** A copy of the good directory bag, changed by `change`; `reseal` rewrites the tag manifest to match. */
function tampered(change: (dir: string) => void, { reseal = false } = {}): string {
  const dir = join(tmp.path, `copy-${++copies}`);
  cpSync(dirBag, dir, { recursive: true });
  change(dir);
  if (reseal) resealTagManifest(dir);
  return dir;
}

function resealTagManifest(dir: string): void {
  const file = join(dir, 'tagmanifest-sha256.txt');
  const entries = parseManifest(readFileSync(file, 'utf8'), 'sha256').map(({ path }) => ({
    path,
    checksum: createHash('sha256')
      .update(readFileSync(join(dir, path)))
      .digest('hex'),
  }));
  writeFileSync(file, formatManifest(entries));
}

function editText(file: string, edit: (text: string) => string): void {
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
}

/** Rewrites line `n` (1-based) of custody/events.jsonl through `edit` on its parsed JSON. */
function editEvent(dir: string, n: number, edit: (line: { index: number; entry: string; proof: string[] }) => void) {
  editText(join(dir, 'custody/events.jsonl'), (text) => {
    const lines = text.trimEnd().split('\n');
    const line = JSON.parse(lines[n - 1] as string);
    edit(line);
    lines[n - 1] = JSON.stringify(line);
    return `${lines.join('\n')}\n`;
  });
}

const key = (): ExpectedKey => ({ vkey: fixture.vkey });
const item = (i: number) => fixture.contents.custody.items[i] as (typeof fixture.contents.custody.items)[number];

describe('a bag as the node writes it', () => {
  it('has the BagIt layout, bag-info elements and custody folder of decision 0004', () => {
    const files = readdirSync(dirBag, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dirBag.length + 1))
      .sort();
    expect(files).toEqual(
      [
        'bag-info.txt',
        'bagit.txt',
        'custody/checkpoint',
        'custody/events.jsonl',
        'custody/items.json',
        'custody/node.vkey',
        'manifest-sha256.txt',
        'manifest-sha512.txt',
        'tagmanifest-sha256.txt',
        ...fixture.contents.payload.map((f) => f.path),
      ].sort(),
    );
    const octets = SAMPLE_FILES.reduce((sum, f) => sum + f.content.length, 0);
    expect(readFileSync(join(dirBag, 'bag-info.txt'), 'utf8')).toBe(
      'Source-Organization: Procura della Repubblica di Roma\n' +
        'Bagging-Date: 2024-06-01\n' +
        `Payload-Oxum: ${octets}.3\n` +
        'External-Identifier: IT-2024-000001\n' +
        'Bag-Count: 1 of 1\n' +
        'Bag-Size: 69.1 KB\n',
    );
    expect(readFileSync(join(dirBag, 'custody/node.vkey'), 'utf8')).toBe(`${fixture.vkey}\n`);
    expect(readFileSync(join(dirBag, 'manifest-sha256.txt'), 'utf8')).toContain('/100%25 original.jpg\n');
    const tagManifest = readFileSync(join(dirBag, 'tagmanifest-sha256.txt'), 'utf8');
    for (const custody of ['checkpoint', 'node.vkey', 'events.jsonl', 'items.json']) {
      expect(tagManifest).toContain(`  custody/${custody}\n`);
    }
  });

  it('has manifests that say what sha256sum and sha512sum say about the payload', () => {
    const paths = fixture.contents.payload.map((f) => f.path).sort();
    for (const algorithm of ['sha256', 'sha512']) {
      const tool = spawnSync(`${algorithm}sum`, paths, { cwd: dirBag, encoding: 'utf8' });
      expect(tool.status, tool.stderr).toBe(0);
      // The manifest percent-encodes "%" in paths (RFC 8493); sha256sum prints names as they are.
      const manifest = readFileSync(join(dirBag, `manifest-${algorithm}.txt`), 'utf8');
      expect(decodeManifestPath(manifest)).toBe(tool.stdout);
    }
    const tagFiles = parseManifest(readFileSync(join(dirBag, 'tagmanifest-sha256.txt'), 'utf8'), 'sha256');
    const tool = spawnSync(
      'sha256sum',
      tagFiles.map((t) => t.path),
      { cwd: dirBag, encoding: 'utf8' },
    );
    expect(readFileSync(join(dirBag, 'tagmanifest-sha256.txt'), 'utf8')).toBe(tool.stdout);
  });

  it('is a zip that unzip accepts and that unpacks to the same bag', () => {
    const unzip = spawnSync('unzip', ['-q', zipBag, '-d', join(tmp.path, 'unzipped')], { encoding: 'utf8' });
    expect(unzip.status, unzip.stderr).toBe(0);
    const unpacked = join(tmp.path, 'unzipped/IT-2024-000001');
    for (const file of ['bag-info.txt', 'tagmanifest-sha256.txt', fixture.contents.payload[1]?.path as string]) {
      expect(readFileSync(join(unpacked, file))).toEqual(readFileSync(join(dirBag, file)));
    }
  });
});

describe('verifying a good bag', () => {
  it.each([
    ['directory', () => dirBag],
    ['zip', () => zipBag],
  ])('verifies every check of a %s bag with the key or its fingerprint', async (format, location) => {
    for (const expected of [key(), { fingerprint: fixture.fingerprint }]) {
      const report = await verifyBag(location(), { key: expected });
      expect(failures(report)).toEqual([]);
      expect(report).toMatchObject({
        ok: true,
        format,
        key: { independent: true, fingerprint: fixture.fingerprint },
        checkpoint: { origin: ORIGIN, size: fixture.log.length },
        counts: { payloadFiles: 3, items: 3, events: 6 },
        warnings: [],
      });
      const kinds = new Set(report.checks.map((c) => c.kind));
      for (const kind of [
        'declaration',
        'bag-info',
        'payload-manifest',
        'payload-file',
        'payload-oxum',
        'tag-manifest',
        'tag-file',
        'key',
        'checkpoint',
        'inclusion-proof',
        'event',
        'item',
        'item-events',
      ]) {
        expect(kinds, kind).toContain(kind);
      }
      expect(report.checks.filter((c) => c.kind === 'inclusion-proof')).toHaveLength(6);
    }
  });

  it('without a key checks the bag against its own key and says that this proves nothing about the signer', async () => {
    const report = await verifyBag(zipBag);
    expect(report.ok).toBe(true);
    expect(report.key).toMatchObject({ source: 'bag only', independent: false, fingerprint: fixture.fingerprint });
    expect(report.warnings.join()).toMatch(/No key was given.*not who signed it/);
  });

  it('streams a bag of several megabytes without holding a payload file in memory', async () => {
    const size = 6 * 1024 * 1024 + 17;
    const BLOCK = 64 * 1024;
    // The content exists only as a generator of blocks: the writer can only stream it.
    function* blocks() {
      for (let i = 0, left = size; left > 0; i++, left -= BLOCK) {
        const pattern = createHash('sha512').update(String(i)).digest('hex');
        yield Buffer.from(pattern.repeat(BLOCK / pattern.length).slice(0, left));
      }
    }
    const sha256 = createHash('sha256');
    const sha512 = createHash('sha512');
    for (const block of blocks()) {
      sha256.update(block);
      sha512.update(block);
    }
    const big = testBagContents(join(tmp.path, 'big-store'), [{ name: 'a.bin', content: Buffer.from('a') }]);
    const id = '01HV6Q0000000000000000BIG';
    const digest = { sha256: sha256.digest('hex'), sha512: sha512.digest('hex') };
    const contents = {
      ...big.contents,
      payload: [{ path: `data/${id}/seized-laptop.img`, size, ...digest, open: () => Readable.from(blocks()) }],
    };
    // Its events and checkpoint are those of a one-item log holding this item.
    const log = [custodyEntry(id, digest.sha256, 'collected', '2024-05-02T09:00:00.000Z')];
    const checkpoint = signNote(formatCheckpoint({ origin: ORIGIN, size: 1, rootHash: rootHash(log.map(leafHash)) }), [
      { name: ORIGIN, privateKey: big.privateKey },
    ]);
    contents.custody = {
      checkpoint,
      nodeVkey: big.vkey,
      events: [{ index: 0, entry: log[0] as Uint8Array, proof: [] }],
      items: [{ ...item(0), id, path: `data/${id}/seized-laptop.img`, size, ...digest }],
    };
    const progress: number[] = [];
    const file = join(tmp.path, 'big.zip');
    await writeBagZip(file, contents, { onProgress: (done, total) => progress.push(done / total) });
    expect(progress.length).toBeGreaterThan(size / BLOCK - 1);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((p, i) => i === 0 || p >= (progress[i - 1] as number))).toBe(true);

    let calls = 0;
    const report = await verifyBag(file, { key: { vkey: big.vkey }, onProgress: () => calls++ });
    expect(failures(report)).toEqual([]);
    expect(report.counts).toMatchObject({ payloadFiles: 1, payloadOctets: size });
    expect(calls).toBeGreaterThan(size / (1024 * 1024));
  });
});

describe('tampering is detected, with the right check and place', () => {
  it('a changed payload byte', async () => {
    const path = item(1).path;
    const report = await verifyBag(
      tampered((dir) => {
        const bytes = readFileSync(join(dir, path));
        bytes[1000] = (bytes[1000] as number) ^ 1;
        writeFileSync(join(dir, path), bytes);
      }),
      { key: key() },
    );
    expect(failures(report)).toEqual([
      {
        kind: 'payload-file',
        where: path,
        message: 'sha256 differs from manifest-sha256.txt line 2; sha512 differs from manifest-sha512.txt line 2',
      },
      expect.objectContaining({ kind: 'item', where: `custody/items.json item 2 (${item(1).id})` }),
    ]);
  });

  it('a changed payload byte inside the zip', async () => {
    const zip = readFileSync(zipBag);
    const content = SAMPLE_FILES[1]?.content as Buffer;
    const at = zip.indexOf(content.subarray(0, 64));
    expect(at).toBeGreaterThan(0);
    zip[at + 5000] = (zip[at + 5000] as number) ^ 0x80;
    const file = join(tmp.path, 'tampered.zip');
    writeFileSync(file, zip);
    const report = await verifyBag(file, { key: key() });
    expect(failures(report)[0]).toMatchObject({ kind: 'payload-file', where: item(1).path });
  });

  it('a removed payload file', async () => {
    const report = await verifyBag(
      tampered((dir) => spawnSync('rm', [join(dir, item(0).path)])),
      { key: key() },
    );
    expect(failures(report)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'payload-oxum', where: 'bag-info.txt' }),
        {
          kind: 'payload-manifest',
          where: 'manifest-sha256.txt line 1',
          message: `lists ${item(0).path}, which is not in the bag`,
        },
        expect.objectContaining({ kind: 'payload-manifest', where: 'manifest-sha512.txt line 1' }),
        expect.objectContaining({ kind: 'item', message: `names ${item(0).path}, which is not in the bag` }),
      ]),
    );
  });

  it('an added payload file', async () => {
    const added = `data/${item(0).id}/planted.txt`;
    const report = await verifyBag(
      tampered((dir) => writeFileSync(join(dir, added), 'planted')),
      { key: key() },
    );
    expect(failures(report)).toEqual(
      expect.arrayContaining([
        {
          kind: 'payload-file',
          where: added,
          message: 'is not listed in manifest-sha256.txt; is not listed in manifest-sha512.txt',
        },
        expect.objectContaining({ kind: 'payload-oxum' }),
        { kind: 'item', where: added, message: 'is not described in custody/items.json' },
      ]),
    );
  });

  it('an altered manifest line', async () => {
    const report = await verifyBag(
      tampered((dir) => editText(join(dir, 'manifest-sha512.txt'), (t) => `${t.slice(0, 5)}0${t.slice(6)}`)),
      { key: key() },
    );
    const first = parseManifest(readFileSync(join(dirBag, 'manifest-sha512.txt'), 'utf8'), 'sha512')[0];
    expect(failures(report)).toEqual([
      { kind: 'payload-file', where: first?.path, message: 'sha512 differs from manifest-sha512.txt line 1' },
      { kind: 'tag-file', where: 'manifest-sha512.txt', message: 'sha256 differs from tagmanifest-sha256.txt line 4' },
    ]);
  });

  it('a wrong Payload-Oxum, even with the tag manifest made to match', async () => {
    const report = await verifyBag(
      tampered((dir) => editText(join(dir, 'bag-info.txt'), (t) => t.replace(/Payload-Oxum: \d+/, 'Payload-Oxum: 5')), {
        reseal: true,
      }),
      { key: key() },
    );
    expect(failures(report)).toEqual([
      expect.objectContaining({
        kind: 'payload-oxum',
        where: 'bag-info.txt',
        message: expect.stringMatching(/says 5\.3/),
      }),
    ]);
  });

  it('an altered tag file, and a custody file the tag manifest does not cover', async () => {
    const report = await verifyBag(
      tampered((dir) => {
        editText(join(dir, 'bag-info.txt'), (t) => t.replace('Roma', 'Milano'));
        writeFileSync(join(dir, 'custody/note.txt'), 'added later');
      }),
      { key: key() },
    );
    expect(failures(report)).toEqual([
      { kind: 'tag-file', where: 'bag-info.txt', message: 'sha256 differs from tagmanifest-sha256.txt line 2' },
      { kind: 'tag-file', where: 'custody/note.txt', message: 'is not listed in tagmanifest-sha256.txt' },
    ]);
  });

  it('an altered custody event entry', async () => {
    const report = await verifyBag(
      tampered(
        (dir) =>
          editEvent(dir, 2, (line) => {
            line.entry = Buffer.from(
              Buffer.from(line.entry, 'base64').toString().replace('accessed', 'returned'),
            ).toString('base64');
          }),
        { reseal: true },
      ),
      { key: key() },
    );
    const index = fixture.contents.custody.events[1]?.index;
    expect(failures(report)).toEqual([
      {
        kind: 'inclusion-proof',
        where: `custody/events.jsonl line 2 (log entry ${index})`,
        message: `inclusion proof does not lead to the checkpoint's root hash (tree size ${fixture.log.length})`,
      },
    ]);
  });

  it('an altered proof hash', async () => {
    const report = await verifyBag(
      tampered((dir) => editEvent(dir, 3, (line) => (line.proof[1] = Buffer.alloc(32, 7).toString('base64'))), {
        reseal: true,
      }),
      { key: key() },
    );
    expect(failures(report)).toEqual([
      expect.objectContaining({
        kind: 'inclusion-proof',
        where: expect.stringMatching(/^custody\/events\.jsonl line 3 /),
      }),
    ]);
  });

  it('a checkpoint signed by another key, with that key put into the bag', async () => {
    const other = generateKeyPairSync('ed25519');
    const forged = tampered(
      (dir) => {
        const body = readFileSync(join(dir, 'custody/checkpoint'), 'utf8').split('\n\n')[0];
        writeFileSync(
          join(dir, 'custody/checkpoint'),
          signNote(`${body}\n`, [{ name: ORIGIN, privateKey: other.privateKey }]),
        );
        writeFileSync(join(dir, 'custody/node.vkey'), `${vkeyString(ORIGIN, other.publicKey)}\n`);
      },
      { reseal: true },
    );
    const withKey = await verifyBag(forged, { key: key() });
    expect(failures(withKey)).toEqual([
      { kind: 'key', where: 'custody/node.vkey', message: 'is not the key you supplied (yours was used)' },
      expect.objectContaining({
        kind: 'checkpoint',
        message: expect.stringMatching(/^signature does not verify with the key you supplied/),
      }),
    ]);
    const withFingerprint = await verifyBag(forged, { key: { fingerprint: fixture.fingerprint } });
    expect(failures(withFingerprint)).toEqual([
      { kind: 'key', where: 'custody/node.vkey', message: `has fingerprint ${keyFingerprint(other.publicKey)}` },
    ]);
    // Without a key the forgery is consistent: only the warning tells the reader that nothing proves the signer.
    const alone = await verifyBag(forged);
    expect(alone.ok).toBe(true);
    expect(alone.warnings).toHaveLength(1);
  });

  it('a fingerprint that is not the bag key’s', async () => {
    const wrong = keyFingerprint(generateKeyPairSync('ed25519').publicKey);
    const report = await verifyBag(zipBag, { key: { fingerprint: wrong } });
    expect(failures(report)).toEqual([
      { kind: 'key', where: 'custody/node.vkey', message: `has fingerprint ${fixture.fingerprint}` },
    ]);
  });

  it('an item without a custody event', async () => {
    const lonely = testBagContents(join(tmp.path, 'lonely-store'), SAMPLE_FILES, { withoutEventFor: 1 });
    const dir = join(tmp.path, 'lonely');
    await writeBagDirectory(dir, lonely.contents);
    const report = await verifyBag(dir, { key: { vkey: lonely.vkey } });
    expect(failures(report)).toEqual([
      {
        kind: 'item-events',
        where: `custody/items.json item 2 (${lonely.contents.custody.items[1]?.id})`,
        message: 'has no custody event in custody/events.jsonl',
      },
    ]);
  });

  it('an event of an item that is not in the bag, and one that is not in the canonical entry format', async () => {
    const leaves = fixture.log.map(leafHash);
    const extra = (index: number) => ({
      index,
      entry: fixture.log[index] as Uint8Array,
      proof: inclusionProof(leaves, index),
    });
    const contents = {
      ...fixture.contents,
      custody: { ...fixture.contents.custody, events: [...fixture.contents.custody.events, extra(0)] },
    };
    const dir = join(tmp.path, 'stranger');
    await writeBagDirectory(dir, contents);
    const report = await verifyBag(dir, { key: key() });
    const stranger = JSON.parse(Buffer.from(fixture.log[0] as Uint8Array).toString());
    expect(failures(report)).toEqual([
      {
        kind: 'event',
        where: 'custody/events.jsonl line 7 (log entry 0)',
        message: `names item ${stranger.item}, which is not in custody/items.json`,
      },
    ]);

    const spaced = tampered(
      (d) =>
        editEvent(d, 1, (line) => (line.entry = Buffer.from(JSON.stringify(stranger, null, 1)).toString('base64'))),
      { reseal: true },
    );
    const malformed = failures(await verifyBag(spaced, { key: key() }));
    expect(malformed).toContainEqual(
      expect.objectContaining({ kind: 'event', message: 'entry is not in the canonical JSON spelling' }),
    );
  });

  it('refuses a zip with a path that climbs out of its directory, an absolute path or two top-level directories', async () => {
    const cases: [string, string[], (zip: Buffer) => Buffer][] = [
      ['climbing', ['bag/bagit.txt', 'bag/AA/evil.txt'], (z) => replaceAll(z, 'bag/AA/', 'bag/../')],
      ['absolute', ['xtmp/bagit.txt'], (z) => replaceAll(z, 'xtmp/', '/tmp/')],
      ['two roots', ['one/bagit.txt', 'two/bagit.txt'], (z) => z],
    ];
    for (const [name, entries, patch] of cases) {
      const zip = new ZipFile();
      for (const entry of entries) zip.addBuffer(Buffer.from('x'), entry);
      zip.end();
      const file = join(tmp.path, `${name}.zip`);
      writeFileSync(file, patch(Buffer.concat(await (zip.outputStream as Readable).toArray())));
      const report = await verifyBag(file, { key: key() });
      expect(report.ok, name).toBe(false);
      expect(report.checks, name).toEqual([
        expect.objectContaining({ kind: 'archive', ok: false, message: expect.stringMatching(/^refused: /) }),
      ]);
    }
  });

  it('reports a symbolic link in a bag directory without following it', async () => {
    const dir = tampered((d) => spawnSync('ln', ['-s', '/etc/passwd', join(d, `data/${item(0).id}/link`)]));
    const report = await verifyBag(dir, { key: key() });
    expect(failures(report)).toEqual([
      {
        kind: 'archive',
        where: `data/${item(0).id}/link`,
        message: 'is a symbolic link, not a regular file; it was not read',
      },
    ]);
  });
});

describe('writing a bag whose content does not match its recorded hashes', () => {
  const corrupt = () => ({
    ...fixture.contents,
    payload: fixture.contents.payload.map((file, i) =>
      i === 2 ? { ...file, open: () => Readable.from([randomBytes(file.size)]) } : file,
    ),
  });

  it('stops, and leaves neither the zip nor a partial file', async () => {
    const dir = tempDir('passage-bag-out-');
    const file = join(dir.path, 'out.zip');
    const error = await writeBagZip(file, corrupt()).catch((e) => e);
    expect(error).toBeInstanceOf(BagWriteError);
    expect(error).toMatchObject({ id: 'bag_payload_mismatch' });
    expect(error.message).toContain(`payload file 3 (data/${item(2).id})`);
    expect(error.message).not.toContain('original.jpg');
    expect(readdirSync(dir.path)).toEqual([]);
    dir.remove();
  });

  it('stops writing a directory bag and removes what it wrote', async () => {
    const dir = tempDir('passage-bag-out-');
    const error = await writeBagDirectory(join(dir.path, 'bag'), corrupt()).catch((e) => e);
    expect(error).toMatchObject({ id: 'bag_payload_mismatch' });
    expect(readdirSync(dir.path)).toEqual([]);
    dir.remove();
  });

  it('destroys a stream it was writing into, and refuses content longer than recorded', async () => {
    const out = new PassThrough();
    out.resume();
    const longer = {
      ...fixture.contents,
      payload: fixture.contents.payload.map((file, i) =>
        i === 0
          ? { ...file, open: () => Readable.from([readFileSync(join(dirBag, file.path)), Buffer.from('!')]) }
          : file,
      ),
    };
    await expect(writeBagZipStream(out, longer)).rejects.toThrow(/longer than its recorded size/);
    expect(out.destroyed).toBe(true);
  });

  it('refuses to replace an existing file unless asked, and inconsistent items before writing', async () => {
    await expect(writeBagZip(zipBag, fixture.contents)).rejects.toMatchObject({ id: 'bag_exists' });
    const wrongItem = {
      ...fixture.contents,
      custody: {
        ...fixture.contents.custody,
        items: [{ ...item(0), sha256: item(1).sha256 }, item(1), item(2)],
      },
    };
    const file = join(tmp.path, 'never.zip');
    await expect(writeBagZip(file, wrongItem)).rejects.toMatchObject({ id: 'bag_invalid' });
    expect(existsSync(file)).toBe(false);
  });
});

function replaceAll(buffer: Buffer, from: string, to: string): Buffer {
  expect(from.length).toBe(to.length);
  const out = Buffer.from(buffer);
  for (let at = out.indexOf(from); at >= 0; at = out.indexOf(from, at + 1)) out.write(to, at);
  return out;
}
