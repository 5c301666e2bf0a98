import type { Queryable } from '../../db/client.ts';
import { iso, type Row } from '../../db/rows.ts';
import type { AlertStatus, GroupSchema, LinkageAlert, RecordKind } from './linkage-network.schema.ts';

export interface GroupRecord {
  id: string;
  name: string;
  unit: string;
  owners: string[];
  schema: GroupSchema;
  threshold: number;
  perpetratorLegalBasis: string | null;
  createdByNode: string;
  createdAt: string;
  secretSealed: string | null;
  secretFingerprint: string | null;
  secretInstalledAt: string | null;
}

const toGroup = (r: Row): GroupRecord => ({
  id: r.id,
  name: r.name,
  unit: r.unit,
  owners: r.owners,
  schema: r.schema,
  threshold: Number(r.threshold),
  perpetratorLegalBasis: r.perpetrator_legal_basis,
  createdByNode: r.created_by_node,
  createdAt: iso(r.created_at) as string,
  secretSealed: r.secret_sealed,
  secretFingerprint: r.secret_fingerprint,
  secretInstalledAt: iso(r.secret_installed_at),
});

export async function insertGroup(q: Queryable, g: Omit<GroupRecord, `secret${string}`>): Promise<boolean> {
  const rows = await q.query(
    `insert into linkage_groups (id, name, unit, owners, schema, threshold, perpetrator_legal_basis, created_by_node,
       created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (id) do nothing returning id`,
    [
      g.id,
      g.name,
      g.unit,
      JSON.stringify(g.owners),
      g.schema,
      g.threshold,
      g.perpetratorLegalBasis,
      g.createdByNode,
      g.createdAt,
    ],
  );
  return rows.length === 1;
}

export async function findGroup(q: Queryable, id: string, forUpdate = false): Promise<GroupRecord | null> {
  const rows = await q.query(`select * from linkage_groups where id = $1${forUpdate ? ' for update' : ''}`, [id]);
  return rows[0] ? toGroup(rows[0]) : null;
}

export async function listGroups(q: Queryable): Promise<GroupRecord[]> {
  return (await q.query('select * from linkage_groups order by created_at desc, id')).map(toGroup);
}

export async function setSecret(q: Queryable, id: string, sealed: string, fingerprint: string, at: string) {
  await q.query(
    'update linkage_groups set secret_sealed = $2, secret_fingerprint = $3, secret_installed_at = $4 where id = $1',
    [id, sealed, fingerprint, at],
  );
}

// Owner side: references.

export interface RefRecord {
  ref: string;
  kind: RecordKind;
  subject: string;
  caseId: string;
  personId: string;
  sentDigest: string;
}

const toRef = (r: Row): RefRecord => ({
  ref: r.ref,
  kind: r.kind,
  subject: r.subject,
  caseId: r.case_id,
  personId: r.person_id,
  sentDigest: r.sent_digest,
});

/** The references of a group, all of them or those of one case. */
export async function refs(q: Queryable, groupId: string, caseId?: string): Promise<RefRecord[]> {
  const rows = caseId
    ? await q.query('select * from linkage_refs where group_id = $1 and case_id = $2', [groupId, caseId])
    : await q.query('select * from linkage_refs where group_id = $1', [groupId]);
  return rows.map(toRef);
}

export async function findRef(q: Queryable, groupId: string, ref: string): Promise<RefRecord | null> {
  const rows = await q.query('select * from linkage_refs where group_id = $1 and ref = $2', [groupId, ref]);
  return rows[0] ? toRef(rows[0]) : null;
}

export async function upsertRef(q: Queryable, groupId: string, r: RefRecord, at: string): Promise<void> {
  await q.query(
    `insert into linkage_refs (ref, group_id, kind, subject, case_id, person_id, sent_digest, sent_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (ref) do update set sent_digest = excluded.sent_digest, sent_at = excluded.sent_at`,
    [r.ref, groupId, r.kind, r.subject, r.caseId, r.personId, r.sentDigest, at],
  );
}

export async function deleteRefs(q: Queryable, groupId: string, refList: string[]): Promise<void> {
  if (refList.length === 0) return;
  await q.query('delete from linkage_refs where group_id = $1 and ref = any($2)', [groupId, refList]);
}

// Unit side: encodings and matches.

export interface StoredEncoding {
  owner: string;
  ref: string;
  kind: RecordKind;
  schemaVersion: string;
  clk: string | null;
  token: string | null;
  version: number;
}

const toEncoding = (r: Row): StoredEncoding => ({
  owner: r.owner,
  ref: r.ref,
  kind: r.kind,
  schemaVersion: r.schema_version,
  clk: r.clk,
  token: r.token,
  version: Number(r.version),
});

/** Stores an owner's encoding of a reference, replacing its previous one; returns the new version. */
export async function putEncoding(
  q: Queryable,
  groupId: string,
  e: Omit<StoredEncoding, 'version'>,
  at: string,
): Promise<number> {
  const [row] = await q.query<{ version: string | number }>(
    `insert into linkage_encodings (group_id, owner, ref, kind, schema_version, clk, token, version, received_at)
     values ($1, $2, $3, $4, $5, $6, $7, nextval('linkage_encoding_version'), $8)
     on conflict (group_id, owner, ref) do update set kind = excluded.kind, schema_version = excluded.schema_version,
       clk = excluded.clk, token = excluded.token, version = excluded.version, received_at = excluded.received_at
     returning version`,
    [groupId, e.owner, e.ref, e.kind, e.schemaVersion, e.clk, e.token, at],
  );
  return Number(row?.version);
}

