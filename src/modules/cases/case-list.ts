/**
 * The case list to work from (issue 15): pages in keyset order, each row with its assignee, risk, next deadline, last
 * activity, who referred it and its label. What other modules keep comes through ports (`CaseClocks`), one read per
 * enrichment for the whole page, never one per row.
 */

import type { Queryable } from '../../db/client.ts';
import { invalid } from '../../lib/errors.ts';
import type { Stage } from '../../shared/lifecycle.ts';
import type { RequestContext } from '../audit/index.ts';
import { agencyName, peopleNames } from '../user-accounts/index.ts';
import { type ListedCase, listCases, type SqlSort } from './case-list.repository.ts';
import { LABEL } from './case-seal.ts';
import { type Finding, visibleAgencies } from './case-search.ts';
import type { CaseSummary } from './case-view.ts';

/** What the list shows of a case that other modules keep (given by the composition root). */
export interface CaseClocks {
  /** Each assessed case's latest risk level and when it is due for reassessment. */
  risks(q: Queryable, caseIds: readonly string[], now: Date): Promise<Map<string, { level: RiskLevel; due: string }>>;
  /** Each case's nearest MLA clock not yet met. */
  mlaDeadlines(q: Queryable, caseIds: readonly string[], now: Date): Promise<Map<string, string>>;
  /** The name of the node each case received from abroad came from (the cross-border module's). */
  receivedFrom(q: Queryable, caseIds: readonly string[]): Promise<Map<string, string>>;
}

type RiskLevel = 'low' | 'medium' | 'high';
export type NextDeadline = { at: string; kind: 'mla' | 'risk_reassessment' } | null;

/** The nearest of a case's clocks (the list's rows and the case page's summary say it the same way). */
export function nearestDeadline(riskDue: string | undefined, mlaDue: string | undefined): NextDeadline {
  const due = [riskDue, mlaDue].filter((d): d is string => d !== undefined).sort()[0];
  return due ? { at: due, kind: due === mlaDue ? 'mla' : 'risk_reassessment' } : null;
}

/** One case's next deadline, read through the same ports as the list's (for the case overview). */
export async function nextDeadlineOf(clocks: CaseClocks | null, q: Queryable, caseId: string, now: Date) {
  if (!clocks) return null;
  const [risks, mla] = await Promise.all([clocks.risks(q, [caseId], now), clocks.mlaDeadlines(q, [caseId], now)]);
  return nearestDeadline(risks.get(caseId)?.due, mla.get(caseId));
}
export type CaseSort = SqlSort | 'nextDeadline' | 'risk';
export const CASE_SORTS: readonly CaseSort[] = ['lastActivity', 'nextDeadline', 'reference', 'risk'];
const DEFAULT_DIR: Record<CaseSort, 'asc' | 'desc'> = {
  lastActivity: 'desc',
  reference: 'asc',
  nextDeadline: 'asc',
  risk: 'desc',
};
const RISK_RANK: Record<string, string> = { high: '3', medium: '2', low: '1' };

export interface CaseListQuery {
  stage?: string;
  reference?: string;
  mine?: boolean;
  sort?: CaseSort;
  dir?: 'asc' | 'desc';
  cursor?: string;
  limit: number;
  offset?: number;
}

interface Cursor {
  s: CaseSort;
  d: 'asc' | 'desc';
  v: string;
  i: string;
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decode(text: string, sort: CaseSort, dir: 'asc' | 'desc'): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString()) as Cursor;
    if (c.s === sort && c.d === dir && typeof c.v === 'string' && typeof c.i === 'string') return c;
  } catch {
    // an unreadable cursor is refused below like one of another order
  }
  throw invalid('The cursor does not belong to this list and order: start again from the first page.');
}

