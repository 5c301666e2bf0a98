/**
 * `passage demo`: three nodes peered with each other, the story seeded once, and the same nodes back after a
 * restart without a second copy of it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { operatorContext } from '../src/app/operations.ts';
import { type DemoNode, startDemoFederation } from '../src/cli/demo.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('passage-demo-');
let nodes: DemoNode[] = [];
const ctx = operatorContext('test');

afterAll(async () => {
  for (const node of nodes) await node.close();
  dir.remove();
});

const byId = (id: string) => nodes.find((n) => n.spec.nodeId === id) as DemoNode;

describe('passage demo', () => {
  it('starts node-it, node-md and node-ro, each a peer of the other two, reachable with a signed ping', async () => {
    nodes = await startDemoFederation({ dataDir: dir.path, port: 0 });
    expect(nodes.map((n) => n.spec.nodeId)).toEqual(['node-it', 'node-md', 'node-ro']);
    for (const node of nodes) {
      const info = await fetch(`${node.url}/api/node`).then((r) => r.json());
      expect(info).toMatchObject({ nodeId: node.spec.nodeId, country: node.spec.country });
      const peers = await node.services.peers.list(ctx);
      expect(peers.map((p) => [p.nodeId, p.status]).sort()).toEqual(
        nodes
          .filter((n) => n !== node)
          .map((n) => [n.spec.nodeId, 'active'])
          .sort(),
      );
      expect(node.users.map((u) => u.role)).toContain('node_admin');
    }
    const ping = await byId('node-it').services.messages.ping(ctx, 'node-md', 'demo');
    expect(ping).toMatchObject({ status: 'accepted' });
  }, 120_000);

  it("seeds Ana's story: the 2023 Romanian case, the Moldovan recruitment case, and her case in Italy", async () => {
    const count = async (id: string) =>
      (await byId(id).services.db.query<{ n: number }>('select count(*)::int as n from cases'))[0]?.n;
    expect([await count('node-ro'), await count('node-md'), await count('node-it')]).toEqual([1, 1, 1]);
    const it_ = byId('node-it');
    const [ana] = await it_.services.db.query<{ id: string }>('select id from cases');
    const coverage = await it_.services.survivors.coverage(ana?.id as string, 'sharing_cross_border', {
      country: 'MD',
    });
    expect(coverage).toMatchObject({ covered: true });
    const items = await it_.services.db.query('select id from evidence_items');
    expect(items).toHaveLength(1);
  });

  it('seeds the cooperation of step 7: a joint team of node-it and node-md, an MLA request node-md recognised, a referral waiting on node-md', async () => {
    for (const id of ['node-it', 'node-md']) {
      const jits = await byId(id).services.db.query<{ name: string }>('select name from jits');
      expect(jits.map((j) => j.name)).toEqual(['JIT Latina–Chișinău']);
      const requests = await byId(id).services.mla.list(ctx, {});
      expect(requests.requests.map((r) => r.state)).toEqual(['recognised']);
    }
    expect(await byId('node-ro').services.db.query('select id from jits')).toEqual([]);
    const offered = await byId('node-md').services.db.query<{ status: string }>(
      'select status from cross_border_referrals',
    );
    expect(offered.map((r) => r.status)).toEqual(['offered']);
  });

  it('starts again on the same directories with the same nodes, peers and story, seeded once', async () => {
    for (const node of nodes) await node.close();
    nodes = await startDemoFederation({ dataDir: dir.path, port: 0 });
    for (const node of nodes) {
      const [{ n } = { n: 0 }] = await node.services.db.query<{ n: number }>('select count(*)::int as n from cases');
      expect(n, node.spec.nodeId).toBe(1);
      expect(await node.services.peers.list(ctx)).toHaveLength(2);
    }
  }, 60_000);
});
