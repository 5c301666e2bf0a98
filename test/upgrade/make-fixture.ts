/**
 * Makes test/fixtures/upgrade-wave1: a node's data directory written by Passage as it was at commit 593109f, before
 * the wave-1 refactoring, which test/upgrade/upgrade.test.ts opens with the code of today.
 *
 * RUN IT WITH THE CODE AT 593109f, never with a later checkout (the fixture is what the old code wrote):
 *
 *   git worktree add /tmp/passage-orig 593109f && ln -s "$PWD/node_modules" /tmp/passage-orig/node_modules
 *   mkdir -p /tmp/passage-orig/test/upgrade && cp test/upgrade/make-fixture.ts /tmp/passage-orig/test/upgrade/
 *   cd /tmp/passage-orig && node_modules/.bin/node test/upgrade/make-fixture.ts \
 *     --out "$OLDPWD/test/fixtures/upgrade-wave1" --postgres postgres://postgres@127.0.0.1:5432/postgres
 *
 * It is black-box: it drives the checkout it sits in through the `passage` command (bin/passage.js) and the HTTP API
 * of started nodes, as an operator and a user would. For each database it makes node-it (the fixture) and node-md (a
 * peer, thrown away): keys, an agency, a user with password + TOTP, a case whose survivor identity is encrypted, two
 * consent records, an evidence item, a cross-border referral to node-md, pings both ways, and a signed custody
 * checkpoint. It writes, under --out:
 *
 *   pglite/data/      node-it's data directory (settings, keys, evidence store) without its embedded database
 *   pglite/db.tar.zst the embedded database directory (<data>/db) as a tar, compressed with zstd (node:zlib)
 *   postgres/data/    node-it's data directory when it ran on PostgreSQL (its own keys and evidence store)
 *   postgres/dump.sql its database: pg_dump --format=plain --no-owner --no-privileges --inserts
 *   pglite/expected.json, postgres/expected.json
 *                     what the old code answered: the user's credentials and the case, identity, consents,
 *                     evidence, custody checkpoint and messages, for the test to compare with
 *
 * Needs `tar` and `pg_dump` on the PATH, and a PostgreSQL server (--postgres: a URL of it on which the script may
 * create and drop a database).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { constants, zstdCompressSync } from 'node:zlib';
import { generate } from 'otplib';
import pg from 'pg';

const ROOT = resolve(import.meta.dirname, '../..');
const PASSAGE = join(ROOT, 'bin/passage.js');
const PASSWORD = 'upgrade fixture password 593109f';
const EMAIL = 'giulia.ferri@example.org';
const AGENCY = 'Casa Aurora';

const { values: args } = parseArgs({ options: { out: { type: 'string' }, postgres: { type: 'string' } } });
if (!args.out || !args.postgres) {
  console.error('usage: make-fixture.ts --out <fixture dir> --postgres <admin URL of a PostgreSQL server>');
  process.exit(2);
}
const OUT = resolve(args.out);
const ADMIN_URL = args.postgres;
const work = mkdtempSync(join(tmpdir(), 'passage-fixture-'));

type Env = Record<string, string>;
const baseEnv: Env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PASSAGE_LOG_LEVEL: 'warn' };

function passage(dataDir: string, env: Env, argv: string[], input = ''): string {
  const result = spawnSync(process.execPath, [PASSAGE, ...argv, '--data', dataDir], {
    env,
    input,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`passage ${argv.join(' ')}: ${result.status}\n${result.stderr}`);
  return result.stdout;
}

const passageJson = <T>(dataDir: string, env: Env, argv: string[]): T =>
  JSON.parse(passage(dataDir, env, [...argv, '--json'])) as T;

interface Running {
  url: string;
  process: ChildProcess;
}

function start(dataDir: string, env: Env): Promise<Running> {
  const child = spawn(process.execPath, [PASSAGE, 'start', '--data', dataDir, '--port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/listening on (http:\/\/\S+)/);
      if (match?.[1]) resolvePromise({ url: match[1], process: child });
    });
    child.once('exit', (code) => reject(new Error(`node on ${dataDir} exited with ${code}`)));
  });
}

async function stop(node: Running): Promise<void> {
  if (node.process.exitCode !== null) return;
  const exited = new Promise((done) => node.process.once('exit', done));
  node.process.kill('SIGTERM');
  await exited;
}

/** A signed-in user's HTTP client: password, then the TOTP code. */
async function signIn(url: string, email: string, password: string, totpSecret: string) {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`sign-in: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const partial = (await login.json()) as { csrfToken: string };
  const second = await fetch(`${url}/api/auth/second-factor`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': partial.csrfToken },
    body: JSON.stringify({ code: await generate({ secret: totpSecret }) }),
  });
  if (second.status !== 200) throw new Error(`second factor: ${second.status} ${await second.text()}`);
  const session = (await second.json()) as { csrfToken: string };
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}/api${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': session.csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
}

/** A small file that is not text, so that the test checks the stored bytes exactly. */
function evidenceBytes(): Buffer {
  const text = Buffer.from(
    'Busta paga aprile 2026 — ore lavorate 312, netto pagato EUR 0 (trattenuto per "debito").\n',
  );
  const bytes = Buffer.alloc(256, 0);
  for (let i = 0; i < 256; i++) bytes[i] = i;
  return Buffer.concat([text, bytes, text]);
}

interface Message {
  id: string;
  direction: 'in' | 'out';
  peer: string;
  type: string;
  status: string;
}

async function scenario(dir: string, itEnv: Env) {
  const it = join(dir, 'node-it');
  const md = join(dir, 'node-md');
  const mdEnv = baseEnv;
  passage(it, itEnv, ['init', '--node-id', 'node-it', '--country', 'IT', '--name', 'Passage Italia']);
  passage(md, mdEnv, ['init', '--node-id', 'node-md', '--country', 'MD', '--name', 'Passage Moldova']);
  passage(it, itEnv, ['agency', 'add', '--name', AGENCY, '--country', 'IT', '--type', 'NGO']);
  const added = passage(
    it,
    itEnv,
    [
      'user',
      'add',
      '--email',
      EMAIL,
      '--name',
      'Giulia Ferri',
      '--role',
      `investigator@${AGENCY}`,
      '--role',
      'node_admin',
    ],
    `${PASSWORD}\n`,
  );
  const totpSecret = added.match(/^ {2}([A-Z2-7]{16,})$/m)?.[1];
  if (!totpSecret) throw new Error(`no TOTP secret in:\n${added}`);

  const itNode = await start(it, itEnv);
  const mdNode = await start(md, mdEnv);
  try {
    const itIdentity = passageJson<{ fingerprint: string }>(it, itEnv, ['node', 'identity']);
    const mdIdentity = passageJson<{ fingerprint: string }>(md, mdEnv, ['node', 'identity']);
    passage(it, itEnv, ['peer', 'add', mdNode.url, '--fingerprint', mdIdentity.fingerprint]);
    passage(md, mdEnv, ['peer', 'add', itNode.url, '--fingerprint', itIdentity.fingerprint]);
    const pingOut = passageJson<{ status: string }>(it, itEnv, ['peer', 'ping', 'node-md']);
    const pingIn = passageJson<{ status: string }>(md, mdEnv, ['peer', 'ping', 'node-it']);
    if (pingOut.status !== 'accepted' || pingIn.status !== 'accepted') throw new Error('a ping was not accepted');

    const api = await signIn(itNode.url, EMAIL, PASSWORD, totpSecret);
    const created = await api<{ id: string; reference: string }>('POST', '/cases', {
      reportedAt: '2026-06-18',
      survivor: {
        prs_FirstName: 'Ana',
        prs_SecondName: 'Rusu',
        prs_Birthdate: '1999-03-14',
        prs_Gender: 'Feminine',
        prs_Citizenship: ['MD'],
        prs_PrimaryLanguage: 'ron',
      },
      victim: { vic_TraffickingStatus: 'PossibleVictimOfTrafficking', vic_TypeOfExploitation: ['ForcedLabour'] },
      comment: 'Found in a bunkhouse near Latina; passport kept by the employer.',
    });
    const consent = (purpose: string, decision: string, scope: object) =>
      api('POST', `/cases/${created.id}/consents`, {
        purpose,
        decision,
        scope,
        method: 'verbal_with_interpreter',
        language: 'ro',
        interpreter: true,
      });
    await consent('sharing_cross_border', 'granted', { countries: ['MD'] });
    await consent('research', 'refused', {});

    const file = join(dir, 'payslip-2026-04.bin');
    writeFileSync(file, evidenceBytes());
    passage(it, itEnv, [
      ...['evidence', 'add', file, '--case', created.reference, '--agency', AGENCY, '--handling', 'H0'],
      ...['--source', 'seized phone', '--type', 'financial_record', '--collected-at', '2026-06-18', '--json'],
    ]);

    await api('POST', `/cases/${created.id}/cross-border-referrals`, {
      to: 'node-md',
      kind: 'referral',
      purpose: 'protection',
      fields: ['prs_FirstName', 'prs_SecondName'],
      note: 'Threats against her family in Chișinău.',
    });
    let messages: Message[] = [];
    for (let attempt = 0; attempt < 60; attempt++) {
      ({ messages } = await api<{ messages: Message[] }>('GET', '/federation/messages'));
      if (messages.length === 3 && messages.every((m) => m.status === 'accepted')) break;
      await new Promise((done) => setTimeout(done, 500));
    }
    if (messages.length !== 3 || messages.some((m) => m.status !== 'accepted'))
      throw new Error(`messages not all delivered: ${JSON.stringify(messages)}`);

    const checkpoint = passageJson<object>(it, itEnv, ['custody', 'checkpoint']);
    const caseView = await api('GET', `/cases/${created.id}`);
    const identity = await api('POST', `/cases/${created.id}/identity/read`, { purpose: 'investigation' });
    const consents = await api('GET', `/cases/${created.id}/consents`);
    const { items } = await api<{ items: { id: string }[] }>('GET', `/cases/${created.id}/evidence`);
    const custodyEvents = await Promise.all(
      items.map(async (item) => ({ item: item.id, ...(await api<object>('GET', `/evidence/${item.id}/custody`)) })),
    );
    const referrals = await api('GET', `/cases/${created.id}/cross-border-referrals`);
    const caseMessages = await api('GET', `/cases/${created.id}/messages`);
    return {
      madeWith: '593109f',
      node: { nodeId: 'node-it', fingerprint: itIdentity.fingerprint, peer: 'node-md' },
      user: { email: EMAIL, password: PASSWORD, totpSecret },
      case: caseView,
      identity,
      consents,
      evidence: items,
      custody: { checkpoint, events: custodyEvents },
      crossBorderReferrals: referrals,
      messages,
      caseMessages,
    };
  } finally {
    await stop(itNode);
    await stop(mdNode);
  }
}

/** The data directory as it is on disk, without what a stopped node leaves behind that is no data. */
function copyData(from: string, to: string): void {
  cpSync(from, to, {
    recursive: true,
    filter: (path) => !path.startsWith(join(from, 'db')) && !/\.(lock|sock)$/.test(path),
  });
}

function writeExpected(dir: string, expected: object): void {
  writeFileSync(join(dir, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
}

async function admin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

rmSync(OUT, { recursive: true, force: true });
try {
  // The embedded database.
  const lite = join(work, 'pglite');
  const liteExpected = await scenario(lite, baseEnv);
  mkdirSync(join(OUT, 'pglite'), { recursive: true });
  copyData(join(lite, 'node-it'), join(OUT, 'pglite/data'));
  const tar = spawnSync('tar', ['--format=ustar', '-cf', '-', '-C', join(lite, 'node-it/db'), '.'], {
    maxBuffer: 1 << 30,
  });
  if (tar.status !== 0) throw new Error(`tar: ${tar.stderr}`);
  const compressed = zstdCompressSync(tar.stdout, {
    params: {
      [constants.ZSTD_c_compressionLevel]: 19,
      [constants.ZSTD_c_windowLog]: 26,
      [constants.ZSTD_c_enableLongDistanceMatching]: 1,
    },
  });
  writeFileSync(join(OUT, 'pglite/db.tar.zst'), compressed);
  writeExpected(join(OUT, 'pglite'), liteExpected);

  // PostgreSQL.
  const database = `passage_fixture_${randomBytes(4).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  await admin(ADMIN_URL, (c) => c.query(`create database ${database}`));
  try {
    const postgres = join(work, 'postgres');
    const pgExpected = await scenario(postgres, { ...baseEnv, DATABASE_URL: url.href });
    mkdirSync(join(OUT, 'postgres'), { recursive: true });
    copyData(join(postgres, 'node-it'), join(OUT, 'postgres/data'));
    const dump = spawnSync(
      'pg_dump',
      ['--format=plain', '--no-owner', '--no-privileges', '--inserts', '--dbname', url.href],
      { encoding: 'utf8', maxBuffer: 1 << 30 },
    );
    if (dump.status !== 0) throw new Error(`pg_dump: ${dump.stderr}`);
    writeFileSync(join(OUT, 'postgres/dump.sql'), dump.stdout);
    writeExpected(join(OUT, 'postgres'), pgExpected);
  } finally {
    await admin(ADMIN_URL, (c) => c.query(`drop database if exists ${database} with (force)`));
  }
  console.log(`Wrote the fixture to ${OUT}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
