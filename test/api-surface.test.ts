/**
 * The whole API surface, by role (issue 14): every operation of the served OpenAPI document is called as each role
 * (scoped to agency A, node-wide, and scoped to another agency B), anonymously, and with a session of another node,
 * and the answer is compared with what the policy (`can()` over RULES) says for that caller. The table of what
 * governs each operation is test/fixtures/api-surface.ts; an operation missing from it fails here.
 *
 * Every id in a path names a real resource (test/api-surface-setup.ts builds them, with a real peered node for what
 * crosses borders), so the comparison is exact: allowed → neither 401 nor 403 (the request may still be refused for
 * what it says, e.g. 409 for a state change that does not apply); refused by role, scope or purpose → 403, or 404
 * where the table says the API hides the resource, or the status of a check the table says comes before the policy
 * (with its reason); anonymous, or a session of another node → 401 on every operation that is not public; a message
 * the peer signed → 401 everywhere but the federation inbox.
 */
import { generate } from 'otplib';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorContext } from '../src/app/operations.ts';
import { type Action, type Actor, can, type Membership, ROLES, type Role } from '../src/shared/policy.ts';
import { buildResources, PEER } from './api-surface-setup.ts';
import { SURFACE, type SurfaceEntry, type Target } from './fixtures/api-surface.ts';
import { buildUser, createTestNode, type TestNode, type TestUser } from './helpers.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
interface Operation {
  operationId: string;
  method: Method;
  path: string;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  parameters?: { in: string; name: string; schema?: Schema }[];
}
type Schema = Record<string, unknown>;

interface Caller {
  name: string;
  /** The headers of its session; none when anonymous. */
  headers: Record<string, string>;
  /** The actor the policy sees; null for callers without a session on this node. */
  actor: Actor | null;
  agencyId: string | null;
  address: string;
}

let node: TestNode;
let other: TestNode;
let document: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
let operations: Operation[];
const callers: Caller[] = [];
const ids: Record<string, string> = {};

let addresses = 0;
/** Each caller comes from its own address, so that the per-address rate limits do not mix them up. */
const nextAddress = () => `10.9.${Math.floor(++addresses / 250)}.${addresses % 250}`;

async function signIn(target: TestNode, user: TestUser, address: string): Promise<Record<string, string>> {
  const login = await target.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: address,
    payload: { email: user.email, password: user.password },
  });
  if (login.statusCode !== 200) throw new Error(`sign-in failed: ${login.body}`);
  const cookie = `passage_session=${login.cookies.find((c) => c.name === 'passage_session')?.value}`;
  let session = login.json();
  if (session.stage === 'second_factor') {
    const second = await target.app.inject({
      method: 'POST',
      url: '/api/auth/second-factor',
      remoteAddress: address,
      headers: { cookie, 'x-csrf-token': session.csrfToken },
      payload: { code: await generate({ secret: user.totpSecret }) },
    });
    if (second.statusCode !== 200) throw new Error(`second factor failed: ${second.body}`);
    session = second.json();
  }
  return { cookie, 'x-csrf-token': session.csrfToken as string };
}

async function addCaller(name: string, role: Role, agencyId: string | null, agencyOfUser: string): Promise<void> {
  const user = await buildUser(node.services, role, { agency: agencyOfUser, nodeWide: agencyId === null });
  const address = nextAddress();
  const memberships: Membership[] = [{ role, agencyId }];
  callers.push({
    name,
    headers: await signIn(node, user, address),
    actor: { kind: 'user', userId: user.id, memberships },
    agencyId,
    address,
  });
}

beforeAll(async () => {
  [node, other] = await Promise.all([
    createTestNode(),
    createTestNode({ PASSAGE_NODE_ID: PEER.nodeId, PASSAGE_COUNTRY: PEER.country }),
  ]);
  const operator = operatorContext('surface-test');
  const agency = (name: string) =>
    node.services.users.createAgency(operator, { name, country: 'IT', orgType: 'NGO' }).then((a) => a.id);
  ids.agencyA = await agency('Agency A');
  ids.agencyB = await agency('Agency B');

  const { agencyA = '', agencyB = '' } = ids;
  await Promise.all(
    ROLES.flatMap((role) => [
      addCaller(`${role} of A`, role, agencyA, agencyA),
      addCaller(`${role} node-wide`, role, null, agencyA),
      addCaller(`${role} of B`, role, agencyB, agencyB),
    ]),
  );
  callers.push({ name: 'anonymous', headers: {}, actor: null, agencyId: null, address: nextAddress() });
  const stranger = await buildUser(other.services, 'node_admin', { nodeWide: true });
  const strangerAddress = nextAddress();
  callers.push({
    name: 'node_admin of another node',
    headers: await signIn(other, stranger, strangerAddress),
    actor: null,
    agencyId: null,
    address: strangerAddress,
  });

  // The resources the path ids name: agency A's case and what hangs off it, and the cooperation with the peer.
  await buildResources(node, other, ids);

  const response = await node.app.inject({ method: 'GET', url: '/openapi.json' });
  document = response.json();
  operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ ...op, method: method.toUpperCase() as Method, path })),
  );
}, 300_000);

