/**
 * The fuzz run over the node's whole API, shared by test/fuzz.test.ts (a small count, in `npm test`) and
 * bench/fuzz.ts (the full count): a node with some data (a case with its survivor, an evidence item, a second user),
 * a user who holds every role node-wide and in its agency, and for each operation of the served OpenAPI document
 * a fast-check property that sends generated requests and holds when no answer is 5xx. A failing operation's input
 * is shrunk and reported with the server's log of the failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { generate } from 'otplib';
import { loadConfig } from '../src/app/config.ts';
import { operatorContext } from '../src/app/operations.ts';
import { buildApp } from '../src/app/server.ts';
import { createServices } from '../src/app/services.ts';
import type { Db } from '../src/db/client.ts';
import { ensureKeys, loadKeys } from '../src/modules/key-custody/index.ts';
import { ROLES, type Role, requiresSecondFactor } from '../src/shared/policy.ts';
import {
  type FuzzOperation,
  type FuzzRequest,
  type OpenApiDocument,
  operationsOf,
  requestsFor,
  SchemaValues,
} from './fuzz-inputs.ts';

const PASSWORD = 'correct horse battery staple';
/** Operations that end the session they are called in. */
const SESSION_ENDING = /^\/api\/auth\/logout(\?|$)/;

export interface FuzzFailure {
  operation: string;
  /** fast-check's report: the shrunk request, the seed and path to replay it. */
  report: string;
}

export interface FuzzSummary {
  operations: number;
  sent: number;
  byClass: Record<string, number>;
  failures: FuzzFailure[];
  ms: number;
}

export interface FuzzOptions {
  /** Requests per operation and round (two rounds: the second also uses the ids the first one created). */
  runsPerOperation: number;
  seed?: number;
  onProgress?: (done: number, total: number, summary: FuzzSummary) => void;
  /** Called as soon as an operation has failed, with its shrunk input. */
  onFailure?: (failure: FuzzFailure) => void;
  /** Called as each operation's turn starts, with the time the one before took. */
  onOperation?: (key: string, previousMs: number) => void;
}

/** Starts a node on `db` with data, runs the fuzz, closes the node (not the database). */
export async function runFuzz(db: Db, options: FuzzOptions): Promise<FuzzSummary> {
  const node = await fuzzNode(db);
  try {
    return await node.run(options);
  } finally {
    await node.close();
  }
}

