import type { Queryable } from '../../db/client.ts';
import { iso, type Row } from '../../db/rows.ts';
import type { Handling } from '../../shared/handling.ts';
import type { MlaState, Side } from '../../shared/mla-states.ts';

export interface Authority {
  name: string;
  country: string;
}

export interface MeasureRequested {
  type: string;
  description?: string;
}

/** A request as stored: the persons concerned and the summary of facts as ciphertexts. */
export interface MlaRecord extends Handling {
  id: string;
  side: Side;
  issuingNode: string;
  executingNode: string;
  state: MlaState;
  caseId: string | null;
  urgent: boolean;
  requestedDeadline: string | null;
  issuingAuthority: Authority;
  executingAuthority: Authority;
  /** The measures' types; their descriptions (which may name persons) are in `measuresSealed`. */
  measures: MeasureRequested[];
  /** Wave 1 kept it here in clear; since migration 0015 it is in `classificationSealed` and this is null. */
  legalClassification: string | null;
  personsSealed: string;
  factsSealed: string;
  measuresSealed: string | null;
  classificationSealed: string | null;
  sentAt: string | null;
  receivedAt: string | null;
  acknowledgedAt: string | null;
  decidedAt: string | null;
  decision: 'recognised' | 'refused' | null;
  extensionDays: number | null;
  /** Wave 1 kept the reasons in clear; since migration 0019 they are in the `…Sealed` columns and these are null. */
  extensionReason: string | null;
  extensionReasonSealed?: string | null;
  extendedAt: string | null;
  executionStartedAt: string | null;
  postponedUntil: string | null;
  postponementReason: string | null;
  postponementReasonSealed?: string | null;
  postponedAt: string | null;
  /** The execution's first breach that a postponement ended: the due date then, and when it was postponed. */
  executionBreachedDue: string | null;
  executionBreachPostponedAt: string | null;
  executedAt: string | null;
  evidenceReturnedAt: string | null;
  evidenceTransferId: string | null;
  closedAt: string | null;
  createdBy: string;
  createdAt: string;
}

export interface HistoryEntry {
  action: string;
  state: MlaState;
  at: string;
  actor: string;
  /** Wave 1 kept it in clear; since migration 0019 it is written sealed (`reasonSealed`) and this is null. */
  reason: string | null;
  reasonSealed?: string | null;
}

/** The columns a change may set, by field name. */
const COLUMNS = {
  state: 'state',
  caseId: 'case_id',
  executingNode: 'executing_node',
  urgent: 'urgent',
  requestedDeadline: 'requested_deadline',
  issuingAuthority: 'issuing_authority',
  executingAuthority: 'executing_authority',
  measures: 'measures',
  legalClassification: 'legal_classification',
  personsSealed: 'persons_sealed',
  factsSealed: 'facts_sealed',
  measuresSealed: 'measures_sealed',
  classificationSealed: 'classification_sealed',
  sentAt: 'sent_at',
  receivedAt: 'received_at',
  acknowledgedAt: 'acknowledged_at',
  decidedAt: 'decided_at',
  decision: 'decision',
  extensionDays: 'extension_days',
  extensionReason: 'extension_reason',
  extensionReasonSealed: 'extension_reason_sealed',
  extendedAt: 'extended_at',
  executionStartedAt: 'execution_started_at',
  postponedUntil: 'postponed_until',
  postponementReason: 'postponement_reason',
  postponementReasonSealed: 'postponement_reason_sealed',
  postponedAt: 'postponed_at',
  executionBreachedDue: 'execution_breached_due',
  executionBreachPostponedAt: 'execution_breach_postponed_at',
  executedAt: 'executed_at',
  evidenceReturnedAt: 'evidence_returned_at',
  evidenceTransferId: 'evidence_transfer_id',
  closedAt: 'closed_at',
  handlingCode: 'handling_code',
  sourceReliability: 'source_reliability',
  informationAccuracy: 'information_accuracy',
} as const satisfies Partial<Record<keyof MlaRecord, string>>;
export type MlaChange = Partial<Pick<MlaRecord, keyof typeof COLUMNS>>;

const JSON_COLUMNS = new Set(['issuingAuthority', 'executingAuthority', 'measures']);
// Dates are read as text: a driver would turn them into local-time midnights.
const SELECT = `select *, requested_deadline::text as deadline_text, postponed_until::text as postponed_text
  from mla_requests`;

const toRecord = (r: Row): MlaRecord => ({
  id: r.id,
  side: r.side,
  issuingNode: r.issuing_node,
  executingNode: r.executing_node,
  state: r.state,
  caseId: r.case_id,
  urgent: r.urgent,
  requestedDeadline: r.deadline_text,
  issuingAuthority: r.issuing_authority,
  executingAuthority: r.executing_authority,
  measures: r.measures,
  legalClassification: r.legal_classification,
  personsSealed: r.persons_sealed,
  factsSealed: r.facts_sealed,
  measuresSealed: r.measures_sealed,
  classificationSealed: r.classification_sealed,
  sentAt: iso(r.sent_at),
  receivedAt: iso(r.received_at),
  acknowledgedAt: iso(r.acknowledged_at),
  decidedAt: iso(r.decided_at),
  decision: r.decision,
  extensionDays: r.extension_days,
  extensionReason: r.extension_reason,
  extensionReasonSealed: r.extension_reason_sealed,
  extendedAt: iso(r.extended_at),
  executionStartedAt: iso(r.execution_started_at),
  postponedUntil: r.postponed_text,
  postponementReason: r.postponement_reason,
  postponementReasonSealed: r.postponement_reason_sealed,
  postponedAt: iso(r.postponed_at),
  executionBreachedDue: iso(r.execution_breached_due),
  executionBreachPostponedAt: iso(r.execution_breach_postponed_at),
  executedAt: iso(r.executed_at),
  evidenceReturnedAt: iso(r.evidence_returned_at),
  evidenceTransferId: r.evidence_transfer_id,
  closedAt: iso(r.closed_at),
  handlingCode: r.handling_code,
  sourceReliability: r.source_reliability,
  informationAccuracy: r.information_accuracy,
  createdBy: r.created_by,
  createdAt: iso(r.created_at) as string,
});

