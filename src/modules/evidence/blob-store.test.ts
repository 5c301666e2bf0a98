import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers.ts';
import { BlobAlteredError, BlobMissingError, BlobTooLargeError, FileBlobStore } from './blob-store.ts';

const dir = tempDir('passage-blobs-');
afterAll(() => dir.remove());

const hex = (algorithm: string, data: Uint8Array) => createHash(algorithm).update(data).digest('hex');

/** A source that yields `data` in chunks of `size`, like a network stream. */
function chunked(data: Buffer, size = 7919): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
    })(),
  );
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('FileBlobStore', () => {
  it('hashes while receiving, keeps nothing under the hash until commit, and stores under the SHA-256', async () => {
    const store = new FileBlobStore(`${dir.path}/a`);
    const data = randomBytes(300_001);
    const pending = await store.receive(chunked(data), { maxBytes: 1_000_000 });
    expect(pending).toMatchObject({ sha256: hex('sha256', data), sha512: hex('sha512', data), size: data.length });
    expect(await store.size(pending.sha256)).toBeNull();
    expect(readdirSync(store.tempDir)).toHaveLength(1);

    await store.commit(pending);
    expect(await store.size(pending.sha256)).toBe(data.length);
    expect(readdirSync(store.tempDir)).toHaveLength(0);
    const path = store.pathOf(pending.sha256);
    expect(path).toContain(`/sha256/${pending.sha256.slice(0, 2)}/${pending.sha256}`);
    expect(readFileSync(path).equals(data)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((await readAll(await store.read(pending.sha256, { verify: { size: data.length } }))).equals(data)).toBe(
      true,
    );
  });

  it('stores identical content once, leaving the first copy as it is', async () => {
    const store = new FileBlobStore(`${dir.path}/b`);
    const data = Buffer.from('the same bytes twice');
    const first = await store.receive(chunked(data, 3), { maxBytes: 100 });
    await store.commit(first);
    const before = statSync(store.pathOf(first.sha256)).ino;
    const second = await store.receive(chunked(data, 5), { maxBytes: 100 });
    expect(second.sha256).toBe(first.sha256);
    await store.commit(second);
    expect(statSync(store.pathOf(first.sha256)).ino).toBe(before);
    expect(readdirSync(store.tempDir)).toHaveLength(0);
    const listed: string[] = [];
    for await (const sha of store.list()) listed.push(sha);
    expect(listed).toEqual([first.sha256]);
  });

  it('refuses content past the limit and leaves no temporary file', async () => {
    const store = new FileBlobStore(`${dir.path}/c`);
    await expect(store.receive(chunked(randomBytes(1001), 100), { maxBytes: 1000 })).rejects.toBeInstanceOf(
      BlobTooLargeError,
    );
    expect(readdirSync(store.tempDir)).toHaveLength(0);
    // Exactly at the limit is fine.
    const pending = await store.receive(chunked(randomBytes(1000), 100), { maxBytes: 1000 });
    expect(pending.size).toBe(1000);
    await store.discard(pending);
    await store.discard(pending);
    expect(readdirSync(store.tempDir)).toHaveLength(0);
  });

  it('leaves no temporary file when the source fails midway', async () => {
    const store = new FileBlobStore(`${dir.path}/d`);
    const failing = Readable.from(
      (async function* () {
        yield randomBytes(10_000);
        throw new Error('connection reset');
      })(),
    );
    await expect(store.receive(failing, { maxBytes: 1_000_000 })).rejects.toThrow('connection reset');
    expect(readdirSync(store.tempDir)).toHaveLength(0);
  });

  it('detects content altered on disk while reading it back, and reports missing content', async () => {
    const store = new FileBlobStore(`${dir.path}/e`);
    const data = randomBytes(50_000);
    const pending = await store.receive(chunked(data), { maxBytes: 100_000 });
    await store.commit(pending);
    const altered = Buffer.from(data);
    altered[123] = (altered[123] ?? 0) ^ 1;
    writeFileSync(store.pathOf(pending.sha256), altered);
    // Read without verification, the bytes come back as they are; with it, the stream fails at its end.
    expect((await readAll(await store.read(pending.sha256))).equals(altered)).toBe(true);
    await expect(readAll(await store.read(pending.sha256, { verify: { size: data.length } }))).rejects.toBeInstanceOf(
      BlobAlteredError,
    );
    await store.remove(pending.sha256);
    await expect(store.read(pending.sha256)).rejects.toBeInstanceOf(BlobMissingError);
    expect(await store.size(pending.sha256)).toBeNull();
  });

  it('refuses names that are not hashes, so no path can leave the store', async () => {
    const store = new FileBlobStore(`${dir.path}/f`);
    expect(() => store.pathOf('../../etc/passwd')).toThrow();
    expect(() => store.pathOf('A'.repeat(64))).toThrow();
    await expect(store.discard({ sha256: 'a'.repeat(64), sha512: '', size: 0, token: '../x' })).rejects.toThrow();
  });

  it('sweeps temporary files a stopped process left behind a day ago, on the first upload', async () => {
    const root = `${dir.path}/g`;
    const first = new FileBlobStore(root);
    await first.discard(await first.receive(chunked(Buffer.from('x')), { maxBytes: 10 }));
    const stale = `${first.tempDir}/1-${'0'.repeat(24)}.part`;
    const fresh = `${first.tempDir}/2-${'1'.repeat(24)}.part`;
    writeFileSync(stale, 'left over');
    writeFileSync(fresh, 'an upload in progress');
    const old = (Date.now() - 25 * 60 * 60 * 1000) / 1000;
    utimesSync(stale, old, old);
    const restarted = new FileBlobStore(root);
    await restarted.discard(await restarted.receive(chunked(Buffer.from('y')), { maxBytes: 10 }));
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  });

  it('receives an empty file', async () => {
    const store = new FileBlobStore(`${dir.path}/h`);
    const pending = await store.receive(Readable.from([]), { maxBytes: 10 });
    expect(pending).toMatchObject({ size: 0, sha256: hex('sha256', new Uint8Array()) });
  });
});
