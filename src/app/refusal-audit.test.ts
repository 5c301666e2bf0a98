import type { FastifyInstance } from 'fastify';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCase, contextOf } from '../../test/factories.ts';
import { buildUser, signIn, type TestUser, tempDir, testConfig, testDb } from '../../test/helpers.ts';
import type { Db } from '../db/client.ts';
import { loadKeys } from '../modules/key-custody/index.ts';
import { operatorContext } from './operations.ts';
import { RefusalAudit, sessionFingerprint } from './refusal-audit.ts';
import { buildApp } from './server.ts';
import { createServices, type Services } from './services.ts';

/** A node whose sign-in clock the test moves, so that a session can expire. */
async function clockedNode() {
  const dir = tempDir();
  const db = await testDb();
  const config = testConfig(dir.path);
  const clock = { now: new Date() };
  const services = createServices(config, db, loadKeys(config), { failureDelayMs: 1, now: () => clock.now });
  const app = await buildApp(services, { logger: false });
  return { app, services, db, clock, dir };
}

const trail = (services: Services) => services.audit.records({ limit: 100_000 });

/** Every column of every record, as text to search. */
const wholeTrail = async (db: Db) =>
  JSON.stringify(await db.query('select * from audit_log'), (_key, value) =>
    typeof value === 'bigint' ? String(value) : value,
  );

const recordsOf = async (services: Services, res: { headers: Record<string, unknown> }) =>
  (await trail(services)).filter((r) => r.requestId === res.headers['x-request-id']);

