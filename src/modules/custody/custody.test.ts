import { createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNode, type TestNode } from '../../../test/helpers.ts';
import { operatorContext } from '../../app/operations.ts';
import type { Db } from '../../db/client.ts';
import { parseCheckpoint } from '../../lib/checkpoint.ts';
import { AppError } from '../../lib/errors.ts';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import * as merkle from '../../lib/merkle.ts';
import { openNote, parseVerifierKey } from '../../lib/signed-note.ts';
import type { CustodyLogService } from './custody.service.ts';

const operator = operatorContext('custody-test');

/** A custody event as decision 0004 spells it: references and hashes only. */
function event(n: number): Uint8Array {
  const json = JSON.stringify({
    v: 1,
    node: 'node-test',
    item: `item-${n}`,
    sha256: n.toString(16).padStart(64, '0'),
    event: 'collected',
    actor: 'console',
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    reason: null,
  });
  return new TextEncoder().encode(json);
}

async function appendMany(node: TestNode, from: number, count: number): Promise<number[]> {
  const indices: number[] = [];
  for (let n = from; n < from + count; n++) {
    indices.push(await node.services.db.transaction((tx) => node.services.custody.append(tx, event(n))));
  }
  return indices;
}

/** Every entry's leaf hash, straight from the entries, for the reference computation. */
async function referenceLeaves(custody: CustodyLogService, size: number): Promise<Uint8Array[]> {
  return (await custody.entries(0, size)).map(merkle.leafHash);
}

/** Opens a checkpoint note as an outside verifier would: with nothing but the published verifier key. */
function openCheckpoint(custody: CustodyLogService, note: string) {
  const opened = openNote(note, [parseVerifierKey(custody.verifierKey)]);
  expect(opened.verifiedBy).toEqual([custody.origin]);
  return parseCheckpoint(opened.text);
}

/** Hashes compared by value: the database drivers and node:crypto return different Uint8Array subclasses. */
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const hexes = (list: readonly Uint8Array[]) => list.map(hex);

const count = async (db: Db, table: string) =>
  Number((await db.query<{ n: bigint }>(`select count(*) as n from ${table}`))[0]?.n);

async function expectAppError(promise: Promise<unknown>, id: string, status = 400) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ id, status });
}