afterAll(async () => {
  await node?.close();
  await other?.close();
});

/** The id a path parameter takes: the real resource where there is one, otherwise an id that names nothing. */
function pathOf(operation: Operation): string {
  return operation.path.replace(/{([^}]+)}/g, (_all, name: string) => {
    if (name === 'index') return '0';
    return realId(operation.path, name) ?? madeUpId(operation, name);
  });
}

/** An id that names nothing, in the shape the parameter's schema asks for (a ULID, or a node id in lower case). */
function madeUpId(operation: Operation, name: string): string {
  const id = ulid();
  const pattern = operation.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema?.pattern;
  return typeof pattern === 'string' && !new RegExp(pattern).test(id) ? id.toLowerCase() : id;
}

/** The real resource a path parameter names, if this test built one (the in-country referral is not a cross-border one). */
function realId(path: string, name: string): string | undefined {
  if (name === 'referralId' && path.startsWith('/api/cross-border-referrals')) {
    // The receiver answers an offer it received; the sender works on the one it sent.
    if (path.endsWith('/accept')) return ids.xbAcceptId;
    if (path.endsWith('/decline')) return ids.xbDeclineId;
    return ids.crossBorderReferralId;
  }
  return ids[name];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Fills `$name` placeholders with ids. */
function fill(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$(\w+)/g, (_all, name: string) => ids[name] ?? ulid());
  if (Array.isArray(value)) return value.map(fill);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
  return value;
}

/** A smallest body its schema accepts: required properties only, first choices, shortest values. */
function sample(schema: Schema | undefined, depth = 0): unknown {
  if (!schema || depth > 8) return {};
  if (typeof schema.$ref === 'string')
    return sample(document.components.schemas[schema.$ref.split('/').pop() ?? ''], depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const choices = schema[key] as Schema[] | undefined;
    if (choices) return sample(choices.find((c) => c.type !== 'null') ?? choices[0], depth + 1);
  }
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required ?? []) as string[];
      return Object.fromEntries(required.map((name) => [name, sample(properties[name], depth + 1)]));
    }
    case 'array':
      // Distinct items where the schema wants them unique.
      return Array.from({ length: Number(schema.minItems ?? 0) }, (_, i) => {
        const item = sample(schema.items as Schema, depth + 1);
        return typeof item === 'string' && i > 0 ? `${item}-${i}` : item;
      });
    case 'string':
      if (schema.format === 'date') return '2026-03-01';
      if (schema.format === 'date-time') return '2026-03-01T00:00:00.000Z';
      if (schema.format === 'email') return 'someone@example.org';
      if (schema.format === 'uri') return 'https://example.org';
      if (typeof schema.pattern === 'string' && schema.pattern.includes('a-z0-9')) return 'node-none';
      if (typeof schema.pattern === 'string' && schema.pattern.includes('A-Z]{2}')) return 'IT';
      if (typeof schema.pattern === 'string' && schema.pattern.includes('d{4}')) return '2026-03-01';
      return 'x'.repeat(Math.max(1, Number(schema.minLength ?? 1)));
    case 'integer':
    case 'number':
      return Number(schema.minimum ?? 1);
    case 'boolean':
      return false;
    default:
      return {};
  }
}

