import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppOptions, buildApp } from '../src/app/server.ts';
import { createServices } from '../src/app/services.ts';
import { openApiDocument } from '../src/cli/openapi.ts';
import type { Db } from '../src/db/client.ts';
import { loadKeys } from '../src/modules/key-custody/index.ts';
import { buildUser, createTestNode, signIn, type TestNode, tempDir, testConfig, testDb } from './helpers.ts';

const GENERIC_500 = 'Something went wrong on the server. The error was logged with the request id.';

/** Every error response this file sees, to check at the end that all of them have the one error shape. */
const errors: { what: string; res: LightMyRequestResponse }[] = [];

/** What is wrong with an error body, measured against `{ error: { id, message, details? } }` and nothing else. */
function shapeProblems(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['the body is not an object'];
  const problems: string[] = [];
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'error') problems.push(`top-level keys ${keys.join(', ')}`);
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return [...problems, 'error not an object'];
  const extra = Object.keys(error).filter((k) => !['id', 'message', 'details'].includes(k));
  if (extra.length) problems.push(`unexpected keys ${extra.join(', ')}`);
  const { id, message } = error as { id?: unknown; message?: unknown };
  if (typeof id !== 'string' || !/^[a-z][a-z0-9_]*$/.test(id)) problems.push(`id ${JSON.stringify(id)}`);
  if (typeof message !== 'string' || message.trim() === '') problems.push(`message ${JSON.stringify(message)}`);
  return problems;
}

function expectError(res: LightMyRequestResponse, status: number, id: string) {
  errors.push({ what: `${status} ${id}`, res });
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json();
  expect(shapeProblems(body)).toEqual([]);
  expect(body.error.id).toBe(id);
  return body.error as { id: string; message: string; details?: unknown };
}

/** A node whose app options can be chosen (rate limit), and whose database the test may break on purpose. */
async function spareNode(options: AppOptions = {}) {
  const dir = tempDir();
  const db: Db = await testDb();
  const config = testConfig(dir.path);
  const services = createServices(config, db, loadKeys(config), { failureDelayMs: 1 });
  const app = await buildApp(services, { logger: false, ...options });
  let dbOpen = true;
  return {
    app,
    services,
    async closeDb() {
      dbOpen = false;
      await db.close();
    },
    async close() {
      await app.close();
      if (dbOpen) await db.close();
      dir.remove();
    },
  };
}

const count = async (db: Db, table: 'users' | 'memberships' | 'agencies') =>
  Number((await db.query<{ n: bigint }>(`select count(*) as n from ${table}`))[0]?.n);

let node: TestNode;
let adminHeaders: Record<string, string>;
let agencyId: string;

beforeAll(async () => {
  node = await createTestNode();
  const admin = await buildUser(node.services, 'node_admin', { nodeWide: true });
  agencyId = admin.agencyId;
  adminHeaders = (await signIn(node.app, admin)).headers;
});
afterAll(() => node.close());

const inject = (options: InjectOptions) => node.app.inject(options);
const post = (url: string, payload: string | object, headers: Record<string, string> = {}) =>
  inject({ method: 'POST', url, payload, headers: { ...adminHeaders, ...headers } });

