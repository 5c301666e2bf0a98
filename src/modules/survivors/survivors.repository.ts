/** The survivor's records: persons (identity sealed, blind-index tokens), consents, notices and disclosures. */
import type { Queryable } from '../../db/client.ts';
import { iso, type Row } from '../../db/rows.ts';
import type { FieldMap } from '../../shared/case-fields.ts';
import type { ConsentRecord, DisclosureKind } from '../../shared/consent.ts';
import type { Token } from './identity-vault.ts';

export interface PersonRow {
  id: string;
  agencyId: string;
  attributes: FieldMap;
  wrappedKey: string | null;
  identity: Record<string, string> | null;
  erasedAt: string | null;
}

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
    `update persons set wrapped_key = null, identity = null, name_tokens = 0,
       erased_at = coalesce(erased_at, now()), erased_by = coalesce(erased_by, $2)
     where id = $1`,
    [personId, actor],
  );
}

/** Every person whose identity was erased. */
export async function erasedPersonIds(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ id: string }>('select id from persons where erased_at is not null order by id');
  return rows.map((r) => r.id);
}

/**
 * Which of the persons (erased ones, by the list of destroyed keys) still hold something an erasure removes: a data
 * key, ciphertexts, tokens or photos. After a restore of a backup taken before their erasure, they all do.
 */
export async function personsHoldingErasedData(q: Queryable, personIds: readonly string[]): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `select p.id from persons p where p.id = any($1::text[]) and (
       p.wrapped_key is not null or p.identity is not null or p.erased_at is null
       or exists (select 1 from person_tokens t where t.person_id = p.id)
       or exists (select 1 from person_photos f where f.person_id = p.id))
     order by p.id`,
    [personIds],
  );
  return rows.map((r) => r.id);
}

export async function findPerson(q: Queryable, id: string, forUpdate = false): Promise<PersonRow | null> {
  const rows = await q.query<Row>(`select * from persons where id = $1${forUpdate ? ' for update' : ''}`, [id]);
  return rows[0] ? toPerson(rows[0]) : null;
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

/** A consent record as stored: a withdrawal reason is sealed under the survivor's data key. */
export type StoredConsent = ConsentRecord & { withdrawalReasonSealed?: string; personId?: string };

const toConsent = (r: Row): StoredConsent => ({
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
  // Sealed under the survivor's data key since migration 0015 (the service opens it); a clear reason is wave 1's.
  withdrawalReason: r.withdrawal_reason,
  ...(r.withdrawal_reason_sealed ? { withdrawalReasonSealed: r.withdrawal_reason_sealed } : {}),
});

export async function consents(q: Queryable, personId: string): Promise<StoredConsent[]> {
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
  sealedReason: string,
): Promise<ConsentRecord | null> {
  const rows = await q.query<Row>(
    `update consents set withdrawn_at = now(), withdrawn_by = $3, withdrawal_reason_sealed = $4
     where id = $1 and person_id = $2 and withdrawn_at is null returning *`,
    [id, personId, actor, sealedReason],
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
  kind: DisclosureKind;
  purpose: string;
  fields: string[];
  recipient: string | null;
  /** The share an entry is about (xb-referral:<id>, referral:<id>); null for a view. */
  reference: string | null;
  /** erasure_confirmed: the id of the receiving node's signed message. */
  confirmation: string | null;
}

export type NewDisclosure = Omit<Disclosure, 'seq' | 'at' | 'reference' | 'confirmation'> & {
  personId: string;
  requestId: string | null;
  reference?: string | null;
  confirmation?: string | null;
};

export async function insertDisclosure(q: Queryable, d: NewDisclosure): Promise<void> {
  await q.query(
    `insert into disclosures (person_id, actor, agency_id, kind, purpose, fields, recipient, request_id, reference,
                              confirmation)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      d.personId,
      d.actor,
      d.agencyId,
      d.kind,
      d.purpose,
      d.fields,
      d.recipient,
      d.requestId,
      d.reference ?? null,
      d.confirmation ?? null,
    ],
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
    reference: r.reference,
    confirmation: r.confirmation,
  }));
}

/** The wrapped data keys of the persons (null once erased), in one query (a page of a case list). */
export async function wrappedKeysOf(q: Queryable, personIds: string[]): Promise<Map<string, string | null>> {
  if (personIds.length === 0) return new Map();
  const rows = await q.query<{ id: string; wrapped_key: string | null }>(
    'select id, wrapped_key from persons where id = any($1)',
    [personIds],
  );
  return new Map(rows.map((r) => [r.id, r.wrapped_key]));
}

/** Which of the persons were erased. */
export async function erasedAmong(q: Queryable, personIds: string[]): Promise<Set<string>> {
  if (personIds.length === 0) return new Set();
  const rows = await q.query<{ id: string }>('select id from persons where id = any($1) and erased_at is not null', [
    personIds,
  ]);
  return new Set(rows.map((r) => r.id));
}

/** Wave 1 kept withdrawal reasons in clear: the consents the upgrade step (src/app/seal-at-rest.ts) still seals. */
export async function consentsWithClearReason(q: Queryable): Promise<StoredConsent[]> {
  const rows = await q.query<Row>('select * from consents where withdrawal_reason is not null order by id for update');
  return rows.map((r) => ({ ...toConsent(r), personId: r.person_id }));
}

export async function sealWithdrawalReason(q: Queryable, id: string, sealed: string | null): Promise<void> {
  await q.query('update consents set withdrawal_reason = null, withdrawal_reason_sealed = $2 where id = $1', [
    id,
    sealed,
  ]);
}
