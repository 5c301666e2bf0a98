/**
 * Upgrade safety: today's code opens a node's data directory written by Passage at commit 593109f (before the
 * wave-1 refactoring; test/fixtures/upgrade-wave1, made by make-fixture.ts) and reads everything back: the user signs
 * in with password + TOTP, the case and its survivor's encrypted identity, the consents, the evidence item and its
 * bytes, the custody log with its signed checkpoint, and the messages exchanged with a peer.
 *
 * Black-box on purpose, so that moving internal files never breaks it: it imports nothing from src/ or test/helpers.ts
 * and talks to the code only through the `passage` command (bin/passage.js) and the HTTP API of a started node. On
 * PostgreSQL (DATABASE_URL set) it restores the fixture's dump into a database of its own; otherwise it unpacks the
 * embedded database. It works on a copy of the fixture, which it never changes.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { zstdDecompressSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { generate } from 'otplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const PASSAGE = join(ROOT, 'bin/passage.js');
const DATABASE_URL = process.env.DATABASE_URL;
const VARIANT = DATABASE_URL ? 'postgres' : 'pglite';
const FIXTURE = join(ROOT, 'test/fixtures/upgrade-wave1', VARIANT);

interface Expected {
  node: { nodeId: string; fingerprint: string; peer: string };
  user: { email: string; password: string; totpSecret: string };
  case: {
    id: string;
    reference: string;
    agencyId: string;
    stage: string;
    reportedAt: string;
    survivor: { id: string; attributes: object; identityFields: string[] };
    victim: object;
  };
  identity: { personId: string; fields: Record<string, unknown> };
  consents: Record<string, unknown>[];
  evidence: { id: string; sha256: string; sha512: string; size: number; fileName: string; mediaType: string }[];
  custody: {
    checkpoint: { size: number; rootHash: string; note: string; fingerprint: string };
    events: { item: string; events: Record<string, unknown>[] }[];
  };
  crossBorderReferrals: { id: string; peer: string; status: string; fields: string[] }[];
  messages: { id: string; direction: string; peer: string; type: string; status: string; messageSha256: string }[];
}

const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as Expected;
const work = mkdtempSync(join(tmpdir(), 'passage-upgrade-'));
const dataDir = join(work, 'data');
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  PASSAGE_LOG_LEVEL: 'warn',
};
let dropDatabase = async () => {};
let node: ChildProcess | undefined;
let url = '';
let api: <T = unknown>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;

/** `passage …` on the copied data directory: through the running node's admin channel once it is started. */
function passage(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [PASSAGE, ...args, '--data', dataDir], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function passageJson<T>(args: string[]): T {
  const result = passage([...args, '--json']);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** A copy of the fixture's data directory, with the modes the node asks of its keys (git keeps no modes). */
function copyFixture(): void {
  cpSync(join(FIXTURE, 'data'), dataDir, { recursive: true });
  chmodSync(dataDir, 0o700);
  for (const name of readdirSync(join(dataDir, 'keys'))) chmodSync(join(dataDir, 'keys', name), 0o600);
}

function unpackEmbeddedDatabase(): void {
  const db = join(dataDir, 'db');
  mkdirSync(db, { mode: 0o700 });
  const tar = zstdDecompressSync(readFileSync(join(FIXTURE, 'db.tar.zst')));
  const result = spawnSync('tar', ['-xf', '-', '-C', db], { input: tar });
  if (result.status !== 0) throw new Error(`tar: ${result.stderr}`);
}

async function withClient<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A database of this run's own with the fixture's dump in it (plain SQL; psql's meta-commands left out). */
async function restoreDump(adminUrl: string): Promise<string> {
  const name = `passage_upgrade_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`create database ${name}`));
  dropDatabase = () => withClient(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then();
  const target = new URL(adminUrl);
  target.pathname = `/${name}`;
  const sql = readFileSync(join(FIXTURE, 'dump.sql'), 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('\\'))
    .join('\n');
  await withClient(target.href, (c) => c.query(sql));
  return target.href;
}

/**
 * The fixture's case holds no free text, which wave 1 kept in clear: put one value where wave 1 stored it (the case's
 * victim map), as its API would have, so that the test sees today's code seal it on upgrade and read it back.
 */
const WAVE1_FREE_TEXT = 'Owes the recruiter for the journey (wave 1, in clear)';
async function addWave1FreeText(): Promise<void> {
  const sql = `update cases set victim = victim || jsonb_build_object('vic_DetailsOfVulnerabilities', $2::text)
    where id = $1`;
  const params = [expected.case.id, WAVE1_FREE_TEXT];
  if (env.DATABASE_URL) {
    await withClient(env.DATABASE_URL, (c) => c.query(sql, params));
    return;
  }
  const lite = await PGlite.create({ dataDir: join(dataDir, 'db'), extensions: { pg_trgm } });
  try {
    await lite.query(sql, params);
  } finally {
    await lite.close();
  }
}

function startNode(): Promise<string> {
  const child = spawn(process.execPath, [PASSAGE, 'start', '--data', dataDir, '--port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  node = child;
  return new Promise((resolvePromise, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/listening on (http:\/\/\S+)/);
      if (match?.[1]) resolvePromise(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the node exited with ${code}: ${out}`)));
  });
}

