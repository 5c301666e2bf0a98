import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { custodyEntry, failures, ORIGIN, SAMPLE_FILES, testBagContents, testBags } from '../../../test/bag-factory.ts';
import { tempDir } from '../../../test/helpers.ts';
import { decodeManifestPath, parseManifest } from '../../lib/bagit.ts';
import { formatCheckpoint } from '../../lib/checkpoint.ts';
import { leafHash, rootHash } from '../../lib/merkle.ts';
import { signNote } from '../../lib/signed-note.ts';
import { verifyBag } from './bag-verify.ts';
import { BagWriteError, writeBagDirectory, writeBagZip, writeBagZipStream } from './bag-writer.ts';

const bags = testBags();

describe('a bag as the node writes it', () => {
  it('has the BagIt layout, bag-info elements and custody folder of decision 0004', () => {
    const files = readdirSync(bags.dirBag, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(bags.dirBag.length + 1))
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
        ...bags.fixture.contents.payload.map((f) => f.path),
      ].sort(),
    );
    const octets = SAMPLE_FILES.reduce((sum, f) => sum + f.content.length, 0);
    expect(readFileSync(join(bags.dirBag, 'bag-info.txt'), 'utf8')).toBe(
      'Source-Organization: Procura della Repubblica di Roma\n' +
        'Bagging-Date: 2024-06-01\n' +
        `Payload-Oxum: ${octets}.3\n` +
        'External-Identifier: IT-2024-000001\n' +
        'Bag-Count: 1 of 1\n' +
        'Bag-Size: 69.1 KB\n',
    );
    expect(readFileSync(join(bags.dirBag, 'custody/node.vkey'), 'utf8')).toBe(`${bags.fixture.vkey}\n`);
    expect(readFileSync(join(bags.dirBag, 'manifest-sha256.txt'), 'utf8')).toContain('/100%25 original.jpg\n');
    const tagManifest = readFileSync(join(bags.dirBag, 'tagmanifest-sha256.txt'), 'utf8');
    for (const custody of ['checkpoint', 'node.vkey', 'events.jsonl', 'items.json']) {
      expect(tagManifest).toContain(`  custody/${custody}\n`);
    }
  });

  it('has manifests that say what sha256sum and sha512sum say about the payload', () => {
    const paths = bags.fixture.contents.payload.map((f) => f.path).sort();
    for (const algorithm of ['sha256', 'sha512']) {
      const tool = spawnSync(`${algorithm}sum`, paths, { cwd: bags.dirBag, encoding: 'utf8' });
      expect(tool.status, tool.stderr).toBe(0);
      // The manifest percent-encodes "%" in paths (RFC 8493); sha256sum prints names as they are.
      const manifest = readFileSync(join(bags.dirBag, `manifest-${algorithm}.txt`), 'utf8');
      expect(decodeManifestPath(manifest)).toBe(tool.stdout);
    }
    const tagFiles = parseManifest(readFileSync(join(bags.dirBag, 'tagmanifest-sha256.txt'), 'utf8'), 'sha256');
    const tool = spawnSync(
      'sha256sum',
      tagFiles.map((t) => t.path),
      { cwd: bags.dirBag, encoding: 'utf8' },
    );
    expect(readFileSync(join(bags.dirBag, 'tagmanifest-sha256.txt'), 'utf8')).toBe(tool.stdout);
  });

  it('is a zip that unzip accepts and that unpacks to the same bag', () => {
    const unzip = spawnSync('unzip', ['-q', bags.zipBag, '-d', join(bags.path, 'unzipped')], { encoding: 'utf8' });
    expect(unzip.status, unzip.stderr).toBe(0);
    const unpacked = join(bags.path, 'unzipped/IT-2024-000001');
    for (const file of ['bag-info.txt', 'tagmanifest-sha256.txt', bags.fixture.contents.payload[1]?.path as string]) {
      expect(readFileSync(join(unpacked, file))).toEqual(readFileSync(join(bags.dirBag, file)));
    }
  });
});

describe('verifying a good bag', () => {
  it.each([
    ['directory', () => bags.dirBag],
    ['zip', () => bags.zipBag],
  ])('verifies every check of a %s bag with the key or its fingerprint', async (format, location) => {
    for (const expected of [bags.key(), { fingerprint: bags.fixture.fingerprint }]) {
      const report = await verifyBag(location(), { key: expected });
      expect(failures(report)).toEqual([]);
      expect(report).toMatchObject({
        ok: true,
        format,
        key: { independent: true, fingerprint: bags.fixture.fingerprint },
        checkpoint: { origin: ORIGIN, size: bags.fixture.log.length },
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
    const report = await verifyBag(bags.zipBag);
    expect(report.ok).toBe(true);
    expect(report.key).toMatchObject({ source: 'bag only', independent: false, fingerprint: bags.fixture.fingerprint });
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
    const big = testBagContents(join(bags.path, 'big-store'), [{ name: 'a.bin', content: Buffer.from('a') }]);
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
      items: [{ ...bags.item(0), id, path: `data/${id}/seized-laptop.img`, size, ...digest }],
    };
    const progress: number[] = [];
    const file = join(bags.path, 'big.zip');
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

describe('writing a bag whose content does not match its recorded hashes', () => {
  const corrupt = () => ({
    ...bags.fixture.contents,
    payload: bags.fixture.contents.payload.map((file, i) =>
      i === 2 ? { ...file, open: () => Readable.from([randomBytes(file.size)]) } : file,
    ),
  });

  it('stops, and leaves neither the zip nor a partial file', async () => {
    const dir = tempDir('passage-bag-out-');
    const file = join(dir.path, 'out.zip');
    const error = await writeBagZip(file, corrupt()).catch((e) => e);
    expect(error).toBeInstanceOf(BagWriteError);
    expect(error).toMatchObject({ id: 'bag_payload_mismatch' });
    expect(error.message).toContain(`payload file 3 (data/${bags.item(2).id})`);
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
      ...bags.fixture.contents,
      payload: bags.fixture.contents.payload.map((file, i) =>
        i === 0
          ? { ...file, open: () => Readable.from([readFileSync(join(bags.dirBag, file.path)), Buffer.from('!')]) }
          : file,
      ),
    };
    await expect(writeBagZipStream(out, longer)).rejects.toThrow(/longer than its recorded size/);
    expect(out.destroyed).toBe(true);
  });

  it('refuses to replace an existing file unless asked, and inconsistent items before writing', async () => {
    await expect(writeBagZip(bags.zipBag, bags.fixture.contents)).rejects.toMatchObject({ id: 'bag_exists' });
    const wrongItem = {
      ...bags.fixture.contents,
      custody: {
        ...bags.fixture.contents.custody,
        items: [{ ...bags.item(0), sha256: bags.item(1).sha256 }, bags.item(1), bags.item(2)],
      },
    };
    const file = join(bags.path, 'never.zip');
    await expect(writeBagZip(file, wrongItem)).rejects.toMatchObject({ id: 'bag_invalid' });
    expect(existsSync(file)).toBe(false);
  });
});
