import type { Queryable } from '../../db/client.ts';
import { day, iso, type Row } from '../../db/rows.ts';
import type { FieldMap } from '../../shared/case-fields.ts';
import type { Stage } from '../../shared/lifecycle.ts';
import type { SealedMap } from './case-seal.ts';
import type { CaseEvent, CaseRow } from './case-view.ts';

const toCase = (r: Row): CaseRow => ({
  id: r.id,
  reference: r.reference,
  agencyId: r.agency_id,
  survivorId: r.survivor_id,
  stage: r.stage,
  stageSince: iso(r.stage_since) as string,
  victim: r.victim,
  details: r.details,
  ownerId: r.owner_id,
  reportedAt: day(r.reported_at),
  closureRequestedBy: r.closure_requested_by,
  // Sealed under the survivor's data key since migration 0015 (`sealed.closureReason`); CaseAccess opens it.
  closureReason: r.closure_reason,
  sealed: r.sealed ?? {},
  erasedFields: [],
  createdAt: iso(r.created_at) as string,
  version: r.version,
});

export async function nextReference(q: Queryable, country: string, year: number): Promise<string> {
  const rows = await q.query<{ n: bigint }>("select nextval('case_reference_seq') as n");
  return `${country}-${year}-${String(rows[0]?.n).padStart(6, '0')}`;
}

export async function insertCase(
  q: Queryable,
  c: Omit<CaseRow, 'stageSince' | 'closureRequestedBy' | 'closureReason' | 'erasedFields' | 'createdAt' | 'version'> & {
    createdBy: string;
  },
): Promise<CaseRow> {
  const rows = await q.query<Row>(
    `insert into cases (id, reference, agency_id, survivor_id, stage, stage_since, victim, details, sealed, owner_id,
                        reported_at, created_by)
     values ($1, $2, $3, $4, $5, now(), $6, $7, $8, $9, $10, $11) returning *`,
    [
      c.id,
      c.reference,
      c.agencyId,
      c.survivorId,
      c.stage,
      JSON.stringify(c.victim),
      JSON.stringify(c.details),
      JSON.stringify(c.sealed),
      c.ownerId,
      c.reportedAt,
      c.createdBy,
    ],
  );
  return toCase(rows[0] as Row);
}

export async function findCase(q: Queryable, id: string, forUpdate = false): Promise<CaseRow | null> {
  // A voided case is gone for every read and change (it stays in the audit trail and its own events).
  const rows = await q.query<Row>(
    `select * from cases where id = $1 and voided_at is null${forUpdate ? ' for update' : ''}`,
    [id],
  );
  return rows[0] ? toCase(rows[0]) : null;
}

export async function findCaseByReference(q: Queryable, reference: string): Promise<CaseRow | null> {
  const rows = await q.query<Row>('select * from cases where reference = $1 and voided_at is null', [reference]);
  return rows[0] ? toCase(rows[0]) : null;
}

export async function updateCase(
  q: Queryable,
  id: string,
  changes: Partial<Pick<CaseRow, 'stage' | 'victim' | 'details' | 'sealed' | 'ownerId' | 'closureRequestedBy'>>,
): Promise<CaseRow> {
  const columns: Record<string, unknown> = {
    stage: changes.stage,
    victim: changes.victim && JSON.stringify(changes.victim),
    details: changes.details && JSON.stringify(changes.details),
    sealed: changes.sealed && JSON.stringify(changes.sealed),
    owner_id: changes.ownerId,
    closure_requested_by: changes.closureRequestedBy,
  };
  const set = Object.entries(columns).filter(([, value]) => value !== undefined);
  const assignments = set.map(([column], i) => `${column} = $${i + 2}`);
  if (changes.stage) assignments.push('stage_since = now()');
  const rows = await q.query<Row>(
    `update cases set ${[...assignments, 'version = version + 1'].join(', ')} where id = $1 returning *`,
    [id, ...set.map(([, value]) => value)],
  );
  return toCase(rows[0] as Row);
}

export type { CaseFilter, ListedCase } from './case-list.repository.ts';
export { listCases } from './case-list.repository.ts';

