import type { Queryable } from '../../db/client.ts';
import type { PermissionPurpose, TransferContext } from './evidence-transfers.schema.ts';
import type { TransferItemMeta } from './transfer-bundle.ts';

export type Direction = 'in' | 'out';
export type TransferStatus = 'sent' | 'pending' | 'accepted' | 'declined';

export interface TransferRecord {
  id: string;
  direction: Direction;
  peer: string;
  context: TransferContext;
  status: TransferStatus;
  items: TransferItemMeta[];
  checkpoint: string;
  messageId: string;
  caseId: string | null;
  /** In and accepted: the sender's item id → the item's id here. */
  acceptedItems: Record<string, string> | null;
  /** Opened by reason-vault.ts from `declineReasonSealed`; wave 1 kept it in clear (migration 0020). */
  declineReason: string | null;
  declineReasonSealed?: string | null;
  createdAt: string;
  createdBy: string;
  decidedAt: string | null;
  decidedBy: string | null;
}

export interface Origin {
  itemId: string;
  fromNode: string;
  originalId: string;
  transferId: string;
  handlingCode: 'H0' | 'H1' | 'H2' | 'H3';
  handlingNote: string | null;
}

export interface PermissionRecord {
  id: string;
  direction: Direction;
  peer: string;
  itemId: string;
  originalId: string;
  purpose: PermissionPurpose;
  /** Both reasons are opened by reason-vault.ts from their sealed columns; wave 1 kept them in clear. */
  reason: string;
  reasonSealed?: string | null;
  status: 'pending' | 'granted' | 'refused';
  decisionReason: string | null;
  decisionReasonSealed?: string | null;
  requestedAt: string;
  requestedBy: string;
  decidedAt: string | null;
  decidedBy: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: rows come untyped from the driver and are mapped here once
type Row = Record<string, any>;

const iso = (value: Date | string | null): string | null =>
  value === null ? null : value instanceof Date ? value.toISOString() : new Date(value).toISOString();
/** jsonb comes parsed from both drivers; text from a driver that does not parse it. */
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

const toTransfer = (r: Row): TransferRecord => ({
  id: r.id,
  direction: r.direction,
  peer: r.peer,
  context: { kind: r.context_kind, ref: r.context_ref },
  status: r.status,
  items: json(r.items),
  checkpoint: r.checkpoint,
  messageId: r.message_id,
  caseId: r.case_id,
  acceptedItems: r.accepted_items === null ? null : json(r.accepted_items),
  declineReason: r.decline_reason,
  declineReasonSealed: r.decline_reason_sealed,
  createdAt: iso(r.created_at) as string,
  createdBy: r.created_by,
  decidedAt: iso(r.decided_at),
  decidedBy: r.decided_by,
});

export async function insertTransfer(
  q: Queryable,
  t: Omit<TransferRecord, 'createdAt' | 'caseId' | 'acceptedItems' | 'declineReason' | 'decidedAt' | 'decidedBy'>,
): Promise<void> {
  await q.query(
    `insert into evidence_transfers (id, direction, peer, context_kind, context_ref, status, items, checkpoint,
       message_id, created_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      t.id,
      t.direction,
      t.peer,
      t.context.kind,
      t.context.ref,
      t.status,
      JSON.stringify(t.items),
      t.checkpoint,
      t.messageId,
      t.createdBy,
    ],
  );
}

export async function findTransfer(q: Queryable, id: string, forUpdate = false): Promise<TransferRecord | null> {
  const [row] = await q.query<Row>(`select * from evidence_transfers where id = $1${forUpdate ? ' for update' : ''}`, [
    id,
  ]);
  return row ? toTransfer(row) : null;
}

export async function listTransfers(
  q: Queryable,
  filter: { direction?: Direction; contextKind?: string; contextRef?: string; status?: TransferStatus },
): Promise<TransferRecord[]> {
  const rows = await q.query<Row>(
    `select * from evidence_transfers
      where ($1::text is null or direction = $1) and ($2::text is null or context_kind = $2)
        and ($3::text is null or context_ref = $3) and ($4::text is null or status = $4)
      order by created_at desc, id desc limit 500`,
    [filter.direction ?? null, filter.contextKind ?? null, filter.contextRef ?? null, filter.status ?? null],
  );
  return rows.map(toTransfer);
}

export async function decideTransfer(
  q: Queryable,
  id: string,
  decision: {
    status: 'accepted' | 'declined';
    by: string;
    caseId?: string;
    acceptedItems?: Record<string, string>;
    reasonSealed?: string | null;
  },
): Promise<void> {
  await q.query(
    `update evidence_transfers set status = $2, decided_at = now(), decided_by = $3, case_id = $4,
       accepted_items = $5, decline_reason_sealed = $6 where id = $1`,
    [
      id,
      decision.status,
      decision.by,
      decision.caseId ?? null,
      decision.acceptedItems ? JSON.stringify(decision.acceptedItems) : null,
      decision.reasonSealed ?? null,
    ],
  );
}

export async function insertContent(q: Queryable, transferId: string, position: number, content: Buffer) {
  await q.query('insert into evidence_transfer_contents (transfer_id, position, content) values ($1, $2, $3)', [
    transferId,
    position,
    content,
  ]);
}

export async function contentsOf(q: Queryable, transferId: string): Promise<Uint8Array[]> {
  const rows = await q.query<Row>(
    'select content from evidence_transfer_contents where transfer_id = $1 order by position',
    [transferId],
  );
  return rows.map((r) => new Uint8Array(r.content));
}

export async function dropContents(q: Queryable, transferId: string): Promise<void> {
  await q.query('delete from evidence_transfer_contents where transfer_id = $1', [transferId]);
}

export async function insertOrigin(q: Queryable, o: Origin): Promise<void> {
  await q.query(
    `insert into evidence_origins (item_id, from_node, original_id, transfer_id, handling_code, handling_note)
     values ($1, $2, $3, $4, $5, $6)`,
    [o.itemId, o.fromNode, o.originalId, o.transferId, o.handlingCode, o.handlingNote],
  );
}

/** The origin of each of `itemIds` that was received from another node, keyed by item. */
export async function originsOfItems(q: Queryable, itemIds: readonly string[]): Promise<Map<string, Origin>> {
  if (itemIds.length === 0) return new Map();
  const rows = await q.query<Row>('select * from evidence_origins where item_id = any($1)', [[...itemIds]]);
  return new Map(
    rows.map((r) => [
      r.item_id as string,
      {
        itemId: r.item_id,
        fromNode: r.from_node,
        originalId: r.original_id,
        transferId: r.transfer_id,
        handlingCode: r.handling_code,
        handlingNote: r.handling_note,
      },
    ]),
  );
}

/** Whether `itemId` of this node went to `peer` in a transfer that was not declined. */
export async function wasSentTo(q: Queryable, peer: string, itemId: string): Promise<boolean> {
  const rows = await q.query(
    `select 1 from evidence_transfers where direction = 'out' and peer = $1 and status <> 'declined'
        and items @> $2::jsonb limit 1`,
    [peer, JSON.stringify([{ id: itemId }])],
  );
  return rows.length > 0;
}

const toPermission = (r: Row): PermissionRecord => ({
  id: r.id,
  direction: r.direction,
  peer: r.peer,
  itemId: r.item_id,
  originalId: r.original_id,
  purpose: r.purpose,
  reason: r.reason ?? '',
  reasonSealed: r.reason_sealed,
  status: r.status,
  decisionReason: r.decision_reason,
  decisionReasonSealed: r.decision_reason_sealed,
  requestedAt: iso(r.requested_at) as string,
  requestedBy: r.requested_by,
  decidedAt: iso(r.decided_at),
  decidedBy: r.decided_by,
});

export async function insertPermission(
  q: Queryable,
  p: Omit<
    PermissionRecord,
    'requestedAt' | 'status' | 'reason' | 'decisionReason' | 'decisionReasonSealed' | 'decidedAt' | 'decidedBy'
  >,
): Promise<void> {
  await q.query(
    `insert into evidence_permissions
       (id, direction, peer, item_id, original_id, purpose, reason_sealed, status, requested_by)
     values ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)`,
    [p.id, p.direction, p.peer, p.itemId, p.originalId, p.purpose, p.reasonSealed, p.requestedBy],
  );
}

export async function findPermission(q: Queryable, id: string, forUpdate = false): Promise<PermissionRecord | null> {
  const [row] = await q.query<Row>(
    `select * from evidence_permissions where id = $1${forUpdate ? ' for update' : ''}`,
    [id],
  );
  return row ? toPermission(row) : null;
}

export async function decidePermission(
  q: Queryable,
  id: string,
  decision: { granted: boolean; reasonSealed: string | null; by: string },
): Promise<void> {
  await q.query(
    `update evidence_permissions set status = $2, decision_reason_sealed = $3, decided_at = now(), decided_by = $4
      where id = $1`,
    [id, decision.granted ? 'granted' : 'refused', decision.reasonSealed, decision.by],
  );
}

/** The received items among `itemIds` that hold a granted permission for `purpose`. */
export async function grantedFor(q: Queryable, itemIds: readonly string[], purpose: PermissionPurpose) {
  if (itemIds.length === 0) return new Set<string>();
  const rows = await q.query<Row>(
    `select distinct item_id from evidence_permissions
      where direction = 'out' and status = 'granted' and purpose = $2 and item_id = any($1)`,
    [[...itemIds], purpose],
  );
  return new Set(rows.map((r) => r.item_id as string));
}

/** Permission requests, newest first; `itemIds` (when not null) limits them to those about these items. */
export async function listPermissions(
  q: Queryable,
  filter: { direction?: Direction; status?: string; itemIds: string[] | null },
): Promise<PermissionRecord[]> {
  const rows = await q.query<Row>(
    `select p.* from evidence_permissions p
      where ($1::text is null or p.direction = $1) and ($2::text is null or p.status = $2)
        and ($3::text[] is null or p.item_id = any($3))
      order by p.requested_at desc, p.id desc limit 500`,
    [filter.direction ?? null, filter.status ?? null, filter.itemIds],
  );
  return rows.map(toPermission);
}

/**
 * The conversations of the transfers accepted into a case: an MLA request's or a JIT's (the transfer's context), or
 * for a transfer about a case the transfer's own.
 */
export async function caseConversations(q: Queryable, caseId: string): Promise<string[]> {
  const rows = await q.query<{ id: string | null }>(
    `select case when context_kind = 'case' then message_id else context_ref end as id
       from evidence_transfers where case_id = $1`,
    [caseId],
  );
  return rows.flatMap((row) => (row.id === null ? [] : [row.id]));
}

// The upgrade step (reason-vault.ts): the reasons wave 1 kept in clear, sealed and the clear columns emptied.

export async function transfersWithClearReason(q: Queryable): Promise<{ id: string; reason: string }[]> {
  return q.query('select id, decline_reason as reason from evidence_transfers where decline_reason is not null');
}

export async function sealDeclineReason(q: Queryable, id: string, sealed: string): Promise<void> {
  await q.query('update evidence_transfers set decline_reason = null, decline_reason_sealed = $2 where id = $1', [
    id,
    sealed,
  ]);
}

export async function permissionsWithClearReason(
  q: Queryable,
): Promise<{ id: string; reason: string | null; decisionReason: string | null }[]> {
  return q.query(
    `select id, reason, decision_reason as "decisionReason" from evidence_permissions
      where reason is not null or decision_reason is not null`,
  );
}

export async function sealPermissionReasons(
  q: Queryable,
  id: string,
  s: { reasonSealed: string | null; decisionReasonSealed: string | null },
): Promise<void> {
  await q.query(
    `update evidence_permissions set reason = null, decision_reason = null,
       reason_sealed = coalesce($2, reason_sealed), decision_reason_sealed = coalesce($3, decision_reason_sealed)
      where id = $1`,
    [id, s.reasonSealed, s.decisionReasonSealed],
  );
}
