import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningNode, startNode } from '../src/app/node.ts';
import { tempDir, testConfig, testDb } from './helpers.ts';
import { commandEnvironment, runPassage } from './passage-command.ts';

const dir = tempDir('passage-cli-peers-');
const peerDir = tempDir('passage-cli-peers-ro-');
let env: Record<string, string>;
let dropDatabase: () => Promise<void> = async () => {};
/** The node the CLI's node adds as a peer: in this process, so the CLI must not block it (no spawnSync). */
let ro: RunningNode;

const passage = (args: string[]) => runPassage([...args, '--data', dir.path], env);

beforeAll(async () => {
  ({ env, drop: dropDatabase } = await commandEnvironment());
  const init = await passage(['init', '--node-id', 'node-it', '--name', 'Passage Italia', '--country', 'IT']);
  expect(init.status, init.stderr).toBe(0);
  const config = testConfig(peerDir.path, {
    PASSAGE_NODE_ID: 'node-ro',
    PASSAGE_COUNTRY: 'RO',
    PASSAGE_NODE_NAME: 'Passage România',
    PASSAGE_PORT: '0',
  });
  ro = await startNode(config, { db: await testDb(), logger: false });
}, 180_000);

afterAll(async () => {
  await ro?.close();
  await ro?.services.db.close();
  await dropDatabase();
  dir.remove();
  peerDir.remove();
});

const slow = { timeout: 180_000 };

describe('passage peer', slow, () => {
  it("lists no peers at first, after a line naming this node and its key's fingerprint", async () => {
    const identity = await passage(['node', 'identity', '--json']);
    expect(identity.status, identity.stderr).toBe(0);
    const { fingerprint } = JSON.parse(identity.stdout);
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const list = await passage(['peer', 'list']);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout.split('\n')).toEqual([
      `This node: node-it (Passage Italia, IT), key fingerprint ${fingerprint}`,
      'No peers yet. Add one with: passage peer add <url> --fingerprint <fingerprint>',
      '',
    ]);
  });

  it('refuses a fingerprint the node at the URL does not have, and adds nothing', async () => {
    const wrong = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const result = await passage(['peer', 'add', ro.url, '--fingerprint', wrong]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `passage: The node at ${ro.url} (node-ro) has no key with the fingerprint ${wrong}. Nothing was added. ` +
        "Check the fingerprint with that node's administrator out of band (in person or by telephone, not through " +
        'this address): someone else may be answering at it.\n',
    );
    // The fingerprint the node publishes is printed nowhere, for the administrator to copy.
    expect(result.stdout + result.stderr).not.toContain(ro.services.peers.fingerprint);
    const list = await passage(['peer', 'list', '--json']);
    expect(JSON.parse(list.stdout).peers).toEqual([]);
  });

  it('adds a running node by URL and fingerprint, and lists it', async () => {
    const fingerprint = ro.services.peers.fingerprint;
    const added = await passage(['peer', 'add', `${ro.url}/`, '--fingerprint', fingerprint]);
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout).toBe(
      `Added node-ro (Passage România, RO) at ${ro.url}, key ${fingerprint}; its inbox is ${ro.url}/federation/v1/inbox.\n`,
    );
    const list = await passage(['peer', 'list']);
    expect(list.status, list.stderr).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^This node: node-it \(Passage Italia, IT\), key fingerprint SHA256:/);
    expect(lines[1]?.split(/\s{2,}/)).toEqual(['NODE ID', 'COUNTRY', 'STATUS', 'NAME', 'URL', 'FINGERPRINT']);
    expect(lines[2]?.split(/\s{2,}/)).toEqual(['node-ro', 'RO', 'active', 'Passage România', ro.url, fingerprint]);
  });

  it('pings the peer and says what its signed receipt means: node-ro does not know this node yet', async () => {
    const ping = await passage(['peer', 'ping', 'node-ro']);
    expect(ping.status).toBe(1);
    expect(ping.stderr).toBe(
      'passage: The peer does not know this node: its administrator must add it (passage peer add).\n',
    );
    const json = await passage(['peer', 'ping', 'node-ro', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ node: 'node-ro', status: 'rejected', reason: 'sender_unknown' });
  });

  it('suspends, activates and removes the peer by node id', async () => {
    const suspended = await passage(['peer', 'suspend', 'node-ro']);
    expect(suspended.status, suspended.stderr).toBe(0);
    expect(suspended.stdout).toContain('Suspended node-ro');
    const list = await passage(['peer', 'list', '--json']);
    expect(JSON.parse(list.stdout).peers).toMatchObject([{ nodeId: 'node-ro', status: 'suspended' }]);
    expect((await passage(['peer', 'activate', 'node-ro'])).stdout).toBe('Activated node-ro.\n');
    expect((await passage(['peer', 'remove', 'node-ro'])).stdout).toBe('Removed node-ro from the peers.\n');
    const again = await passage(['peer', 'remove', 'node-ro']);
    expect(again.status).toBe(1);
    expect(again.stderr).toBe('passage: The peer node-ro was not found.\n');
  });
});