export async function appendEvent(
  q: Queryable,
  caseId: string,
  actor: string,
  type: string,
  data: Record<string, unknown> = {},
): Promise<void> {
  await q.query('insert into case_events (case_id, actor, type, data) values ($1, $2, $3, $4)', [
    caseId,
    actor,
    type,
    JSON.stringify(data),
  ]);
  await q.query('update cases set last_activity_at = now() where id = $1', [caseId]);
}

export async function caseEvents(q: Queryable, caseId: string, type?: string): Promise<CaseEvent[]> {
  const rows = await q.query<Row>(
    `select seq, at, actor, type, data from case_events where case_id = $1 ${type ? 'and type = $2' : ''} order by seq`,
    type ? [caseId, type] : [caseId],
  );
  return rows.map((r) => ({ seq: Number(r.seq), at: iso(r.at) as string, actor: r.actor, type: r.type, data: r.data }));
}

export interface SealedRecord {
  id: string;
  fields: FieldMap;
  sealed: SealedMap;
}

export async function insertMovement(
  q: Queryable,
  m: { id: string; caseId: string; fields: FieldMap; sealed: SealedMap },
): Promise<void> {
  await q.query('insert into movements (id, case_id, fields, sealed) values ($1, $2, $3, $4)', [
    m.id,
    m.caseId,
    JSON.stringify(m.fields),
    JSON.stringify(m.sealed),
  ]);
}

export async function movements(q: Queryable, caseId: string): Promise<SealedRecord[]> {
  const rows = await q.query<Row>(
    "select id, fields, sealed from movements where case_id = $1 order by fields->>'hte_Date' nulls last, created_at",
    [caseId],
  );
  return rows.map((r) => ({ id: r.id, fields: r.fields, sealed: r.sealed }));
}

export async function insertPerpetrator(
  q: Queryable,
  p: { id: string; caseId: string; personId: string; fields: FieldMap; sealed: SealedMap },
): Promise<void> {
  await q.query('insert into perpetrators (id, case_id, person_id, fields, sealed) values ($1, $2, $3, $4, $5)', [
    p.id,
    p.caseId,
    p.personId,
    JSON.stringify(p.fields),
    JSON.stringify(p.sealed),
  ]);
}

export async function perpetrators(q: Queryable, caseId: string): Promise<(SealedRecord & { personId: string })[]> {
  const rows = await q.query<Row>(
    'select id, person_id, fields, sealed from perpetrators where case_id = $1 order by created_at, id',
    [caseId],
  );
  return rows.map((r) => ({ id: r.id, personId: r.person_id, fields: r.fields, sealed: r.sealed }));
}

/** The references of cases, by id. */
export async function references(q: Queryable, ids: string[]): Promise<Map<string, string>> {
  const rows = await q.query<{ id: string; reference: string }>('select id, reference from cases where id = any($1)', [
    ids,
  ]);
  return new Map(rows.map((r) => [r.id, r.reference]));
}

/** Who acted on a case (`user:<id>`, `node:<id>`, `operator:<name>`), from its events: the names a case page shows. */
export async function actorsOfCase(q: Queryable, caseId: string): Promise<string[]> {
  const rows = await q.query<{ actor: string }>('select distinct actor from case_events where case_id = $1', [caseId]);
  return rows.map((r) => r.actor);
}

/** Ids of the cases of `agencies` (null: every case), in id order. */
export async function caseIdsOf(q: Queryable, agencies: readonly string[] | null): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    'select id from cases where ($1::text[] is null or agency_id = any($1)) and voided_at is null order by id',
    [agencies],
  );
  return rows.map((r) => r.id);
}

/** Ids of the cases assigned to these users in these agencies (`<agency id>:<user id>`), in id order. */
export async function caseIdsAssigned(q: Queryable, assigned: readonly string[]): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `select id from cases where owner_id is not null and agency_id || ':' || owner_id = any($1::text[])
       and voided_at is null order by id`,
    [assigned],
  );
  return rows.map((r) => r.id);
}

/** Ids of an agency's cases, oldest first. */
export async function caseIdsOfAgency(q: Queryable, agencyId: string): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    'select id from cases where agency_id = $1 and voided_at is null order by created_at, id',
    [agencyId],
  );
  return rows.map((r) => r.id);
}

