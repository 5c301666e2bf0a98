import type { Queryable } from '../../db/client.ts';
import type { CustodyEventType, Transformation } from '../../shared/evidence.ts';
import type { EvidenceMetadata } from './evidence-input.ts';

export interface EvidenceItemRow extends EvidenceMetadata {
  id: string;
  caseId: string;
  sha256: string;
  sha512: string;
  size: number;
  parentId: string | null;
  parentSha256: string | null;
  transformation: Transformation | null;
  createdAt: string;
  createdBy: string;
  /**
   * The free text fields sealed (migration 0026, evidence-vault.ts); absent on a row built here before it is sealed,
   * null on a row of wave 1. Read through EvidenceVault, which opens it.
   */
  metadataSealed?: string | null;
  /** The sealed fields erased with the survivor's data key (set by EvidenceVault.open). */
  erasedFields?: string[];
}

export interface CustodyEventRow {
  /** Index of the event's entry in the node's custody log. */
  index: number;
  itemId: string;
  event: CustodyEventType;
  actor: string;
  at: string;
  reason: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: rows come untyped from the driver and are mapped here once
type Row = Record<string, any>;

const iso = (value: Date | string | null): string | null =>
  value === null ? null : value instanceof Date ? value.toISOString() : new Date(value).toISOString();

const toItem = (r: Row): EvidenceItemRow => ({
  id: r.id,
  caseId: r.case_id,
  sha256: r.sha256,
  sha512: r.sha512,
  size: Number(r.size),
  fileName: r.file_name,
  mediaType: r.media_type,
  title: r.title,
  description: r.description,
  collectedAt: iso(r.collected_at),
  collectedBy: r.collected_by,
  collectedWhere: r.collected_where,
  source: r.source,
  device: r.device,
  type: r.type,
  handlingCode: r.handling_code,
  handlingNote: r.handling_note,
  sourceReliability: r.source_reliability,
  informationAccuracy: r.information_accuracy === null ? null : (Number(r.information_accuracy) as 1 | 2 | 3 | 4),
  parentId: r.parent_id,
  parentSha256: r.parent_sha256,
  transformation: r.transformation,
  createdAt: iso(r.created_at) as string,
  createdBy: r.created_by,
  metadataSealed: r.metadata_sealed,
});

const toEvent = (r: Row): CustodyEventRow => ({
  index: Number(r.log_index),
  itemId: r.item_id,
  event: r.event,
  actor: r.actor,
  at: iso(r.at) as string,
  reason: r.reason,
});

export async function insertItem(q: Queryable, item: Omit<EvidenceItemRow, 'createdAt'>): Promise<void> {
  await q.query(
    `insert into evidence_items (id, case_id, sha256, sha512, size, file_name, media_type, title, description,
       collected_at, collected_by, collected_where, source, device, type, handling_code, handling_note,
       source_reliability, information_accuracy, parent_id, parent_sha256, transformation, created_by, metadata_sealed)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
       $24)`,
    [
      item.id,
      item.caseId,
      item.sha256,
      item.sha512,
      item.size,
      item.fileName,
      item.mediaType,
      item.title,
      item.description,
      item.collectedAt,
      item.collectedBy,
      item.collectedWhere,
      item.source,
      item.device,
      item.type,
      item.handlingCode,
      item.handlingNote,
      item.sourceReliability,
      item.informationAccuracy,
      item.parentId,
      item.parentSha256,
      item.transformation,
      item.createdBy,
      item.metadataSealed ?? null,
    ],
  );
}

/** The items a wave 1 node stored with their free text in clear (the upgrade step of migration 0026). */
export async function itemsWithClearText(q: Queryable): Promise<EvidenceItemRow[]> {
  const rows = await q.query<Row>(
    'select * from evidence_items where metadata_sealed is null and title is not null order by id',
  );
  return rows.map(toItem);
}

/** Moves an item's free text into its sealed column (null: dropped), the one update migration 0026 allows. */
export async function sealMetadata(q: Queryable, id: string, sealed: string | null): Promise<void> {
  await q.query(
    `update evidence_items set metadata_sealed = $2, title = null, description = null, collected_by = null,
       collected_where = null, source = null, device = null, handling_note = null, file_name = null
     where id = $1`,
    [id, sealed],
  );
}

export async function findItem(q: Queryable, id: string): Promise<EvidenceItemRow | null> {
  const [row] = await q.query<Row>('select * from evidence_items where id = $1', [id]);
  return row ? toItem(row) : null;
}

export async function itemsOfCase(q: Queryable, caseId: string): Promise<EvidenceItemRow[]> {
  const rows = await q.query<Row>('select * from evidence_items where case_id = $1 order by created_at, id', [caseId]);
  return rows.map(toItem);
}

/**
 * Each of `itemIds` (as `asked`) with itself and every item it was made from (a working copy's parent, and so on, up
 * to 100 levels), as `id`.
 */
export async function lineage(q: Queryable, itemIds: readonly string[]): Promise<{ asked: string; id: string }[]> {
  if (itemIds.length === 0) return [];
  return q.query<{ asked: string; id: string }>(
    `with recursive chain (asked, id, parent_id, depth) as (
       select id, id, parent_id, 0 from evidence_items where id = any($1)
       union all
       select c.asked, p.id, p.parent_id, c.depth + 1 from chain c join evidence_items p on p.id = c.parent_id
        where c.depth < 100
     )
     select asked, id from chain`,
    [[...itemIds]],
  );
}

/** The ids of the items of these cases. */
export async function itemIdsOfCases(q: Queryable, caseIds: readonly string[]): Promise<string[]> {
  const rows = await q.query<{ id: string }>('select id from evidence_items where case_id = any($1)', [[...caseIds]]);
  return rows.map((r) => r.id);
}

export async function isReferenced(q: Queryable, sha256: string): Promise<boolean> {
  const rows = await q.query('select 1 from evidence_items where sha256 = $1 limit 1', [sha256]);
  return rows.length > 0;
}

/**
 * Serialises the commit of content under one hash with the removal of unreferenced content under it, so that
 * cleaning up after a failed upload never removes content a concurrent upload of the same bytes has just committed.
 */
export async function lockContent(tx: Queryable, sha256: string): Promise<void> {
  await tx.query('select pg_advisory_xact_lock($1, $2)', [7310, Number.parseInt(sha256.slice(0, 8), 16) | 0]);
}

export async function insertEvent(q: Queryable, event: CustodyEventRow): Promise<void> {
  await q.query(
    'insert into evidence_events (log_index, item_id, event, actor, at, reason) values ($1, $2, $3, $4, $5, $6)',
    [event.index, event.itemId, event.event, event.actor, event.at, event.reason],
  );
}

export async function eventsOf(q: Queryable, itemIds: readonly string[]): Promise<CustodyEventRow[]> {
  if (itemIds.length === 0) return [];
  const rows = await q.query<Row>('select * from evidence_events where item_id = any($1) order by log_index', [
    [...itemIds],
  ]);
  return rows.map(toEvent);
}

export interface StoredContent {
  sha256: string;
  size: number;
  itemIds: string[];
}

/** Every distinct content the items refer to, a page at a time in hash order. */
export async function contentPage(q: Queryable, afterSha256: string, limit: number): Promise<StoredContent[]> {
  const rows = await q.query<Row>(
    `select sha256, min(size) as size, array_agg(id order by id) as item_ids
       from evidence_items where sha256 > $1 group by sha256 order by sha256 limit $2`,
    [afterSha256, limit],
  );
  return rows.map((r) => ({ sha256: r.sha256, size: Number(r.size), itemIds: r.item_ids }));
}
