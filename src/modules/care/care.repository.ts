import type { Queryable } from '../../db/client.ts';
import { iso, type Row } from '../../db/rows.ts';
import type { ReferralStatus, ServiceStatus } from '../../shared/care.ts';
import type { FieldMap } from '../../shared/case-fields.ts';
import type { SharingPurpose } from '../../shared/consent.ts';
import type { RiskLevel, RiskReason } from '../../shared/risk.ts';

export interface RiskAssessmentRow {
  id: string;
  caseId: string;
  instrument: string;
  answers: Record<string, string>;
  score: number;
  level: RiskLevel;
  reasons: RiskReason[];
  safetyPlan: string | null;
  /** The safety plan sealed under the survivor's data key (it may say where she is); the service opens it. */
  safetyPlanSealed: string | null;
  /** ['safety_plan'] when the sealed plan was erased with the survivor's identity. */
  erasedFields?: string[];
  assessedBy: string;
  assessedAt: string;
}

export interface SupportPlanRow {
  id: string;
  caseId: string;
  type: string;
  /** spl_ fields, but for the sealed ones. */
  fields: FieldMap;
  /** spl_Objectives and spl_ActionPlan, sealed under the survivor's data key; the service opens them. */
  sealed: Record<string, string>;
  /** ISO 639 code, for interpreting. */
  language: string | null;
  providerAgencyId: string | null;
  status: ServiceStatus;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReferralRecord {
  id: string;
  caseId: string;
  fromAgencyId: string;
  toAgencyId: string;
  status: ReferralStatus;
  services: string[];
  /** What the referral is for: the survivor's consent to in-country sharing must name it. */
  purpose: SharingPurpose;
  sharedFields: string[];
  /** Null once the survivor's data was erased (the service opens `reasonSealed`). */
  reason: string | null;
  offeredBy: string;
  offeredAt: string;
  /** The last change after the offer (accept, decline or revoke); the case timeline keeps every step. */
  statusChangedBy: string | null;
  statusChangedAt: string | null;
  statusReason: string | null;
  /** The reasons sealed under the survivor's data key; a clear reason is wave 1's. */
  reasonSealed?: string | null;
  statusReasonSealed?: string | null;
}

/** A referral as the API shows it, with its case's reference. */
export interface ReferralRow extends ReferralRecord {
  caseReference: string;
}

// The interpreting language lives in the plan's field map beside the spl_ fields, under the Passage extension that
// already names it for a person; the table has no column of its own for it.
const LANGUAGE_KEY = 'psg_InterpreterLanguage';

const toAssessment = (r: Row): RiskAssessmentRow => ({
  id: r.id,
  caseId: r.case_id,
  instrument: r.instrument,
  answers: r.answers,
  score: r.score,
  level: r.level,
  reasons: r.reasons,
  safetyPlan: r.safety_plan,
  safetyPlanSealed: r.safety_plan_sealed,
  assessedBy: r.assessed_by,
  assessedAt: iso(r.assessed_at) as string,
});

export async function insertRiskAssessment(
  q: Queryable,
  a: Omit<RiskAssessmentRow, 'assessedAt' | 'safetyPlan'>,
): Promise<void> {
  await q.query(
    `insert into risk_assessments (id, case_id, instrument, answers, score, level, reasons, safety_plan_sealed,
                                  assessed_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      a.id,
      a.caseId,
      a.instrument,
      JSON.stringify(a.answers),
      a.score,
      a.level,
      JSON.stringify(a.reasons),
      a.safetyPlanSealed,
      a.assessedBy,
    ],
  );
}

/** Newest first. */
export async function riskAssessments(q: Queryable, caseId: string): Promise<RiskAssessmentRow[]> {
  const rows = await q.query<Row>(
    'select * from risk_assessments where case_id = $1 order by assessed_at desc, id desc',
    [caseId],
  );
  return rows.map(toAssessment);
}

const toSupportPlan = (r: Row): SupportPlanRow => {
  const { [LANGUAGE_KEY]: language, ...fields } = r.fields as FieldMap;
  return {
    id: r.id,
    caseId: r.case_id,
    type: r.service_type,
    fields,
    sealed: r.sealed ?? {},
    language: typeof language === 'string' ? language : null,
    providerAgencyId: r.provider_agency_id,
    status: r.status,
    createdBy: r.created_by,
    createdAt: iso(r.created_at) as string,
    updatedAt: iso(r.updated_at) as string,
  };
};

const storedFields = (p: Pick<SupportPlanRow, 'fields' | 'language'>): string =>
  JSON.stringify(p.language ? { ...p.fields, [LANGUAGE_KEY]: p.language } : p.fields);

export async function insertSupportPlan(
  q: Queryable,
  p: Omit<SupportPlanRow, 'createdAt' | 'updatedAt'>,
): Promise<SupportPlanRow> {
  const rows = await q.query<Row>(
    `insert into support_plans (id, case_id, service_type, fields, sealed, provider_agency_id, status, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
    [p.id, p.caseId, p.type, storedFields(p), JSON.stringify(p.sealed), p.providerAgencyId, p.status, p.createdBy],
  );
  return toSupportPlan(rows[0] as Row);
}

export async function findSupportPlan(
  q: Queryable,
  caseId: string,
  id: string,
  forUpdate = false,
): Promise<SupportPlanRow | null> {
  const rows = await q.query<Row>(
    `select * from support_plans where id = $1 and case_id = $2${forUpdate ? ' for update' : ''}`,
    [id, caseId],
  );
  return rows[0] ? toSupportPlan(rows[0]) : null;
}

export async function updateSupportPlan(
  q: Queryable,
  id: string,
  p: Pick<SupportPlanRow, 'fields' | 'sealed' | 'language' | 'providerAgencyId' | 'status'>,
): Promise<SupportPlanRow> {
  const rows = await q.query<Row>(
    `update support_plans set fields = $2, sealed = $5, provider_agency_id = $3, status = $4, updated_at = now()
     where id = $1 returning *`,
    [id, storedFields(p), p.providerAgencyId, p.status, JSON.stringify(p.sealed)],
  );
  return toSupportPlan(rows[0] as Row);
}

export async function supportPlans(q: Queryable, caseId: string): Promise<SupportPlanRow[]> {
  const rows = await q.query<Row>('select * from support_plans where case_id = $1 order by created_at, id', [caseId]);
  return rows.map(toSupportPlan);
}

const toReferral = (r: Row): ReferralRecord => ({
  id: r.id,
  caseId: r.case_id,
  fromAgencyId: r.from_agency_id,
  toAgencyId: r.to_agency_id,
  status: r.status,
  services: r.services,
  purpose: r.purpose,
  sharedFields: r.shared_fields,
  reason: r.reason,
  offeredBy: r.offered_by,
  offeredAt: iso(r.offered_at) as string,
  statusChangedBy: r.responded_by,
  statusChangedAt: iso(r.responded_at),
  statusReason: r.response_reason,
  reasonSealed: r.reason_sealed,
  statusReasonSealed: r.response_reason_sealed,
});

export async function insertReferral(
  q: Queryable,
  r: Pick<
    ReferralRow,
    'id' | 'caseId' | 'fromAgencyId' | 'toAgencyId' | 'services' | 'purpose' | 'sharedFields' | 'reason' | 'offeredBy'
  >,
): Promise<void> {
  await q.query(
    `insert into referrals (id, case_id, from_agency_id, to_agency_id, status, services, shared_fields, reason_sealed,
                            offered_by, purpose)
     values ($1, $2, $3, $4, 'offered', $5, $6, $7, $8, $9)`,
    [r.id, r.caseId, r.fromAgencyId, r.toAgencyId, r.services, r.sharedFields, r.reason, r.offeredBy, r.purpose],
  );
}

export async function findReferral(q: Queryable, id: string, forUpdate = false): Promise<ReferralRecord | null> {
  const rows = await q.query<Row>(`select * from referrals where id = $1${forUpdate ? ' for update' : ''}`, [id]);
  return rows[0] ? toReferral(rows[0]) : null;
}

/** An offered or accepted referral of the case to the agency, if there is one. */
export async function openReferral(q: Queryable, caseId: string, toAgencyId: string): Promise<string | null> {
  const rows = await q.query<{ id: string }>(
    "select id from referrals where case_id = $1 and to_agency_id = $2 and status in ('offered', 'accepted')",
    [caseId, toAgencyId],
  );
  return rows[0]?.id ?? null;
}

export async function changeReferralStatus(
  q: Queryable,
  id: string,
  status: Exclude<ReferralStatus, 'offered'>,
  actor: string,
  reason: string | null,
): Promise<void> {
  await q.query(
    `update referrals set status = $2, responded_by = $3, responded_at = now(), response_reason_sealed = $4
     where id = $1`,
    [id, status, actor, reason],
  );
}

export interface ReferralFilter {
  caseId?: string;
  /** Only referrals from (outgoing) or to (incoming) these agencies; null: all (node-wide roles). */
  agencies?: string[] | null;
  /** With `agencies`: also the referrals of these cases (those a grant narrowed to own cases or a team reaches). */
  caseIds?: string[];
  direction?: 'incoming' | 'outgoing';
  status?: ReferralStatus;
  /** Absent: every match. */
  limit?: number;
  offset?: number;
}

/** Newest first. */
export async function listReferrals(
  q: Queryable,
  f: ReferralFilter,
): Promise<{ total: number; referrals: ReferralRecord[] }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (f.caseId) where.push(`r.case_id = ${param(f.caseId)}`);
  if (f.agencies) {
    const column = f.direction === 'outgoing' ? 'r.from_agency_id' : 'r.to_agency_id';
    where.push(`(${column} = any(${param(f.agencies)}) or r.case_id = any(${param(f.caseIds ?? [])}::text[]))`);
  }
  if (f.status) where.push(`r.status = ${param(f.status)}`);
  const clause = where.length > 0 ? `where ${where.join(' and ')}` : '';
  const page = f.limit === undefined ? '' : `limit ${param(f.limit)} offset ${param(f.offset ?? 0)}`;
  const rows = await q.query<Row>(
    `select r.*, count(*) over () as total from referrals r
     ${clause} order by r.offered_at desc, r.id desc ${page}`,
    params,
  );
  return { total: rows[0] ? Number(rows[0].total) : 0, referrals: rows.map(toReferral) };
}

/** Identity fields an accepted referral shares with `agencyId` (union over its accepted referrals). */
export async function sharedFields(q: Queryable, caseId: string, agencyId: string): Promise<string[]> {
  const rows = await q.query<{ field: string }>(
    `select distinct unnest(shared_fields) as field from referrals
     where case_id = $1 and status = 'accepted' and to_agency_id = $2`,
    [caseId, agencyId],
  );
  return rows.map((r) => r.field);
}

/** Agencies that received the case by an accepted referral, for the policy check of every case action. */
export async function sharedWith(q: Queryable, caseId: string): Promise<string[]> {
  const rows = await q.query<{ to_agency_id: string }>(
    `select distinct to_agency_id from referrals where case_id = $1 and status = 'accepted'`,
    [caseId],
  );
  return rows.map((r) => r.to_agency_id);
}

/** Which of `caseIds` (every case when absent) one of `agencies` received by an accepted referral. */
export async function sharedCases(q: Queryable, agencies: string[], caseIds?: string[]): Promise<string[]> {
  const rows = await q.query<{ case_id: string }>(
    `select distinct case_id from referrals where status = 'accepted' and to_agency_id = any($1)
     ${caseIds ? 'and case_id = any($2)' : ''}`,
    caseIds ? [agencies, caseIds] : [agencies],
  );
  return rows.map((r) => r.case_id);
}

/** Wave 1 kept these in clear: the rows the upgrade step (src/app/seal-at-rest.ts) still has to seal. */
export async function assessmentsWithClearPlan(q: Queryable): Promise<RiskAssessmentRow[]> {
  const rows = await q.query<Row>(
    'select * from risk_assessments where safety_plan is not null order by id for update',
  );
  return rows.map(toAssessment);
}

export async function sealSafetyPlan(q: Queryable, id: string, sealed: string | null): Promise<void> {
  await q.query('update risk_assessments set safety_plan = null, safety_plan_sealed = $2 where id = $1', [id, sealed]);
}

export async function plansWithClearText(q: Queryable, fields: readonly string[]): Promise<SupportPlanRow[]> {
  const rows = await q.query<Row>('select * from support_plans where fields ?| $1 order by id for update', [fields]);
  return rows.map(toSupportPlan);
}

/** Replaces a plan's fields without counting it as a change (updated_at stays). */
export async function resealPlan(q: Queryable, id: string, p: Pick<SupportPlanRow, 'fields' | 'sealed' | 'language'>) {
  await q.query('update support_plans set fields = $2, sealed = $3 where id = $1', [
    id,
    storedFields(p),
    JSON.stringify(p.sealed),
  ]);
}

export async function referralsWithClearText(q: Queryable): Promise<ReferralRecord[]> {
  const rows = await q.query<Row>(
    'select * from referrals where reason is not null or response_reason is not null order by id for update',
  );
  return rows.map(toReferral);
}

export async function sealReferralReasons(
  q: Queryable,
  id: string,
  sealed: { reason: string | null; statusReason: string | null },
): Promise<void> {
  await q.query(
    `update referrals set reason = null, response_reason = null,
       reason_sealed = coalesce($2, reason_sealed), response_reason_sealed = coalesce($3, response_reason_sealed)
     where id = $1`,
    [id, sealed.reason, sealed.statusReason],
  );
}

/** The latest risk assessment of each of these cases that has one: its level and when it was made. */
export async function latestRiskLevels(
  q: Queryable,
  caseIds: readonly string[],
): Promise<{ caseId: string; level: string; assessedAt: string }[]> {
  if (caseIds.length === 0) return [];
  const rows = await q.query<Row>(
    `select distinct on (case_id) case_id, level, assessed_at from risk_assessments
      where case_id = any($1) order by case_id, assessed_at desc, id desc`,
    [[...caseIds]],
  );
  return rows.map((r) => ({ caseId: r.case_id, level: r.level, assessedAt: iso(r.assessed_at) as string }));
}