const stored = (field: string, value: unknown) => (JSON_COLUMNS.has(field) ? JSON.stringify(value) : value);

export async function insertRequest(q: Queryable, r: Omit<MlaRecord, 'createdAt'>): Promise<void> {
  const fields = Object.keys(COLUMNS) as (keyof typeof COLUMNS)[];
  const columns = ['id', 'side', 'issuing_node', 'created_by', ...fields.map((f) => COLUMNS[f])];
  const values = [r.id, r.side, r.issuingNode, r.createdBy, ...fields.map((f) => stored(f, r[f] ?? null))];
  await q.query(
    `insert into mla_requests (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    values,
  );
}

export async function updateRequest(q: Queryable, id: string, change: MlaChange): Promise<void> {
  const fields = (Object.keys(change) as (keyof typeof COLUMNS)[]).filter((f) => f in COLUMNS);
  if (fields.length === 0) return;
  const sets = fields.map((f, i) => `${COLUMNS[f]} = $${i + 2}`);
  await q.query(`update mla_requests set ${sets.join(', ')}, updated_at = now() where id = $1`, [
    id,
    ...fields.map((f) => stored(f, change[f])),
  ]);
}

export async function findRequest(q: Queryable, id: string, forUpdate = false): Promise<MlaRecord | null> {
  const rows = await q.query<Row>(`${SELECT} where id = $1${forUpdate ? ' for update' : ''}`, [id]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Newest first. */
export async function listRequests(
  q: Queryable,
  filter: { side?: Side; state?: MlaState; limit: number; offset: number },
): Promise<{ total: number; requests: MlaRecord[] }> {
  const where = ['($1::text is null or side = $1)', '($2::text is null or state = $2)'].join(' and ');
  const params = [filter.side ?? null, filter.state ?? null];
  const [count] = await q.query<{ n: number }>(`select count(*)::int as n from mla_requests where ${where}`, params);
  const rows = await q.query<Row>(`${SELECT} where ${where} order by created_at desc, id desc limit $3 offset $4`, [
    ...params,
    filter.limit,
    filter.offset,
  ]);
  return { total: count?.n ?? 0, requests: rows.map(toRecord) };
}

/** The requests whose clocks may still run: sent and not closed. */
export async function openRequests(q: Queryable): Promise<MlaRecord[]> {
  const rows = await q.query<Row>(`${SELECT} where state not in ('draft', 'closed') order by id`);
  return rows.map(toRecord);
}

export async function appendHistory(q: Queryable, requestId: string, entry: HistoryEntry): Promise<void> {
  await q.query(
    `insert into mla_history (request_id, seq, action, state, at, actor, reason, reason_sealed)
     select $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7 from mla_history where request_id = $1`,
    [requestId, entry.action, entry.state, entry.at, entry.actor, entry.reason, entry.reasonSealed ?? null],
  );
}

/** Oldest first. */
export async function history(q: Queryable, requestId: string): Promise<HistoryEntry[]> {
  const rows = await q.query<Row>(
    'select action, state, at, actor, reason, reason_sealed from mla_history where request_id = $1 order by seq',
    [requestId],
  );
  return rows.map((r) => ({
    action: r.action,
    state: r.state,
    at: iso(r.at) as string,
    actor: r.actor,
    reason: r.reason,
    reasonSealed: r.reason_sealed,
  }));
}

/** The conversations of the MLA requests a case issued: each request's id is its conversation. */
export async function caseConversations(q: Queryable, caseId: string): Promise<string[]> {
  const rows = await q.query<{ id: string }>('select id from mla_requests where case_id = $1', [caseId]);
  return rows.map((row) => row.id);
}

/** Wave 1 requests whose measures and legal classification are still in clear, for the upgrade step. */
export async function requestsWithClearText(q: Queryable): Promise<MlaRecord[]> {
  const rows = await q.query<Row>(`${SELECT} where legal_classification is not null order by id for update`);
  return rows.map(toRecord);
}

/** Wave 1 requests whose extension or postponement reason is still in clear, for the upgrade step. */
export async function requestsWithClearReasons(q: Queryable): Promise<MlaRecord[]> {
  const rows = await q.query<Row>(
    `${SELECT} where extension_reason is not null or postponement_reason is not null order by id for update`,
  );
  return rows.map(toRecord);
}

/** Wave 1 history entries whose reason is still in clear, for the upgrade step. */
export async function historyWithClearReasons(
  q: Queryable,
): Promise<{ requestId: string; seq: number; reason: string }[]> {
  const rows = await q.query<{ request_id: string; seq: number; reason: string }>(
    'select request_id, seq, reason from mla_history where reason is not null order by request_id, seq for update',
  );
  return rows.map((r) => ({ requestId: r.request_id, seq: r.seq, reason: r.reason }));
}

export async function sealHistoryReason(q: Queryable, requestId: string, seq: number, sealed: string): Promise<void> {
  await q.query('update mla_history set reason = null, reason_sealed = $3 where request_id = $1 and seq = $2', [
    requestId,
    seq,
    sealed,
  ]);
}