describe('bad input', () => {
  it('answers malformed JSON with 400 malformed_json', async () => {
    const res = await post('/api/agencies', '{"name": "Casa", "country":', { 'content-type': 'application/json' });
    expectError(res, 400, 'malformed_json');
    const empty = await post('/api/agencies', '', { 'content-type': 'application/json' });
    expectError(empty, 400, 'malformed_json');
  });

  it('names an unknown field in the details', async () => {
    const res = await post('/api/agencies', { name: 'Casa', country: 'IT', orgType: 'NGO', colour: 'blue' });
    const error = expectError(res, 400, 'invalid_request');
    expect(error.details).toEqual([expect.objectContaining({ in: 'body', path: '/', field: 'colour' })]);
    expect(error.message).toContain('body');
  });

  it('names an unknown field nested in an array', async () => {
    const res = await post('/api/users', {
      email: 'nested@example.org',
      displayName: 'Nested',
      roles: [{ role: 'coordinator', agency: agencyId, since: 2020 }],
    });
    const error = expectError(res, 400, 'invalid_request');
    expect(error.details).toEqual([expect.objectContaining({ in: 'body', path: '/roles/0', field: 'since' })]);
  });

  it('refuses a number where a string is expected, without coercing it', async () => {
    const before = await count(node.services.db, 'agencies');
    const res = await post('/api/agencies', { name: 12345, country: 'IT', orgType: 'NGO' });
    const error = expectError(res, 400, 'invalid_request');
    expect(error.details).toEqual([expect.objectContaining({ in: 'body', path: '/name' })]);
    expect(await count(node.services.db, 'agencies')).toBe(before);
  });

  it('refuses a string where an array is expected', async () => {
    const res = await post('/api/users', { email: 'roles@example.org', displayName: 'Roles', roles: 'coordinator' });
    const error = expectError(res, 400, 'invalid_request');
    expect(error.details).toEqual([expect.objectContaining({ in: 'body', path: '/roles' })]);
  });

  it('refuses a value outside an enumeration and a malformed path parameter', async () => {
    expectError(await post('/api/agencies', { name: 'Casa', country: 'IT', orgType: 'Club' }), 400, 'invalid_request');
    expectError(await post('/api/users/not-an-id/disable', {}), 400, 'invalid_request');
  });

  it('answers a body over 1 MiB with 413 body_too_large and stores nothing', async () => {
    const before = await count(node.services.db, 'agencies');
    const payload = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 1), country: 'IT', orgType: 'NGO' });
    const res = await post('/api/agencies', payload, { 'content-type': 'application/json' });
    expectError(res, 413, 'body_too_large');
    expect(await count(node.services.db, 'agencies')).toBe(before);
  });

  it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'answers a %s body with 415',
    async (type) => {
      const res = await post('/api/agencies', 'name=Casa&country=IT&orgType=NGO', { 'content-type': type });
      expectError(res, 415, 'unsupported_media_type');
    },
  );
});

describe('sessions and routes', () => {
  it.each([
    ['GET', '/api/agencies', undefined],
    ['GET', '/api/users', undefined],
    ['GET', '/api/session', undefined],
    ['POST', '/api/agencies', { name: 'Casa', country: 'IT', orgType: 'NGO' }],
  ] as const)('answers %s %s without a session with 401 not_signed_in', async (method, url, payload) => {
    expectError(await inject({ method, url, payload }), 401, 'not_signed_in');
    const forged = await inject({ method, url, payload, headers: { cookie: 'passage_session=forged' } });
    expectError(forged, 401, 'not_signed_in');
  });

  it('answers an unknown route with 404 not_found', async () => {
    expectError(await inject({ method: 'GET', url: '/api/nothing-here' }), 404, 'not_found');
    expectError(await inject({ method: 'POST', url: '/api/nothing-here', payload: {} }), 404, 'not_found');
    expectError(await inject({ method: 'DELETE', url: '/api/agencies', headers: adminHeaders }), 404, 'not_found');
  });

  it('answers 429 rate_limited in the one error shape', async () => {
    const spare = await spareNode({ rateLimit: 2 });
    try {
      for (let i = 0; i < 2; i++) expect((await spare.app.inject({ url: '/api/node' })).statusCode).toBe(200);
      const limited = await spare.app.inject({ url: '/api/node' });
      expectError(limited, 429, 'rate_limited');
    } finally {
      await spare.close();
    }
  });
});