function multipartBody(fields: Record<string, string>): { payload: Buffer; contentType: string } {
  const boundary = `surface${ulid()}`;
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  parts.push(
    `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="item.txt"\r\ncontent-type: text/plain\r\n\r\nitem\r\n`,
  );
  return {
    payload: Buffer.from(`${parts.join('')}--${boundary}--\r\n`),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

function resourceOf(target: Target, caller: Caller) {
  if (target === 'case') return { agencyId: ids.agencyA };
  if (target === 'agencyB') return { agencyId: ids.agencyB };
  if (target === 'own') return { agencyId: caller.agencyId };
  return {};
}

/** How many operations are called at once. */
const LANES = 4;

type Expected = 'allowed' | 401 | 403 | 404 | number[];

function agrees(expected: Expected, status: number): boolean {
  if (expected === 'allowed') return status !== 401 && status !== 403;
  if (Array.isArray(expected)) return expected.includes(status);
  return status === expected;
}

function expectedFor(entry: SurfaceEntry, caller: Caller): Expected {
  if ('access' in entry && entry.access === 'public') return 'allowed';
  if (!caller.actor) return 401;
  if ('access' in entry) return 'allowed';
  const actor = caller.actor;
  const allows = (action: Action) => can(actor, action, resourceOf(entry.on, caller), entry.purpose).allowed;
  const allowed = entry.any ? entry.actions.some(allows) : entry.actions.every(allows);
  if (allowed) return 'allowed';
  if (entry.hidden) return 404;
  if (entry.checksFirst) return [403, entry.checksFirst.status];
  return 403;
}

async function call(operation: Operation, entry: SurfaceEntry, caller: Caller) {
  ids.unique = ulid().toLowerCase();
  const url = pathOf(operation);
  const query = entry.query ? `?${new URLSearchParams(fill(entry.query) as Record<string, string>)}` : '';
  const headers: Record<string, string> = { ...caller.headers };
  let payload: string | Buffer | undefined;
  if (entry.multipart) {
    const body = multipartBody(fill(entry.multipart) as Record<string, string>);
    payload = body.payload;
    headers['content-type'] = body.contentType;
  } else if (operation.requestBody) {
    const schema = operation.requestBody.content?.['application/json']?.schema;
    const made = sample(schema);
    const body =
      isObject(made) && isObject(entry.body)
        ? { ...made, ...entry.body }
        : entry.body === undefined
          ? made
          : entry.body;
    payload = JSON.stringify(fill(body));
    headers['content-type'] = 'application/json';
  }
  return node.app.inject({
    method: operation.method,
    url: `${url}${query}`,
    headers,
    remoteAddress: caller.address,
    ...(payload === undefined ? {} : { payload }),
  });
}

describe('the API surface, by role', () => {
  it('has an entry in the table for every operation, and none for an operation that is gone', () => {
    const served = operations.map((op) => op.operationId);
    expect(
      served.filter((id) => !(id in SURFACE)),
      'operations without an entry',
    ).toEqual([]);
    // The committed document also describes optional features (OIDC) a test node does not switch on.
    const optional = new Set(['getAuthOidcStart', 'getAuthOidcCallback']);
    expect(
      Object.keys(SURFACE).filter((id) => !served.includes(id) && !optional.has(id)),
      'stale entries',
    ).toEqual([]);
  });

  it('answers every operation as the policy says, for every caller', async () => {
    const disagreements: string[] = [];
    let calls = 0;
    const check = async (operation: Operation) => {
      const entry = SURFACE[operation.operationId];
      if (!entry) return;
      // The callers of one operation at once (they come from different addresses).
      const answers = await Promise.all(callers.map((caller) => call(operation, entry, caller)));
      for (const [index, caller] of callers.entries()) {
        const expected = expectedFor(entry, caller);
        const response = answers[index] as Awaited<ReturnType<typeof call>>;
        calls++;
        const status = response.statusCode;
        if (!agrees(expected, status)) {
          const id = (() => {
            try {
              return response.json().error?.id;
            } catch {
              return undefined;
            }
          })();
          disagreements.push(
            `${operation.operationId} as ${caller.name}: expected ${expected}, got ${status}${id ? ` ${id}` : ''}` +
              ` ${response.body.slice(0, 160)}`,
          );
        }
      }
    };
    // A few operations at once, each lane taking the next (with PostgreSQL the database works on several at a time);
    // then those marked `last`, one after the other in their order, once every other one is done.
    const last = (op: Operation) => SURFACE[op.operationId]?.last ?? 0;
    const first = operations.filter((op) => last(op) === 0);
    let next = 0;
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        while (next < first.length) await check(first[next++] as Operation);
      }),
    );
    for (const operation of operations.filter((op) => last(op) > 0).sort((a, b) => last(a) - last(b))) {
      await check(operation);
    }
    expect(disagreements).toEqual([]);
    expect(calls).toBe(operations.length * callers.length);
  }, 600_000);

  it('takes a message the peer signed at its inbox only: on every other route it is no session, 401', async () => {
    // A real message of the peer: a ping, signed by its key, that this node's inbox accepted.
    const operator = operatorContext('surface-test');
    await other.services.messages.ping(operator, 'node-test');
    const sent = (await other.services.messages.history(operator, { peer: 'node-test' })).find(
      (m) => m.direction === 'out',
    );
    const jws = sent?.jws ?? '';
    expect(jws.split('.')).toHaveLength(3);
    const replayed = await node.app.inject({
      method: 'POST',
      url: '/federation/v1/inbox',
      headers: { 'content-type': 'application/jose' },
      payload: jws,
    });
    // The inbox checks it (it knows it already: a replay); no other route reads it.
    expect(replayed.statusCode, replayed.body).toBe(409);

    const guarded = operations.filter((op) => !('access' in (SURFACE[op.operationId] ?? {})));
    const answers = await Promise.all(
      guarded.map((operation) =>
        node.app.inject({
          method: operation.method,
          url: pathOf(operation),
          headers: { 'content-type': 'application/jose', authorization: `Bearer ${jws}` },
          remoteAddress: nextAddress(),
          ...(operation.method === 'GET' ? {} : { payload: jws }),
        }),
      ),
    );
    const wrong = answers
      .map((res, i) => [guarded[i]?.operationId, res.statusCode, res.json().error?.id] as const)
      .filter(([, status]) => status !== 401);
    expect(wrong).toEqual([]);
    expect(guarded.length).toBeGreaterThan(100);
  });
});
