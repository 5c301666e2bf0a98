import { timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../../db/client.ts';
import { CheckpointError, parseCheckpoint } from '../../lib/checkpoint.ts';
import { leafHash, nodeHash } from '../../lib/merkle.ts';
import {
  completeAt,
  type FetchHashes,
  type NodeAddress,
  rangeBlocks,
  topLevel,
  treeRoot,
} from '../../lib/merkle-tiles.ts';
import { NoteError, type NoteVerifier, openNote } from '../../lib/signed-note.ts';
import {
  type CheckpointRow,
  checkpointsPage,
  fetchHashes,
  hashesPage,
  headSnapshot,
  leavesPage,
} from './custody.repository.ts';

/**
 * The node's integrity check (`passage custody verify`): a list of checks, each reporting what it found. The custody
 * log is one check; another module adds its own (evidence blobs) by implementing `IntegrityCheck`.
 */

export type ProgressCallback = (done: number, total: number) => void;

/** One problem a check found. Messages name positions and kinds, never the content of an entry. */
export interface IntegrityProblem {
  kind: string;
  message: string;
  /** Entry or subtree index, where the problem has one. */
  index?: number;
  /** Tree level of a subtree hash (0 = leaf hashes). */
  level?: number;
  /** Tree size of a checkpoint. */
  size?: number;
  /** Another kind of reference (e.g. a blob's hash), for checks other than the log. */
  ref?: string;
}

export interface IntegrityCheckResult {
  ok: boolean;
  /** How many things were checked (the log: its entries). */
  checked: number;
  problems: IntegrityProblem[];
}

export interface IntegrityCheck {
  /** Names the check in reports, e.g. "custody log". */
  name: string;
  /** What `checked` counts, in the plural, e.g. "entries". */
  unit: string;
  /** Reports problems in the result; throws only when it cannot run at all (e.g. the database is unreachable). */
  run(onProgress?: ProgressCallback): Promise<IntegrityCheckResult>;
}

export type LogProblemKind =
  | 'entry_beyond_head'
  | 'hash_beyond_head'
  | 'checkpoint_beyond_head'
  | 'entry_missing'
  | 'hash_missing'
  | 'leaf_hash_mismatch'
  | 'node_hash_mismatch'
  | 'checkpoint_signature'
  | 'checkpoint_mismatch';

export interface LogProblem extends IntegrityProblem {
  kind: LogProblemKind;
}

export interface LogVerifyResult {
  ok: boolean;
  size: number;
  problems: LogProblem[];
}

export interface LogIdentity {
  origin: string;
  /** The node's current key and the keys it signed with before a rotation: old checkpoints stay valid. */
  verifiers: readonly NoteVerifier[];
}

const PAGE = 4096;

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && timingSafeEqual(a, b);

/**
 * Recomputes every leaf hash from its entry and every stored subtree hash from its children, bottom-up, then checks
 * every checkpoint's signature and its root against the tree. Stops at the first problem. Reads one snapshot of the
 * head first and only what lies within it, so appends running meanwhile neither disturb nor confuse it.
 */
export async function verifyLog(
  q: Queryable,
  log: LogIdentity,
  onProgress?: ProgressCallback,
): Promise<LogVerifyResult> {
  const head = await headSnapshot(q);
  const { size } = head;
  const fail = (problem: LogProblem): LogVerifyResult => ({ ok: false, size, problems: [problem] });

  if (head.strayEntry !== null) {
    const index = head.strayEntry;
    return fail({ kind: 'entry_beyond_head', index, message: `Entry ${index} lies beyond the log's size ${size}.` });
  }
  if (head.strayHash) {
    const { level, index } = head.strayHash;
    return fail({
      kind: 'hash_beyond_head',
      level,
      index,
      message: `The hash of subtree ${level}/${index} lies beyond the log's size ${size}.`,
    });
  }
  if (head.strayCheckpoint !== null) {
    const at = head.strayCheckpoint;
    return fail({
      kind: 'checkpoint_beyond_head',
      size: at,
      message: `A checkpoint of size ${at} lies beyond the log's size ${size}.`,
    });
  }

  let interior = 0;
  for (let level = 1; level <= topLevel(size); level++) interior += completeAt(level, size);
  const total = size + interior + head.checkpoints;
  let done = 0;
  const advance = (n: number) => {
    done += n;
    onProgress?.(done, total);
  };
  onProgress?.(0, total);

  const leafProblem = await verifyLeaves(q, size, advance);
  if (leafProblem) return fail(leafProblem);
  for (let level = 1; level <= topLevel(size); level++) {
    const problem = await verifyLevel(q, level, size, advance);
    if (problem) return fail(problem);
  }
  const checkpointProblem = await verifyCheckpoints(q, log, size, advance);
  if (checkpointProblem) return fail(checkpointProblem);
  return { ok: true, size, problems: [] };
}

async function verifyLeaves(q: Queryable, size: number, advance: (n: number) => void): Promise<LogProblem | null> {
  for (let from = 0; from < size; from += PAGE) {
    const to = Math.min(size, from + PAGE);
    const rows = await leavesPage(q, from, to);
    const byIndex = new Map(rows.map((row) => [row.index, row]));
    for (let index = from; index < to; index++) {
      const row = byIndex.get(index);
      if (!row?.entry) return { kind: 'entry_missing', index, message: `Entry ${index} is missing.` };
      if (!row.hash) {
        return { kind: 'hash_missing', level: 0, index, message: `The leaf hash of entry ${index} is missing.` };
      }
      if (!same(leafHash(row.entry), row.hash)) {
        return {
          kind: 'leaf_hash_mismatch',
          level: 0,
          index,
          message: `Entry ${index} does not match its stored leaf hash: the entry or the hash was altered.`,
        };
      }
    }
    advance(to - from);
  }
  return null;
}

/** Level `level` against level − 1, which is already verified. */
async function verifyLevel(
  q: Queryable,
  level: number,
  size: number,
  advance: (n: number) => void,
): Promise<LogProblem | null> {
  const count = completeAt(level, size);
  for (let from = 0; from < count; from += PAGE) {
    const to = Math.min(count, from + PAGE);
    const [nodes, children] = [await hashesPage(q, level, from, to), await hashesPage(q, level - 1, 2 * from, 2 * to)];
    const parents = new Map(nodes.map((n) => [n.index, n.hash]));
    const below = new Map(children.map((n) => [n.index, n.hash]));
    for (let index = from; index < to; index++) {
      const hash = parents.get(index);
      const missing = (at: number, l: number): LogProblem => ({
        kind: 'hash_missing',
        level: l,
        index: at,
        message: `The hash of subtree ${l}/${at} is missing.`,
      });
      if (!hash) return missing(index, level);
      const left = below.get(2 * index);
      const right = below.get(2 * index + 1);
      if (!left) return missing(2 * index, level - 1);
      if (!right) return missing(2 * index + 1, level - 1);
      if (!same(nodeHash(left, right), hash)) {
        return {
          kind: 'node_hash_mismatch',
          level,
          index,
          message: `The hash of subtree ${level}/${index} does not match the hashes of its two halves.`,
        };
      }
    }
    advance(to - from);
  }
  return null;
}

/** Every checkpoint within the log: signed by the node's key, naming this log, with the root the tree has. */
async function verifyCheckpoints(
  q: Queryable,
  log: LogIdentity,
  size: number,
  advance: (n: number) => void,
): Promise<LogProblem | null> {
  let after = -1;
  for (;;) {
    const page = await checkpointsPage(q, after, size, PAGE / 16);
    if (page.length === 0) return null;
    const roots = await rootsOf(
      q,
      page.map((c) => c.size),
    );
    for (const [i, checkpoint] of page.entries()) {
      const problem = checkCheckpoint(checkpoint, log, roots[i] as Uint8Array);
      if (problem) return problem;
    }
    advance(page.length);
    after = page.at(-1)?.size ?? size;
  }
}

function checkCheckpoint(checkpoint: CheckpointRow, log: LogIdentity, treeRootHash: Uint8Array): LogProblem | null {
  const at = checkpoint.size;
  let text: string;
  try {
    text = openNote(checkpoint.note, log.verifiers).text;
  } catch (error) {
    if (!(error instanceof NoteError)) throw error;
    return {
      kind: 'checkpoint_signature',
      size: at,
      message: `The checkpoint of size ${at} is not signed by the node's key (${error.message}).`,
    };
  }
  const mismatch = (what: string): LogProblem => ({
    kind: 'checkpoint_mismatch',
    size: at,
    message: `The checkpoint of size ${at} ${what}.`,
  });
  try {
    const body = parseCheckpoint(text);
    if (body.origin !== log.origin) return mismatch(`names another log (${body.origin})`);
    if (body.size !== at || !same(body.rootHash, checkpoint.rootHash)) return mismatch('differs from its stored row');
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    return mismatch(`is malformed (${error.message})`);
  }
  if (!same(checkpoint.rootHash, treeRootHash)) return mismatch("has a root hash that the log's tree does not have");
  return null;
}

/** Tree roots of several sizes, with one query for all the subtree hashes they need. */
async function rootsOf(q: Queryable, sizes: readonly number[]): Promise<Uint8Array[]> {
  const key = (a: NodeAddress) => `${a.level}/${a.index}`;
  const unique = new Map<string, NodeAddress>();
  for (const size of sizes) for (const block of rangeBlocks(0, size)) unique.set(key(block), block);
  const addresses = [...unique.values()];
  const hashes = await fetchHashes(q, addresses);
  const known = new Map(addresses.map((a, i) => [key(a), hashes[i] as Uint8Array]));
  const fetch: FetchHashes = async (wanted) => wanted.map((a) => known.get(key(a)) as Uint8Array);
  return Promise.all(sizes.map((size) => treeRoot(size, fetch)));
}