async function signIn(): Promise<typeof api> {
  const { email, password, totpSecret } = expected.user;
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(login.status, await login.clone().text()).toBe(200);
  const cookie =
    login.headers
      .getSetCookie()
      .find((c) => c.startsWith('passage_session='))
      ?.split(';')[0] ?? '';
  const partial = (await login.json()) as { stage: string; csrfToken: string };
  expect(partial.stage).toBe('second_factor');
  const second = await fetch(`${url}/api/auth/second-factor`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': partial.csrfToken },
    body: JSON.stringify({ code: await generate({ secret: totpSecret }) }),
  });
  expect(second.status, await second.clone().text()).toBe(200);
  const session = (await second.json()) as { stage: string; csrfToken: string };
  expect(session.stage).toBe('complete');
  return async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/api${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': session.csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = response.headers.get('content-type') ?? '';
    const read = type.startsWith('application/json')
      ? await response.json()
      : Buffer.from(await response.arrayBuffer());
    return { status: response.status, body: read as T };
  };
}

beforeAll(async () => {
  copyFixture();
  if (DATABASE_URL) env.DATABASE_URL = await restoreDump(DATABASE_URL);
  else unpackEmbeddedDatabase();
  await addWave1FreeText();
  url = await startNode();
  api = await signIn();
}, 180_000);

afterAll(async () => {
  if (node && node.exitCode === null) {
    const exited = new Promise((done) => node?.once('exit', done));
    node.kill('SIGTERM');
    await exited;
  }
  await dropDatabase();
  rmSync(work, { recursive: true, force: true });
});

