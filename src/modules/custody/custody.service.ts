import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Db, Queryable } from '../../db/client.ts';
import { formatCheckpoint } from '../../lib/checkpoint.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import { leafHash } from '../../lib/merkle.ts';
import {
  appendedNodes,
  appendSiblings,
  consistencyProof,
  type FetchHashes,
  inclusionProof,
  treeRoot,
} from '../../lib/merkle-tiles.ts';
import { type NoteVerifier, openNote, parseVerifierKey, signNote, vkeyString } from '../../lib/signed-note.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import {
  type IntegrityCheck,
  type IntegrityProblem,
  type LogVerifyResult,
  type ProgressCallback,
  verifyLog,
} from './custody.integrity.ts';
import {
  type CheckpointRow,
  checkpointOfSize,
  fetchHashes,
  fetchHashesAndSize,
  insertAppend,
  insertCheckpoint,
  latestCheckpoint,
  lockHead,
  readEntries,
  readSize,
} from './custody.repository.ts';
import { custodyOrigin } from './custody-keys.ts';

/** A signed checkpoint as the API and the CLI show it: binary values in base64. */
export interface CheckpointView {
  origin: string;
  size: number;
  rootHash: string;
  /** The C2SP signed note: checkpoint text, a blank line, the signature line. */
  note: string;
  verifierKey: string;
  fingerprint: string;
  signedAt: string;
}

export interface InclusionProofView {
  index: number;
  size: number;
  leafHash: string;
  proof: string[];
  checkpoint: CheckpointView;
}

export interface ConsistencyProofView {
  oldSize: number;
  newSize: number;
  proof: string[];
  oldCheckpoint: CheckpointView;
  newCheckpoint: CheckpointView;
}

export interface EntryView {
  index: number;
  entry: string;
  leafHash: string;
}

export interface IntegrityReport {
  ok: boolean;
  checks: { name: string; unit: string; ok: boolean; checked: number; problems: IntegrityProblem[] }[];
}

function assertWhole(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new AppError('custody_size_invalid', 400, `The tree size ${size} is not a whole number.`);
  }
}

const beyondLog = (logSize: number, size: number) =>
  new AppError('custody_size_beyond_log', 400, `The custody log has ${logSize} entries, fewer than ${size}.`);

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/**
 * The node's custody transparency log (decision 0004): an RFC 9162 Merkle tree over custody events, with signed
 * C2SP checkpoints and inclusion and consistency proofs read from stored subtree hashes in O(log n).
 *
 * The methods without a RequestContext are for other services (the evidence module appends events and builds bags);
 * they check no policy. The methods with one serve the API and the console and ask the policy layer first.
 * Call the reading methods outside any open transaction (on PGlite a query beside an open transaction waits for it).
 */
export class CustodyLogService {
  readonly origin: string;
  readonly verifierKey: string;
  readonly fingerprint: string;
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #signingKey: KeyObject;
  readonly #verifier: NoteVerifier;
  /** The current key's verifier first, then those of the keys retired by rotations (`formerKeys`). */
  readonly #verifiers: NoteVerifier[];

  constructor(
    db: Db,
    audit: AuditService,
    signer: { nodeId: string; signingKey: KeyObject; formerKeys?: readonly KeyObject[] },
  ) {
    this.#db = db;
    this.#audit = audit;
    this.#signingKey = signer.signingKey;
    const publicKey = createPublicKey(signer.signingKey);
    this.origin = custodyOrigin(signer.nodeId);
    this.verifierKey = vkeyString(this.origin, publicKey);
    this.fingerprint = keyFingerprint(publicKey);
    this.#verifier = parseVerifierKey(this.verifierKey);
    const former = (signer.formerKeys ?? []).filter((key) => keyFingerprint(key) !== this.fingerprint);
    this.#verifiers = [this.#verifier, ...former.map((key) => parseVerifierKey(vkeyString(this.origin, key)))];
  }

  /**
   * Appends inside the caller's transaction and returns the entry's index. The head row stays locked until that
   * transaction ends, so appends are numbered without gaps; append late in a long transaction to hold it briefly.
   * The entry must hold no personal data (decision 0004 fixes the custody event's fields).
   */
  async append(tx: Queryable, entry: Uint8Array): Promise<number> {
    const index = await lockHead(tx);
    const siblings = await fetchHashes(tx, appendSiblings(index));
    await insertAppend(tx, index, entry, appendedNodes(index, leafHash(entry), siblings));
    return index;
  }

