/**
 * Nodes started in the test process beside the demo node (node-it, in serve.ts's process), peered with it both ways,
 * for the specs of cross-node features. Each spec gives its nodes ids of their own (node-md-mla, node-md-jit, …), so
 * that the specs never trip over one another's peers or message history.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type APIRequestContext, request } from '@playwright/test';
import { loadConfig } from '../../src/app/config.ts';
import { type RunningNode, startNode } from '../../src/app/node.ts';
import { operatorContext } from '../../src/app/operations.ts';
import { ensureKeys } from '../../src/modules/key-custody/index.ts';
import { BASE_URL } from './environment.ts';
import { type DemoUser, expect, totp } from './fixtures.ts';

/** A demo user of node-it signed in over the API, with the CSRF token every change needs. */
export async function apiSession(user: DemoUser): Promise<APIRequestContext> {
  const context = await request.newContext({ baseURL: BASE_URL });
  const login = await context.post('/api/auth/login', { data: { email: user.email, password: user.password } });
  expect(login.ok()).toBe(true);
  let session = (await login.json()) as { stage: string; csrfToken: string };
  if (session.stage === 'second_factor') {
    const second = await context.post('/api/auth/second-factor', {
      data: { code: await totp(user) },
      headers: { 'x-csrf-token': session.csrfToken },
    });
    expect(second.ok()).toBe(true);
    session = await second.json();
  }
  const signedIn = await request.newContext({
    baseURL: BASE_URL,
    storageState: await context.storageState(),
    extraHTTPHeaders: { 'x-csrf-token': session.csrfToken },
  });
  await context.dispose();
  return signedIn;
}

/**
 * Starts a node in this process on a port of its own, with a data directory that `close` removes. PGlite takes a few
 * seconds to create and migrate its database. The process's environment is the demo node's business: the node reads
 * none of it.
 */
export async function startNodeBeside(nodeId: string, country: string, name: string): Promise<RunningNode> {
  const dataDir = mkdtempSync(join(tmpdir(), `passage-e2e-${nodeId}-`));
  const config = loadConfig(
    { dataDir },
    { PASSAGE_NODE_ID: nodeId, PASSAGE_COUNTRY: country, PASSAGE_NODE_NAME: name, PASSAGE_PORT: '0' },
  );
  ensureKeys(config);
  const node = await startNode(config, { logger: false });
  return {
    ...node,
    async close() {
      await node.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The demo node's key fingerprint, as its administrator would read it out to another node's. */
export async function demoNodeFingerprint(admin: APIRequestContext): Promise<string> {
  const document = (await (await admin.get('/.well-known/passage-node')).json()) as { keys: { kid: string }[] };
  return document.keys[0]?.kid ?? '';
}

/** node-it's administrator adds each node to node-it's trust list over the API, and each node adds node-it. */
export async function peerWithDemoNode(admin: APIRequestContext, ...nodes: RunningNode[]): Promise<void> {
  const demoNode = { url: BASE_URL, fingerprint: await demoNodeFingerprint(admin) };
  for (const node of nodes) {
    const added = await admin.post('/api/peers', {
      data: { url: node.url, fingerprint: node.services.peers.fingerprint },
    });
    expect(added.ok(), await added.text()).toBe(true);
    await node.services.peers.add(operatorContext('test'), demoNode);
  }
}

/** Takes the nodes off node-it's trust list again, so that the Peers page of the next spec lists only its own. */
export async function unpeerFromDemoNode(admin: APIRequestContext | undefined, ...nodeIds: string[]): Promise<void> {
  for (const nodeId of nodeIds) await admin?.delete(`/api/peers/${nodeId}`);
}
