/**
 * Nodes that talk to each other over real HTTP on loopback, for the tests of cross-node features: the module tests
 * (nodes from `createTestNode`) and the browser tests (nodes from `startNode`) peer them with the same function.
 */
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../src/app/config.ts';
import { type RunningNode, startNode } from '../src/app/node.ts';
import { operatorContext } from '../src/app/operations.ts';
import type { Services } from '../src/app/services.ts';
import type { Db } from '../src/db/client.ts';
import { createTestNode, type TestNode, tempDir, testConfig, testDb } from './helpers.ts';

/** A node as its peers know it: where it answers, and the services through which its administrator adds peers. */
export interface PeerNode {
  url: string;
  services: Pick<Services, 'peers'>;
}

/** Each node adds every other to its trust list, as their administrators would after reading out fingerprints. */
export async function peerAllWays(nodes: readonly PeerNode[]): Promise<void> {
  const ctx = operatorContext('test');
  for (const node of nodes) {
    for (const other of nodes) {
      if (other !== node)
        await node.services.peers.add(ctx, { url: other.url, fingerprint: other.services.peers.fingerprint });
    }
  }
}

/** The address of a node that `listen` opened a port for. */
export function urlOf(node: { app: FastifyInstance }): string {
  const address = node.app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

/** Opens a loopback port for a node answering through `app.inject` until now: its peers fetch and post over HTTP. */
export async function listen(node: TestNode): Promise<string> {
  await node.app.listen({ host: '127.0.0.1', port: 0 });
  return urlOf(node);
}

/** Test nodes (one per id and country, in that order), each listening on a port and a peer of every other. */
export async function createPeeredNodes<const Nodes extends readonly (readonly [nodeId: string, country: string])[]>(
  ...nodes: Nodes
): Promise<{ [K in keyof Nodes]: TestNode }> {
  const created: TestNode[] = [];
  for (const [nodeId, country] of nodes)
    created.push(await createTestNode({ PASSAGE_NODE_ID: nodeId, PASSAGE_COUNTRY: country }));
  const urls = await Promise.all(created.map(listen));
  await peerAllWays(created.map((node, i) => ({ url: urls[i] as string, services: node.services })));
  return created as { [K in keyof Nodes]: TestNode };
}

// A little ahead: the database stamps a queued message with its own clock, which may run ahead of this process's.
export const soon = () => new Date(Date.now() + 5000);

/** Delivers what each node has queued, in the order given, `rounds` times over (answers to answers need more). */
export async function deliverQueued(nodes: readonly TestNode[], rounds = 1): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (const node of nodes) await node.services.messages.deliverDue(soon());
  }
}

/** A loopback port free at the time of asking, for a node that must come back on the same address. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

export interface RestartableNode {
  config: Config;
  db: Db;
  url: string;
  /** The running node; only between `start` and `stop`. */
  readonly node: RunningNode;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the node and removes its database and data directory. */
  close(): Promise<void>;
}

/** A node on a fixed port, which can be stopped and started again on the same database and data directory. */
export async function restartableNode(nodeId: string, country: string): Promise<RestartableNode> {
  const dir = tempDir(`passage-${nodeId}-`);
  const config = testConfig(dir.path, {
    PASSAGE_NODE_ID: nodeId,
    PASSAGE_COUNTRY: country,
    PASSAGE_PORT: String(await freePort()),
  });
  const db = await testDb();
  let node: RunningNode | null = null;
  return {
    config,
    db,
    get node() {
      return node as RunningNode;
    },
    url: `http://${config.host}:${config.port}`,
    async start() {
      node = await startNode(config, { db, logger: false, auth: { failureDelayMs: 1 } });
    },
    async stop() {
      await node?.close();
      node = null;
    },
    async close() {
      await node?.close();
      await db.close();
      dir.remove();
    },
  };
}