export async function deleteEncodings(q: Queryable, groupId: string, owner: string, refList: string[]) {
  if (refList.length === 0) return;
  await q.query('delete from linkage_encodings where group_id = $1 and owner = $2 and ref = any($3)', [
    groupId,
    owner,
    refList,
  ]);
}

/** Every CLK of a kind in a group: what a match pool is built from. */
export async function clks(q: Queryable, groupId: string, kind: RecordKind): Promise<StoredEncoding[]> {
  const rows = await q.query(
    'select * from linkage_encodings where group_id = $1 and kind = $2 and clk is not null order by version',
    [groupId, kind],
  );
  return rows.map(toEncoding);
}

export async function encodingVersion(q: Queryable, groupId: string, owner: string, ref: string) {
  const [row] = await q.query<{ version: string | number; schema_version: string }>(
    'select version, schema_version from linkage_encodings where group_id = $1 and owner = $2 and ref = $3',
    [groupId, owner, ref],
  );
  return row ? { version: Number(row.version), schemaVersion: row.schema_version } : null;
}

/** Other owners' encodings with the same token. */
export async function sameToken(q: Queryable, groupId: string, e: Omit<StoredEncoding, 'version'>) {
  const rows = await q.query(
    `select * from linkage_encodings where group_id = $1 and kind = $2 and token = $3 and schema_version = $4
       and owner <> $5 order by owner, ref`,
    [groupId, e.kind, e.token, e.schemaVersion, e.owner],
  );
  return rows.map(toEncoding);
}

/** Records a match once; false when it was reported before. */
export async function insertMatch(
  q: Queryable,
  groupId: string,
  kind: RecordKind,
  a: { owner: string; ref: string },
  b: { owner: string; ref: string },
  score: number,
  at: string,
): Promise<boolean> {
  const [first, second] = `${a.owner} ${a.ref}` < `${b.owner} ${b.ref}` ? [a, b] : [b, a];
  const rows = await q.query(
    `insert into linkage_matches (group_id, kind, a_owner, a_ref, b_owner, b_ref, score, matched_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing returning group_id`,
    [groupId, kind, first.owner, first.ref, second.owner, second.ref, score, at],
  );
  return rows.length === 1;
}

// Owner side: alerts.

/**
 * An alert as stored; the case's reference is the cases module's to give. The decision's reason is sealed (migration
 * 0020, `reasonSealed`, opened by linkage-alerts.ts); `reason` is what wave 1 kept in clear.
 */
export type StoredAlert = Omit<LinkageAlert, 'caseReference'> & { reasonSealed?: string | null };

const toAlert = (r: Row): StoredAlert => ({
  id: r.id,
  groupId: r.group_id,
  caseId: r.case_id,
  kind: r.kind,
  recordKind: r.record_kind,
  score: Number(r.score),
  schemaVersion: r.schema_version,
  otherNode: r.other_node,
  otherRef: r.other_ref,
  status: r.status,
  reason: r.reason,
  reasonSealed: r.reason_sealed,
  decidedBy: r.decided_by,
  decidedAt: iso(r.decided_at),
  createdAt: iso(r.created_at) as string,
});

export async function insertAlert(q: Queryable, a: StoredAlert & { ref: string }): Promise<boolean> {
  const rows = await q.query(
    `insert into linkage_alerts (id, group_id, case_id, ref, kind, record_kind, score, schema_version, other_node,
       other_ref, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     on conflict (group_id, ref, other_node, other_ref) do nothing returning id`,
    [
      a.id,
      a.groupId,
      a.caseId,
      a.ref,
      a.kind,
      a.recordKind,
      a.score,
      a.schemaVersion,
      a.otherNode,
      a.otherRef,
      a.createdAt,
    ],
  );
  return rows.length === 1;
}

const ALERTS = 'select a.* from linkage_alerts a';

export async function findAlert(q: Queryable, id: string, forUpdate = false): Promise<StoredAlert | null> {
  const rows = await q.query(`${ALERTS} where a.id = $1${forUpdate ? ' for update' : ''}`, [id]);
  return rows[0] ? toAlert(rows[0]) : null;
}

/** Alerts newest first, on the cases `caseIds` (null: every case), of one case or one status. */
export async function listAlerts(
  q: Queryable,
  f: { caseIds: string[] | null; caseId?: string; status?: AlertStatus },
): Promise<StoredAlert[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.caseIds) where.push(`a.case_id = any($${params.push(f.caseIds)})`);
  if (f.caseId) where.push(`a.case_id = $${params.push(f.caseId)}`);
  if (f.status) where.push(`a.status = $${params.push(f.status)}`);
  const rows = await q.query(
    `${ALERTS}
     ${where.length ? `where ${where.join(' and ')}` : ''} order by a.created_at desc, a.id desc limit 500`,
    params,
  );
  return rows.map(toAlert);
}

export async function decideAlert(
  q: Queryable,
  id: string,
  d: { status: AlertStatus; reasonSealed: string | null; by: string; at: string },
) {
  await q.query(
    'update linkage_alerts set status = $2, reason = null, reason_sealed = $3, decided_by = $4, decided_at = $5 where id = $1',
    [id, d.status, d.reasonSealed, d.by, d.at],
  );
}

/** Alerts whose decision reason wave 1 kept in clear (the upgrade step seals them). */
export async function alertsWithClearReason(q: Queryable): Promise<{ id: string; caseId: string; reason: string }[]> {
  return q.query<{ id: string; caseId: string; reason: string }>(
    'select id, case_id as "caseId", reason from linkage_alerts where reason is not null order by id',
  );
}

export async function sealAlertReason(q: Queryable, id: string, sealed: string | null): Promise<void> {
  await q.query('update linkage_alerts set reason = null, reason_sealed = $2 where id = $1', [id, sealed]);
}
