/**
 * Ways to find persons by blind name tokens, for the name-search benchmark: the shipped `searchPersons`, and two
 * prototypes of a change to it, measured side by side on the same data and queries.
 *
 * - `minShared`: the shipped ranking, exactly, but persons that cannot reach the score are dropped before the join
 *   with `persons`, and `name_tokens` is read by primary key for the few that remain (the shipped plan hash-joins
 *   every person: a sequential scan of `persons` per search).
 * - `budgeted`: candidates come only from the query's rarest tokens, as many as a fixed budget of index entries
 *   allows (token frequencies from a table a background job would refresh). A person must share at least the bound
 *   above, less the number of tokens left out, of the scanned ones; the `candidates` sharing most are then scored
 *   exactly on all query tokens through a covering index on (person_id, kind, token), which also counts the
 *   person's tokens (no read of `persons`). Its cost no longer grows with the number of survivors. It returns the
 *   shipped results when fewer tokens are left out than the bound and no more than `candidates` persons pass it;
 *   otherwise persons sharing only common tokens, or fewer rare ones than the candidates kept, are missed, which
 *   the benchmark measures as agreement with the shipped results.
 */
import type { Db, Queryable } from '../src/db/client.ts';
import type { AuditService, RequestContext } from '../src/modules/audit/index.ts';
import { casesOfPersons } from '../src/modules/cases/cases.repository.ts';
import type { SearchHit } from '../src/modules/cases/index.ts';
import { searchPersons } from '../src/modules/survivors/survivors.repository.ts';

export interface PersonHit {
  personId: string;
  score: number;
}

export type FindPersons = (
  q: Queryable,
  nameTokens: string[],
  options: { minScore: number; limit: number },
) => Promise<PersonHit[]>;

const toHits = (rows: { person_id: string; score: number }[]): PersonHit[] =>
  rows.map((r) => ({ personId: r.person_id, score: Number(r.score) }));

export const shipped: FindPersons = (q, name, options) => searchPersons(q, { name, exact: [] }, options);

/**
 * The fewest tokens a person must share with a query of `queryTokens` tokens to reach a Dice score of `minScore`,
 * whatever the person's own token count n: 2s / (q + n) ≥ t with n ≥ s gives s ≥ t·q / (2 − t).
 */
export function fewestShared(queryTokens: number, minScore: number): number {
  return Math.max(1, Math.ceil((minScore * queryTokens) / (2 - minScore) - 1e-9));
}

export const minShared: FindPersons = async (q, name, { minScore, limit }) =>
  toHits(
    await q.query(
      `with shared as materialized (
         select person_id, count(*) as n from person_tokens
         where kind = 'name' and token = any($1::text[])
         group by person_id having count(*) >= $5),
       scored as materialized (
         select person_id, 2.0 * n / ($2 + (select p.name_tokens from persons p where p.id = shared.person_id)) as score
         from shared)
       select person_id, score::float8 as score from scored where score >= $3
       order by score desc, person_id limit $4`,
      [name, name.length, minScore, limit, fewestShared(name.length, minScore)],
    ),
  );

/** Objects the `budgeted` prototype needs: token frequencies and a covering index by person. */
export async function prepareBudgeted(db: Pick<Db, 'transaction'>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query("set local maintenance_work_mem = '1GB'");
    await tx.query(`create table bench_name_token_frequencies as
      select token, count(*)::integer as persons from person_tokens where kind = 'name' group by token`);
    await tx.query('alter table bench_name_token_frequencies add primary key (token)');
    await tx.query('create index bench_person_tokens_by_person on person_tokens (person_id, kind, token)');
  });
  await db.transaction((tx) => tx.query('analyze bench_name_token_frequencies'));
}

export function budgeted(budget: number, candidates: number): FindPersons {
  return async (q, name, { minScore, limit }) =>
    toHits(
      await q.query(
        `with query as (
           select u.token, coalesce(f.persons, 0) as df,
                  sum(coalesce(f.persons, 0)) over (order by coalesce(f.persons, 0), u.token) as running
           from unnest($1::text[]) as u (token) left join bench_name_token_frequencies f on f.token = u.token),
         candidates as materialized (
           select person_id from person_tokens
           where kind = 'name' and token in (select token from query where running - df < $5)
           group by person_id
           having count(*) >= $7 - (select count(*) from query where running - df >= $5)
           order by count(*) desc, person_id limit $6),
         scored as materialized (
           select c.person_id, v.shared, v.total
           from candidates c cross join lateral (
             select count(*) filter (where t.token = any($1::text[])) as shared, count(*) as total
             from person_tokens t where t.person_id = c.person_id and t.kind = 'name') v)
         select person_id, (2.0 * shared / ($2 + total))::float8 as score from scored
         where 2.0 * shared / ($2 + total) >= $3
         order by score desc, person_id limit $4`,
        [name, name.length, minScore, limit, budget, candidates, fewestShared(name.length, minScore)],
      ),
    );
}

/**
 * What `CasesService.search` does around `searchPersons` (cases of the persons found, those the caller's agencies
 * may see, one audit record), with another way to find the persons: the end-to-end cost of a prototype.
 */
export async function searchCasesWith(
  find: FindPersons,
  ctx: { db: Db; audit: AuditService },
  request: { actor: RequestContext; agencies: string[]; nameTokens: string[] },
): Promise<SearchHit[]> {
  const limit = 20;
  const persons = await find(ctx.db, request.nameTokens, { minScore: 0.4, limit: limit * 4 });
  const score = new Map(persons.map((p) => [p.personId, p.score]));
  const cases = await casesOfPersons(ctx.db, [...score.keys()]);
  const shared = new Set(
    cases.length === 0
      ? []
      : (
          await ctx.db.query<{ case_id: string }>(
            "select case_id from referrals where case_id = any($1) and status = 'accepted' and to_agency_id = any($2)",
            [cases.map((c) => c.id), request.agencies],
          )
        ).map((r) => r.case_id),
  );
  const hits = cases
    .filter((c) => request.agencies.includes(c.agencyId) || shared.has(c.id))
    .map((c) => ({
      caseId: c.id,
      reference: c.reference,
      agencyId: c.agencyId,
      stage: c.stage,
      score: score.get(c.survivorId) ?? 0,
    }))
    .sort((a, b) => b.score - a.score || a.reference.localeCompare(b.reference))
    .slice(0, limit);
  await ctx.db.transaction((tx) => ctx.audit.record(tx, request.actor, { action: 'case.search', outcome: 'success' }));
  return hits;
}
