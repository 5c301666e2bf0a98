/**
 * Faults (issue 14, "Load and faults"): N trials (default 100) of `kill -9` on a running node, alternating two kinds:
 *
 * - delivery: the node (node-md, a `passage start` process) is asked for several federation messages at once (pings
 *   to node-it, a node in this process) and killed at a random moment: before they are queued, while they are sent or
 *   while it waits for the receipts. After the restart the outbox finishes; every message queued at node-md must be
 *   received at node-it exactly once, and settled (accepted) at node-md: 0 lost, 0 duplicated.
 * - write: signed-in clients open cases and upload evidence over HTTP, and the node is killed mid-request. After the
 *   restart every case and evidence item the node acknowledged (201) must be there (0 lost), and none more than the
 *   requests sent (0 duplicated; each request carries its own title, counted after the restart).
 *
 * After every trial the audit chain and the custody log (with the evidence store) must verify. Runs on the embedded
 * database, or on PostgreSQL when DATABASE_URL is set (a database of its own, dropped at the end).
 *
 *   node bench/kill-trials.ts [--trials 100]
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { generate } from 'otplib';
import { callAdminChannel } from '../src/app/admin-client.ts';
import { loadConfig } from '../src/app/config.ts';
import { openServices, type RunningNode, startNode } from '../src/app/node.ts';
import { operatorContext } from '../src/app/operations.ts';
import { ensureKeys } from '../src/modules/key-custody/index.ts';
import { freshDatabase, runBench } from './harness.ts';

const { values: args } = parseArgs({ options: { trials: { type: 'string', default: '100' } } });
const TRIALS = Number(args.trials);
const NODE = process.execPath;
const MAIN = join(import.meta.dirname, '../src/cli/main.ts');
const PASSWORD = 'correct horse battery staple';

const root = mkdtempSync(join(tmpdir(), 'passage-kill-'));
const mdDir = join(root, 'node-md');
const itDir = join(root, 'node-it');
let env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
let md: ChildProcess | null = null;
let mdUrl = '';
let it_: RunningNode | null = null;
let headers: Record<string, string> = {};
let agencyId = '';

const admin = (name: Parameters<typeof callAdminChannel>[1], a: unknown = {}) =>
  callAdminChannel(mdDir, name, a, 'bench');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startMd(port: number): Promise<void> {
  const child = spawn(NODE, [MAIN, 'start', '--data', mdDir, '--port', String(port)], {
    env: { ...env, PASSAGE_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`node-md exited with ${code}`)));
  });
  md = child;
}

async function killMd(): Promise<void> {
  const child = md;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  md = null;
}

async function signIn(email: string, totpSecret: string): Promise<void> {
  const login = await fetch(`${mdUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  let session = (await login.json()) as { stage: string; csrfToken: string };
  if (session.stage === 'second_factor') {
    const second = await fetch(`${mdUrl}/api/auth/second-factor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': session.csrfToken },
      body: JSON.stringify({ code: await generate({ secret: totpSecret }) }),
    });
    session = (await second.json()) as typeof session;
  }
  headers = { cookie, 'x-csrf-token': session.csrfToken };
}

interface Tally {
  trials: number;
  /** Messages queued (delivery), or write requests the node acknowledged (write). */
  effects: number;
  lost: number;
  duplicated: number;
  verifyFailures: number;
  restartMs: number[];
}

const tally: Record<'delivery' | 'write', Tally> = {
  delivery: { trials: 0, effects: 0, lost: 0, duplicated: 0, verifyFailures: 0, restartMs: [] },
  write: { trials: 0, effects: 0, lost: 0, duplicated: 0, verifyFailures: 0, restartMs: [] },
};

/** Every write request sent, by its unique title, and whether the node acknowledged it (and with which id). */
const writes = new Map<string, { kind: 'case' | 'evidence'; id: string | null }>();
const casesOfRun: string[] = [];