describe('the custody log', () => {
  let node: TestNode;
  let custody: CustodyLogService;
  beforeAll(async () => {
    node = await createTestNode();
    custody = node.services.custody;
  });
  afterAll(() => node.close());

  it('names its origin and keys after the node and its signing key', () => {
    const publicKey = createPublicKey(node.services.keys.signingKey);
    expect(custody.origin).toBe('passage/node-test/custody');
    expect(parseVerifierKey(custody.verifierKey).name).toBe(custody.origin);
    expect(custody.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(custody.fingerprint).toBe(keyFingerprint(publicKey));
  });

  it('signs a checkpoint of the empty log', async () => {
    const checkpoint = await custody.checkpoint();
    expect(checkpoint.size).toBe(0);
    expect(hex(checkpoint.rootHash)).toBe(hex(merkle.rootHash([])));
    const body = openCheckpoint(custody, checkpoint.note);
    expect(body).toMatchObject({ origin: custody.origin, size: 0 });
  });

  it('numbers appended entries from 0 and keeps their exact bytes', async () => {
    expect(await appendMany(node, 0, 37)).toEqual([...Array(37).keys()]);
    const entries = await custody.entries(0, 37);
    expect(entries).toHaveLength(37);
    for (const [i, entry] of entries.entries()) expect(Buffer.from(entry).equals(event(i)), `entry ${i}`).toBe(true);
    expect(await custody.entries(30, 100)).toHaveLength(7);
    expect(await custody.entries(37, 40)).toEqual([]);
  });

  it('stores the leaf hashes and the complete subtrees only: 37 + 18 + 9 + 4 + 2 + 1 hashes', async () => {
    expect(await count(node.services.db, 'custody_hashes')).toBe(37 + 18 + 9 + 4 + 2 + 1);
    expect(await count(node.services.db, 'custody_entries')).toBe(37);
  });

  it('signs a checkpoint whose root is the reference root, and keeps it until the log grows', async () => {
    const first = await custody.checkpoint();
    expect(first.size).toBe(37);
    expect(hex(first.rootHash)).toBe(hex(merkle.rootHash(await referenceLeaves(custody, 37))));
    const body = openCheckpoint(custody, first.note);
    expect(body.size).toBe(37);
    expect(hex(body.rootHash)).toBe(hex(first.rootHash));
    expect(await custody.checkpoint()).toEqual(first);
    await appendMany(node, 37, 1);
    const next = await custody.checkpoint();
    expect(next.size).toBe(38);
    expect(next.note).not.toBe(first.note);
    // Every signed note is kept.
    expect(await count(node.services.db, 'custody_checkpoints')).toBe(3);
  });

  it('proves every entry included in the signed tree', async () => {
    const { size, note } = await custody.checkpoint();
    const { rootHash } = openCheckpoint(custody, note);
    const leaves = await referenceLeaves(custody, size);
    for (let index = 0; index < size; index++) {
      const proof = await custody.inclusionProof(index, size);
      expect(hexes(proof)).toEqual(hexes(merkle.inclusionProof(leaves, index)));
      expect(merkle.verifyInclusion(leaves[index] as Uint8Array, index, size, proof, rootHash)).toBe(true);
    }
  });

  it('proves each older size consistent with the newest', async () => {
    const { size, note } = await custody.checkpoint();
    const leaves = await referenceLeaves(custody, size);
    const newRoot = openCheckpoint(custody, note).rootHash;
    for (let old = 0; old <= size; old++) {
      const older = await custody.checkpointAt(old);
      const oldRoot = openCheckpoint(custody, older.note).rootHash;
      const proof = await custody.consistencyProof(old, size);
      expect(hexes(proof)).toEqual(hexes(merkle.consistencyProof(leaves, old)));
      expect(merkle.verifyConsistency(old, size, proof, oldRoot, newRoot)).toBe(true);
    }
  });

  it('refuses proofs outside the log with clear error ids', async () => {
    const { size } = await custody.checkpoint();
    await expectAppError(custody.inclusionProof(size, size), 'custody_index_out_of_range');
    await expectAppError(custody.inclusionProof(-1, size), 'custody_index_out_of_range');
    await expectAppError(custody.inclusionProof(0, size + 1), 'custody_size_beyond_log');
    await expectAppError(custody.inclusionProof(0, 2.5), 'custody_size_invalid');
    await expectAppError(custody.consistencyProof(5, 4), 'custody_sizes_out_of_order');
    await expectAppError(custody.consistencyProof(0, size + 1), 'custody_size_beyond_log');
    await expectAppError(custody.checkpointAt(size + 1), 'custody_size_beyond_log');
    await expectAppError(custody.entries(3, 1), 'custody_range_invalid');
  });

  it('leaves nothing behind when the appending transaction rolls back', async () => {
    const before = await custody.checkpoint();
    const hashes = await count(node.services.db, 'custody_hashes');
    await expect(
      node.services.db.transaction(async (tx) => {
        // Entry 39 completes subtrees at levels 1 to 3, so hashes above the leaves are written too.
        await custody.append(tx, event(1000));
        await custody.append(tx, event(1001));
        throw new Error('the caller changed its mind');
      }),
    ).rejects.toThrow('changed its mind');
    expect(await count(node.services.db, 'custody_entries')).toBe(before.size);
    expect(await count(node.services.db, 'custody_hashes')).toBe(hashes);
    expect((await custody.checkpoint()).size).toBe(before.size);
    // The next append takes the index the rolled-back one had.
    expect(await appendMany(node, 38, 1)).toEqual([before.size]);
  });

  it('passes its integrity check, reporting progress up to the total', async () => {
    const progress: [number, number][] = [];
    const result = await custody.verify((done, total) => progress.push([done, total]));
    expect(result).toEqual({ ok: true, size: 39, problems: [] });
    const [done, total] = progress.at(-1) as [number, number];
    expect(done).toBe(total);
    // 39 entries, 19 + 9 + 4 + 2 + 1 interior hashes, and the checkpoints signed so far (0, 37, 38 and 0..38).
    expect(total).toBe(39 + 35 + (await count(node.services.db, 'custody_checkpoints')));
  });

  it('records an integrity check run in the audit trail', async () => {
    const report = await custody.checkIntegrity(operator, [custody.logCheck()]);
    expect(report).toEqual({
      ok: true,
      checks: [{ name: 'custody log', unit: 'entries', ok: true, checked: 39, problems: [] }],
    });
    const records = await node.services.audit.records({ action: 'custody.verify', limit: 10 });
    expect(records.map((r) => [r.actor, r.outcome])).toEqual([['operator:custody-test', 'success']]);
  });

  it('refuses to change or remove what it stored', async () => {
    const db = node.services.db;
    for (const sql of [
      'update custody_entries set entry = $1 where idx = 0',
      'delete from custody_entries where idx = 0',
      'truncate custody_entries',
      'update custody_hashes set hash = sha256($1) where level = 1 and idx = 0',
      'delete from custody_hashes where level = 0 and idx = 0',
      'truncate custody_hashes cascade',
      "update custody_checkpoints set note = 'x' || $1::text where size = 0",
      'delete from custody_checkpoints',
      'truncate custody_checkpoints',
      'update custody_log_head set size = 3',
      'delete from custody_log_head',
      'truncate custody_log_head',
    ]) {
      const params = sql.includes('$1') ? [Buffer.from('x')] : [];
      await expect(db.query(sql, params), sql).rejects.toThrow(/append-only|only grows/);
    }
    expect((await custody.verify()).ok).toBe(true);
  });
});

describe('concurrent appends', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await createTestNode();
  });
  afterAll(() => node.close());

  it('number 50 parallel transactions without gaps or duplicates', async () => {
    const { db, custody } = node.services;
    const indices = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        db.transaction(async (tx) => {
          // Work before and after the append, as a caller's transaction would do, widens the window for races.
          await tx.query('select pg_sleep(0.002)');
          const index = await custody.append(tx, event(n));
          await tx.query('select pg_sleep(0.002)');
          return index;
        }),
      ),
    );
    expect([...indices].sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
    const entries = await custody.entries(0, 50);
    // Each transaction got the index its entry is stored under.
    for (const [n, index] of indices.entries()) {
      expect(Buffer.from(entries[index] as Uint8Array).equals(event(n))).toBe(true);
    }
    const { rootHash } = await custody.checkpoint();
    expect(hex(rootHash)).toBe(hex(merkle.rootHash(entries.map(merkle.leafHash))));
    expect(await custody.verify()).toEqual({ ok: true, size: 50, problems: [] });
  });
});

