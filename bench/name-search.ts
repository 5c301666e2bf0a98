/**
 * Fuzzy name search over encrypted names on PostgreSQL (issue #3), at 100 k or 1 M survivors: the real
 * `CasesService.search` (blind-index tokens of the query, `searchPersons`, the cases of the persons found, the
 * audit record), and `searchPersons` on its own, against a plaintext pg_trgm search over the same names
 * (`name % $1 order by similarity desc limit 20` on a GIN gin_trgm_ops index), with the same queries: names on
 * record with typos, other transliterations, parts reordered, or the surname alone.
 *
 *   node bench/name-search.ts [100k|1m|<n>] [--queries 300] [--workers 2] [--budgets 10000,40000] [--candidates 1000] [--keep]
 *
 * `--keep` leaves the database (passage_bench_search) in place for EXPLAIN sessions; drop it by running again.
 */
import { parseArgs } from 'node:util';
import { type Db, openPostgres, type Queryable } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { normaliseName } from '../src/lib/normalise.ts';
import type { SearchHit } from '../src/modules/cases/index.ts';
import { identityVaultOpener } from '../src/modules/survivors/index.ts';
import {
  type BenchNode,
  benchNode,
  freshDatabase,
  machineFacts,
  ms,
  printTable,
  runBench,
  summarise,
} from './harness.ts';
import { canQuery, QUERY_KINDS, type QueryKind, queryFor, seededRandom } from './names.ts';
import { budgeted, type FindPersons, minShared, prepareBudgeted, searchCasesWith, shipped } from './search-variants.ts';
import { populate, type SampledSurvivor } from './survivor-population.ts';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    queries: { type: 'string', default: '300' },
    workers: { type: 'string', default: '2' },
    budgets: { type: 'string', default: '10000,40000' },
    candidates: { type: 'string', default: '1000' },
    keep: { type: 'boolean', default: false },
  },
});

