import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import {
  editEvent,
  editText,
  failures,
  ORIGIN,
  SAMPLE_FILES,
  testBagContents,
  testBags,
} from '../../../test/bag-factory.ts';
import { parseManifest } from '../../lib/bagit.ts';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import { inclusionProof, leafHash } from '../../lib/merkle.ts';
import { signNote, vkeyString } from '../../lib/signed-note.ts';
import { verifyBag } from './bag-verify.ts';
import { writeBagDirectory } from './bag-writer.ts';

const bags = testBags();

describe('tampering is detected, with the right check and place', () => {
  it('a changed payload byte', async () => {
    const path = bags.item(1).path;
    const report = await verifyBag(
      bags.tampered((dir) => {
        const bytes = readFileSync(join(dir, path));
        bytes[1000] = (bytes[1000] as number) ^ 1;
        writeFileSync(join(dir, path), bytes);
      }),
      { key: bags.key() },
    );
    expect(failures(report)).toEqual([
      {
        kind: 'payload-file',
        where: path,
        message: 'sha256 differs from manifest-sha256.txt line 2; sha512 differs from manifest-sha512.txt line 2',
      },
      expect.objectContaining({ kind: 'item', where: `custody/items.json item 2 (${bags.item(1).id})` }),
    ]);
  });

  it('a changed payload byte inside the zip', async () => {
    const zip = readFileSync(bags.zipBag);
    const content = SAMPLE_FILES[1]?.content as Buffer;
    const at = zip.indexOf(content.subarray(0, 64));
    expect(at).toBeGreaterThan(0);
    zip[at + 5000] = (zip[at + 5000] as number) ^ 0x80;
    const file = join(bags.path, 'tampered.zip');
    writeFileSync(file, zip);
    const report = await verifyBag(file, { key: bags.key() });
    expect(failures(report)[0]).toMatchObject({ kind: 'payload-file', where: bags.item(1).path });
  });

  it('a removed payload file', async () => {
    const report = await verifyBag(
      bags.tampered((dir) => spawnSync('rm', [join(dir, bags.item(0).path)])),
      { key: bags.key() },
    );
    expect(failures(report)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'payload-oxum', where: 'bag-info.txt' }),
        {
          kind: 'payload-manifest',
          where: 'manifest-sha256.txt line 1',
          message: `lists ${bags.item(0).path}, which is not in the bag`,
        },
        expect.objectContaining({ kind: 'payload-manifest', where: 'manifest-sha512.txt line 1' }),
        expect.objectContaining({ kind: 'item', message: `names ${bags.item(0).path}, which is not in the bag` }),
      ]),
    );
  });

  it('an added payload file', async () => {
    const added = `data/${bags.item(0).id}/planted.txt`;
    const report = await verifyBag(
      bags.tampered((dir) => writeFileSync(join(dir, added), 'planted')),
      { key: bags.key() },
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
      bags.tampered((dir) => editText(join(dir, 'manifest-sha512.txt'), (t) => `${t.slice(0, 5)}0${t.slice(6)}`)),
      { key: bags.key() },
    );
    const first = parseManifest(readFileSync(join(bags.dirBag, 'manifest-sha512.txt'), 'utf8'), 'sha512')[0];
    expect(failures(report)).toEqual([
      { kind: 'payload-file', where: first?.path, message: 'sha512 differs from manifest-sha512.txt line 1' },
      { kind: 'tag-file', where: 'manifest-sha512.txt', message: 'sha256 differs from tagmanifest-sha256.txt line 4' },
    ]);
  });

  it('a wrong Payload-Oxum, even with the tag manifest made to match', async () => {
    const report = await verifyBag(
      bags.tampered(
        (dir) => editText(join(dir, 'bag-info.txt'), (t) => t.replace(/Payload-Oxum: \d+/, 'Payload-Oxum: 5')),
        {
          reseal: true,
        },
      ),
      { key: bags.key() },
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
      bags.tampered((dir) => {
        editText(join(dir, 'bag-info.txt'), (t) => t.replace('Roma', 'Milano'));
        writeFileSync(join(dir, 'custody/note.txt'), 'added later');
      }),
      { key: bags.key() },
    );
    expect(failures(report)).toEqual([
      { kind: 'tag-file', where: 'bag-info.txt', message: 'sha256 differs from tagmanifest-sha256.txt line 2' },
      { kind: 'tag-file', where: 'custody/note.txt', message: 'is not listed in tagmanifest-sha256.txt' },
    ]);
  });

  it('an altered custody event entry', async () => {
    const report = await verifyBag(
      bags.tampered(
        (dir) =>
          editEvent(dir, 2, (line) => {
            line.entry = Buffer.from(
              Buffer.from(line.entry, 'base64').toString().replace('accessed', 'returned'),
            ).toString('base64');
          }),
        { reseal: true },
      ),
      { key: bags.key() },
    );
    const index = bags.fixture.contents.custody.events[1]?.index;
    expect(failures(report)).toEqual([
      {
        kind: 'inclusion-proof',
        where: `custody/events.jsonl line 2 (log entry ${index})`,
        message: `inclusion proof does not lead to the checkpoint's root hash (tree size ${bags.fixture.log.length})`,
      },
    ]);
  });

  it('an altered proof hash', async () => {
    const report = await verifyBag(
      bags.tampered((dir) => editEvent(dir, 3, (line) => (line.proof[1] = Buffer.alloc(32, 7).toString('base64'))), {
        reseal: true,
      }),
      { key: bags.key() },
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
    const forged = bags.tampered(
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
    const withKey = await verifyBag(forged, { key: bags.key() });
    expect(failures(withKey)).toEqual([
      { kind: 'key', where: 'custody/node.vkey', message: 'is not the key you supplied (yours was used)' },
      expect.objectContaining({
        kind: 'checkpoint',
        message: expect.stringMatching(/^signature does not verify with the key you supplied/),
      }),
    ]);
    const withFingerprint = await verifyBag(forged, { key: { fingerprint: bags.fixture.fingerprint } });
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
    const report = await verifyBag(bags.zipBag, { key: { fingerprint: wrong } });
    expect(failures(report)).toEqual([
      { kind: 'key', where: 'custody/node.vkey', message: `has fingerprint ${bags.fixture.fingerprint}` },
    ]);
  });

  it('an item without a custody event', async () => {
    const lonely = testBagContents(join(bags.path, 'lonely-store'), SAMPLE_FILES, { withoutEventFor: 1 });
    const dir = join(bags.path, 'lonely');
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
    const leaves = bags.fixture.log.map(leafHash);
    const extra = (index: number) => ({
      index,
      entry: bags.fixture.log[index] as Uint8Array,
      proof: inclusionProof(leaves, index),
    });
    const contents = {
      ...bags.fixture.contents,
      custody: { ...bags.fixture.contents.custody, events: [...bags.fixture.contents.custody.events, extra(0)] },
    };
    const dir = join(bags.path, 'stranger');
    await writeBagDirectory(dir, contents);
    const report = await verifyBag(dir, { key: bags.key() });
    const stranger = JSON.parse(Buffer.from(bags.fixture.log[0] as Uint8Array).toString());
    expect(failures(report)).toEqual([
      {
        kind: 'event',
        where: 'custody/events.jsonl line 7 (log entry 0)',
        message: `names item ${stranger.item}, which is not in custody/items.json`,
      },
    ]);

    const spaced = bags.tampered(
      (d) =>
        editEvent(d, 1, (line) => (line.entry = Buffer.from(JSON.stringify(stranger, null, 1)).toString('base64'))),
      { reseal: true },
    );
    const malformed = failures(await verifyBag(spaced, { key: bags.key() }));
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
      const file = join(bags.path, `${name}.zip`);
      writeFileSync(file, patch(Buffer.concat(await (zip.outputStream as Readable).toArray())));
      const report = await verifyBag(file, { key: bags.key() });
      expect(report.ok, name).toBe(false);
      expect(report.checks, name).toEqual([
        expect.objectContaining({ kind: 'archive', ok: false, message: expect.stringMatching(/^refused: /) }),
      ]);
    }
  });

  it('reports a symbolic link in a bag directory without following it', async () => {
    const dir = bags.tampered((d) => spawnSync('ln', ['-s', '/etc/passwd', join(d, `data/${bags.item(0).id}/link`)]));
    const report = await verifyBag(dir, { key: bags.key() });
    expect(failures(report)).toEqual([
      {
        kind: 'archive',
        where: `data/${bags.item(0).id}/link`,
        message: 'is a symbolic link, not a regular file; it was not read',
      },
    ]);
  });
});

function replaceAll(buffer: Buffer, from: string, to: string): Buffer {
  expect(from.length).toBe(to.length);
  const out = Buffer.from(buffer);
  for (let at = out.indexOf(from); at >= 0; at = out.indexOf(from, at + 1)) out.write(to, at);
  return out;
}