export async function listCasePage(
  deps: Finding & { clocks: CaseClocks | null; now: () => Date },
  ctx: RequestContext,
  query: CaseListQuery,
): Promise<{ total: number; cases: CaseSummary[]; nextCursor: string | null }> {
  const { agencies, assigned } = await visibleAgencies(deps, ctx);
  const sort = query.sort ?? 'lastActivity';
  const dir = query.dir ?? DEFAULT_DIR[sort];
  const cursor = query.cursor ? decode(query.cursor, sort, dir) : null;
  const shared = agencies ? await deps.sharing.sharedCases(deps.db, agencies) : [];
  const now = deps.now();
  const filter = {
    stage: query.stage as Stage | undefined,
    reference: query.reference,
    ownerId: query.mine && ctx.actor.kind === 'user' ? ctx.actor.userId : undefined,
    agencies,
    shared,
    assigned: [...assigned],
  };
  if (query.mine && ctx.actor.kind !== 'user') return { total: 0, cases: [], nextCursor: null };
  let total: number;
  let rows: ListedCase[];
  let risks = new Map<string, { level: RiskLevel; due: string }>();
  let mla = new Map<string, string>();
  const facts = async (ids: string[]) => {
    if (!deps.clocks) return;
    [risks, mla] = await Promise.all([
      deps.clocks.risks(deps.db, ids, now),
      deps.clocks.mlaDeadlines(deps.db, ids, now),
    ]);
  };
  const deadline = (id: string) => nearestDeadline(risks.get(id)?.due, mla.get(id))?.at ?? null;
  const keyOf = (row: ListedCase): string => {
    if (sort === 'lastActivity') return row.activityKey;
    if (sort === 'reference') return row.reference;
    if (sort === 'risk') return RISK_RANK[risks.get(row.id)?.level ?? ''] ?? '0';
    // No deadline sorts after every date, whichever the direction the dates go.
    return deadline(row.id) ?? (dir === 'asc' ? '~' : '');
  };
  if (sort === 'lastActivity' || sort === 'reference') {
    const page = await listCases(deps.db, {
      ...filter,
      sort,
      dir,
      after: cursor ? { value: cursor.v, id: cursor.i } : undefined,
      limit: query.limit + 1,
      offset: cursor ? 0 : (query.offset ?? 0),
    });
    total = page.total;
    rows = page.cases;
    await facts(rows.map((r) => r.id));
  } else {
    // Risk and deadlines are other modules' facts: the whole filtered list is ordered here (a caseload, not the node).
    const all = await listCases(deps.db, { ...filter, limit: null });
    total = all.total;
    await facts(all.cases.map((r) => r.id));
    const sign = dir === 'asc' ? 1 : -1;
    const compare = (a: [string, string], b: [string, string]) =>
      sign * (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
    const ordered = all.cases.sort((a, b) => compare([keyOf(a), a.id], [keyOf(b), b.id]));
    const start = cursor
      ? ordered.findIndex((r) => compare([keyOf(r), r.id], [cursor.v, cursor.i]) > 0)
      : (query.offset ?? 0);
    rows = start < 0 ? [] : ordered.slice(start, start + query.limit + 1);
  }
  const more = rows.length > query.limit;
  rows = rows.slice(0, query.limit);
  const last = rows.at(-1);
  const ids = rows.map((r) => r.id);
  const [erased, names, sealers, abroad] = await Promise.all([
    deps.persons.erased(
      deps.db,
      rows.map((r) => r.survivorId),
    ),
    peopleNames(deps.db, [...new Set(rows.flatMap((r) => (r.ownerId ? [r.ownerId] : [])))]),
    deps.persons.dataSealers(
      deps.db,
      rows.filter((r) => r.labelSealed).map((r) => r.survivorId),
    ),
    deps.clocks ? deps.clocks.receivedFrom(deps.db, ids) : new Map<string, string>(),
  ]);
  // "Referred by": the owning agency of a case the caller's agencies received by referral, else the node abroad a
  // case came from.
  const received = agencies ? rows.filter((r) => !agencies.includes(r.agencyId)) : [];
  const agencyNames = new Map<string, string | null>();
  for (const agencyId of new Set(received.map((r) => r.agencyId))) {
    agencyNames.set(agencyId, await agencyName(deps.db, agencyId));
  }
  await deps.audit.recordRead(ctx, { action: 'case.list', resources: ids.map((id) => `case:${id}`) });
  const cases = rows.map((r): CaseSummary => {
    const risk = risks.get(r.id);
    const sealer = sealers.get(r.survivorId);
    const label = r.labelSealed && sealer ? sealer.open(r.id, LABEL, r.labelSealed) : null;
    return {
      id: r.id,
      reference: r.reference,
      agencyId: r.agencyId,
      stage: r.stage,
      stageSince: r.stageSince,
      reportedAt: r.reportedAt,
      traffickingStatus: r.traffickingStatus,
      erased: erased.has(r.survivorId),
      assignedTo: r.ownerId ? { id: r.ownerId, name: names.get(r.ownerId)?.name ?? r.ownerId } : null,
      risk: risk?.level ?? null,
      nextDeadline: nearestDeadline(risk?.due, mla.get(r.id)),
      lastActivity: r.lastActivity,
      referredBy:
        agencies && !agencies.includes(r.agencyId) ? (agencyNames.get(r.agencyId) ?? null) : (abroad.get(r.id) ?? null),
      label,
    };
  });
  const nextCursor = more && last ? encode({ s: sort, d: dir, v: keyOf(last), i: last.id }) : null;
  return { total, cases, nextCursor };
}