export async function casesOfPersons(q: Queryable, personIds: string[]): Promise<CaseRow[]> {
  const rows = await q.query<Row>('select * from cases where survivor_id = any($1) and voided_at is null', [personIds]);
  return rows.map(toCase);
}

/**
 * Wave 1 stored these in clear: the rows of the upgrade step (src/app/seal-at-rest.ts) that still hold a value to seal,
 * with their survivor. `clear` is whatever of the record's maps (and closure reason) is still in clear.
 */
export async function casesWithClearText(q: Queryable, fields: readonly string[]): Promise<CaseRow[]> {
  const rows = await q.query<Row>(
    `select * from cases where closure_reason is not null or victim ?| $1 or details ?| $1 order by id for update`,
    [fields],
  );
  return rows.map(toCase);
}

export async function movementsWithClearText(
  q: Queryable,
  fields: readonly string[],
): Promise<(SealedRecord & { caseId: string })[]> {
  const rows = await q.query<Row>('select * from movements where fields ?| $1 order by id for update', [fields]);
  return rows.map((r) => ({ id: r.id, caseId: r.case_id, fields: r.fields, sealed: r.sealed }));
}

export async function perpetratorsWithClearText(
  q: Queryable,
  fields: readonly string[],
): Promise<(SealedRecord & { caseId: string })[]> {
  const rows = await q.query<Row>('select * from perpetrators where fields ?| $1 order by id for update', [fields]);
  return rows.map((r) => ({ id: r.id, caseId: r.case_id, fields: r.fields, sealed: r.sealed }));
}

export async function resealCase(
  q: Queryable,
  id: string,
  c: Pick<CaseRow, 'victim' | 'details' | 'sealed'>,
): Promise<void> {
  await q.query('update cases set victim = $2, details = $3, sealed = $4, closure_reason = null where id = $1', [
    id,
    JSON.stringify(c.victim),
    JSON.stringify(c.details),
    JSON.stringify(c.sealed),
  ]);
}

export async function resealRecord(
  q: Queryable,
  table: 'movements' | 'perpetrators',
  id: string,
  fields: FieldMap,
  sealed: SealedMap,
): Promise<void> {
  await q.query(`update ${table} set fields = $2, sealed = $3 where id = $1`, [
    id,
    JSON.stringify(fields),
    JSON.stringify(sealed),
  ]);
}

/** Case events whose data still holds a reason in clear (wave 1). */
export async function eventsWithClearReason(q: Queryable): Promise<(CaseEvent & { caseId: string })[]> {
  const rows = await q.query<Row>(
    "select seq, case_id, at, actor, type, data from case_events where data ? 'reason' order by seq for update",
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    caseId: r.case_id,
    at: iso(r.at) as string,
    actor: r.actor,
    type: r.type,
    data: r.data,
  }));
}

export async function replaceEventData(q: Queryable, seq: number, data: Record<string, unknown>): Promise<void> {
  await q.query('update case_events set data = $2 where seq = $1', [seq, JSON.stringify(data)]);
}

/** An open case as a work queue names it. */
export interface OpenCase {
  id: string;
  reference: string;
  agencyId: string;
  ownerId: string | null;
  stage: Stage;
  stageSince: string;
  closureRequested: boolean;
}

/**
 * The open cases (not closed) of `agencies` (null: every agency) or assigned to one of `owners`, the longest in their
 * stage first, at most `limit`.
 */
export async function openCases(
  q: Queryable,
  filter: { agencies: readonly string[] | null } | { owners: readonly string[] },
  limit = 500,
): Promise<OpenCase[]> {
  const [where, value] =
    'owners' in filter
      ? ['owner_id = any($1)', [...filter.owners]]
      : ['($1::text[] is null or agency_id = any($1))', filter.agencies && [...filter.agencies]];
  const rows = await q.query<Row>(
    `select id, reference, agency_id, owner_id, stage, stage_since, closure_requested_by from cases
      where ${where} and stage <> 'closed' and voided_at is null order by stage_since, id limit $2`,
    [value, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    reference: r.reference,
    agencyId: r.agency_id,
    ownerId: r.owner_id,
    stage: r.stage,
    stageSince: iso(r.stage_since) as string,
    closureRequested: r.closure_requested_by !== null,
  }));
}
