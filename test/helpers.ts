import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { generate } from 'otplib';
import { inject } from 'vitest';
import { type Config, loadConfig } from '../src/app/config.ts';
import { operatorContext } from '../src/app/operations.ts';
import { buildApp } from '../src/app/server.ts';
import { createServices, type Services } from '../src/app/services.ts';
import type { Db } from '../src/db/client.ts';
import { createTestDb } from '../src/db/testing.ts';
import { ensureKeys, loadKeys } from '../src/modules/key-custody/index.ts';
import type { Role } from '../src/shared/policy.ts';

export const testDb = (): Promise<Db> => createTestDb(inject('dbTemplate'));

export function tempDir(prefix = 'passage-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Configuration of a test node with its own data directory and keys; no process environment leaks in. */
export function testConfig(dataDir: string, settings: Record<string, string> = {}): Config {
  const config = loadConfig({ dataDir }, { PASSAGE_NODE_ID: 'node-test', PASSAGE_COUNTRY: 'IT', ...settings });
  ensureKeys(config);
  return config;
}

export interface TestNode {
  app: FastifyInstance;
  services: Services;
  close(): Promise<void>;
}

/** A node on a clean test database, answering through `app.inject` (no port is opened). */
export async function createTestNode(settings: Record<string, string> = {}): Promise<TestNode> {
  const dir = tempDir();
  const db = await testDb();
  const config = testConfig(dir.path, settings);
  const services = createServices(config, db, loadKeys(config), { failureDelayMs: 1 });
  const app = await buildApp(services, { logger: false });
  return {
    app,
    services,
    async close() {
      await app.close();
      await db.close();
      dir.remove();
    },
  };
}

export const PASSWORD = 'correct horse battery staple';

let counter = 0;

/** Adds an agency and a user holding `role` in it (or node-wide), as the console operator would. */
export async function buildUser(services: Services, role: Role, options: { nodeWide?: boolean; agency?: string } = {}) {
  counter++;
  const ctx = operatorContext('test');
  const agency =
    options.agency ??
    (await services.users.createAgency(ctx, { name: `Agency ${counter}-${Date.now()}`, country: 'IT', orgType: 'NGO' }))
      .id;
  const email = `${role}.${counter}.${Date.now()}@example.org`;
  const created = await services.users.createUser(ctx, {
    email,
    displayName: `Test ${role}`,
    password: PASSWORD,
    roles: [{ role, agency: options.nodeWide ? null : agency }],
  });
  return { ...created.user, agencyId: agency, password: PASSWORD, totpSecret: created.totpSecret };
}

export type TestUser = Awaited<ReturnType<typeof buildUser>>;

/** Signs in over HTTP, with the second factor when the user needs one; returns what later requests must send. */
export async function signIn(app: FastifyInstance, user: TestUser) {
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: user.email, password: user.password },
  });
  if (login.statusCode !== 200) throw new Error(`sign-in failed: ${login.body}`);
  const cookie = `passage_session=${login.cookies.find((c) => c.name === 'passage_session')?.value}`;
  let session = login.json();
  if (session.stage === 'second_factor') {
    const second = await app.inject({
      method: 'POST',
      url: '/api/auth/second-factor',
      headers: { cookie, 'x-csrf-token': session.csrfToken },
      payload: { code: await generate({ secret: user.totpSecret }) },
    });
    if (second.statusCode !== 200) throw new Error(`second factor failed: ${second.body}`);
    session = second.json();
  }
  return {
    cookie,
    csrf: session.csrfToken as string,
    headers: { cookie, 'x-csrf-token': session.csrfToken as string },
  };
}

/** A request to a node as a signed-in user (the headers `signIn` returned), with a JSON body when there is one. */
export function requestAs(
  node: TestNode,
  headers: Record<string, string>,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: object,
) {
  return node.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
}

/** Every file under a directory, at any depth: the raw database files the at-rest tests scan. */
export function* filesUnder(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}