describe('a server error', () => {
  it('answers with the generic message and no internals, and /ready tells the database is gone', async () => {
    const spare = await spareNode();
    try {
      const user = await buildUser(spare.services, 'coordinator');
      const { headers } = await signIn(spare.app, user);
      expect((await spare.app.inject({ url: '/ready' })).statusCode).toBe(200);
      await spare.services.db.query(
        'delete from schema_migrations where version = (select max(version) from schema_migrations)',
      );
      expectError(await spare.app.inject({ url: '/ready' }), 503, 'migrations_pending');

      await spare.closeDb();
      const res = await spare.app.inject({ url: '/api/agencies', headers });
      const error = expectError(res, 500, 'internal_error');
      expect(error).toEqual({ id: 'internal_error', message: GENERIC_500 });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      for (const internal of ['stack', '.ts:', 'node_modules', 'select', 'sessions', 'pglite', 'pool', 'closed']) {
        expect(res.body.toLowerCase()).not.toContain(internal.toLowerCase());
      }
      const post500 = await spare.app.inject({
        method: 'POST',
        url: '/api/agencies',
        headers,
        payload: { name: 'Casa', country: 'IT', orgType: 'NGO' },
      });
      expectError(post500, 500, 'internal_error');
      expectError(await spare.app.inject({ url: '/ready' }), 503, 'database_unavailable');
      expect((await spare.app.inject({ url: '/health' })).statusCode).toBe(200);
    } finally {
      await spare.close();
    }
  });
});

describe('nothing half-written', () => {
  const newUser = (email: string, roles: { role: string; agency?: string | null }[]) => ({
    email,
    displayName: 'Half Written',
    password: 'a long enough password',
    roles,
  });

  async function counts() {
    const db = node.services.db;
    return { users: await count(db, 'users'), memberships: await count(db, 'memberships') };
  }

  it('adds no user and no membership when an agency is unknown', async () => {
    const before = await counts();
    const res = await post(
      '/api/users',
      newUser('unknown.agency@example.org', [
        { role: 'coordinator', agency: agencyId },
        { role: 'supervisor', agency: 'No Such Agency' },
      ]),
    );
    expectError(res, 404, 'not_found');
    expect(await counts()).toEqual(before);
    expect(await node.services.db.query("select 1 from users where email = 'unknown.agency@example.org'")).toEqual([]);
  });

  it('adds no user and no membership for a duplicate email, whatever its case', async () => {
    const first = await post('/api/users', newUser('twice@example.org', [{ role: 'coordinator', agency: agencyId }]));
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().user).not.toHaveProperty('passwordHash');
    const before = await counts();
    const again = await post(
      '/api/users',
      newUser('Twice@Example.org', [
        { role: 'coordinator', agency: agencyId },
        { role: 'oversight', agency: null },
      ]),
    );
    expectError(again, 409, 'user_exists');
    expect(await counts()).toEqual(before);
  });

  it('adds one user, and answers the others 409, when one email is sent eight times at once', async () => {
    const before = await counts();
    const answers = await Promise.all(
      ['at.once@example.org', 'At.Once@example.org', 'AT.ONCE@EXAMPLE.ORG', 'at.once@Example.org'].flatMap((email) =>
        [1, 2].map(() => post('/api/users', newUser(email, [{ role: 'coordinator', agency: agencyId }]))),
      ),
    );
    expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    for (const refused of answers.filter((r) => r.statusCode === 409)) expectError(refused, 409, 'user_exists');
    expect(await counts()).toEqual({ users: before.users + 1, memberships: before.memberships + 1 });
  });

  it('adds one agency, and answers the others 409, when one name is sent eight times at once', async () => {
    const before = await count(node.services.db, 'agencies');
    const answers = await Promise.all(
      ['Casa Simultanea', 'casa simultanea', 'CASA SIMULTANEA', 'Casa simultanea'].flatMap((name) =>
        ['IT', 'FR'].map((country) => post('/api/agencies', { name, country, orgType: 'NGO' })),
      ),
    );
    expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    for (const refused of answers.filter((r) => r.statusCode === 409)) expectError(refused, 409, 'agency_exists');
    expect(await count(node.services.db, 'agencies')).toBe(before + 1);
  });
});

