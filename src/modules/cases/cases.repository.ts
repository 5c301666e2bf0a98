import type { Queryable } from '../../db/client.ts';
import { day, iso, type Row } from '../../db/rows.ts';
import type { FieldMap } from '../../shared/case-fields.ts';
import type { ConsentRecord } from '../../shared/consent.ts';
import type { Stage } from '../../shared/lifecycle.ts';
import type { Token } from '../survivors/index.ts';

export interface PersonRow {
  id: string;
  agencyId: string;
  attributes: FieldMap;
  wrappedKey: string | null;
  identity: Record<string, string> | null;
  erasedAt: string | null;
}

export interface CaseRow {
  id: string;
  reference: string;
  agencyId: string;
  survivorId: string;
  stage: Stage;
  stageSince: string;
  victim: FieldMap;
  details: FieldMap;
  ownerId: string | null;
  reportedAt: string;
  closureRequestedBy: string | null;
  closureReason: string | null;
  createdAt: string;
  version: number;
}

export interface CaseEvent {
  seq: number;
  at: string;
  actor: string;
  type: string;
  data: Record<string, unknown>;
}

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
  closureReason: r.closure_reason,
  createdAt: iso(r.created_at) as string,
  version: r.version,
});

const toPerson = (r: Row): PersonRow => ({
  id: r.id,
  agencyId: r.agency_id,
  attributes: r.attributes,
  wrappedKey: r.wrapped_key,
  identity: r.identity,
  erasedAt: iso(r.erased_at),
});

export async function insertPerson(
  q: Queryable,
  p: { id: string; agencyId: string; attributes: FieldMap; wrappedKey: string; identity: Record<string, string> },
  tokens: Token[],
  nameTokenCount: number,
): Promise<void> {
  await q.query(
    `insert into persons (id, agency_id, attributes, wrapped_key, identity, name_tokens)
     values ($1, $2, $3, $4, $5, $6)`,
    [p.id, p.agencyId, JSON.stringify(p.attributes), p.wrappedKey, JSON.stringify(p.identity), nameTokenCount],
  );
  await insertTokens(q, p.id, tokens);
}

async function insertTokens(q: Queryable, personId: string, tokens: Token[]): Promise<void> {
  if (tokens.length === 0) return;
  await q.query(
    `insert into person_tokens (kind, token, person_id)
     select kind, token, $3 from unnest($1::text[], $2::text[]) as t (kind, token) on conflict do nothing`,
    [tokens.map((t) => t.kind), tokens.map((t) => t.token), personId],
  );
}

export async function replaceIdentity(
  q: Queryable,
  personId: string,
  identity: Record<string, string>,
  tokens: Token[],
  nameTokenCount: number,
): Promise<void> {
  await q.query('update persons set identity = $2, name_tokens = $3 where id = $1', [
    personId,
    JSON.stringify(identity),
    nameTokenCount,
  ]);
  await q.query('delete from person_tokens where person_id = $1', [personId]);
  await insertTokens(q, personId, tokens);
}

export async function updatePersonAttributes(q: Queryable, personId: string, attributes: FieldMap): Promise<void> {
  await q.query('update persons set attributes = $2 where id = $1', [personId, JSON.stringify(attributes)]);
}

/** Crypto-shredding: the data key, the ciphertexts and the tokens go; a tombstone remains. */
export async function erasePerson(q: Queryable, personId: string, actor: string): Promise<void> {
  await q.query('delete from person_tokens where person_id = $1', [personId]);
  await q.query(
    `update persons set wrapped_key = null, identity = null, name_tokens = 0, erased_at = now(), erased_by = $2
     where id = $1`,
    [personId, actor],
  );
}

export async function findPerson(q: Queryable, id: string, forUpdate = false): Promise<PersonRow | null> {
  const rows = await q.query<Row>(`select * from persons where id = $1${forUpdate ? ' for update' : ''}`, [id]);
  return rows[0] ? toPerson(rows[0]) : null;
}

export async function nextReference(q: Queryable, country: string, year: number): Promise<string> {
  const rows = await q.query<{ n: bigint }>("select nextval('case_reference_seq') as n");
  return `${country}-${year}-${String(rows[0]?.n).padStart(6, '0')}`;
}