async function fuzzNode(db: Db) {
  const dir = mkdtempSync(join(tmpdir(), 'passage-fuzz-'));
  const config = loadConfig({ dataDir: dir }, { PASSAGE_NODE_ID: 'node-fuzz', PASSAGE_COUNTRY: 'IT' });
  ensureKeys(config);
  const services = createServices(config, db, loadKeys(config), { failureDelayMs: 1 });
  // Only errors are logged, kept to explain a failure; the API's rate limit is out of reach of the fuzz.
  const errors: string[] = [];
  const app = await buildApp(services, {
    rateLimit: 1_000_000_000,
    logStream: {
      write: (line: string) => {
        if (JSON.parse(line).level >= 50) errors.push(line);
      },
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const operator = operatorContext('fuzz');
  const agency = await services.users.createAgency(operator, { name: 'Fuzz agency', country: 'IT', orgType: 'NGO' });
  const created = await services.users.createUser(operator, {
    email: 'fuzz@example.org',
    displayName: 'Fuzz',
    password: PASSWORD,
    roles: ROLES.flatMap((role) => [
      { role, agency: null },
      { role, agency: agency.id },
    ]),
  });
  const other = await services.users.createUser(operator, {
    email: 'other@example.org',
    displayName: 'Other',
    password: PASSWORD,
    roles: [{ role: 'case_worker', agency: agency.id }],
  });

  // Signing out ends a session: that operation is called as a user without a second factor, who signs in again
  // at once (a TOTP code cannot be used twice, so the fuzz user could not).
  const spareRole = ROLES.find((role) => !requiresSecondFactor([role])) as Role;
  await services.users.createUser(operator, {
    email: 'spare@example.org',
    displayName: 'Spare',
    password: PASSWORD,
    roles: [{ role: spareRole, agency: agency.id }],
  });

  let signIns = 0;
  const sessionOf = async (email: string, totpSecret?: string): Promise<Record<string, string>> => {
    for (let attempt = 0; ; attempt++) {
      // Addresses of their own, a new one each time: the fuzz's failed sign-ins from other addresses never throttle
      // them, and the sign-in route's own rate limit per address is never reached.
      signIns++;
      const remoteAddress = `172.16.${(signIns >> 8) & 255}.${signIns & 255}`;
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        remoteAddress,
        payload: { email, password: PASSWORD },
      });
      if (login.statusCode !== 200) throw new Error(`${email} cannot sign in: ${login.body}`);
      const cookie = `passage_session=${login.cookies.find((c) => c.name === 'passage_session')?.value}`;
      const session = login.json();
      if (session.stage !== 'second_factor' || !totpSecret) return { cookie, 'x-csrf-token': session.csrfToken };
      const second = await app.inject({
        method: 'POST',
        url: '/api/auth/second-factor',
        remoteAddress,
        headers: { cookie, 'x-csrf-token': session.csrfToken },
        payload: { code: await generate({ secret: totpSecret }) },
      });
      if (second.statusCode === 200) return { cookie, 'x-csrf-token': second.json().csrfToken };
      // The code of this period was used already: the next period's code is fresh.
      if (attempt > 0) throw new Error(`${email}'s second factor failed: ${second.body}`);
      await new Promise((resolve) => setTimeout(resolve, 30_000 - (Date.now() % 30_000) + 100));
    }
  };
  let headers: Record<string, string> = {};
  let spareHeaders: Record<string, string> = {};
  const signIn = async () => {
    headers = await sessionOf('fuzz@example.org', created.totpSecret);
  };
  spareHeaders = await sessionOf('spare@example.org');
  await signIn();

  const opened = await app.inject({
    method: 'POST',
    url: '/api/cases',
    headers,
    payload: { agencyId: agency.id, survivor: { prs_Gender: 'Feminine', prs_FirstName: 'Fuzz' } },
  });
  if (opened.statusCode !== 201) throw new Error(`the fuzz case could not be opened: ${opened.body}`);
  const caseId = opened.json().id as string;
  const form = new FormData();
  form.append('title', 'Fuzz item');
  form.append('handlingCode', 'H0');
  form.append('file', new Blob(['fuzz\n'], { type: 'text/plain' }), 'fuzz.txt');
  const uploaded = await fetch(`${base}/api/cases/${caseId}/evidence`, { method: 'POST', headers, body: form });
  if (uploaded.status !== 201) throw new Error(`the fuzz evidence could not be uploaded: ${await uploaded.text()}`);
  const evidenceId = ((await uploaded.json()) as { id: string }).id;

  const ids: Record<string, string[]> = {
    caseId: [caseId],
    evidenceId: [evidenceId],
    userId: [other.user.id],
    agencyId: [agency.id],
    nodeId: ['node-fuzz', 'node-peer'],
    index: ['0', '1'],
  };

  async function send(request: FuzzRequest, address: string) {
    const as = SESSION_ENDING.test(request.url) ? spareHeaders : headers;
    const cookie = request.cookie ?? as.cookie;
    const requestHeaders: Record<string, string> = { ...as, ...(cookie ? { cookie } : {}) };
    // Uploads, and every route of the evidence scope (which closes the connection of a request whose body it did not
    // read, something app.inject cannot model), go over a real connection.
    if (request.parts || /\/evidence(\/|$)/.test(request.url.split('?')[0] as string)) {
      let body: FormData | string | undefined = request.payload;
      if (request.parts) {
        body = new FormData();
        for (const part of request.parts) {
          if (part.fileName === undefined) body.append(part.name, part.value);
          else body.append(part.name, new Blob([part.value], { type: 'text/plain' }), part.fileName);
        }
      } else if (request.contentType) requestHeaders['content-type'] = request.contentType;
      const response = await fetch(`${base}${request.url}`, { method: request.method, headers: requestHeaders, body });
      const text = await response.text();
      return { status: response.status, body: text };
    }
    const response = await app.inject({
      method: request.method as 'GET',
      url: request.url,
      remoteAddress: address,
      headers: { ...requestHeaders, ...(request.contentType ? { 'content-type': request.contentType } : {}) },
      ...(request.payload !== undefined ? { payload: request.payload } : {}),
    });
    return { status: response.statusCode, body: response.body };
  }

  /** The collection an id created by a POST belongs to: `/api/mla` for `{id}` in `/api/mla/{id}`. */
  const collections = (operations: FuzzOperation[]) => {
    const map = new Map<string, string>();
    for (const op of operations) {
      const match = /^(.*)\/\{(\w+)\}$/.exec(op.path);
      if (match) map.set(match[1] as string, match[2] as string);
    }
    return map;
  };

  async function run(options: FuzzOptions): Promise<FuzzSummary> {
    const started = performance.now();
    const doc = app.swagger() as unknown as OpenApiDocument;
    const operations = operationsOf(doc);
    const owners = collections(operations);
    const summary: FuzzSummary = { operations: operations.length, sent: 0, byClass: {}, failures: [], ms: 0 };
    const total = operations.length * options.runsPerOperation * 2;
    const seed = options.seed ?? Date.now() % 2 ** 31;
    let addressCounter = 0;
    for (const round of [1, 2]) {
      let opStarted = performance.now();
      for (const op of operations) {
        options.onOperation?.(op.key, performance.now() - opStarted);
        opStarted = performance.now();
        const values = new SchemaValues(doc, ids);
        const property = fc.asyncProperty(requestsFor(op, values), async (request) => {
          addressCounter++;
          const address = `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
          const before = errors.length;
          const response = await send(request, address);
          summary.sent++;
          const statusClass = `${Math.floor(response.status / 100)}xx`;
          summary.byClass[statusClass] = (summary.byClass[statusClass] ?? 0) + 1;
          // An operation that ended the fuzz user's session (sign-out) is followed by signing in again.
          if (SESSION_ENDING.test(request.url)) spareHeaders = await sessionOf('spare@example.org');
          else if (response.status === 401 && !request.cookie) {
            const session = await app.inject({ method: 'GET', url: '/api/session', headers });
            if (session.statusCode === 401) await signIn();
          }
          if (response.status >= 200 && response.status < 300 && request.method === 'POST') {
            remember(op, response.body);
          }
          if (response.status >= 500) {
            const logged = errors.slice(before).join('\n').slice(0, 4000);
            throw new Error(`${op.key} answered ${response.status}: ${response.body.slice(0, 300)}\n${logged}`);
          }
          if (summary.sent % 500 === 0) options.onProgress?.(summary.sent, total, summary);
        });
        const result = await fc.check(property, {
          numRuns: options.runsPerOperation,
          seed: seed + round * 100_000 + operations.indexOf(op),
          endOnFailure: false,
          includeErrorInReport: true,
        });
        if (result.failed) {
          const failure = { operation: op.key, report: fc.defaultReportMessage(result) ?? 'failed' };
          summary.failures.push(failure);
          options.onFailure?.(failure);
        }
      }
    }
    summary.ms = performance.now() - started;
    return summary;

    function remember(op: FuzzOperation, body: string) {
      const param = owners.get(op.path);
      if (!param) return;
      let id: unknown;
      try {
        id = (JSON.parse(body) as { id?: unknown }).id;
      } catch {
        return;
      }
      if (typeof id !== 'string') return;
      const known = ids[param] ?? [];
      if (known.length < 20 && !known.includes(id)) ids[param] = [...known, id];
    }
  }

  return {
    run,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
