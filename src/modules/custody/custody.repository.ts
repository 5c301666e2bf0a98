import type { Queryable } from '../../db/client.ts';
import type { NodeAddress, StoredNode } from '../../lib/merkle-tiles.ts';

/** SQL of the custody log (migration 0004). Entries and hashes are bytea; indices and sizes are bigint. */

export interface CheckpointRow {
  size: number;
  rootHash: Uint8Array;
  note: string;
  signedAt: string;
}

/** pg returns bytea as a Buffer, PGlite as a Uint8Array: callers always get a plain Uint8Array (no copy). */
const bytes = (value: Uint8Array): Uint8Array => new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
const toBuffer = (value: Uint8Array): Buffer => Buffer.from(value.buffer, value.byteOffset, value.byteLength);

/** The committed size of the log. */
export async function readSize(q: Queryable): Promise<number> {
  const [row] = await q.query<{ size: bigint }>('select size from custody_log_head');
  return Number(row?.size ?? 0);
}

/** Locks the head row until the transaction ends, so appends are numbered one after another; returns the size. */
export async function lockHead(tx: Queryable): Promise<number> {
  // The siblings must be read by a later statement: under READ COMMITTED one statement's snapshot predates the lock
  // it waited for, and would miss the hashes that the previous appender committed meanwhile.
  const [row] = await tx.query<{ size: bigint }>('select size from custody_log_head for update');
  if (!row) throw new Error('the custody log has no head row (migration 0004 not applied?)');
  return Number(row.size);
}

/** Stored hashes of `addresses`, in order; a missing one is a damaged log, which callers report as an error. */
export async function fetchHashes(q: Queryable, addresses: readonly NodeAddress[]): Promise<Uint8Array[]> {
  if (addresses.length === 0) return [];
  const rows = await q.query<{ level: number; idx: bigint; hash: Uint8Array | null }>(
    `select a.level, a.idx, h.hash
       from unnest($1::smallint[], $2::bigint[]) with ordinality as a(level, idx, position)
       left join custody_hashes h on h.level = a.level and h.idx = a.idx
      order by a.position`,
    [addresses.map((a) => a.level), addresses.map((a) => a.index)],
  );
  return rows.map((row) => {
    if (!row.hash) throw new Error(`the custody log is missing the hash of subtree ${row.level}/${row.idx}`);
    return bytes(row.hash);
  });
}

/**
 * Stored hashes of `addresses`, in order (null where none is stored), and in the same snapshot the log's size: a
 * proof needs one round trip.
 */
export async function fetchHashesAndSize(
  q: Queryable,
  addresses: readonly NodeAddress[],
): Promise<{ logSize: number; hashes: (Uint8Array | null)[] }> {
  const rows = await q.query<{ log_size: bigint; position: bigint | null; hash: Uint8Array | null }>(
    `select head.size as log_size, a.position, h.hash
       from custody_log_head head
       left join unnest($1::smallint[], $2::bigint[]) with ordinality as a(level, idx, position) on true
       left join custody_hashes h on h.level = a.level and h.idx = a.idx
      order by a.position`,
    [addresses.map((a) => a.level), addresses.map((a) => a.index)],
  );
  const [first] = rows;
  if (!first) throw new Error('the custody log has no head row (migration 0004 not applied?)');
  return {
    logSize: Number(first.log_size),
    hashes: rows.filter((row) => row.position !== null).map((row) => row.hash && bytes(row.hash)),
  };
}

/** Writes entry `index`, its leaf hash and the subtrees it completes, and moves the head: one statement. */
export async function insertAppend(
  tx: Queryable,
  index: number,
  entry: Uint8Array,
  nodes: readonly StoredNode[],
): Promise<void> {
  await tx.query(
    `with entry as (
       insert into custody_entries (idx, entry) values ($1, $2)
     ), hashes as (
       insert into custody_hashes (level, idx, hash)
       select level, idx, decode(hash, 'hex') from unnest($3::smallint[], $4::bigint[], $5::text[]) as n(level, idx, hash)
     )
     update custody_log_head set size = $1::bigint + 1`,
    [
      index,
      toBuffer(entry),
      nodes.map((n) => n.level),
      nodes.map((n) => n.index),
      nodes.map((n) => toBuffer(n.hash).toString('hex')),
    ],
  );
}

/** Entries [from, to) in order. */
export async function readEntries(q: Queryable, from: number, to: number): Promise<Uint8Array[]> {
  const rows = await q.query<{ entry: Uint8Array }>(
    'select entry from custody_entries where idx >= $1 and idx < $2 order by idx',
    [from, to],
  );
  return rows.map((row) => bytes(row.entry));
}

interface CheckpointDbRow {
  size: bigint;
  root_hash: Uint8Array;
  note: string;
  signed_at: Date;
}