export async function insertCase(
  q: Queryable,
  c: Omit<CaseRow, 'stageSince' | 'closureRequestedBy' | 'closureReason' | 'createdAt' | 'version'> & {
    createdBy: string;
  },
): Promise<CaseRow> {
  const rows = await q.query<Row>(
    `insert into cases (id, reference, agency_id, survivor_id, stage, stage_since, victim, details, owner_id,
                        reported_at, created_by)
     values ($1, $2, $3, $4, $5, now(), $6, $7, $8, $9, $10) returning *`,
    [
      c.id,
      c.reference,
      c.agencyId,
      c.survivorId,
      c.stage,
      JSON.stringify(c.victim),
      JSON.stringify(c.details),
      c.ownerId,
      c.reportedAt,
      c.createdBy,
    ],
  );
  return toCase(rows[0] as Row);
}

export async function findCase(q: Queryable, id: string, forUpdate = false): Promise<CaseRow | null> {
  const rows = await q.query<Row>(`select * from cases where id = $1${forUpdate ? ' for update' : ''}`, [id]);
  return rows[0] ? toCase(rows[0]) : null;
}

export async function findCaseByReference(q: Queryable, reference: string): Promise<CaseRow | null> {
  const rows = await q.query<Row>('select * from cases where reference = $1', [reference]);
  return rows[0] ? toCase(rows[0]) : null;
}

export async function updateCase(
  q: Queryable,
  id: string,
  changes: Partial<Pick<CaseRow, 'stage' | 'victim' | 'details' | 'ownerId' | 'closureRequestedBy' | 'closureReason'>>,
): Promise<CaseRow> {
  const columns: Record<string, unknown> = {
    stage: changes.stage,
    victim: changes.victim && JSON.stringify(changes.victim),
    details: changes.details && JSON.stringify(changes.details),
    owner_id: changes.ownerId,
    closure_requested_by: changes.closureRequestedBy,
    closure_reason: changes.closureReason,
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

export interface CaseFilter {
  /** Only cases these agencies own or received by an accepted referral; null: all (node-wide roles). */
  agencies: string[] | null;
  stage?: Stage;
  reference?: string;
  ids?: string[];
  limit: number;
  offset: number;
}

export interface CaseSummary {
  id: string;
  reference: string;
  agencyId: string;
  stage: Stage;
  stageSince: string;
  reportedAt: string;
  traffickingStatus: string | null;
  erased: boolean;
}

export async function listCases(q: Queryable, f: CaseFilter): Promise<{ total: number; cases: CaseSummary[] }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (f.agencies) {
    const agencies = param(f.agencies);
    where.push(`(c.agency_id = any(${agencies}) or exists (select 1 from referrals r where r.case_id = c.id
                 and r.status = 'accepted' and r.to_agency_id = any(${agencies})))`);
  }
  if (f.stage) where.push(`c.stage = ${param(f.stage)}`);
  if (f.reference) where.push(`c.reference ilike ${param(`%${f.reference}%`)}`);
  if (f.ids) where.push(`c.id = any(${param(f.ids)})`);
  const clause = where.length > 0 ? `where ${where.join(' and ')}` : '';
  const rows = await q.query<Row>(
    `select c.*, p.erased_at, count(*) over () as total from cases c join persons p on p.id = c.survivor_id
     ${clause} order by c.created_at desc, c.id limit ${param(f.limit)} offset ${param(f.offset)}`,
    params,
  );
  return {
    total: rows[0] ? Number(rows[0].total) : 0,
    cases: rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      agencyId: r.agency_id,
      stage: r.stage,
      stageSince: iso(r.stage_since) as string,
      reportedAt: day(r.reported_at),
      traffickingStatus: r.victim.vic_TraffickingStatus ?? null,
      erased: r.erased_at !== null,
    })),
  };
}

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
}

