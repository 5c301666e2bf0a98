/**
 * Load (issue 14, "Load and faults"): N signed-in users (default 50) for a while (default 5 minutes) against a real
 * node on PostgreSQL, in a process of its own (`passage start`'s code, over HTTP on a port), each user doing a
 * realistic mix in a loop without pause: list their agency's cases, read a case, open a case, upload evidence, record
 * consent and refer a case to another agency. Reports throughput, p50/p99 by kind and every error (any non-2xx answer,
 * and 5xx apart). Each user connects from an address of their own (127.0.0.x), so the node's limits per address
 * (600 requests a minute; 20 sign-ins a minute) apply to each user as they would at their desks, and are not lifted.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/load.ts [--seconds 300] [--users 50]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from 'otplib';
import { loadConfig } from '../src/app/config.ts';
import { openServices, startNode } from '../src/app/node.ts';
import { operatorContext } from '../src/app/operations.ts';
import { ensureKeys } from '../src/modules/key-custody/index.ts';
import { freshDatabase, machineFacts, ms, printTable, runBench, summarise } from './harness.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '300' },
    users: { type: 'string', default: '50' },
    serve: { type: 'string' },
  },
});

const PASSWORD = 'correct horse battery staple';
const FIRST_NAMES = ['Ana', 'Elena', 'Maria', 'Ioana', 'Olga', 'Natalia', 'Svetlana', 'Irina', 'Mihaela', 'Daria'];
const LAST_NAMES = ['Popescu', 'Ciobanu', 'Rusu', 'Munteanu', 'Lungu', 'Ionescu', 'Moraru', 'Sirbu', 'Cojocaru'];
const KINDS = ['list', 'read', 'create', 'upload', 'consent', 'refer'] as const;
type Kind = (typeof KINDS)[number];
/** How often each action is chosen: mostly reading, as on a working day. Consent and referral go together. */
const MIX: [Kind, number][] = [
  ['list', 35],
  ['read', 30],
  ['create', 15],
  ['upload', 10],
  ['refer', 10],
];

interface User {
  /** Each user connects from an address of their own (127.0.0.x), as users at their desks do. */
  agent: Agent;
  email: string;
  totpSecret: string;
  agencyId: string;
  headers: Record<string, string>;
  cases: string[];
  /** Cases opened in the run and not referred yet. */
  unreferred: string[];
}

