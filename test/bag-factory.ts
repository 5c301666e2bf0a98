import { createHash, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { cpSync, createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { formatManifest, parseManifest } from '../src/lib/bagit.ts';
import { formatCheckpoint } from '../src/lib/checkpoint.ts';
import { keyFingerprint } from '../src/lib/key-fingerprint.ts';
import { inclusionProof, leafHash, rootHash } from '../src/lib/merkle.ts';
import { signNote, vkeyString } from '../src/lib/signed-note.ts';
import type { BagContents, BagItemRecord, BagPayloadFile, CustodyEntry } from '../src/modules/evidence/index.ts';
import { type BagReport, type ExpectedKey, writeBagDirectory, writeBagZip } from '../src/modules/evidence/index.ts';
import type { CustodyEventType } from '../src/shared/evidence.ts';
import { tempDir } from './helpers.ts';

/**
 * Builds the contents of an evidence bag as a node would: payload files on disk, a real in-memory custody log
 * (RFC 9162 leaf hashes) holding these items' events among other entries, a checkpoint signed with a fresh
 * Ed25519 key, and an inclusion proof per event.
 */

export const NODE_ID = 'node-it';
export const ORIGIN = `passage/${NODE_ID}/custody`;

export interface TestFile {
  name: string;
  content: Buffer;
}

export interface TestBagContents {
  contents: BagContents;
  vkey: string;
  fingerprint: string;
  privateKey: KeyObject;
  /** Every entry of the log, bag events and others, in order. */
  log: Uint8Array[];
}

export function custodyEntry(
  item: string,
  sha256: string,
  event: CustodyEventType,
  at: string,
  actor = 'user:01HV6Q0000000000000000USER',
): Uint8Array {
  const entry: CustodyEntry = { v: 1, node: NODE_ID, item, sha256, event, actor, at, reason: null };
  return Buffer.from(JSON.stringify(entry), 'utf8');
}

export function testBagContents(
  sourceDir: string,
  files: TestFile[],
  options: { withoutEventFor?: number } = {},
): TestBagContents {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const items: BagItemRecord[] = [];
  const payload: BagPayloadFile[] = [];
  const log: Uint8Array[] = [];
  const bagEvents: number[] = [];
  // Entries of other cases come before, between and after, so that proofs are not trivial.
  const other = (n: number) => {
    for (let i = 0; i < n; i++) {
      const sha = randomBytes(32).toString('hex');
      log.push(custodyEntry(`01HV6Q0000000000000000OTH${log.length}`, sha, 'collected', '2024-05-01T08:00:00.000Z'));
    }
  };
  other(5);
  files.forEach((file, i) => {
    const id = `01HV6Q00000000000000000IT${i}`;
    const path = join(sourceDir, `${id}.bin`);
    mkdirSync(sourceDir, { recursive: true });
    writeFileSync(path, file.content);
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    const sha512 = createHash('sha512').update(file.content).digest('hex');
    const bagPath = `data/${id}/${file.name}`;
    payload.push({ path: bagPath, size: file.content.length, sha256, sha512, open: () => createReadStream(path) });
    items.push({
      id,
      path: bagPath,
      sha256,
      sha512,
      size: file.content.length,
      parentSha256: null,
      transformation: null,
      handlingCode: 'H1',
      sourceReliability: 'B',
      informationAccuracy: 2,
    });
    if (options.withoutEventFor === i) return;
    bagEvents.push(log.length);
    log.push(custodyEntry(id, sha256, 'collected', `2024-05-02T09:0${i % 10}:00.000Z`));
    other(3);
    bagEvents.push(log.length);
    log.push(custodyEntry(id, sha256, 'accessed', `2024-05-03T10:0${i % 10}:00.000Z`, 'console'));
  });
  other(4);
  const leaves = log.map(leafHash);
  const checkpoint = signNote(formatCheckpoint({ origin: ORIGIN, size: log.length, rootHash: rootHash(leaves) }), [
    { name: ORIGIN, privateKey },
  ]);
  const vkey = vkeyString(ORIGIN, publicKey);
  const events = bagEvents.map((index) => ({
    index,
    entry: log[index] as Uint8Array,
    proof: inclusionProof(leaves, index),
  }));
  return {
    contents: {
      name: 'IT-2024-000001',
      info: {
        sourceOrganization: 'Procura della Repubblica di Roma',
        externalIdentifier: 'IT-2024-000001',
        baggingDate: new Date('2024-06-01T12:00:00Z'),
      },
      payload,
      custody: { checkpoint, nodeVkey: vkey, events, items },
    },
    vkey,
    fingerprint: keyFingerprint(publicKey),
    privateKey,
    log,
  };
}

export const SAMPLE_FILES: TestFile[] = [
  { name: 'phone-extraction.txt', content: Buffer.from('call log 2024-04-30 23:14 +40 7xx\n'.repeat(200)) },
  { name: 'receipt scan.pdf', content: randomBytes(50_000) },
  { name: '100% original.jpg', content: randomBytes(12_345) },
];

/** What the bag tests share: a directory bag and a ZIP bag written from one set of contents, and ways to spoil copies. */
export interface TestBags {
  fixture: TestBagContents;
  dirBag: string;
  zipBag: string;
  /** The directory where the tests may write. */
  path: string;
  /** A copy of the good directory bag, changed by `change`; `reseal` rewrites the tag manifest to match. */
  tampered(change: (dir: string) => void, options?: { reseal?: boolean }): string;
  key(): ExpectedKey;
  item(i: number): TestBagContents['contents']['custody']['items'][number];
}

/** Writes the bags before the file's tests and removes them after. */
export function testBags(): TestBags {
  const tmp = tempDir('passage-bag-');
  let copies = 0;
  const bags: TestBags = {
    fixture: undefined as unknown as TestBagContents,
    dirBag: join(tmp.path, 'IT-2024-000001'),
    zipBag: join(tmp.path, 'IT-2024-000001.zip'),
    path: tmp.path,
    tampered(change, { reseal = false } = {}) {
      const dir = join(tmp.path, `copy-${++copies}`);
      cpSync(bags.dirBag, dir, { recursive: true });
      change(dir);
      if (reseal) resealTagManifest(dir);
      return dir;
    },
    key: () => ({ vkey: bags.fixture.vkey }),
    item: (i) => bags.fixture.contents.custody.items[i] as TestBagContents['contents']['custody']['items'][number],
  };
  beforeAll(async () => {
    bags.fixture = testBagContents(join(tmp.path, 'store'), SAMPLE_FILES);
    await writeBagDirectory(bags.dirBag, bags.fixture.contents);
    await writeBagZip(bags.zipBag, bags.fixture.contents);
  });
  afterAll(() => tmp.remove());
  return bags;
}

export const failures = (report: BagReport) =>
  report.checks.filter((c) => !c.ok).map(({ kind, where, message }) => ({ kind, where, message }));

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

export function editText(file: string, edit: (text: string) => string): void {
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
}

/** Rewrites line `n` (1-based) of custody/events.jsonl through `edit` on its parsed JSON. */
export function editEvent(
  dir: string,
  n: number,
  edit: (line: { index: number; entry: string; proof: string[] }) => void,
) {
  editText(join(dir, 'custody/events.jsonl'), (text) => {
    const lines = text.trimEnd().split('\n');
    const line = JSON.parse(lines[n - 1] as string);
    edit(line);
    lines[n - 1] = JSON.stringify(line);
    return `${lines.join('\n')}\n`;
  });
}