function parseSize(text = '100k'): number {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a number of survivors (e.g. 100k, 1m, 250000)`);
  const factor = { '': 1, k: 1e3, m: 1e6 }[(match[2] ?? '').toLowerCase()] ?? 1;
  return Math.round(Number(match[1]) * factor);
}

const SURVIVORS = parseSize(positionals[0]);
const QUERIES = Number(args.queries);
const WORKERS = Number(args.workers);
const MIN_SCORE = 0.4; // CasesService.search's default
const PERSON_LIMIT = 80; // CasesService.search asks searchPersons for 4 × its limit of 20
const BUDGETS = args.budgets.split(',').map(Number);
const CANDIDATES = Number(args.candidates);

interface Query {
  kind: QueryKind;
  text: string;
  target: string;
}

function makeQueries(sample: SampledSurvivor[]): Query[] {
  const random = seededRandom(7);
  const queries: Query[] = [];
  for (let i = 0; queries.length < QUERIES && i < sample.length * QUERY_KINDS.length; i++) {
    const kind = QUERY_KINDS[queries.length % QUERY_KINDS.length] as QueryKind;
    const survivor = sample[Math.floor(random() * sample.length)] as SampledSurvivor;
    if (!canQuery(kind, survivor.name)) continue;
    queries.push({ kind, text: queryFor(random, kind, survivor.name), target: survivor.personId });
  }
  return queries;
}

/** The persons a search found, best first, with their scores where it has them. */
interface Found {
  ids: string[];
  scores: number[];
}

interface Measured {
  label: string;
  latencies: number[];
  byKind: Map<QueryKind, number[]>;
  /** Per query. */
  found: Found[];
}

const WARM_UP = 30;

interface Method {
  label: string;
  /** Runs the search (timed); what it returns reads the persons found (not timed). */
  search(q: Query): Promise<() => Promise<Found>>;
}

/**
 * Warms the caches with the first queries, then times every query with every method, one at a time, the methods
 * taking turns query by query so that a burst of load on the shared machine falls on all of them alike.
 */
async function measure(queries: Query[], methods: Method[]): Promise<Measured[]> {
  for (const q of queries.slice(0, WARM_UP)) for (const m of methods) await m.search(q);
  const measured = methods.map((m) => ({
    label: m.label,
    latencies: [] as number[],
    byKind: new Map<QueryKind, number[]>(),
    found: [] as Found[],
  }));
  for (const [i, q] of queries.entries()) {
    for (const [j, method] of methods.entries()) {
      const into = measured[j] as Measured;
      const t0 = performance.now();
      const read = await method.search(q);
      const elapsed = performance.now() - t0;
      into.latencies.push(elapsed);
      into.byKind.set(q.kind, [...(into.byKind.get(q.kind) ?? []), elapsed]);
      into.found.push(await read());
    }
    if ((i + 1) % 50 === 0) console.log(`  ${i + 1} of ${queries.length} queries`);
  }
  return measured;
}

/**
 * How close `m` comes to the reference, over the queries: the share of the reference's first 20 persons that `m`
 * also ranks in its first 20 (persons with equal scores may trade places), and the share of queries whose first 20
 * scores are the same (nobody better was missed).
 */
function agreement(m: Measured, reference: Measured): { persons: number; scores: number } {
  let persons = 0;
  let scores = 0;
  reference.found.forEach((expected, i) => {
    const got = m.found[i] ?? { ids: [], scores: [] };
    const top = expected.ids.slice(0, 20);
    const ids = new Set(got.ids.slice(0, 20));
    persons += top.length === 0 ? 1 : top.filter((id) => ids.has(id)).length / top.length;
    const same = expected.scores.slice(0, 20).every((x, j) => Math.abs(x - (got.scores[j] ?? -1)) < 1e-9);
    if (same && got.scores.length >= Math.min(20, expected.scores.length)) scores++;
  });
  return { persons: persons / reference.found.length, scores: scores / reference.found.length };
}

function report(queries: Query[], baseline: Measured, rows: { m: Measured; reference?: Measured }[]) {
  const base = summarise(baseline.latencies);
  const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
  printTable(
    `name search over ${SURVIVORS.toLocaleString('en')} survivors, ${queries.length} queries one at a time, warm (ms)`,
    [
      'search',
      'p50',
      'p95',
      'p99',
      'max',
      'p50 × plain',
      'p95 × plain',
      'survivor found',
      'same top-20 persons',
      'same top-20 scores',
    ],
    rows.map(({ m, reference }) => {
      const s = summarise(m.latencies);
      const targetFound = m.found.filter((f, i) => f.ids.includes(queries[i]?.target ?? '')).length;
      const agreed = reference && agreement(m, reference);
      return [
        m.label,
        ms(s.p50),
        ms(s.p95),
        ms(s.p99),
        ms(s.max),
        (s.p50 / base.p50).toFixed(2),
        (s.p95 / base.p95).toFixed(2),
        percent(targetFound / queries.length),
        agreed ? percent(agreed.persons) : '–',
        agreed ? percent(agreed.scores) : '–',
      ];
    }),
  );
  printTable(
    'p95 by kind of query (ms)',
    ['search', ...QUERY_KINDS],
    rows.map(({ m }) => [m.label, ...QUERY_KINDS.map((k) => ms(summarise(m.byKind.get(k) ?? []).p95))]),
  );
}

/** EXPLAIN ANALYZE of what `find` sends for one query, with the token arrays elided. */
async function explain(find: FindPersons, tokens: string[]): Promise<string> {
  const plans: string[] = [];
  const explaining: Queryable = {
    async query<T>(sql: string, params?: readonly unknown[]) {
      const rows = await db.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers, costs off) ${sql}`, params);
      plans.push(rows.map((r) => r['QUERY PLAN'].replace(/'\{[0-9a-f,]+\}'/g, "'{…}'")).join('\n'));
      return [] as T[];
    },
  };
  await find(explaining, tokens, { minScore: MIN_SCORE, limit: PERSON_LIMIT });
  return plans.join('\n');
}

const database = await freshDatabase('passage_bench_search');
const db: Db = openPostgres(database.url);
let node: BenchNode | undefined;