async function writeLoop(stop: { now: boolean }): Promise<void> {
  while (!stop.now) {
    const title = `w-${randomBytes(6).toString('hex')}`;
    const evidence = casesOfRun.length > 0 && Math.random() < 0.5;
    writes.set(title, { kind: evidence ? 'evidence' : 'case', id: null });
    try {
      let res: Response;
      if (evidence) {
        const form = new FormData();
        form.append('title', title);
        form.append('handlingCode', 'H1');
        form.append('file', new Blob([randomBytes(50_000)]), `${title}.bin`);
        res = await fetch(`${mdUrl}/api/cases/${casesOfRun[0]}/evidence`, { method: 'POST', headers, body: form });
      } else {
        res = await fetch(`${mdUrl}/api/cases`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({
            reportedAt: '2026-03-01',
            survivor: { prs_Gender: 'Feminine' },
          }),
        });
      }
      if (res.status === 201) {
        const { id } = (await res.json()) as { id: string };
        writes.set(title, { kind: evidence ? 'evidence' : 'case', id });
        if (!evidence) casesOfRun.push(id);
      } else {
        await res.arrayBuffer();
      }
    } catch {
      return; // the node died under the request
    }
  }
}

async function verifyLogs(): Promise<boolean> {
  const audit = (await admin('audit.verify')) as { ok: boolean };
  const custody = (await admin('custody.verify', {})) as { ok: boolean };
  return audit.ok && custody.ok;
}

async function deliveryTrial(port: number): Promise<void> {
  const t = tally.delivery;
  const before = new Set(
    ((await admin('peer.messages', { node: 'node-it', limit: 10_000 })) as { id: string }[]).map((m) => m.id),
  );
  const pings = Array.from({ length: 4 }, () => admin('peer.ping', { node: 'node-it' }).catch(() => null));
  await sleep(Math.random() * 600);
  await killMd();
  await Promise.all(pings);
  const t0 = performance.now();
  await startMd(port);
  t.restartMs.push(performance.now() - t0);
  // The outbox finishes what was queued.
  let sent: { id: string; direction: string; status: string }[] = [];
  for (let i = 0; i < 240; i++) {
    sent = ((await admin('peer.messages', { node: 'node-it', limit: 10_000 })) as typeof sent).filter(
      (m) => m.direction === 'out' && !before.has(m.id),
    );
    if (sent.every((m) => m.status !== 'queued')) break;
    await sleep(250);
  }
  const received =
    (await it_?.services.messages.history(operatorContext('bench'), { peer: 'node-md', limit: 10_000 })) ?? [];
  const inbound = received.filter((m) => m.direction === 'in');
  t.effects += sent.length;
  for (const m of sent) {
    const copies = inbound.filter((r) => r.id === m.id).length;
    if (copies === 0 || m.status !== 'accepted') t.lost++;
    if (copies > 1) t.duplicated++;
  }
  if (!(await verifyLogs())) t.verifyFailures++;
  t.trials++;
}

async function writeTrial(port: number): Promise<void> {
  const t = tally.write;
  const stop = { now: false };
  const loops = Array.from({ length: 4 }, () => writeLoop(stop));
  await sleep(1000 + Math.random() * 3000);
  await killMd();
  stop.now = true;
  await Promise.all(loops);
  const t0 = performance.now();
  await startMd(port);
  t.restartMs.push(performance.now() - t0);
  // What the node holds now, by title.
  const caseIds = new Set<string>();
  for (let offset = 0; ; offset += 100) {
    const page = (await (await fetch(`${mdUrl}/api/cases?limit=100&offset=${offset}`, { headers })).json()) as {
      cases: { id: string }[];
    };
    for (const c of page.cases) caseIds.add(c.id);
    if (page.cases.length < 100) break;
  }
  const titles = new Map<string, number>();
  if (casesOfRun[0]) {
    const { items } = (await (await fetch(`${mdUrl}/api/cases/${casesOfRun[0]}/evidence`, { headers })).json()) as {
      items: { title: string }[];
    };
    for (const item of items) titles.set(item.title, (titles.get(item.title) ?? 0) + 1);
  }
  for (const [title, w] of writes) {
    if (w.kind === 'case' && w.id && !caseIds.has(w.id)) t.lost++;
    if (w.kind === 'evidence' && w.id && !titles.has(title)) t.lost++;
    if ((titles.get(title) ?? 0) > 1) t.duplicated++;
  }
  const requestedCases = [...writes.values()].filter((w) => w.kind === 'case').length;
  if (caseIds.size > requestedCases) t.duplicated += caseIds.size - requestedCases;
  t.effects = [...writes.values()].filter((w) => w.id).length;
  if (!(await verifyLogs())) t.verifyFailures++;
  t.trials++;
}

