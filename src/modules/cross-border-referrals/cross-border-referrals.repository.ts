/** SQL of cross-border referrals and their status notes (migration 0009). */
import type { Queryable } from '../../db/client.ts';
import type { XbDirection, XbKind, XbPurpose, XbStatus } from '../../shared/cross-border.ts';
import type { Handling } from '../../shared/handling.ts';

export interface XbReferralRow extends Handling {
  id: string;
  direction: XbDirection;
  peer: string;
  peerCountry: string;
  kind: XbKind;
  purpose: XbPurpose;
  status: XbStatus;
  caseId: string | null;
  caseReference: string | null;
  agencyId: string | null;
  remoteCaseReference: string | null;
  fields: string[];
  sealed: string | null;
  consentBasis: 'consent' | 'override' | null;
  consentId: string | null;
  offeredBy: string;
  offeredAt: string;
  respondedBy: string | null;
  respondedAt: string | null;
  /** Opened by the service from `statusReasonSealed`; wave 1 kept it in clear in `status_reason` (migration 0020). */
  statusReason: string | null;
  statusReasonSealed?: string | null;
  erasedAt: string | null;
  updatedAt: string;
}

export interface XbUpdateRow {
  id: string;
  referralId: string;
  node: string;
  author: string;
  at: string;
  textSealed: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: rows come untyped from the driver and are mapped here once
type Row = Record<string, any>;

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

const toReferral = (r: Row): XbReferralRow => ({
  id: r.id,
  direction: r.direction,
  peer: r.peer,
  peerCountry: r.peer_country,
  kind: r.kind,
  purpose: r.purpose,
  status: r.status,
  caseId: r.case_id,
  caseReference: r.case_reference,
  agencyId: r.agency_id,
  remoteCaseReference: r.remote_case_reference,
  fields: r.fields,
  handlingCode: r.handling_code,
  sourceReliability: r.source_reliability,
  informationAccuracy: r.information_accuracy,
  sealed: r.sealed,
  consentBasis: r.consent_basis,
  consentId: r.consent_id,
  offeredBy: r.offered_by,
  offeredAt: iso(r.offered_at) as string,
  respondedBy: r.responded_by,
  respondedAt: iso(r.responded_at),
  statusReason: r.status_reason,
  statusReasonSealed: r.status_reason_sealed,
  erasedAt: iso(r.erased_at),
  updatedAt: iso(r.updated_at) as string,
});

/** Inserts a referral; false when one with its id is already here. */
export async function insertReferral(
  q: Queryable,
  r: Omit<
    XbReferralRow,
    'respondedBy' | 'respondedAt' | 'statusReason' | 'statusReasonSealed' | 'erasedAt' | 'updatedAt'
  >,
): Promise<boolean> {
  const rows = await q.query(
    `insert into cross_border_referrals
       (id, direction, peer, peer_country, kind, purpose, status, case_id, agency_id, remote_case_reference, fields,
        sealed, consent_basis, consent_id, offered_by, offered_at, case_reference, handling_code, source_reliability,
        information_accuracy)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
     on conflict (id) do nothing
     returning id`,
    [
      r.id,
      r.direction,
      r.peer,
      r.peerCountry,
      r.kind,
      r.purpose,
      r.status,
      r.caseId,
      r.agencyId,
      r.remoteCaseReference,
      r.fields,
      r.sealed,
      r.consentBasis,
      r.consentId,
      r.offeredBy,
      r.offeredAt,
      r.caseReference,
      r.handlingCode,
      r.sourceReliability,
      r.informationAccuracy,
    ],
  );
  return rows.length === 1;
}

export async function findReferral(q: Queryable, id: string, forUpdate = false): Promise<XbReferralRow | null> {
  const rows = await q.query<Row>(
    `select * from cross_border_referrals where id = $1${forUpdate ? ' for update' : ''}`,
    [id],
  );
  return rows[0] ? toReferral(rows[0]) : null;
}

export interface XbFilter {
  direction?: XbDirection;
  status?: XbStatus;
  caseId?: string;
  /** Agencies whose referrals the caller sees; null: all. An inbound offer has no agency yet and is always listed. */
  agencies?: string[] | null;
  /** With `agencies`: also the referrals of these cases (those a grant narrowed to own cases or a team reaches). */
  caseIds?: string[];
  limit: number;
  offset: number;
}

export async function listReferrals(q: Queryable, f: XbFilter): Promise<{ total: number; referrals: XbReferralRow[] }> {
  // An inbound offer not yet accepted into an agency is listed for those who answer for an agency whole.
  const where = `where ($1::text is null or direction = $1) and ($2::text is null or status = $2)
      and ($3::text is null or case_id = $3)
      and ($4::text[] is null or agency_id = any($4) or case_id = any($5::text[])
           or (direction = 'in' and agency_id is null and cardinality($4::text[]) > 0))`;
  const params = [f.direction ?? null, f.status ?? null, f.caseId ?? null, f.agencies ?? null, f.caseIds ?? []];
  const [count] = await q.query<{ n: number | string }>(
    `select count(*) as n from cross_border_referrals ${where}`,
    params,
  );
  const rows = await q.query<Row>(
    `select * from cross_border_referrals ${where} order by offered_at desc, id desc limit $6 offset $7`,
    [...params, f.limit, f.offset],
  );
  return { total: Number(count?.n ?? 0), referrals: rows.map(toReferral) };
}

/** Changes a referral's status and what goes with it; `updated_at` follows. */
export async function updateReferral(
  q: Queryable,
  id: string,
  change: Partial<
    Pick<
      XbReferralRow,
      | 'status'
      | 'caseId'
      | 'caseReference'
      | 'agencyId'
      | 'remoteCaseReference'
      | 'sealed'
      | 'respondedBy'
      | 'respondedAt'
      | 'statusReason'
      | 'statusReasonSealed'
      | 'erasedAt'
    >
  >,
): Promise<void> {
  const columns: Record<string, string> = {
    status: 'status',
    caseId: 'case_id',
    caseReference: 'case_reference',
    agencyId: 'agency_id',
    remoteCaseReference: 'remote_case_reference',
    sealed: 'sealed',
    respondedBy: 'responded_by',
    respondedAt: 'responded_at',
    statusReason: 'status_reason',
    statusReasonSealed: 'status_reason_sealed',
    erasedAt: 'erased_at',
  };
  const entries = Object.entries(change).filter(([, value]) => value !== undefined);
  const sets = entries.map(([name], i) => `${columns[name]} = $${i + 2}`);
  await q.query(`update cross_border_referrals set ${[...sets, 'updated_at = now()'].join(', ')} where id = $1`, [
    id,
    ...entries.map(([, value]) => value),
  ]);
}

/** Referrals whose status reason wave 1 kept in clear (the upgrade step seals them). */
export async function referralsWithClearReason(
  q: Queryable,
): Promise<{ id: string; caseId: string | null; reason: string }[]> {
  return q.query<{ id: string; caseId: string | null; reason: string }>(
    `select id, case_id as "caseId", status_reason as reason from cross_border_referrals
      where status_reason is not null order by id`,
  );
}

/** Stores a wave 1 status reason sealed (null: dropped) and empties the clear column; `updated_at` stays. */
export async function sealStatusReason(q: Queryable, id: string, sealed: string | null): Promise<void> {
  await q.query('update cross_border_referrals set status_reason = null, status_reason_sealed = $2 where id = $1', [
    id,
    sealed,
  ]);
}

export async function insertUpdate(q: Queryable, u: XbUpdateRow): Promise<void> {
  await q.query(
    'insert into cross_border_referral_updates (id, referral_id, node, author, at, text_sealed) values ($1, $2, $3, $4, $5, $6)',
    [u.id, u.referralId, u.node, u.author, u.at, u.textSealed],
  );
}

export async function updates(q: Queryable, referralId: string): Promise<XbUpdateRow[]> {
  const rows = await q.query<Row>(
    'select * from cross_border_referral_updates where referral_id = $1 order by at, id',
    [referralId],
  );
  return rows.map((r) => ({
    id: r.id,
    referralId: r.referral_id,
    node: r.node,
    author: r.author,
    at: iso(r.at) as string,
    textSealed: r.text_sealed,
  }));
}

/** Crypto-shredding of the status notes: their ciphertexts go, the fact that they were written stays. */
export async function eraseUpdates(q: Queryable, referralId: string): Promise<void> {
  await q.query('update cross_border_referral_updates set text_sealed = null where referral_id = $1', [referralId]);
}

/** The referrals received into a case (direction in): what they allow to be passed on depends on their handling. */
export async function receivedInto(q: Queryable, caseId: string): Promise<XbReferralRow[]> {
  const rows = await q.query<Row>("select * from cross_border_referrals where case_id = $1 and direction = 'in'", [
    caseId,
  ]);
  return rows.map(toReferral);
}

/** The nodes the cases among `caseIds` were received from (a case linked to a referral accepted here), oldest first. */
export async function sendersOf(q: Queryable, caseIds: readonly string[]): Promise<{ caseId: string; peer: string }[]> {
  if (caseIds.length === 0) return [];
  return q.query<{ caseId: string; peer: string }>(
    `select case_id as "caseId", peer from cross_border_referrals
      where case_id = any($1) and direction = 'in' order by offered_at, id`,
    [[...caseIds]],
  );
}

/** The conversations of a case's referrals and transfers, sent or received: each referral's id is its conversation. */
export async function caseConversations(q: Queryable, caseId: string): Promise<string[]> {
  const rows = await q.query<{ id: string }>('select id from cross_border_referrals where case_id = $1', [caseId]);
  return rows.map((row) => row.id);
}
