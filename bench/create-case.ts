/**
 * Create-case throughput on PostgreSQL (issue #3): the real `CasesService.create` — validation of the first report,
 * the survivor's identity sealed under a fresh data key, blind-index tokens, the case and its timeline, the audit
 * record in the same transaction, then the case read back — called by N concurrent clients (one process, one
 * service instance, as behind the HTTP server, without the HTTP layer), against a raw INSERT of a row as large as
 * the stored case and person rows with the same concurrency, on the same server, in the same run.
 *
 * Further runs show what limits the figure: the raw INSERT on a pool as small as the shipped one; the same rows as
 * a create written by a plain transaction (no validation, encryption, hash chain or read-back); the service on a
 * pool as large as the number of clients (the shipped `openPostgres` pool holds 10 connections); audit appends
 * alone, which serialise on the hash chain's advisory lock (the chain's ceiling); one client (latency without
 * queueing); and the service with audit appends that do not serialise (written to a scratch table; an upper bound,
 * not a design). CPU time per operation, of this process and of the PostgreSQL backends, is read from /proc.
 *
 *   node bench/create-case.ts [--seconds 20] [--clients 32]
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ulid } from 'ulid';
import { createServices } from '../src/app/services.ts';
import { type Db, openPostgres } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { referralSharing } from '../src/modules/care/index.ts';
import type { NewCase } from '../src/modules/cases/index.ts';
import { CaseAccess, CasesService } from '../src/modules/cases/index.ts';
import { KeyCustody } from '../src/modules/key-custody/index.ts';
import { identityVaultOpener, PersonRecords } from '../src/modules/survivors/index.ts';
import {
  openPostgresWithPool,
  type StoredCase,
  sameRows,
  UNSERIALISED_AUDIT_TABLE,
  UnserialisedAudit,
} from './create-variants.ts';
import {
  type BenchNode,
  benchNode,
  freshDatabase,
  machineFacts,
  ms,
  printTable,
  runBench,
  type Summary,
  summarise,
} from './harness.ts';
import {
  birthDate,
  citizenship,
  documentNumber,
  mobilePhone,
  primaryLanguage,
  randomName,
  seededRandom,
} from './names.ts';

const { values: args } = parseArgs({
  options: { seconds: { type: 'string', default: '20' }, clients: { type: 'string', default: '32' } },
});
const SECONDS = Number(args.seconds);
const CLIENTS = Number(args.clients);
const SHIPPED_POOL = 10; // `max` in openPostgres (src/db/client.ts)
const random = seededRandom(3);

/** A first report as the "new first report" form sends it: survivor, victim context, a comment, one movement. */
function firstReport(): NewCase {
  const name = randomName(random);
  const country = citizenship(random, name);
  return {
    survivor: {
      prs_FirstName: name.first,
      ...(name.middle ? { prs_MiddleName: name.middle } : {}),
      prs_SecondName: name.last,
      prs_Birthdate: birthDate(random),
      prs_Gender: name.gender,
      prs_Citizenship: [country],
      prs_IdentityNumber: documentNumber(random),
      prs_MobilePhone: mobilePhone(random, name),
      prs_PrimaryLanguage: primaryLanguage(name),
      ...(name.aliases.length > 0 ? { psg_Aliases: name.aliases } : {}),
    },
    victim: {
      vic_TraffickingStatus: 'PossibleVictimOfTrafficking',
      vic_TypeOfExploitation: ['ForcedLabour'],
      vic_ForcedLabourIndustry: 'A_AgricultureForestryAndFishing',
      vic_MethodsOfControl: ['DebtBondage', 'TakesEarnings'],
    },
    comment: 'Found during a labour inspection on a farm near Latina; came by bus with four others, documents kept.',
    movements: [{ hte_Type: 'Recruitment', hte_Country: country, hte_City: 'Chișinău', hte_Date: '2026-03-02' }],
  };
}

interface Run {
  label: string;
  pool: number;
  clients: number;
  latencies: number[];
  elapsedMs: number;
  errors: number;
  firstError?: unknown;
  /** CPU time of this process, and of the PostgreSQL backends serving this database, in ms. */
  nodeCpuMs: number;
  postgresCpuMs: number;
  /** Share of all cores busy during the run, other users' work included. */
  machineCpu: number;
}

function cpuTicks(): { busy: number; total: number } {
  const [line] = readFileSync('/proc/stat', 'utf8').split('\n');
  const ticks = (line ?? '').split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
}

const CLOCK_TICK_MS = 10; // USER_HZ = 100 on Linux