const toCheckpoint = (row: CheckpointDbRow): CheckpointRow => ({
  size: Number(row.size),
  rootHash: bytes(row.root_hash),
  note: row.note,
  signedAt: row.signed_at.toISOString(),
});

export async function latestCheckpoint(q: Queryable): Promise<CheckpointRow | null> {
  const [row] = await q.query<CheckpointDbRow>('select * from custody_checkpoints order by size desc limit 1');
  return row ? toCheckpoint(row) : null;
}

export async function checkpointOfSize(q: Queryable, size: number): Promise<CheckpointRow | null> {
  const [row] = await q.query<CheckpointDbRow>('select * from custody_checkpoints where size = $1', [size]);
  return row ? toCheckpoint(row) : null;
}

/** Stores a signed checkpoint unless one of that size exists (signatures are deterministic: it is the same note). */
export async function insertCheckpoint(q: Queryable, checkpoint: Omit<CheckpointRow, 'signedAt'>): Promise<void> {
  await q.query(
    'insert into custody_checkpoints (size, root_hash, note) values ($1, $2, $3) on conflict (size) do nothing',
    [checkpoint.size, toBuffer(checkpoint.rootHash), checkpoint.note],
  );
}

// What the integrity check reads.

/** The head and, in the same snapshot, the first row that lies beyond it (written around the log's code). */
export interface HeadSnapshot {
  size: number;
  checkpoints: number;
  strayEntry: number | null;
  strayHash: NodeAddress | null;
  strayCheckpoint: number | null;
}

export async function headSnapshot(q: Queryable): Promise<HeadSnapshot> {
  const [row] = await q.query<{
    size: bigint;
    checkpoints: bigint;
    stray_entry: bigint | null;
    stray_level: number | null;
    stray_idx: bigint | null;
    stray_checkpoint: bigint | null;
  }>(
    `with head as (select size from custody_log_head),
     stray_hash as (
       select l.level, s.idx
         from head, generate_series(0, 62) as l(level)
         cross join lateral (
           select idx from custody_hashes h where h.level = l.level and h.idx >= (head.size >> l.level)
            order by idx limit 1
         ) s
        order by l.level limit 1
     )
     select head.size,
            (select count(*) from custody_checkpoints where size <= head.size) as checkpoints,
            (select min(idx) from custody_entries where idx >= head.size) as stray_entry,
            (select level from stray_hash) as stray_level,
            (select idx from stray_hash) as stray_idx,
            (select min(size) from custody_checkpoints where size > head.size) as stray_checkpoint
       from head`,
  );
  if (!row) throw new Error('the custody log has no head row (migration 0004 not applied?)');
  const number = (v: bigint | null) => (v === null ? null : Number(v));
  return {
    size: Number(row.size),
    checkpoints: Number(row.checkpoints),
    strayEntry: number(row.stray_entry),
    strayHash:
      row.stray_level === null || row.stray_idx === null
        ? null
        : { level: row.stray_level, index: Number(row.stray_idx) },
    strayCheckpoint: number(row.stray_checkpoint),
  };
}

/** Entries and leaf hashes of [from, to), matched by index; either may be missing. */
export async function leavesPage(
  q: Queryable,
  from: number,
  to: number,
): Promise<{ index: number; entry: Uint8Array | null; hash: Uint8Array | null }[]> {
  const rows = await q.query<{ idx: bigint; entry: Uint8Array | null; hash: Uint8Array | null }>(
    `select idx, e.entry, h.hash
       from (select idx, entry from custody_entries where idx >= $1 and idx < $2) e
       full join (select idx, hash from custody_hashes where level = 0 and idx >= $1 and idx < $2) h using (idx)
      order by idx`,
    [from, to],
  );
  return rows.map((row) => ({
    index: Number(row.idx),
    entry: row.entry && bytes(row.entry),
    hash: row.hash && bytes(row.hash),
  }));
}

/** Stored hashes of `level` with index in [from, to), in order. */
export async function hashesPage(q: Queryable, level: number, from: number, to: number): Promise<StoredNode[]> {
  const rows = await q.query<{ idx: bigint; hash: Uint8Array }>(
    'select idx, hash from custody_hashes where level = $1 and idx >= $2 and idx < $3 order by idx',
    [level, from, to],
  );
  return rows.map((row) => ({ level, index: Number(row.idx), hash: bytes(row.hash) }));
}

/** Checkpoints of sizes in (after, upTo], smallest first. */
export async function checkpointsPage(
  q: Queryable,
  after: number,
  upTo: number,
  limit: number,
): Promise<CheckpointRow[]> {
  const rows = await q.query<CheckpointDbRow>(
    'select * from custody_checkpoints where size > $1 and size <= $2 order by size limit $3',
    [after, upTo, limit],
  );
  return rows.map(toCheckpoint);
}
