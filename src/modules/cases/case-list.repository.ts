/**
 * The SQL of the case list (case-list.ts): pages in keyset order, labels, voiding, and each user's saved filters.
 * Every list leaves voided cases out.
 */
import type { Queryable } from '../../db/client.ts';
import { day, iso, type Row } from '../../db/rows.ts';
import type { Stage } from '../../shared/lifecycle.ts';

/** Orders the database can keep by an index; the others (risk, deadlines) are kept by other modules. */
export type SqlSort = 'lastActivity' | 'reference';

export interface CaseFilter {
  /** Only cases these agencies own, or one of `shared` (received by an accepted referral); null: all. */
  agencies: string[] | null;
  shared?: string[];
  /** With `agencies`, also the cases assigned to these users in these agencies, as `<agency id>:<user id>`. */
  assigned?: string[];
  stage?: Stage;
  reference?: string;
  /** Only the cases assigned to this user ("my cases"). */
  ownerId?: string;
  ids?: string[];
  sort?: SqlSort;
  dir?: 'asc' | 'desc';
  /** Keyset: the rows after this one in the order asked (its sort value and id). */
  after?: { value: string; id: string };
  /** Null: every matching row (to be sorted by a value kept elsewhere). */
  limit: number | null;
  offset?: number;
}

export interface ListedCase {
  id: string;
  reference: string;
  agencyId: string;
  stage: Stage;
  stageSince: string;
  reportedAt: string;
  traffickingStatus: string | null;
  survivorId: string;
  ownerId: string | null;
  lastActivity: string;
  /** The last activity to the microsecond, as the keyset compares it. */
  activityKey: string;
  labelSealed: string | null;
}

const COLUMN: Record<SqlSort, string> = { lastActivity: 'c.last_activity_at', reference: 'c.reference' };

/** A page of cases (or all of them when `limit` is null), with how many match the filter in all. */
export async function listCases(q: Queryable, f: CaseFilter): Promise<{ total: number; cases: ListedCase[] }> {
  const where: string[] = ['c.voided_at is null'];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (f.agencies) {
    const agencies = param(f.agencies);
    const assigned = param(f.assigned ?? []);
    where.push(
      `(c.agency_id = any(${agencies}) or c.id = any(${param(f.shared ?? [])})
        or (c.owner_id is not null and c.agency_id || ':' || c.owner_id = any(${assigned})))`,
    );
  }
  if (f.stage) where.push(`c.stage = ${param(f.stage)}`);
  if (f.reference) where.push(`c.reference ilike ${param(`%${f.reference}%`)}`);
  if (f.ownerId) where.push(`c.owner_id = ${param(f.ownerId)}`);
  if (f.ids) where.push(`c.id = any(${param(f.ids)})`);
  const counted = await q.query<{ n: number }>(
    `select count(*)::int as n from cases c where ${where.join(' and ')}`,
    params,
  );
  const column = COLUMN[f.sort ?? 'lastActivity'];
  const dir = f.dir === 'asc' ? 'asc' : 'desc';
  if (f.after) {
    const value = f.sort === 'reference' ? param(f.after.value) : `${param(f.after.value)}::timestamptz`;
    where.push(`(${column}, c.id) ${dir === 'asc' ? '>' : '<'} (${value}, ${param(f.after.id)})`);
  }
  const page = f.limit === null ? '' : `limit ${param(f.limit)} offset ${param(f.offset ?? 0)}`;
  const rows = await q.query<Row>(
    `select c.id, c.reference, c.agency_id, c.stage, c.stage_since, c.reported_at, c.victim, c.survivor_id,
            c.owner_id, c.last_activity_at, c.label_sealed,
            to_char(c.last_activity_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as activity_key
       from cases c where ${where.join(' and ')} order by ${column} ${dir}, c.id ${dir} ${page}`,
    params,
  );
  return {
    total: counted[0]?.n ?? 0,
    cases: rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      agencyId: r.agency_id,
      stage: r.stage,
      stageSince: iso(r.stage_since) as string,
      reportedAt: day(r.reported_at),
      traffickingStatus: r.victim.vic_TraffickingStatus ?? null,
      survivorId: r.survivor_id,
      ownerId: r.owner_id,
      lastActivity: iso(r.last_activity_at) as string,
      activityKey: r.activity_key,
      labelSealed: r.label_sealed,
    })),
  };
}

export async function setLabel(q: Queryable, caseId: string, sealed: string | null): Promise<void> {
  await q.query('update cases set label_sealed = $2 where id = $1', [caseId, sealed]);
}

export async function voidCase(q: Queryable, caseId: string): Promise<void> {
  await q.query('update cases set voided_at = now() where id = $1', [caseId]);
}

export interface SavedFilter {
  id: string;
  name: string;
  filter: Record<string, unknown>;
  createdAt: string;
}

const toFilter = (r: Row): SavedFilter => ({
  id: r.id,
  name: r.name,
  filter: r.filter,
  createdAt: iso(r.created_at) as string,
});

export async function savedFilters(q: Queryable, userId: string): Promise<SavedFilter[]> {
  const rows = await q.query<Row>(
    'select id, name, filter, created_at from case_saved_filters where user_id = $1 order by created_at, id',
    [userId],
  );
  return rows.map(toFilter);
}

export async function countSavedFilters(q: Queryable, userId: string): Promise<number> {
  const rows = await q.query<{ n: number }>('select count(*)::int as n from case_saved_filters where user_id = $1', [
    userId,
  ]);
  return rows[0]?.n ?? 0;
}

export async function insertSavedFilter(
  q: Queryable,
  f: { id: string; userId: string; name: string; filter: Record<string, unknown> },
): Promise<SavedFilter> {
  const rows = await q.query<Row>(
    `insert into case_saved_filters (id, user_id, name, filter) values ($1, $2, $3, $4)
     returning id, name, filter, created_at`,
    [f.id, f.userId, f.name, JSON.stringify(f.filter)],
  );
  return toFilter(rows[0] as Row);
}

/** Deletes one of the user's filters; false when she has none of that id. */
export async function deleteSavedFilter(q: Queryable, userId: string, id: string): Promise<boolean> {
  const rows = await q.query<{ id: string }>(
    'delete from case_saved_filters where id = $1 and user_id = $2 returning id',
    [id, userId],
  );
  return rows.length > 0;
}