/** CPU ticks used so far by each backend connected to the benchmark's database (read from /proc: same machine). */
async function backendTicks(): Promise<Map<number, number>> {
  const rows = await db.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database()');
  const ticks = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // The backend ended between the two reads.
    }
  }
  return ticks;
}

/** `clients` loops calling `op` until the time is up; latency is what each caller waited, pool queueing included. */
async function drive(
  label: string,
  pool: number,
  seconds: number,
  op: () => Promise<unknown>,
  clients = CLIENTS,
): Promise<Run> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: unknown;
  const backends = await backendTicks();
  const machine = cpuTicks();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await op();
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= error;
        }
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const after = cpuTicks();
  let postgresTicks = 0;
  for (const [pid, ticks] of await backendTicks()) postgresTicks += ticks - (backends.get(pid) ?? 0);
  return {
    label,
    pool,
    clients,
    latencies,
    elapsedMs,
    errors,
    firstError,
    nodeCpuMs: (used.user + used.system) / 1000,
    postgresCpuMs: postgresTicks * CLOCK_TICK_MS,
    machineCpu: (after.busy - machine.busy) / (after.total - machine.total),
  };
}

const SHIPPED = 'Passage create (as shipped)';

const summaryCells = (s: Summary) => [ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max)];

function report(runs: Run[], rawBytes: number, passageBytes: { caseRow: number; personRow: number }) {
  const raw = runs.find((r) => r.label.startsWith('raw INSERT') && r.pool === CLIENTS);
  const rate = (r: Run) => r.latencies.length / (r.elapsedMs / 1000);
  printTable(
    `create-case, ${SECONDS} s per run (latency in ms, waiting for a pooled connection included)`,
    [
      'run',
      'clients',
      'pool',
      'done',
      'errors',
      'per s',
      '× raw',
      'p50',
      'p95',
      'p99',
      'max',
      'node ms/op',
      'pg ms/op',
      'machine busy',
    ],
    runs.map((r) => [
      r.label,
      String(r.clients),
      String(r.pool),
      String(r.latencies.length),
      String(r.errors),
      rate(r).toFixed(0),
      raw ? `${(rate(r) / rate(raw)).toFixed(2)}` : '–',
      ...summaryCells(summarise(r.latencies)),
      (r.nodeCpuMs / Math.max(1, r.latencies.length)).toFixed(2),
      (r.postgresCpuMs / Math.max(1, r.latencies.length)).toFixed(2),
      `${(r.machineCpu * 100).toFixed(0)}%`,
    ]),
  );
  console.log(
    `\nrow size: stored case row ${passageBytes.caseRow} B + survivor row ${passageBytes.personRow} B = ` +
      `${passageBytes.caseRow + passageBytes.personRow} B; raw row ${rawBytes} B (pg_column_size)`,
  );
  console.log(
    'node / pg ms/op: CPU time per operation of this process and of the PostgreSQL backends serving it; ' +
      'machine busy: all cores, other users included',
  );
  for (const r of runs.filter((x) => x.firstError)) console.log(`first error in "${r.label}": ${String(r.firstError)}`);
  const passage = runs.find((r) => r.label === SHIPPED);
  if (raw && passage) {
    const s = summarise(passage.latencies);
    console.log(
      `\nPassage (as shipped) / raw INSERT = ${(rate(passage) / rate(raw)).toFixed(2)}× (target ≥ 0.5×); ` +
        `p99 ${ms(s.p99)} ms (target < 50 ms)`,
    );
  }
}

const database = await freshDatabase('passage_bench_create');
const db = openPostgres(database.url);
let node: BenchNode | undefined;
const extraDbs: Db[] = [];
const rawPools: pg.Pool[] = [];