describe('response headers', () => {
  const requests: [string, () => Promise<LightMyRequestResponse>][] = [
    ['a public route', () => inject({ method: 'GET', url: '/health' })],
    ['an API answer', () => inject({ method: 'GET', url: '/api/agencies', headers: adminHeaders })],
    ['a 401', () => inject({ method: 'GET', url: '/api/agencies' })],
    ['a 404', () => inject({ method: 'GET', url: '/nowhere' })],
    ['a 400', () => post('/api/agencies', '{', { 'content-type': 'application/json' })],
    ['a 413', () => post('/api/agencies', `"${'x'.repeat(1024 * 1024 + 1)}"`, { 'content-type': 'application/json' })],
  ];

  it.each(requests)('are set on %s', async (_what, request) => {
    const res = await request();
    const csp = new Map(
      String(res.headers['content-security-policy'])
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values.join(' ')]),
    );
    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(
      csp.get('frame-ancestors') === "'none'" || /^(deny|sameorigin)$/i.test(String(res.headers['x-frame-options'])),
    ).toBe(true);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('gives every request its own id and ignores one sent by the client', async () => {
    const a = await inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'chosen-by-client' } });
    const b = await inject({ method: 'GET', url: '/health' });
    expect(a.headers['x-request-id']).not.toBe('chosen-by-client');
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });
});

describe('operations', () => {
  it('answers /health and /ready', async () => {
    const health = await inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('counts requests by route in /metrics', async () => {
    await inject({ method: 'GET', url: '/health' });
    const res = await inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('# TYPE passage_http_request_duration_seconds histogram');
    expect(res.body).toMatch(/^passage_http_request_duration_seconds_count\{[^}]*route="\/health"[^}]*status="200"/m);
  });
});

describe('the OpenAPI document', () => {
  type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
  type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

  const SUCCESS = ['200', '201', '204', '302'];
  const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

  /** Every operation that lacks a success response or the documented 400. */
  function undocumented(doc: Document): string[] {
    const problems: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.has(method)) continue;
        const where = `${method.toUpperCase()} ${path}`;
        const responses = operation.responses ?? {};
        const success = SUCCESS.filter((s) => s in responses);
        if (success.length === 0) problems.push(`${where}: no 200/201/204/302 response`);
        for (const status of success) {
          // A 204 and a redirect carry no body; every other success must describe its body.
          const needsBody = status === '200' || status === '201';
          const schemas = Object.values(responses[status]?.content ?? {}).filter((c) => c.schema !== undefined);
          if (needsBody && schemas.length === 0) problems.push(`${where}: ${status} without a schema`);
        }
        const badRequest = responses['400']?.content?.['application/json']?.schema;
        if (JSON.stringify(badRequest) !== JSON.stringify({ $ref: '#/components/schemas/ErrorResponse' })) {
          problems.push(`${where}: 400 is not the error shape`);
        }
      }
    }
    return problems;
  }

  let served: Document;
  beforeAll(async () => {
    // Public: the same document is committed as docs/openapi.json.
    const res = await inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    served = res.json();
  });

  it('is OpenAPI 3.1 and lists the main routes', () => {
    expect(served.openapi).toMatch(/^3\.1\./);
    for (const path of ['/api/users', '/api/agencies', '/api/audit', '/api/audit/verify', '/api/auth/login']) {
      expect(Object.keys(served.paths)).toContain(path);
    }
  });

  it('describes a success response and the 400 error shape for every route it serves', () => {
    expect(Object.keys(served.paths).length).toBeGreaterThan(10);
    expect(undocumented(served)).toEqual([]);
  });

  it('does so too in the exported document, which includes the optional OIDC routes', async () => {
    const exported = (await openApiDocument()) as Document;
    expect(exported.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(exported.paths)).toContain('/api/auth/oidc/callback');
    expect(undocumented(exported)).toEqual([]);
  });
});

describe('the error shape', () => {
  it('is the same for every error this file provoked', () => {
    const ids = new Set(errors.map((e) => e.res.json().error.id));
    for (const id of ['malformed_json', 'invalid_request', 'body_too_large', 'unsupported_media_type']) {
      expect(ids).toContain(id);
    }
    for (const id of ['not_signed_in', 'not_found', 'user_exists', 'internal_error', 'rate_limited']) {
      expect(ids).toContain(id);
    }
    for (const { what, res } of errors) expect(shapeProblems(res.json()), what).toEqual([]);
  });
});