export async function caseEvents(q: Queryable, caseId: string, type?: string): Promise<CaseEvent[]> {
  const rows = await q.query<Row>(
    `select seq, at, actor, type, data from case_events where case_id = $1 ${type ? 'and type = $2' : ''} order by seq`,
    type ? [caseId, type] : [caseId],
  );
  return rows.map((r) => ({ seq: Number(r.seq), at: iso(r.at) as string, actor: r.actor, type: r.type, data: r.data }));
}

/** Agencies that received the case through an accepted in-country referral. */
export async function sharedWith(q: Queryable, caseId: string): Promise<string[]> {
  const rows = await q.query<{ to_agency_id: string }>(
    "select distinct to_agency_id from referrals where case_id = $1 and status = 'accepted'",
    [caseId],
  );
  return rows.map((r) => r.to_agency_id);
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

export async function insertMovement(q: Queryable, id: string, caseId: string, fields: FieldMap): Promise<void> {
  await q.query('insert into movements (id, case_id, fields) values ($1, $2, $3)', [
    id,
    caseId,
    JSON.stringify(fields),
  ]);
}

export async function movements(q: Queryable, caseId: string): Promise<{ id: string; fields: FieldMap }[]> {
  const rows = await q.query<Row>(
    "select id, fields from movements where case_id = $1 order by fields->>'hte_Date' nulls last, created_at",
    [caseId],
  );
  return rows.map((r) => ({ id: r.id, fields: r.fields }));
}

export async function insertPerpetrator(
  q: Queryable,
  p: { id: string; caseId: string; personId: string; fields: FieldMap },
): Promise<void> {
  await q.query('insert into perpetrators (id, case_id, person_id, fields) values ($1, $2, $3, $4)', [
    p.id,
    p.caseId,
    p.personId,
    JSON.stringify(p.fields),
  ]);
}

export async function perpetrators(
  q: Queryable,
  caseId: string,
): Promise<{ id: string; personId: string; fields: FieldMap }[]> {
  const rows = await q.query<Row>(
    'select id, person_id, fields from perpetrators where case_id = $1 order by created_at, id',
    [caseId],
  );
  return rows.map((r) => ({ id: r.id, personId: r.person_id, fields: r.fields }));
}

/** Persons ranked by shared name tokens (Dice), optionally restricted to persons holding every exact token. */
export async function searchPersons(
  q: Queryable,
  query: { name: string[]; exact: Token[] },
  options: { minScore: number; limit: number },
): Promise<{ personId: string; score: number }[]> {
  const exact = [query.exact.map((t) => t.kind), query.exact.map((t) => t.token), query.exact.length];
  const holdingAll = (first: number) => `(
    select person_id from person_tokens t join unnest($${first}::text[], $${first + 1}::text[]) as e (kind, token)
      on t.kind = e.kind and t.token = e.token
    group by person_id having count(*) = $${first + 2})`;
  if (query.name.length === 0) {
    const rows = await q.query<{ person_id: string }>(`${holdingAll(1)} limit $4`, [...exact, options.limit]);
    return rows.map((r) => ({ personId: r.person_id, score: 1 }));
  }
  // Dice 2s / (q + n) ≥ t with n ≥ s needs s ≥ t·q / (2 − t): persons sharing fewer tokens are dropped before
  // their token count is read, by primary key, for the few that remain.
  const fewestShared = Math.max(1, Math.ceil((options.minScore * query.name.length) / (2 - options.minScore) - 1e-9));
  const rows = await q.query<{ person_id: string; score: number }>(
    `with shared as materialized (
       select person_id, count(*) as n from person_tokens
       where kind = 'name' and token = any($1::text[])
       ${query.exact.length > 0 ? `and person_id in ${holdingAll(6)}` : ''}
       group by person_id having count(*) >= $5),
     scored as materialized (
       select person_id, 2.0 * n / ($2 + (select p.name_tokens from persons p where p.id = shared.person_id)) as score
       from shared)
     select person_id, score::float8 as score from scored where score >= $3
     order by score desc, person_id limit $4`,
    [
      query.name,
      query.name.length,
      options.minScore,
      options.limit,
      fewestShared,
      ...(query.exact.length > 0 ? exact : []),
    ],
  );
  return rows.map((r) => ({ personId: r.person_id, score: Number(r.score) }));
}

export async function casesOfPersons(q: Queryable, personIds: string[]): Promise<CaseRow[]> {
  const rows = await q.query<Row>('select * from cases where survivor_id = any($1)', [personIds]);
  return rows.map(toCase);
}

const toConsent = (r: Row): ConsentRecord => ({
  id: r.id,
  purpose: r.purpose,
  decision: r.decision,
  scope: r.scope,
  method: r.method,
  language: r.language,
  interpreter: r.interpreter,
  legalBasis: r.legal_basis,
  recordedBy: r.recorded_by,
  recordedAt: iso(r.recorded_at) as string,
  withdrawnAt: iso(r.withdrawn_at),
  withdrawnBy: r.withdrawn_by,
  withdrawalReason: r.withdrawal_reason,
});

export async function consents(q: Queryable, personId: string): Promise<ConsentRecord[]> {
  const rows = await q.query<Row>('select * from consents where person_id = $1 order by recorded_at, id', [personId]);
  return rows.map(toConsent);
}

export async function insertConsent(
  q: Queryable,
  personId: string,
  c: Omit<ConsentRecord, 'recordedAt' | 'withdrawnAt' | 'withdrawnBy' | 'withdrawalReason'>,
): Promise<ConsentRecord> {
  const rows = await q.query<Row>(
    `insert into consents (id, person_id, purpose, decision, scope, method, language, interpreter, legal_basis,
                           recorded_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *`,
    [
      c.id,
      personId,
      c.purpose,
      c.decision,
      JSON.stringify(c.scope),
      c.method,
      c.language,
      c.interpreter,
      c.legalBasis,
      c.recordedBy,
    ],
  );
  return toConsent(rows[0] as Row);
}

export async function withdrawConsent(
  q: Queryable,
  personId: string,
  id: string,
  actor: string,
  reason: string,
): Promise<ConsentRecord | null> {
  const rows = await q.query<Row>(
    `update consents set withdrawn_at = now(), withdrawn_by = $3, withdrawal_reason = $4
     where id = $1 and person_id = $2 and withdrawn_at is null returning *`,
    [id, personId, actor, reason],
  );
  return rows[0] ? toConsent(rows[0]) : null;
}

export async function insertNotice(
  q: Queryable,
  n: { id: string; personId: string; kind: string; data: Record<string, unknown> },
): Promise<void> {
  await q.query('insert into survivor_notices (id, person_id, kind, data) values ($1, $2, $3, $4)', [
    n.id,
    n.personId,
    n.kind,
    JSON.stringify(n.data),
  ]);
}

export async function notices(
  q: Queryable,
  personId: string,
): Promise<{ id: string; kind: string; data: Record<string, unknown>; createdAt: string }[]> {
  const rows = await q.query<Row>(
    'select id, kind, data, created_at from survivor_notices where person_id = $1 order by created_at, id',
    [personId],
  );
  return rows.map((r) => ({ id: r.id, kind: r.kind, data: r.data, createdAt: iso(r.created_at) as string }));
}

export interface Disclosure {
  seq: number;
  at: string;
  actor: string;
  agencyId: string | null;
  kind: 'view' | 'share' | 'export';
  purpose: string;
  fields: string[];
  recipient: string | null;
}

export async function insertDisclosure(
  q: Queryable,
  d: Omit<Disclosure, 'seq' | 'at'> & { personId: string; requestId: string | null },
): Promise<void> {
  await q.query(
    `insert into disclosures (person_id, actor, agency_id, kind, purpose, fields, recipient, request_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [d.personId, d.actor, d.agencyId, d.kind, d.purpose, d.fields, d.recipient, d.requestId],
  );
}

export async function disclosures(q: Queryable, personId: string): Promise<Disclosure[]> {
  const rows = await q.query<Row>('select * from disclosures where person_id = $1 order by seq', [personId]);
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: iso(r.at) as string,
    actor: r.actor,
    agencyId: r.agency_id,
    kind: r.kind,
    purpose: r.purpose,
    fields: r.fields,
    recipient: r.recipient,
  }));
}
