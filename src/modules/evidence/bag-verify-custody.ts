/**
 * The custody half of offline bag verification (decision 0004): the node key against the one the user trusts,
 * the signed checkpoint, every custody event's inclusion proof and format, and the match between events, items
 * and payload. The BagIt half is in bag-verify.ts, which runs these checks after its own.
 */
import type { KeyObject } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseCheckpoint } from '../../lib/checkpoint.ts';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import { leafHash, verifyInclusion } from '../../lib/merkle.ts';
import { type NoteVerifier, openNote, parseVerifierKey } from '../../lib/signed-note.ts';
import {
  type BagItemRecord,
  CUSTODY_CHECKPOINT,
  CUSTODY_EVENTS,
  CUSTODY_ITEMS,
  CUSTODY_VKEY,
  parseCustodyEntry,
  parseEventLine,
  parseItems,
} from './bag-custody.ts';
import type { BagSource } from './bag-source.ts';
import type { BagCheckKind, BagReport, Digests, ExpectedKey } from './bag-verify.ts';

export interface VerifyContext {
  source: BagSource;
  report: BagReport;
  check(kind: BagCheckKind, ok: boolean, where: string, message: string): void;
  /** The file as UTF-8 text, or undefined after recording why it could not be read. */
  readText(path: string, kind: BagCheckKind): Promise<string | undefined>;
}

type Checkpoint = ReturnType<typeof parseCheckpoint>;

const ORIGIN = /^passage\/(.+)\/custody$/;

export class CustodyChecks {
  readonly #ctx: VerifyContext;
  readonly #expected: ExpectedKey | undefined;
  readonly #supplied: NoteVerifier | undefined;

  /** `supplied` is the parsed `expected.vkey`, when the user gave a key. */
  constructor(ctx: VerifyContext, expected?: ExpectedKey, supplied?: NoteVerifier) {
    this.#ctx = ctx;
    this.#expected = expected;
    this.#supplied = supplied;
  }

  async run(payload: Map<string, { size: number; digests: Digests }>): Promise<void> {
    const checkpoint = await this.#checkpoint();
    const items = await this.#items(payload);
    const eventCounts = await this.#events(checkpoint, items);
    items.forEach((item, i) => {
      const count = eventCounts.get(item.id) ?? 0;
      const where = `${CUSTODY_ITEMS} item ${i + 1} (${item.id})`;
      if (count === 0) this.#ctx.check('item-events', false, where, `has no custody event in ${CUSTODY_EVENTS}`);
      else this.#ctx.check('item-events', true, where, `has ${count} custody event${count === 1 ? '' : 's'}`);
    });
  }