// A `passage` command is a process that loads the code (seconds on a machine busy with the rest of the suite), so
// the test reads through the API and runs only what the console alone does: the two integrity checks.
describe(`a data directory written at 593109f, opened by today's code (${VARIANT})`, { timeout: 120_000 }, () => {
  it('keeps its signing key and an intact audit trail', async () => {
    const document = (await (await fetch(`${url}/.well-known/passage-node`)).json()) as {
      nodeId: string;
      keys: { kid: string }[];
    };
    expect(document.nodeId).toBe(expected.node.nodeId);
    expect(document.keys[0]?.kid).toBe(expected.node.fingerprint);
    const audit = passage(['audit', 'verify']);
    expect(audit.status, audit.stdout + audit.stderr).toBe(0);
    expect(audit.stdout).toMatch(/^Audit trail intact: \d+ records/);
  });

  it('reads the case and decrypts its survivor identity', async () => {
    const c = expected.case;
    const read = await api<Expected['case']>('GET', `/cases/${c.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id: c.id,
      reference: c.reference,
      agencyId: c.agencyId,
      stage: c.stage,
      reportedAt: c.reportedAt,
      survivor: { id: c.survivor.id, attributes: c.survivor.attributes, identityFields: c.survivor.identityFields },
      victim: c.victim,
    });
    const identity = await api<Expected['identity']>('POST', `/cases/${c.id}/identity/read`, {
      purpose: 'investigation',
    });
    expect(identity.status).toBe(200);
    expect(identity.body.personId).toBe(expected.identity.personId);
    expect(identity.body.fields).toEqual(expected.identity.fields);
    expect(identity.body.fields).toMatchObject({ prs_FirstName: 'Ana', prs_SecondName: 'Rusu' });
  });

  it('seals the free text wave 1 kept in clear, and reads it back', async () => {
    const read = await api<{ victim: Record<string, unknown>; erasedFields: string[] }>(
      'GET',
      `/cases/${expected.case.id}`,
    );
    expect(read.status).toBe(200);
    expect(read.body.victim).toEqual({ ...expected.case.victim, vic_DetailsOfVulnerabilities: WAVE1_FREE_TEXT });
    expect(read.body.erasedFields).toEqual([]);
    // On PostgreSQL the database can be read beside the running node: the value is in the sealed map only.
    if (env.DATABASE_URL) {
      const [row] = await withClient(env.DATABASE_URL, async (c) => {
        const result = await c.query(
          `select victim ? 'vic_DetailsOfVulnerabilities' as clear, sealed ? 'vic_DetailsOfVulnerabilities' as sealed
           from cases where id = $1`,
          [expected.case.id],
        );
        return result.rows;
      });
      expect(row).toEqual({ clear: false, sealed: true });
    }
  });

  it("finds the case by the survivor's name (the blind indexes still match)", async () => {
    const hits = await api<{ caseId: string }[]>('POST', '/cases/search', { name: 'Ana Rusu' });
    expect(hits.status).toBe(200);
    expect(hits.body.map((h) => h.caseId)).toContain(expected.case.id);
  });

  it('reads the consent records', async () => {
    const consents = await api<Record<string, unknown>[]>('GET', `/cases/${expected.case.id}/consents`);
    expect(consents.status).toBe(200);
    const keys = [
      'id',
      'purpose',
      'decision',
      'scope',
      'method',
      'language',
      'interpreter',
      'recordedBy',
      'recordedAt',
    ];
    const pick = (consent: Record<string, unknown>) => Object.fromEntries(keys.map((k) => [k, consent[k]]));
    // Wave 1 consents named no purposes of a share; migration 0016 reads each as covering only what it was given for:
    // this one, the purpose of the referral sent under it (protection). The rest of each record is as written.
    const purposes = [['protection'], undefined];
    expect(consents.body.map(pick)).toEqual(
      expected.consents.map(pick).map((consent, i) => ({
        ...consent,
        scope: { ...(consent.scope as object), ...(purposes[i] ? { purposes: purposes[i] } : {}) },
      })),
    );
    expect(consents.body.map((c) => [c.purpose, c.decision, c.withdrawnAt])).toEqual([
      ['sharing_cross_border', 'granted', null],
      ['research', 'refused', null],
    ]);
  });

  it('verifies the custody log, keeps its signed checkpoint, and serves the evidence bytes', async () => {
    const old = expected.custody.checkpoint;
    // Nothing has touched the evidence yet: the latest checkpoint is the one the old code signed.
    const checkpoint = await api<typeof old>('GET', '/custody/checkpoint');
    expect(checkpoint.status).toBe(200);
    expect(checkpoint.body).toMatchObject({ size: old.size, rootHash: old.rootHash, note: old.note });

    const [item] = expected.evidence;
    if (!item) throw new Error('the fixture has no evidence item');
    const list = await api<{ items: Expected['evidence'] }>('GET', `/cases/${expected.case.id}/evidence`);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const { id, sha256, sha512, size, fileName, mediaType } = item;
    expect(list.body.items[0]).toMatchObject({ id, sha256, sha512, size, fileName, mediaType });
    const content = await api<Buffer>('GET', `/evidence/${id}/content?purpose=investigation`);
    expect(content.status).toBe(200);
    expect(content.body.length).toBe(size);
    expect(createHash('sha256').update(content.body).digest('hex')).toBe(sha256);
    expect(createHash('sha512').update(content.body).digest('hex')).toBe(sha512);

    // The download is a new custody event after the old one; the new checkpoint extends the old one.
    const events = await api<{ events: Record<string, unknown>[] }>('GET', `/evidence/${id}/custody`);
    expect(events.body.events.map((e) => e.event)).toEqual(['collected', 'accessed']);
    expect(events.body.events[0]).toEqual(expected.custody.events[0]?.events[0]);
    const grown = await api<typeof old>('GET', '/custody/checkpoint');
    expect(grown.body.size).toBeGreaterThan(old.size);
    const proof = await api<{ oldCheckpoint: { note: string } }>(
      'GET',
      `/custody/proofs/consistency?old=${old.size}&new=${grown.body.size}`,
    );
    expect(proof.status).toBe(200);
    expect(proof.body.oldCheckpoint.note).toBe(old.note);

    // Every leaf and subtree hash of the log, every checkpoint, and every stored file against its hashes.
    const report = passageJson<{ ok: boolean; checks: { ok: boolean; checked: number }[] }>(['custody', 'verify']);
    expect(report.ok, JSON.stringify(report)).toBe(true);
    expect(report.checks.every((check) => check.ok && check.checked > 0)).toBe(true);
  });

  it('reads the messages exchanged with the peer, decrypted, with their receipts', async () => {
    const fields = (m: Record<string, unknown>) => ({
      id: m.id,
      direction: m.direction,
      peer: m.peer,
      type: m.type,
      status: m.status,
      messageSha256: m.messageSha256,
      receipt: m.receipt,
    });
    const history = await api<{ messages: Record<string, unknown>[] }>('GET', '/federation/messages');
    expect(history.status).toBe(200);
    expect(history.body.messages.map(fields)).toEqual(
      (expected.messages as unknown as Record<string, unknown>[]).map(fields),
    );
    expect(history.body.messages.map((m) => [m.direction, m.type])).toEqual([
      ['out', 'passage.referral.offer'],
      ['in', 'passage.ping'],
      ['out', 'passage.ping'],
    ]);
    const ofCase = await api<{ messages: { id: string }[] }>('GET', `/cases/${expected.case.id}/messages`);
    expect(ofCase.body.messages.map((m) => m.id)).toEqual(
      expected.messages.filter((m) => m.type === 'passage.referral.offer').map((m) => m.id),
    );
    const referrals = await api<Expected['crossBorderReferrals']>(
      'GET',
      `/cases/${expected.case.id}/cross-border-referrals`,
    );
    const [referral] = expected.crossBorderReferrals;
    expect(referrals.body).toEqual([
      expect.objectContaining({
        id: referral?.id,
        peer: referral?.peer,
        status: referral?.status,
        fields: referral?.fields,
      }),
    ]);
  });
});

describe('the committed fixture', () => {
  it('is never written to: the node ran on a copy, so no database, lock or socket appeared in it', () => {
    expect(statSync(join(FIXTURE, 'data/keys')).isDirectory()).toBe(true);
    expect(readdirSync(join(FIXTURE, 'data')).sort()).toEqual(['evidence', 'keys', 'passage.json']);
  });
});