describe('refusals that no policy decision records', () => {
  let app: FastifyInstance;
  let services: Services;
  let db: Db;
  let clock: { now: Date };
  let remove: () => void;
  let worker: TestUser;
  let headers: Record<string, string>;
  beforeAll(async () => {
    const node = await clockedNode();
    ({ app, services, db, clock } = node);
    remove = node.dir.remove;
    worker = await buildUser(services, 'case_worker');
    headers = (await signIn(app, worker)).headers;
  });
  afterAll(async () => {
    await app.close();
    await db.close();
    remove();
  });

  const get = (url: string, h: Record<string, string> = headers) => app.inject({ method: 'GET', url, headers: h });

  it('records a CSRF failure as the signed-in user, with the route and not the token', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: { cookie: headers.cookie as string, 'x-csrf-token': 'forged' },
      payload: {},
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.id).toBe('csrf_invalid');
    const records = await recordsOf(services, res);
    expect(records).toEqual([
      expect.objectContaining({
        actor: `user:${worker.id}`,
        action: 'auth.csrf_invalid',
        resource: 'POST /api/cases',
        resources: [],
        outcome: 'denied',
      }),
    ]);
    expect(JSON.stringify(records)).not.toContain(headers['x-csrf-token']);
  });

  it('records a session cookie replayed after sign-out, anonymously, by a fingerprint of the token', async () => {
    const user = await buildUser(services, 'case_worker');
    const session = await signIn(app, user);
    const token = session.cookie.slice('passage_session='.length);
    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: session.headers });
    expect(out.statusCode).toBe(204);
    const first = await get('/api/cases', session.headers);
    const second = await get('/api/cases/stages', session.headers);
    for (const res of [first, second]) expect(res.statusCode).toBe(401);
    const [one] = await recordsOf(services, first);
    const [two] = await recordsOf(services, second);
    const fingerprint = `session:${sessionFingerprint(token)}`;
    expect(one).toMatchObject({
      actor: 'anonymous',
      action: 'auth.session_unknown',
      resource: 'GET /api/cases',
      resources: [fingerprint],
      outcome: 'denied',
    });
    // The same stolen cookie is recognisable from one replay to the next; the cookie itself is nowhere.
    expect(two?.resources).toEqual([fingerprint]);
    expect(fingerprint).toMatch(/^session:[0-9a-f]{12}$/);
    expect(await wholeTrail(db)).not.toContain(token);
  });

  it('records an expired session, and a partial session used where a complete one is needed', async () => {
    const user = await buildUser(services, 'case_worker');
    const session = await signIn(app, user);
    clock.now = new Date(clock.now.getTime() + 13 * 3600_000);
    try {
      const res = await get('/api/cases', session.headers);
      expect(res.json().error.id).toBe('session_expired');
      expect(await recordsOf(services, res)).toEqual([
        expect.objectContaining({ actor: 'anonymous', action: 'auth.session_expired', outcome: 'denied' }),
      ]);
    } finally {
      clock.now = new Date();
    }
    const investigator = await buildUser(services, 'investigator');
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: investigator.email, password: investigator.password },
    });
    expect(login.json().stage).toBe('second_factor');
    const cookie = `passage_session=${login.cookies.find((c) => c.name === 'passage_session')?.value}`;
    const partial = await get('/api/cases', { cookie });
    expect(partial.statusCode).toBe(401);
    expect(await recordsOf(services, partial)).toEqual([
      expect.objectContaining({ actor: 'anonymous', action: 'auth.second_factor_required' }),
    ]);
  });

  it('records a request without a session, but not the web app asking whether anyone is signed in', async () => {
    const probe = await get('/api/cases', {});
    expect(probe.statusCode).toBe(401);
    expect(await recordsOf(services, probe)).toEqual([
      expect.objectContaining({ actor: 'anonymous', action: 'auth.not_signed_in', resource: 'GET /api/cases' }),
    ]);
    const asking = await get('/api/session', {});
    expect(asking.statusCode).toBe(401);
    expect(await recordsOf(services, asking)).toEqual([]);
  });

  it("records a probe of an id that is not here (another node's case, a guess) with the id asked for", async () => {
    const unknown = ulid();
    const res = await get(`/api/cases/${unknown}`);
    expect(res.statusCode).toBe(404);
    expect(await recordsOf(services, res)).toEqual([
      expect.objectContaining({
        actor: `user:${worker.id}`,
        action: 'request.not_found',
        resource: 'GET /api/cases/:caseId',
        resources: [unknown],
        outcome: 'denied',
      }),
    ]);
  });

  it('keeps what is typed into a URL out of the trail when it is not an id', async () => {
    const res = await get('/api/cases/Zenobia%20Farthingale');
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(await wholeTrail(db)).not.toMatch(/zenobia|farthingale/i);
    if (res.statusCode === 404) {
      expect(await recordsOf(services, res)).toEqual([expect.objectContaining({ resources: [] })]);
    }
  });

  it('records a policy refusal once: the policy layer records it, the answer hook does not again', async () => {
    const other = await buildUser(services, 'case_worker');
    const theirs = await buildCase(services, contextOf(other, 'case_worker'));
    const res = await get(`/api/cases/${theirs.id}`);
    expect(res.statusCode).toBe(403);
    expect(await recordsOf(services, res)).toEqual([
      expect.objectContaining({ action: 'case.read', resource: `case:${theirs.id}`, outcome: 'denied' }),
    ]);
  });

  it('keeps the chain verifying with the new records in it', async () => {
    const result = await services.audit.verify(operatorContext('refusal-test'));
    expect(result.ok).toBe(true);
  });
});

