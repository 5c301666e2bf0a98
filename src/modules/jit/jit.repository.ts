import type { Queryable } from '../../db/client.ts';
import { iso, type Row } from '../../db/rows.ts';
import type { Handling } from '../../shared/handling.ts';

export const ENTRY_KINDS = ['message', 'task', 'task_done', 'member', 'evidence'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** A JIT agreement as this node keeps it. */
export interface JitRecord {
  id: string;
  name: string;
  purpose: string;
  /** Every party's node id, the creating node's first. */
  parties: string[];
  startsOn: string;
  endsOn: string;
  createdByNode: string;
  createdAt: string;
  /** The agencies of this node that take part. */
  agencyIds: string[];
}

/** Who wrote an entry: a person's display name and their agency, as the writing node named them. */
export interface Author {
  name: string;
  agency: string | null;
}

/** A timeline entry with its data still sealed; its handling code and grading in clear, as they travelled. */
export interface SealedEntry extends Handling {
  id: string;
  jitId: string;
  node: string;
  author: Author;
  at: string;
  kind: EntryKind;
  dataSealed: string;
}

const SELECT = `select j.id, j.name, j.purpose, j.parties, j.starts_on::text as starts_on, j.ends_on::text as ends_on,
  j.created_by_node, j.created_at,
  coalesce((select array_agg(a.agency_id order by a.agency_id) from jit_agencies a where a.jit_id = j.id), '{}')
    as agency_ids
  from jits j`;

const toJit = (r: Row): JitRecord => ({
  id: r.id,
  name: r.name,
  purpose: r.purpose,
  parties: r.parties,
  startsOn: r.starts_on,
  endsOn: r.ends_on,
  createdByNode: r.created_by_node,
  createdAt: iso(r.created_at) as string,
  agencyIds: r.agency_ids,
});

const toEntry = (r: Row): SealedEntry => ({
  id: r.id,
  jitId: r.jit_id,
  node: r.node,
  author: { name: r.author_name, agency: r.author_agency },
  at: iso(r.at) as string,
  kind: r.kind,
  handlingCode: r.handling_code,
  sourceReliability: r.source_reliability,
  informationAccuracy: r.information_accuracy,
  dataSealed: r.data_sealed,
});

export async function insertJit(q: Queryable, jit: Omit<JitRecord, 'agencyIds'>): Promise<void> {
  await q.query(
    `insert into jits (id, name, purpose, parties, starts_on, ends_on, created_by_node, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      jit.id,
      jit.name,
      jit.purpose,
      JSON.stringify(jit.parties),
      jit.startsOn,
      jit.endsOn,
      jit.createdByNode,
      jit.createdAt,
    ],
  );
}

/** With `forUpdate`, in a transaction: the JIT is locked until it commits, so entries and members are added in turn. */
export async function findJit(q: Queryable, id: string, forUpdate = false): Promise<JitRecord | null> {
  if (forUpdate) await q.query('select id from jits where id = $1 for update', [id]);
  const [row] = await q.query<Row>(`${SELECT} where j.id = $1`, [id]);
  return row ? toJit(row) : null;
}

/** Newest first; `agencies` null: every JIT, else only those in which one of these agencies takes part. */
export async function listJits(q: Queryable, agencies: string[] | null): Promise<JitRecord[]> {
  const rows = await q.query<Row>(
    `${SELECT} where $1::text[] is null
       or exists (select 1 from jit_agencies a where a.jit_id = j.id and a.agency_id = any($1::text[]))
     order by j.created_at desc, j.id desc`,
    [agencies],
  );
  return rows.map(toJit);
}

export async function addAgency(q: Queryable, jitId: string, agencyId: string, addedBy: string): Promise<void> {
  await q.query('insert into jit_agencies (jit_id, agency_id, added_by) values ($1, $2, $3)', [
    jitId,
    agencyId,
    addedBy,
  ]);
}

/** False when an entry with this id is already here. */
export async function insertEntry(q: Queryable, entry: SealedEntry): Promise<boolean> {
  const rows = await q.query(
    `insert into jit_entries (id, jit_id, node, author_name, author_agency, at, kind, data_sealed, handling_code,
                              source_reliability, information_accuracy)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict (id) do nothing returning id`,
    [
      entry.id,
      entry.jitId,
      entry.node,
      entry.author.name,
      entry.author.agency,
      entry.at,
      entry.kind,
      entry.dataSealed,
      entry.handlingCode,
      entry.sourceReliability,
      entry.informationAccuracy,
    ],
  );
  return rows.length > 0;
}

/** The timeline in the order every party shows it: by time, then id. */
export async function entries(q: Queryable, jitId: string): Promise<SealedEntry[]> {
  const rows = await q.query<Row>('select * from jit_entries where jit_id = $1 order by at, id', [jitId]);
  return rows.map(toEntry);
}