async function main(): Promise<void> {
  const seconds = Number(args.seconds);
  const userCount = Number(args.users);
  const database = await freshDatabase('passage_bench_load');
  const dataDir = mkdtempSync(join(tmpdir(), 'passage-load-'));
  let child: ChildProcess | null = null;
  await runBench(
    async () => {
      writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ nodeId: 'bench-load', country: 'IT' }));
      const config = loadConfig({ dataDir, databaseUrl: database.url });
      ensureKeys(config);
      const { users, receiver, facts } = await setUp(config, userCount);
      child = spawn(process.execPath, [import.meta.filename, '--serve', dataDir], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: database.url },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const url = await new Promise<string>((resolve, reject) => {
        child?.stdout?.on('data', (chunk: Buffer) => {
          const found = /listening on (\S+)/.exec(chunk.toString());
          if (found?.[1]) resolve(found[1]);
        });
        child?.once('exit', (code) => reject(new Error(`the node exited with ${code}`)));
      });
      for (const user of users) await signIn(url, user);
      for (const user of users) {
        for (let i = 0; i < 2; i++) user.cases.push(await createCase(url, user));
      }
      console.log(`${users.length} users signed in, ${users.length * 2} cases to start from; running ${seconds} s`);
      const uptimeBefore = loadavg();
      const latencies = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
      const errors = new Map<string, number>();
      let serverErrors = 0;
      const deadline = performance.now() + seconds * 1000;
      const started = performance.now();
      await Promise.all(
        users.map(async (user) => {
          while (performance.now() < deadline) {
            const kind = pick();
            for (const step of kind === 'refer' ? (['create', 'consent', 'refer'] as Kind[]) : [kind]) {
              const t0 = performance.now();
              const status = await act(url, user, step, receiver);
              const took = performance.now() - t0;
              if (status >= 200 && status < 300) {
                latencies.get(step)?.push(took);
              } else {
                errors.set(`${step} ${status}`, (errors.get(`${step} ${status}`) ?? 0) + 1);
                if (status >= 500) serverErrors++;
                break;
              }
            }
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      const uptimeAfter = loadavg();
      const total = [...latencies.values()].reduce((n, l) => n + l.length, 0);
      for (const line of facts) console.log(line);
      console.log(`load average (1, 5, 15 min) before: ${uptimeBefore.map((x) => x.toFixed(2)).join(', ')}`);
      console.log(`load average (1, 5, 15 min) after:  ${uptimeAfter.map((x) => x.toFixed(2)).join(', ')}`);
      printTable(
        `${users.length} users, ${elapsed.toFixed(0)} s: ${total} successful requests, ${(total / elapsed).toFixed(1)}/s`,
        ['kind', 'n', 'per s', 'p50 ms', 'p99 ms', 'max ms'],
        KINDS.map((kind) => {
          const s = summarise(latencies.get(kind) ?? []);
          return [kind, String(s.n), (s.n / elapsed).toFixed(1), ms(s.p50), ms(s.p99), ms(s.max)];
        }),
      );
      const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
      console.log(`\nerrors: ${errorCount} (5xx: ${serverErrors})`);
      for (const [what, n] of errors) console.log(`  ${what}: ${n}`);
      if (errorCount > 0) process.exitCode = 1;
    },
    async () => {
      const running = child as ChildProcess | null;
      if (running && running.exitCode === null) {
        running.kill('SIGTERM');
        await new Promise((resolve) => running.once('exit', resolve));
      }
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  );
}

function pick(): Kind {
  let r = Math.random() * MIX.reduce((n, [, w]) => n + w, 0);
  for (const [kind, weight] of MIX) {
    r -= weight;
    if (r < 0) return kind;
  }
  return 'list';
}

async function setUp(config: ReturnType<typeof loadConfig>, count: number) {
  const services = await openServices(config, 'bench load set-up');
  try {
    const operator = operatorContext('bench');
    const agencies: string[] = [];
    for (let i = 0; i < 5; i++) {
      agencies.push(
        (await services.users.createAgency(operator, { name: `Load NGO ${i}`, country: 'IT', orgType: 'NGO' })).id,
      );
    }
    const receiver = (
      await services.users.createAgency(operator, { name: 'Load shelter', country: 'IT', orgType: 'NGO' })
    ).id;
    const users: User[] = [];
    for (let i = 0; i < count; i++) {
      const agencyId = agencies[i % agencies.length] as string;
      const email = `worker.${i}@load.example.org`;
      const created = await services.users.createUser(operator, {
        email,
        displayName: `Load worker ${i}`,
        password: PASSWORD,
        roles: [{ role: 'case_worker', agency: agencyId }],
      });
      users.push({
        agent: new Agent({ keepAlive: true, localAddress: `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}` }),
        email,
        totpSecret: created.totpSecret ?? '',
        agencyId,
        headers: {},
        cases: [],
        unreferred: [],
      });
    }
    return { users, receiver, facts: await machineFacts(services.db) };
  } finally {
    await services.close();
  }
}

async function signIn(url: string, user: User): Promise<void> {
  const login = await call(url, user, 'POST', '/api/auth/login', { email: user.email, password: PASSWORD });
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${login.body}`);
  const cookie = login.cookie;
  let session = JSON.parse(login.body) as { stage: string; csrfToken: string };
  user.headers = { cookie, 'x-csrf-token': session.csrfToken };
  if (session.stage === 'second_factor') {
    const second = await call(url, user, 'POST', '/api/auth/second-factor', {
      code: await generate({ secret: user.totpSecret }),
    });
    if (second.status !== 200) throw new Error(`second factor failed: ${second.status} ${second.body}`);
    session = JSON.parse(second.body) as typeof session;
  }
  user.headers = { cookie, 'x-csrf-token': session.csrfToken };
}

const any = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

function newSurvivor() {
  return {
    prs_Gender: 'Feminine',
    prs_FirstName: any(FIRST_NAMES),
    prs_SecondName: any(LAST_NAMES),
    prs_Birthdate: `19${80 + Math.floor(Math.random() * 20)}-0${1 + Math.floor(Math.random() * 9)}-1${Math.floor(Math.random() * 10)}`,
  };
}

async function createCase(url: string, user: User): Promise<string> {
  const res = await call(url, user, 'POST', '/api/cases', { reportedAt: '2026-03-01', survivor: newSurvivor() });
  if (res.status !== 201) throw new Error(`case not created: ${res.status} ${res.body}`);
  return (JSON.parse(res.body) as { id: string }).id;
}

interface Answer {
  status: number;
  body: string;
  cookie: string;
}

/** One HTTP request from the user's own address, with their session; a JSON body, or a form as it is. */
async function call(url: string, user: User, method: string, path: string, body?: object | FormData): Promise<Answer> {
  let payload: Buffer | null = null;
  const headers: Record<string, string> = { ...user.headers };
  if (body instanceof FormData) {
    const encoded = new Request(url, { method: 'POST', body });
    payload = Buffer.from(await encoded.arrayBuffer());
    headers['content-type'] = encoded.headers.get('content-type') ?? '';
  } else if (body) {
    payload = Buffer.from(JSON.stringify(body));
    headers['content-type'] = 'application/json';
  }
  if (payload) headers['content-length'] = String(payload.length);
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers, agent: user.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          cookie: (res.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '',
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload ?? undefined);
  });
}

/** One action; returns the HTTP status (the body is read, as a client would). */
async function act(url: string, user: User, kind: Kind, receiver: string): Promise<number> {
  switch (kind) {
    case 'list':
      return (await call(url, user, 'GET', '/api/cases?limit=20')).status;
    case 'read':
      return (await call(url, user, 'GET', `/api/cases/${any(user.cases)}`)).status;
    case 'create': {
      const res = await call(url, user, 'POST', '/api/cases', { reportedAt: '2026-03-01', survivor: newSurvivor() });
      if (res.status === 201) {
        const { id } = JSON.parse(res.body) as { id: string };
        user.cases.push(id);
        user.unreferred.push(id);
      }
      return res.status;
    }
    case 'upload': {
      const form = new FormData();
      form.append('title', 'Photo of a work permit');
      form.append('handlingCode', 'H1');
      form.append('file', new Blob([randomBytes(20_000)], { type: 'application/octet-stream' }), 'permit.bin');
      return (await call(url, user, 'POST', `/api/cases/${any(user.cases)}/evidence`, form)).status;
    }
    case 'consent':
      return (
        await call(url, user, 'POST', `/api/cases/${user.unreferred.at(-1)}/consents`, {
          purpose: 'sharing_in_country',
          decision: 'granted',
          scope: { agencies: [receiver] },
          method: 'verbal_with_interpreter',
          language: 'ro',
        })
      ).status;
    case 'refer':
      return (
        await call(url, user, 'POST', `/api/cases/${user.unreferred.pop()}/referrals`, {
          toAgencyId: receiver,
          services: ['Shelter'],
          reason: 'Needs a shelter place',
        })
      ).status;
  }
}

// Last, once every declaration above is initialised.
if (args.serve) {
  // The node's process: the code of `passage start`.
  const config = loadConfig({ dataDir: args.serve, port: 0 });
  const node = await startNode(config, { logger: false });
  console.log(`listening on ${node.url}`);
  process.once('SIGTERM', () => void node.close().then(() => process.exit(0)));
} else {
  await main();
}