await runBench(
  async () => {
    const started = performance.now();
    await migrate(db);
    node = await benchNode(db);
    const { services, worker, agencyId } = node;
    console.log((await machineFacts(db)).join('\n'));
    const vault = await identityVaultOpener(db, services.keys.kek)();

    const loadStarted = performance.now();
    let reported = 0;
    const sample = await populate(database.url, services.keys.kek, agencyId, {
      count: SURVIVORS,
      sampleSize: QUERIES * 3,
      workers: WORKERS,
      progress: (loaded) => {
        if (loaded - reported < SURVIVORS / 10 && loaded < SURVIVORS) return;
        reported = loaded;
        const seconds = (performance.now() - loadStarted) / 1000;
        console.log(`  loaded ${loaded.toLocaleString('en')} survivors, ${seconds.toFixed(0)} s`);
      },
    });
    const [sizes] = await db.query<Record<string, string>>(
      `select (select count(*) from person_tokens)::text as tokens,
              pg_size_pretty(pg_total_relation_size('person_tokens')) as tokens_size,
              pg_size_pretty(pg_total_relation_size('persons')) as persons_size,
              pg_size_pretty(pg_total_relation_size('bench_plain_names')) as plain_size`,
    );
    console.log(
      `loaded in ${((performance.now() - loadStarted) / 1000).toFixed(0)} s (${WORKERS} sealing threads, indexes ` +
        `built after the load, vacuum analyze): ${sizes?.tokens} token rows (person_tokens ${sizes?.tokens_size} ` +
        `with indexes, persons ${sizes?.persons_size}; plaintext table ${sizes?.plain_size} with its GIN index)`,
    );
    const prepareStarted = performance.now();
    await prepareBudgeted(db);
    console.log(
      `prototype objects (token frequencies, index on person_tokens (person_id, kind, token)) built in ` +
        `${((performance.now() - prepareStarted) / 1000).toFixed(0)} s`,
    );

    const queries = makeQueries(sample);
    const tokensOf = new Map(queries.map((q) => [q, vault.queryTokens({ name: q.text }).name]));
    const survivorsOfCases = (hits: SearchHit[]) => async (): Promise<Found> => {
      const rows = await db.query<{ id: string; survivor_id: string }>(
        'select id, survivor_id from cases where id = any($1)',
        [hits.map((h) => h.caseId)],
      );
      const survivor = new Map(rows.map((r) => [r.id, r.survivor_id]));
      return { ids: hits.map((h) => survivor.get(h.caseId) ?? ''), scores: hits.map((h) => h.score) };
    };
    const persons = (find: FindPersons) => async (q: Query) => {
      const hits = await find(db, tokensOf.get(q) ?? [], { minScore: MIN_SCORE, limit: PERSON_LIMIT });
      return async () => ({ ids: hits.map((p) => p.personId), scores: hits.map((p) => p.score) });
    };
    const proposal = budgeted(BUDGETS[0] ?? 10_000, CANDIDATES);
    const budgetLabel = (budget: number) => `prototype: budgeted ${budget / 1000}k`;

    const methods: Method[] = [
      {
        label: 'plaintext pg_trgm (baseline)',
        async search(q) {
          const rows = await db.query<{ person_id: string }>(
            `select person_id, similarity(name, $1) as score from bench_plain_names
             where name % $1 order by score desc limit 20`,
            [normaliseName(q.text)],
          );
          return async () => ({ ids: rows.map((r) => r.person_id), scores: [] });
        },
      },
      {
        label: 'CasesService.search (shipped)',
        search: async (q) => survivorsOfCases(await services.cases.search(worker, { name: q.text })),
      },
      {
        label: `same path, budgeted ${(BUDGETS[0] ?? 10_000) / 1000}k searchPersons`,
        search: async (q) =>
          survivorsOfCases(
            await searchCasesWith(
              proposal,
              { db, audit: services.audit },
              { actor: worker, agencies: [agencyId], nameTokens: vault.queryTokens({ name: q.text }).name },
            ),
          ),
      },
      { label: 'searchPersons (shipped)', search: persons(shipped) },
      { label: 'prototype: min shared tokens', search: persons(minShared) },
      ...BUDGETS.map((budget) => ({ label: budgetLabel(budget), search: persons(budgeted(budget, CANDIDATES)) })),
    ];
    const [plain, service, serviceProposal, repository, ...prototypes] = await measure(queries, methods);
    if (!plain || !service || !serviceProposal || !repository) throw new Error('a measurement is missing');
    report(queries, plain, [
      { m: plain },
      { m: service },
      { m: serviceProposal, reference: service },
      { m: repository },
      ...prototypes.map((m) => ({ m, reference: repository })),
    ]);
    console.log(
      [
        '',
        "× plain: latency over the plaintext baseline's at the same percentile.",
        'survivor found: the survivor a query was made from is among the results (80 persons from searchPersons,',
        '  20 cases from the service, 20 names from the baseline).',
        'same top-20 persons / scores: against the shipped search on the same path: share of its first 20 persons',
        '  also in the first 20 (persons with equal scores may trade places), and share of queries with the same',
        '  first 20 scores (nobody better was missed).',
        `budgeted Nk: candidates from the query's rarest tokens up to N thousand index entries, the best ${CANDIDATES}`,
        '  of them scored exactly on all tokens.',
        'thresholds: Passage minScore 0.4 (Dice over tokens); pg_trgm default 0.3 (Jaccard over trigrams, = Dice 0.46).',
      ].join('\n'),
    );

    const median = [...repository.latencies.keys()].sort(
      (a, b) => (repository.latencies[a] ?? 0) - (repository.latencies[b] ?? 0),
    )[Math.floor(queries.length / 2)] as number;
    const example = queries[median] as Query;
    const exampleTokens = tokensOf.get(example) ?? [];
    console.log(
      `\nEXPLAIN ANALYZE for the query of median shipped latency (${example.kind}, ${exampleTokens.length} tokens)`,
    );
    for (const [label, find] of [
      ['shipped searchPersons', shipped],
      ['prototype: min shared tokens', minShared],
      [budgetLabel(BUDGETS[0] ?? 10_000), proposal],
    ] as const) {
      console.log(`\n-- ${label}\n${await explain(find, exampleTokens)}`);
    }
    console.log(`\nrun time: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  },
  async () => {
    await db.close();
    node?.dispose();
    if (!args.keep) await database.drop();
  },
);
