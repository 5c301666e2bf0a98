/**
 * A node killed (SIGKILL) in the middle of a delivery: its peer has recorded the message, but the receipt never
 * reached the sender. After the restart the outbox delivers the message again, the peer applies it no second time,
 * and the sender learns the outcome from the receipt of the first delivery.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningNode, startNode } from '../src/app/node.ts';
import { operatorContext } from '../src/app/operations.ts';
import { freePort } from './federation.ts';
import { tempDir, testConfig, testDb } from './helpers.ts';
import { commandEnvironment, runPassage, startPassage } from './passage-command.ts';

const dir = tempDir('passage-kill-md-');
const itDir = tempDir('passage-kill-it-');
let env: Record<string, string>;
let dropDatabase: () => Promise<void> = async () => {};
let it_: RunningNode;
let sender: ChildProcess | null = null;
let proxy: Server;
let proxyUrl: string;
let senderPort: number;
/** While true, the proxy passes a request on to node-it but keeps node-it's answer from the sender. */
let holdAnswers = false;
let requests = 0;
let held: (() => void) | null = null;

const passage = (args: string[]) => runPassage([...args, '--data', dir.path], env);

async function startSender(): Promise<void> {
  sender = await startPassage(['--data', dir.path, '--port', String(senderPort)], env);
}

/** Forwards to node-it's inbox and other routes; with `holdAnswers`, the sender never gets the answer. */
async function relay(request: IncomingMessage, response: ServerResponse): Promise<void> {
  requests += request.url === '/federation/v1/inbox' ? 1 : 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const answer = await fetch(`${it_.url}${request.url}`, {
    method: request.method,
    headers: { 'content-type': request.headers['content-type'] ?? 'application/octet-stream' },
    body: request.method === 'POST' ? Buffer.concat(chunks) : undefined,
  });
  const body = Buffer.from(await answer.arrayBuffer());
  if (holdAnswers && request.url === '/federation/v1/inbox') {
    held?.();
    return; // the answer stays here; the sender is killed while it waits
  }
  response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' }).end(body);
}

beforeAll(async () => {
  ({ env, drop: dropDatabase } = await commandEnvironment());
  const init = await passage(['init', '--node-id', 'node-md', '--country', 'MD']);
  expect(init.status, init.stderr).toBe(0);
  it_ = await startNode(testConfig(itDir.path, { PASSAGE_NODE_ID: 'node-it', PASSAGE_PORT: '0' }), {
    db: await testDb(),
    logger: false,
  });
  proxy = createHttpServer((request, response) => void relay(request, response).catch(() => response.destroy()));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  senderPort = await freePort();
}, 180_000);

afterAll(async () => {
  sender?.kill('SIGKILL');
  proxy?.closeAllConnections();
  proxy?.close();
  await it_?.close();
  await it_?.services.db.close();
  await dropDatabase();
  dir.remove();
  itDir.remove();
});

describe('a node killed during a delivery', { timeout: 240_000 }, () => {
  it('delivers the message again after the restart, with exactly one effect at the peer', async () => {
    const identity = JSON.parse((await passage(['node', 'identity', '--json'])).stdout);
    await startSender();
    const added = await passage(['peer', 'add', proxyUrl, '--fingerprint', it_.services.custody.fingerprint]);
    expect(added.status, added.stderr).toBe(0);
    await it_.services.peers.add(operatorContext('test'), {
      url: `http://127.0.0.1:${senderPort}`,
      fingerprint: identity.fingerprint,
    });

    holdAnswers = true;
    const answered = new Promise<void>((resolve) => {
      held = resolve;
    });
    const ping = passage(['peer', 'ping', 'node-it']);
    await answered;
    // node-it has recorded the message; node-md dies before the receipt reaches it.
    sender?.kill('SIGKILL');
    await ping;
    const received = async () =>
      (await it_.services.messages.history(operatorContext('test'), { peer: 'node-md' })).filter(
        (m) => m.direction === 'in',
      );
    expect(await received()).toHaveLength(1);

    holdAnswers = false;
    await startSender();
    let sent: { status: string; attempts: number; hasReceipt: boolean }[] = [];
    for (let i = 0; i < 60; i++) {
      sent = JSON.parse((await passage(['peer', 'messages', 'node-it', '--json'])).stdout);
      if (sent[0]?.status !== 'queued') break;
      await sleep(500);
    }
    expect(sent).toMatchObject([{ direction: 'out', type: 'passage.ping', status: 'accepted', hasReceipt: true }]);
    expect(requests).toBe(2);
    const once = await received();
    expect(once).toHaveLength(1);
    expect(once[0]?.status).toBe('accepted');
  });
});