  /** Latest signed checkpoint; signs and stores a new one first when the log has grown since the last one. */
  async checkpoint(): Promise<{ note: string; size: number; rootHash: Uint8Array }> {
    const { note, size, rootHash } = await this.#latest();
    return { note, size, rootHash };
  }

  /** The signed checkpoint of the tree of `size` entries, signed now if none was yet; `size` ≤ the log's size. */
  async checkpointAt(size: number): Promise<{ note: string; size: number; rootHash: Uint8Array }> {
    await this.#assertSize(size);
    const { note, rootHash } = await this.#signed(size);
    return { note, size, rootHash };
  }

  async inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    assertWhole(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new AppError(
        'custody_index_out_of_range',
        400,
        `Entry ${index} is not in the tree of size ${size}: the index must be at least 0 and below the size.`,
      );
    }
    return this.#withinLog(size, (fetch) => inclusionProof(index, size, fetch));
  }

  async consistencyProof(oldSize: number, newSize: number): Promise<Uint8Array[]> {
    assertWhole(newSize);
    if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize) {
      throw new AppError(
        'custody_sizes_out_of_order',
        400,
        `The old size ${oldSize} must be a whole number from 0 up to the new size ${newSize}.`,
      );
    }
    return this.#withinLog(newSize, (fetch) => consistencyProof(oldSize, newSize, fetch));
  }

  /** The exact bytes of entries [from, to), in order; fewer when the log ends before `to`. */
  async entries(from: number, to: number): Promise<Uint8Array[]> {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from) {
      throw new AppError('custody_range_invalid', 400, `Entries ${from} to ${to} are not a range of the log.`);
    }
    return readEntries(this.#db, from, to);
  }

  /**
   * Integrity check: every leaf hash recomputed from its entry, every stored interior hash from its children, every
   * checkpoint's signature and root. Reports the first problem found; throws only when it cannot read the log.
   */
  verify(onProgress?: ProgressCallback): Promise<LogVerifyResult> {
    return verifyLog(this.#db, { origin: this.origin, verifiers: this.#verifiers }, onProgress);
  }

  /** `verify` as one check of the node's integrity check. */
  logCheck(): IntegrityCheck {
    return {
      name: 'custody log',
      unit: 'entries',
      run: async (onProgress) => {
        const result = await this.verify(onProgress);
        return { ok: result.ok, checked: result.size, problems: result.problems };
      },
    };
  }

  // For the API and the console: policy first.

  async readCheckpoint(ctx: RequestContext): Promise<CheckpointView> {
    await this.#audit.authorize(ctx, 'custody.read');
    return this.#view(await this.#latest());
  }

  /** Without `size`: against the latest checkpoint. */
  async proveInclusion(ctx: RequestContext, index: number, size?: number): Promise<InclusionProofView> {
    await this.#audit.authorize(ctx, 'custody.read');
    const at = size ?? (await this.#latest()).size;
    const proof = await this.inclusionProof(index, at);
    const [entry] = await readEntries(this.#db, index, index + 1);
    if (!entry) throw new Error(`the custody log is missing entry ${index}`);
    return {
      index,
      size: at,
      leafHash: base64(leafHash(entry)),
      proof: proof.map(base64),
      checkpoint: this.#view(await this.#signed(at)),
    };
  }

  /** Without `newSize`: up to the latest checkpoint. */
  async proveConsistency(ctx: RequestContext, oldSize: number, newSize?: number): Promise<ConsistencyProofView> {
    await this.#audit.authorize(ctx, 'custody.read');
    const to = newSize ?? (await this.#latest()).size;
    const proof = await this.consistencyProof(oldSize, to);
    return {
      oldSize,
      newSize: to,
      proof: proof.map(base64),
      oldCheckpoint: this.#view(await this.#signed(oldSize)),
      newCheckpoint: this.#view(await this.#signed(to)),
    };
  }

  async readEntry(ctx: RequestContext, index: number): Promise<EntryView> {
    await this.#audit.authorize(ctx, 'custody.read');
    const [entry] = await this.entries(index, index + 1);
    if (!entry) throw notFound(`Entry ${index} of the custody log`);
    return { index, entry: base64(entry), leafHash: base64(leafHash(entry)) };
  }

  /**
   * Runs the node's integrity checks one after another (the log's, and those other modules add) and records the run
   * in the audit trail with its outcome.
   */
  async checkIntegrity(
    ctx: RequestContext,
    checks: readonly IntegrityCheck[],
    onProgress?: (check: string, done: number, total: number) => void,
  ): Promise<IntegrityReport> {
    await this.#audit.authorize(ctx, 'custody.read');
    const results: IntegrityReport['checks'] = [];
    for (const check of checks) {
      const result = await check.run((done, total) => onProgress?.(check.name, done, total));
      results.push({ name: check.name, unit: check.unit, ...result });
    }
    const ok = results.every((r) => r.ok);
    await this.#db.transaction((tx) =>
      this.#audit.record(tx, ctx, { action: 'custody.verify', outcome: ok ? 'success' : 'failure' }),
    );
    return { ok, checks: results };
  }

  readonly #fetch: FetchHashes = (addresses) => fetchHashes(this.#db, addresses);

  async #assertSize(size: number): Promise<void> {
    assertWhole(size);
    const logSize = await readSize(this.#db);
    if (size > logSize) throw beyondLog(logSize, size);
  }

  /**
   * Runs a proof of the tree of `size` entries on hashes read together with the log's size (one round trip), and
   * refuses a size beyond the log before using them. A proof that needs no hash checks the size on its own.
   */
  async #withinLog<T>(size: number, prove: (fetch: FetchHashes) => Promise<T>): Promise<T> {
    let checked = false;
    const result = await prove(async (addresses) => {
      const { logSize, hashes } = await fetchHashesAndSize(this.#db, addresses);
      checked = true;
      if (size > logSize) throw beyondLog(logSize, size);
      return hashes.map((hash, i) => {
        if (!hash)
          throw new Error(
            `the custody log is missing the hash of subtree ${addresses[i]?.level}/${addresses[i]?.index}`,
          );
        return hash;
      });
    });
    if (!checked) await this.#assertSize(size);
    return result;
  }

  async #latest(): Promise<CheckpointRow> {
    const size = await readSize(this.#db);
    const latest = await latestCheckpoint(this.#db);
    // A checkpoint is never larger than the log; the integrity check reports one that is.
    if (latest && latest.size >= size) return this.#bySelf(latest);
    return this.#signed(size);
  }

  /** The stored checkpoint of `size`, or a new one signed over the root the stored hashes give. */
  async #signed(size: number): Promise<CheckpointRow> {
    const stored = await checkpointOfSize(this.#db, size);
    if (stored) return this.#bySelf(stored);
    const rootHash = await treeRoot(size, this.#fetch);
    const note = signNote(formatCheckpoint({ origin: this.origin, size, rootHash }), [
      { name: this.origin, privateKey: this.#signingKey },
    ]);
    await insertCheckpoint(this.#db, { size, rootHash, note });
    const saved = await checkpointOfSize(this.#db, size);
    if (!saved) throw new Error(`the custody checkpoint of size ${size} was not stored`);
    return saved;
  }

  /**
   * A stored checkpoint as the current key signs it: one signed before a key rotation is signed again (not stored;
   * Ed25519 signatures are deterministic), so that what the node hands out verifies with the key it publishes.
   */
  #bySelf(checkpoint: CheckpointRow): CheckpointRow {
    const opens = (verifiers: NoteVerifier[]) => {
      try {
        return openNote(checkpoint.note, verifiers).text;
      } catch {
        return null;
      }
    };
    if (opens([this.#verifier]) !== null) return checkpoint;
    // One that no key of this node signed is handed out as it is: the integrity check reports it.
    const text = this.#verifiers.length > 1 ? opens(this.#verifiers) : null;
    if (text === null) return checkpoint;
    return { ...checkpoint, note: signNote(text, [{ name: this.origin, privateKey: this.#signingKey }]) };
  }

  #view(checkpoint: CheckpointRow): CheckpointView {
    return {
      origin: this.origin,
      size: checkpoint.size,
      rootHash: base64(checkpoint.rootHash),
      note: checkpoint.note,
      verifierKey: this.verifierKey,
      fingerprint: this.fingerprint,
      signedAt: checkpoint.signedAt,
    };
  }
}