await runBench(
  async () => {
    const started = performance.now();
    await migrate(db);
    node = await benchNode(db);
    const { services, worker } = node;
    console.log((await machineFacts(db)).join('\n'));
    console.log(
      `pool:       openPostgres holds ${SHIPPED_POOL} connections: at most ${SHIPPED_POOL} of the ${CLIENTS} clients ` +
        'run a query at a time, the others wait for a connection (counted in their latency)',
    );
    await db.exec(`create table bench_raw_rows (id text primary key, body text not null);
      ${UNSERIALISED_AUDIT_TABLE}`);

    const create = (cases: CasesService) => () => cases.create(worker, firstReport());
    await drive('warm-up', SHIPPED_POOL, Math.min(3, SECONDS / 4), create(services.cases));

    const [sizes] = await db.query<{ case_row: number; person_row: number }>(
      `select avg(pg_column_size(c.*))::int as case_row, avg(pg_column_size(p.*))::int as person_row
       from cases c join persons p on p.id = c.survivor_id`,
    );
    const passageBytes = { caseRow: sizes?.case_row ?? 0, personRow: sizes?.person_row ?? 0 };
    // A body that makes the raw row as large as the case and person rows together (random, so not compressible).
    const [empty] = await db.query<{ bytes: number }>('select pg_column_size(row($1::text, $2::text)) as bytes', [
      ulid(),
      '',
    ]);
    const bodyLength = passageBytes.caseRow + passageBytes.personRow - (empty?.bytes ?? 0) - 3;
    const bodies = Array.from({ length: 64 }, () => randomBytes(bodyLength).toString('base64').slice(0, bodyLength));
    let next = 0;
    const rawInsert = (pool: pg.Pool) => () =>
      pool.query('insert into bench_raw_rows (id, body) values ($1, $2)', [ulid(), bodies[next++ % bodies.length]]);
    const rawPool = (max: number) => {
      const pool = new pg.Pool({ connectionString: database.url, max });
      rawPools.push(pool);
      return pool;
    };

    const raw32 = rawPool(CLIENTS);
    await drive('warm-up', CLIENTS, Math.min(2, SECONDS / 4), rawInsert(raw32));
    const [rawRow] = await db.query<{ bytes: number }>(
      'select avg(pg_column_size(r.*))::int as bytes from bench_raw_rows r',
    );

    const runs: Run[] = [];
    runs.push(await drive(`raw INSERT, ${CLIENTS} connections`, CLIENTS, SECONDS, rawInsert(raw32)));
    runs.push(await drive(SHIPPED, SHIPPED_POOL, SECONDS, create(services.cases)));
    runs.push(await drive(`raw INSERT, ${SHIPPED_POOL} connections`, SHIPPED_POOL, SECONDS, rawInsert(rawPool(10))));
    const [stored] = await db.query<StoredCase>(
      `select p.agency_id, p.attributes::text, p.wrapped_key, p.identity::text, p.name_tokens, c.victim::text,
              c.details::text, c.owner_id, c.created_by, m.fields::text as movement,
              (select count(*)::int from person_tokens t where t.person_id = p.id) as tokens
       from cases c join persons p on p.id = c.survivor_id join movements m on m.case_id = c.id limit 1`,
    );
    if (!stored) throw new Error('the warm-up stored no case');
    runs.push(
      await drive(
        'same rows, plain transaction (no crypto, chain or read-back)',
        CLIENTS,
        SECONDS,
        sameRows(raw32, stored),
      ),
    );

    const wide = openPostgresWithPool(database.url, CLIENTS);
    extraDbs.push(wide);
    const wideServices = createServices(services.config, wide, services.keys);
    await drive('warm-up', CLIENTS, Math.min(2, SECONDS / 4), create(wideServices.cases));
    runs.push(await drive(`Passage create, pool ${CLIENTS}`, CLIENTS, SECONDS, create(wideServices.cases)));
    // The chain's ceiling: nothing but audit appends, each in its own transaction (as a refusal is recorded).
    const append = () =>
      wide.transaction((tx) => wideServices.audit.record(tx, worker, { action: 'case.search', outcome: 'success' }));
    runs.push(await drive(`audit append alone (chain lock), pool ${CLIENTS}`, CLIENTS, SECONDS, append));
    runs.push(await drive('Passage create, one client', SHIPPED_POOL, SECONDS / 2, create(services.cases), 1));
    const unserialisedAudit = new UnserialisedAudit(wide);
    const persons = new PersonRecords(wide, identityVaultOpener(wide, services.keys.kek));
    const unserialised = new CasesService(wide, unserialisedAudit, {
      persons,
      sharing: referralSharing,
      access: new CaseAccess(unserialisedAudit, referralSharing, persons),
      keyCustody: new KeyCustody(services.keys.kek),
    });
    runs.push(
      await drive(`Passage create, pool ${CLIENTS}, audit unserialised`, CLIENTS, SECONDS, create(unserialised)),
    );

    const [counts] = await db.query<{ tokens: number; events: number }>(
      `select (select count(*) from person_tokens)::float8 / (select count(*) from persons) as tokens,
              (select count(*) from case_events)::float8 / (select count(*) from cases) as events`,
    );
    report(runs, rawRow?.bytes ?? 0, passageBytes);
    console.log(
      `per create: 1 person row, ${counts?.tokens.toFixed(1)} token rows, 1 case, ${counts?.events.toFixed(1)} ` +
        'timeline events, 1 movement, 1 audit record, in one transaction; then the case is read back',
    );
    console.log(`run time: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  },
  async () => {
    for (const pool of rawPools) await pool.end();
    for (const extra of extraDbs) await extra.close();
    await db.close();
    node?.dispose();
    await database.drop();
  },
);