/** Changes a custody table behind the log's back, as someone with database access could. */
async function tamper(db: Db, table: string, sql: string, params: unknown[] = []) {
  await db.transaction(async (tx) => {
    await tx.query(`alter table ${table} disable trigger ${table}_no_update`);
    await tx.query(sql, params);
    await tx.query(`alter table ${table} enable trigger ${table}_no_update`);
  });
}

describe('tampering', () => {
  /** A node of its own with a log of 21 entries and a checkpoint, for a test that damages it. */
  async function withLog(fn: (node: TestNode) => Promise<void>) {
    const node = await createTestNode();
    try {
      await appendMany(node, 0, 21);
      await node.services.custody.checkpoint();
      expect((await node.services.custody.verify()).ok).toBe(true);
      await fn(node);
    } finally {
      await node.close();
    }
  }

  const problemOf = async (node: TestNode) => {
    const result = await node.services.custody.verify();
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    return result.problems[0];
  };

  it('finds an altered entry', () =>
    withLog(async (node) => {
      const altered = Buffer.from(event(5)).toString().replace('collected', 'disposed');
      await tamper(node.services.db, 'custody_entries', 'update custody_entries set entry = $1 where idx = 5', [
        Buffer.from(altered),
      ]);
      expect(await problemOf(node)).toMatchObject({ kind: 'leaf_hash_mismatch', level: 0, index: 5 });
    }));

  it('finds an altered leaf hash', () =>
    withLog(async (node) => {
      await tamper(
        node.services.db,
        'custody_hashes',
        'update custody_hashes set hash = sha256(hash) where level = 0 and idx = 12',
      );
      expect(await problemOf(node)).toMatchObject({ kind: 'leaf_hash_mismatch', level: 0, index: 12 });
    }));

  it('finds an altered interior hash', () =>
    withLog(async (node) => {
      await tamper(
        node.services.db,
        'custody_hashes',
        'update custody_hashes set hash = sha256(hash) where level = 2 and idx = 3',
      );
      const problem = await problemOf(node);
      expect(problem).toMatchObject({ kind: 'node_hash_mismatch', level: 2, index: 3 });
      expect(problem?.message).toContain('2/3');
    }));

  it('finds a removed hash and a removed entry', () =>
    withLog(async (node) => {
      await tamper(node.services.db, 'custody_hashes', 'delete from custody_hashes where level = 3 and idx = 1');
      expect(await problemOf(node)).toMatchObject({ kind: 'hash_missing', level: 3, index: 1 });
      await tamper(node.services.db, 'custody_entries', 'delete from custody_entries where idx = 20');
      expect(await problemOf(node)).toMatchObject({ kind: 'entry_missing', index: 20 });
    }));

  it('finds a rewritten branch through the signed checkpoint', () =>
    withLog(async (node) => {
      // Entry 20 and every hash above it rewritten consistently: only the checkpoint can tell.
      const { db, custody } = node.services;
      const forged = Buffer.from(Buffer.from(event(20)).toString().replace('collected', 'returned'));
      const leaves = (await custody.entries(0, 21)).map(merkle.leafHash);
      leaves[20] = merkle.leafHash(forged);
      await tamper(db, 'custody_entries', 'update custody_entries set entry = $1 where idx = 20', [forged]);
      // In a tree of 21 leaves, leaf 20 is its own complete subtree at level 0 only.
      await tamper(db, 'custody_hashes', 'update custody_hashes set hash = $1 where level = 0 and idx = 20', [
        Buffer.from(leaves[20] as Uint8Array),
      ]);
      expect(await problemOf(node)).toMatchObject({ kind: 'checkpoint_mismatch', size: 21 });
    }));

  it('finds a checkpoint whose signature does not verify', () =>
    withLog(async (node) => {
      const { db } = node.services;
      const [row] = await db.query<{ note: string }>('select note from custody_checkpoints where size = 21');
      const forged = String(row?.note).replace(/\n21\n/, '\n20\n');
      await tamper(db, 'custody_checkpoints', 'update custody_checkpoints set note = $1 where size = 21', [forged]);
      expect(await problemOf(node)).toMatchObject({ kind: 'checkpoint_signature', size: 21 });
    }));

  it('finds rows written beyond the head', () =>
    withLog(async (node) => {
      await node.services.db.query('insert into custody_hashes (level, idx, hash) values (3, 2, sha256($1))', [
        Buffer.from('x'),
      ]);
      expect(await problemOf(node)).toMatchObject({ kind: 'hash_beyond_head', level: 3, index: 2 });
    }));

  it('reports the failed check in the audit trail and in the report', () =>
    withLog(async (node) => {
      const { db, custody, audit } = node.services;
      await tamper(db, 'custody_hashes', 'update custody_hashes set hash = sha256(hash) where level = 4 and idx = 0');
      const report = await custody.checkIntegrity(operator, [custody.logCheck()]);
      expect(report.ok).toBe(false);
      expect(report.checks[0]?.problems[0]).toMatchObject({ kind: 'node_hash_mismatch', level: 4, index: 0 });
      const records = await audit.records({ action: 'custody.verify', limit: 10 });
      expect(records.map((r) => r.outcome)).toEqual(['failure']);
    }));
});