describe('the limit on refusal records', () => {
  let services: Services;
  let db: Db;
  let remove: () => void;
  let app: FastifyInstance;
  beforeAll(async () => {
    const node = await clockedNode();
    ({ services, db, app } = node);
    remove = node.dir.remove;
  });
  afterAll(async () => {
    await app.close();
    await db.close();
    remove();
  });

  const anonymous = (requestId: string) => ({ actor: { kind: 'anonymous' as const }, requestId });
  const kindOf = async (action: string) => (await trail(services)).filter((r) => r.action === action);

  it('records N per kind and source in a window, then one summary that counts the rest', async () => {
    let now = 1_000_000;
    const limiter = new RefusalAudit(services.audit, { perWindow: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 10; i++)
      await limiter.refused(anonymous(`flood-${i}`), '203.0.113.7', { action: 'test.flood' });
    // Another source has its own window.
    await limiter.refused(anonymous('other-1'), '198.51.100.2', { action: 'test.flood' });
    let records = await kindOf('test.flood');
    expect(records.map((r) => r.requestId)).toEqual(['flood-0', 'flood-1', 'flood-2', 'other-1']);

    // The window ends: the next refusal of the source first writes the summary of the one before.
    now += 60_000;
    await limiter.refused(anonymous('flood-next'), '203.0.113.7', { action: 'test.flood' });
    records = await kindOf('test.flood');
    expect(records.slice(4).map((r) => [r.requestId, r.omitted, r.actor, r.outcome])).toEqual([
      [null, 7, 'anonymous', 'denied'],
      ['flood-next', null, 'anonymous', 'denied'],
    ]);
    // Counted: every refusal is in the trail one by one or in a summary.
    const accounted = (await kindOf('test.flood')).reduce((n, r) => n + (r.omitted ?? 1), 0);
    expect(accounted).toBe(12);
  });

  it('writes the summary of a window that ended without another refusal at the next sweep', async () => {
    let now = 5_000_000;
    const limiter = new RefusalAudit(services.audit, { perWindow: 1, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 4; i++) await limiter.refused(anonymous(`quiet-${i}`), '203.0.113.9', { action: 'test.quiet' });
    await limiter.sweep();
    expect((await kindOf('test.quiet')).map((r) => r.omitted)).toEqual([null]);
    now += 60_001;
    await limiter.sweep();
    expect((await kindOf('test.quiet')).map((r) => r.omitted)).toEqual([null, 3]);
    // Nothing is left to summarise twice.
    await limiter.close();
    expect((await kindOf('test.quiet')).map((r) => r.omitted)).toEqual([null, 3]);
  });

  it('keeps memory bounded: beyond maxSources new sources share one window per kind', async () => {
    const limiter = new RefusalAudit(services.audit, { perWindow: 1, maxSources: 2, now: () => 9_000_000 });
    for (let i = 0; i < 6; i++)
      await limiter.refused(anonymous(`spread-${i}`), `192.0.2.${i}`, { action: 'test.spread' });
    // Two sources with their own window, then one shared window: its first record, then four counted.
    expect((await kindOf('test.spread')).map((r) => r.requestId)).toEqual(['spread-0', 'spread-1', 'spread-2']);
    await limiter.close();
    expect((await kindOf('test.spread')).map((r) => r.omitted)).toEqual([null, null, null, 3]);
  });

  it("limits a signed-in user's flood of policy refusals the same way, per user and kind, without recording twice", {
    timeout: 120_000,
  }, async () => {
    const user = await buildUser(services, 'case_worker');
    const { headers } = await signIn(app, user);
    const otherUser = await buildUser(services, 'case_worker');
    const other = await signIn(app, otherUser);
    const refusedOf = async (actor: string) =>
      (await trail(services)).filter((r) => r.actor === actor && r.outcome === 'denied');
    for (let i = 0; i < 35; i++) {
      const res = await app.inject({ method: 'GET', url: '/api/audit?purpose=oversight', headers });
      expect(res.statusCode).toBe(403);
    }
    // Another user has her own window: her refusal is recorded.
    expect(
      (await app.inject({ method: 'GET', url: '/api/audit?purpose=oversight', headers: other.headers })).statusCode,
    ).toBe(403);
    expect(await refusedOf(`user:${otherUser.id}`)).toHaveLength(1);
    const mine = await refusedOf(`user:${user.id}`);
    // Thirty recorded one by one, by the policy's action; the five counted ones are not recorded as other kinds.
    expect(mine.map((r) => r.action)).toEqual(Array(30).fill('audit.read'));
  });

  it('limits a flood of replayed cookies over HTTP and summarises the rest when the node stops', {
    timeout: 120_000,
  }, async () => {
    const user = await buildUser(services, 'case_worker');
    const session = await signIn(app, user);
    await app.inject({ method: 'POST', url: '/api/auth/logout', headers: session.headers });
    const answers = [];
    for (let i = 0; i < 35; i++) {
      answers.push(await app.inject({ method: 'GET', url: '/api/cases', headers: { cookie: session.cookie } }));
    }
    expect(answers.every((a) => a.statusCode === 401)).toBe(true);
    expect(await kindOf('auth.session_unknown')).toHaveLength(30);
    await app.close();
    const records = await kindOf('auth.session_unknown');
    expect(records).toHaveLength(31);
    expect(records.at(-1)).toMatchObject({ omitted: 5, actor: 'anonymous', requestId: null });
    // The policy refusals counted in the test before are summarised too.
    expect((await kindOf('audit.read')).at(-1)).toMatchObject({ omitted: 5, outcome: 'denied', requestId: null });
    expect((await services.audit.verify(operatorContext('refusal-test'))).ok).toBe(true);
  });
});
