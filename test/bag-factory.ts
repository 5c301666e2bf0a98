import { createHash, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCheckpoint } from '../src/lib/checkpoint.ts';
import { keyFingerprint } from '../src/lib/key-fingerprint.ts';
import { inclusionProof, leafHash, rootHash } from '../src/lib/merkle.ts';
import { signNote, vkeyString } from '../src/lib/signed-note.ts';
import type { BagContents, BagItemRecord, BagPayloadFile, CustodyEntry } from '../src/modules/evidence/index.ts';
import type { CustodyEventType } from '../src/shared/evidence.ts';

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