  /** The key the checkpoint is checked with: the one supplied, or the bag's own (checked against a fingerprint). */
  async #key(): Promise<NoteVerifier | undefined> {
    const key = this.#ctx.report.key;
    const expected = this.#expected;
    const bagVkey = (await this.#ctx.readText(CUSTODY_VKEY, 'key'))?.replace(/\n$/, '');
    let bagKey: NoteVerifier | undefined;
    if (bagVkey !== undefined) {
      try {
        bagKey = parseVerifierKey(bagVkey);
      } catch (error) {
        this.#ctx.check('key', false, CUSTODY_VKEY, `is not a verifier key: ${(error as Error).message}`);
      }
    }
    if (this.#supplied && expected && 'vkey' in expected) {
      const fingerprint = keyFingerprint(this.#supplied.publicKey);
      Object.assign(key, { source: 'supplied key', independent: true, vkey: expected.vkey, fingerprint });
      if (bagKey) {
        const same = bagVkey === expected.vkey;
        const message = same ? 'is the key you supplied' : 'is not the key you supplied (yours was used)';
        this.#ctx.check('key', same, CUSTODY_VKEY, message);
      }
      return this.#supplied;
    }
    if (expected && 'fingerprint' in expected)
      Object.assign(key, { source: 'supplied fingerprint', independent: true });
    if (!bagKey) return undefined;
    const fingerprint = keyFingerprint(bagKey.publicKey);
    Object.assign(key, { vkey: bagVkey, fingerprint });
    if (expected && 'fingerprint' in expected) {
      const ok = fingerprint === expected.fingerprint;
      this.#ctx.check(
        'key',
        ok,
        CUSTODY_VKEY,
        ok ? 'has the fingerprint you supplied' : `has fingerprint ${fingerprint}`,
      );
    } else {
      this.#ctx.report.warnings.push(
        `No key was given, so the checkpoint was checked with the key inside the bag (fingerprint ${fingerprint}). ` +
          'That shows the bag is consistent, not who signed it: compare this fingerprint with one obtained from ' +
          'the exporting authority, or verify again with --key.',
      );
    }
    return bagKey;
  }

  async #checkpoint(): Promise<Checkpoint | undefined> {
    const verifier = await this.#key();
    const key = this.#ctx.report.key;
    const note = await this.#ctx.readText(CUSTODY_CHECKPOINT, 'checkpoint');
    if (note === undefined) return undefined;
    let checkpoint: Checkpoint;
    try {
      checkpoint = parseCheckpoint(note.slice(0, note.lastIndexOf('\n\n') + 1));
    } catch (error) {
      this.#ctx.check(
        'checkpoint',
        false,
        CUSTODY_CHECKPOINT,
        `is not a signed checkpoint: ${(error as Error).message}`,
      );
      return undefined;
    }
    const { origin, size, rootHash } = checkpoint;
    this.#ctx.report.checkpoint = { origin, size, rootHash: Buffer.from(rootHash).toString('base64') };
    if (!verifier) {
      this.#ctx.check('checkpoint', false, CUSTODY_CHECKPOINT, 'signature not checked: there is no usable key');
      return checkpoint;
    }
    try {
      openNote(note, [verifier]);
      if (origin !== verifier.name || !ORIGIN.test(origin)) {
        this.#ctx.check(
          'checkpoint',
          false,
          CUSTODY_CHECKPOINT,
          `origin "${origin}" is not the log of key ${verifier.name}`,
        );
      } else {
        const message = `signature verifies with ${keyDescription(key.source, verifier.publicKey)}; tree size ${size}`;
        this.#ctx.check('checkpoint', true, CUSTODY_CHECKPOINT, message);
      }
    } catch (error) {
      const message = `signature does not verify with ${keyDescription(key.source, verifier.publicKey)}: ${(error as Error).message}`;
      this.#ctx.check('checkpoint', false, CUSTODY_CHECKPOINT, message);
    }
    return checkpoint;
  }

  async #items(payload: Map<string, { size: number; digests: Digests }>): Promise<BagItemRecord[]> {
    const text = await this.#ctx.readText(CUSTODY_ITEMS, 'item');
    if (text === undefined) return [];
    let parsed: ReturnType<typeof parseItems>;
    try {
      parsed = parseItems(text);
    } catch (error) {
      this.#ctx.check('item', false, CUSTODY_ITEMS, (error as Error).message);
      return [];
    }
    for (const { position, reason } of parsed.problems) {
      this.#ctx.check('item', false, `${CUSTODY_ITEMS} item ${position}`, reason);
    }
    const described = new Set<string>();
    const ids = new Set<string>();
    const items: BagItemRecord[] = [];
    parsed.items.forEach((item, i) => {
      const where = `${CUSTODY_ITEMS} item ${i + 1} (${item.id})`;
      const file = payload.get(item.path);
      const problems: string[] = [];
      if (ids.has(item.id)) problems.push('the id appears twice');
      if (!file) problems.push(`names ${item.path}, which is not in the bag`);
      else {
        if (file.digests.sha256 !== item.sha256) problems.push(`sha256 is not that of ${item.path}`);
        if (file.digests.sha512 !== item.sha512) problems.push(`sha512 is not that of ${item.path}`);
        if (file.size !== item.size) problems.push(`size is not that of ${item.path}`);
      }
      ids.add(item.id);
      described.add(item.path);
      items.push(item);
      this.#ctx.check('item', problems.length === 0, where, problems.join('; ') || `describes ${item.path}`);
    });
    for (const path of payload.keys()) {
      if (!described.has(path)) this.#ctx.check('item', false, path, `is not described in ${CUSTODY_ITEMS}`);
    }
    this.#ctx.report.counts.items = items.length;
    return items;
  }

  /** Streams events.jsonl line by line; returns the number of events per item id. */
  async #events(checkpoint: Checkpoint | undefined, items: BagItemRecord[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (!this.#ctx.source.files.has(CUSTODY_EVENTS)) {
      this.#ctx.check('event', false, CUSTODY_EVENTS, 'is missing');
      return counts;
    }
    const byId = new Map(items.map((item) => [item.id, item]));
    const node = checkpoint && ORIGIN.exec(checkpoint.origin)?.[1];
    const seen = new Set<number>();
    let line = 0;
    const lines = createInterface({ input: await this.#ctx.source.open(CUSTODY_EVENTS), crlfDelay: Infinity });
    try {
      for await (const text of lines) {
        line++;
        let where = `${CUSTODY_EVENTS} line ${line}`;
        let event: ReturnType<typeof parseEventLine>;
        try {
          event = parseEventLine(text);
        } catch (error) {
          this.#ctx.check('event', false, where, (error as Error).message);
          continue;
        }
        where += ` (log entry ${event.index})`;
        if (seen.has(event.index)) this.#ctx.check('event', false, where, 'the same log entry appears twice');
        seen.add(event.index);
        if (checkpoint) {
          const ok = verifyInclusion(
            leafHash(event.entry),
            event.index,
            checkpoint.size,
            event.proof,
            checkpoint.rootHash,
          );
          const message = ok
            ? `is in the log the checkpoint signs (tree size ${checkpoint.size})`
            : `inclusion proof does not lead to the checkpoint's root hash (tree size ${checkpoint.size})`;
          this.#ctx.check('inclusion-proof', ok, where, message);
        } else {
          this.#ctx.check('inclusion-proof', false, where, 'cannot be checked without a checkpoint');
        }
        let entry: ReturnType<typeof parseCustodyEntry>;
        try {
          entry = parseCustodyEntry(event.entry);
        } catch (error) {
          this.#ctx.check('event', false, where, (error as Error).message);
          continue;
        }
        const item = byId.get(entry.item);
        const problems: string[] = [];
        if (node !== undefined && entry.node !== node) problems.push(`was written by node ${entry.node}, not ${node}`);
        if (!item) problems.push(`names item ${entry.item}, which is not in ${CUSTODY_ITEMS}`);
        else if (item.sha256 !== entry.sha256) problems.push(`names a SHA-256 that is not item ${entry.item}'s`);
        else counts.set(item.id, (counts.get(item.id) ?? 0) + 1);
        const summary = `${entry.event} at ${entry.at} by ${entry.actor}, item ${entry.item}`;
        this.#ctx.check('event', problems.length === 0, where, problems.join('; ') || summary);
      }
    } catch (error) {
      this.#ctx.check('event', false, CUSTODY_EVENTS, `cannot be read: ${(error as Error).message}`);
    }
    this.#ctx.report.counts.events = line;
    if (line === 0) this.#ctx.check('event', false, CUSTODY_EVENTS, 'holds no events');
    return counts;
  }
}

function keyDescription(source: BagReport['key']['source'], publicKey: KeyObject): string {
  const which = source === 'supplied key' ? 'the key you supplied' : "the bag's key";
  return `${which} (${keyFingerprint(publicKey)})`;
}