function summary(): string {
  return Object.entries(tally)
    .map(
      ([k, t]) =>
        `${k} ${t.trials} trials, ${t.effects} effects, lost ${t.lost}, duplicated ${t.duplicated}, logs failing ${t.verifyFailures}`,
    )
    .join('; ');
}

async function main(): Promise<void> {
  const database = process.env.DATABASE_URL ? await freshDatabase('passage_bench_kill') : null;
  if (database) env = { ...env, DATABASE_URL: database.url };
  await runBench(
    async () => {
      const init = spawnSync(NODE, [MAIN, 'init', '--data', mdDir, '--node-id', 'node-md', '--country', 'MD'], {
        env,
        encoding: 'utf8',
      });
      if (init.status !== 0) throw new Error(`init failed: ${init.stderr}`);
      const mdConfig = loadConfig({ dataDir: mdDir, databaseUrl: database?.url });
      const services = await openServices(mdConfig, 'bench set-up');
      const operator = operatorContext('bench');
      agencyId = (await services.users.createAgency(operator, { name: 'Kill NGO', country: 'MD', orgType: 'NGO' })).id;
      const created = await services.users.createUser(operator, {
        email: 'worker@kill.example.org',
        displayName: 'Kill worker',
        password: PASSWORD,
        roles: [{ role: 'investigator', agency: agencyId }],
      });
      await services.close();

      const itConfig = loadConfig({ dataDir: itDir, port: 0 }, { PASSAGE_NODE_ID: 'node-it', PASSAGE_COUNTRY: 'IT' });
      ensureKeys(itConfig);
      it_ = await startNode(itConfig, { logger: false });
      const port = await freePort();
      mdUrl = `http://127.0.0.1:${port}`;
      await startMd(port);
      await admin('peer.add', { url: it_.url, fingerprint: it_.services.custody.fingerprint });
      const identity = (await admin('node.identity')) as { fingerprint: string };
      await it_.services.peers.add(operatorContext('bench'), { url: mdUrl, fingerprint: identity.fingerprint });
      await signIn('worker@kill.example.org', created.totpSecret ?? '');

      const load0 = loadavg();
      const started = performance.now();
      for (let i = 0; i < TRIALS; i++) {
        if (i % 2 === 0) await deliveryTrial(port);
        else await writeTrial(port);
        if ((i + 1) % 5 === 0)
          console.log(`${i + 1} trials (${((performance.now() - started) / 1000).toFixed(0)} s): ${summary()}`);
      }
      const load1 = loadavg();
      console.log(
        `\n${TRIALS} kill -9 trials on ${database ? 'PostgreSQL' : 'the embedded database'} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );
      console.log(
        `load average before: ${load0.map((x) => x.toFixed(2)).join(', ')}; after: ${load1.map((x) => x.toFixed(2)).join(', ')}`,
      );
      const acknowledged = [...writes.values()].filter((w) => w.id).length;
      console.log(`write requests sent: ${writes.size}, acknowledged: ${acknowledged}`);
      for (const [kind, t] of Object.entries(tally)) {
        const sorted = [...t.restartMs].sort((a, b) => a - b);
        console.log(
          `${kind.padEnd(8)} trials ${t.trials}, lost ${t.lost}, duplicated ${t.duplicated}, ` +
            `logs not verifying ${t.verifyFailures}, restart p50 ${(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(0)} ms`,
        );
      }
      const bad = Object.values(tally).some((t) => t.lost + t.duplicated + t.verifyFailures > 0);
      if (bad) process.exitCode = 1;
    },
    async () => {
      await killMd();
      await it_?.close();
      await database?.drop();
      rmSync(root, { recursive: true, force: true });
    },
  );
}

await main();
