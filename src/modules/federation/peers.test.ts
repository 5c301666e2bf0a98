import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, signIn, tempDir, testConfig, testDb } from '../../../test/helpers.ts';
import { type RunningNode, startNode } from '../../app/node.ts';
import { operatorContext } from '../../app/operations.ts';
import { deriveEncryptionKey, encryptionJwk, encryptionKeySigned } from '../../lib/encryption-key.ts';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import { NodeDocumentError, parseNodeDocument, signingJwk } from './node-document.ts';

const NODES = {
  it: { PASSAGE_NODE_ID: 'node-it', PASSAGE_COUNTRY: 'IT', PASSAGE_NODE_NAME: 'Passage Italia' },
  ro: { PASSAGE_NODE_ID: 'node-ro', PASSAGE_COUNTRY: 'RO', PASSAGE_NODE_NAME: 'Passage România' },
};

let nodeIt: RunningNode;
let ro: RunningNode;
/** Stands in for something at a URL that is not a Passage node: answers by path. */
let junk: Server;
let junkUrl: string;
/** A port nothing listens on. */
let closedUrl: string;
let admin: Record<string, string>;
let adminId: string;
let caseWorker: Record<string, string>;
const dirs: ReturnType<typeof tempDir>[] = [];

const roFingerprint = () => ro.services.peers.fingerprint;

async function start(settings: Record<string, string>): Promise<RunningNode> {
  const dir = tempDir(`passage-${settings.PASSAGE_NODE_ID}-`);
  dirs.push(dir);
  const config = testConfig(dir.path, { ...settings, PASSAGE_PORT: '0' });
  return startNode(config, { db: await testDb(), logger: false, auth: { failureDelayMs: 1 } });
}

function serveJunk(): Promise<Server> {
  const key = signingJwk(generateKeyPairSync('ed25519').publicKey);
  const document = {
    nodeId: 'node-xx',
    name: 'Not a node',
    country: 'FR',
    keys: [key],
    endpoints: { inbox: '/federation/v1/inbox' },
  };
  const answers: Record<string, (res: ServerResponse) => void> = {
    '/not-json': (res) => res.end('<html>hello</html>'),
    // Another key's fingerprint as kid: whoever checks the kid alone would trust this key under it.
    '/wrong-kid': (res) => res.end(JSON.stringify({ ...document, keys: [{ ...key, kid: roFingerprint() }] })),
    '/too-large': (res) => res.end(JSON.stringify({ ...document, padding: 'x'.repeat(70 * 1024) })),
    // node-ro's own document, with another encryption key put in: its signature no longer vouches for it.
    '/swapped-encryption': (res) =>
      res.end(
        JSON.stringify({
          ...ro.services.peers.document(),
          encryptionKey: encryptionJwk(generateKeyPairSync('x25519').privateKey),
        }),
      ),
    '/redirect': (res) => res.writeHead(302, { location: `${ro.url}/.well-known/passage-node` }).end(),
  };
  const server = createServer((req, res) => {
    const prefix = req.url?.replace(/\/\.well-known\/passage-node$/, '') ?? '';
    const answer = answers[prefix];
    if (!answer) return res.writeHead(404).end();
    res.setHeader('content-type', 'application/json');
    answer(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  nodeIt = await start(NODES.it);
  ro = await start(NODES.ro);
  junk = await serveJunk();
  junkUrl = `http://127.0.0.1:${(junk.address() as AddressInfo).port}`;
  closedUrl = await closedPort();
  const nodeAdmin = await buildUser(nodeIt.services, 'node_admin', { nodeWide: true });
  adminId = nodeAdmin.id;
  admin = (await signIn(nodeIt.app, nodeAdmin)).headers;
  caseWorker = (await signIn(nodeIt.app, await buildUser(nodeIt.services, 'case_worker'))).headers;
});

afterAll(async () => {
  await new Promise((resolve) => junk?.close(resolve));
  for (const node of [nodeIt, ro]) {
    await node?.close();
    await node?.services.db.close();
  }
  for (const dir of dirs) dir.remove();
});

const api = (method: 'GET' | 'POST' | 'DELETE', url: string, headers = admin, payload?: object) =>
  nodeIt.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
const addPeer = (url: string, fingerprint: string, headers = admin) =>
  api('POST', '/api/peers', headers, { url, fingerprint });

function expectError(res: LightMyRequestResponse, status: number, id: string): string {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error.id).toBe(id);
  return res.json().error.message as string;
}

const peerAudit = (action: string) =>
  nodeIt.services.audit
    .records({ action, resource: 'peer:node-ro', limit: 10 })
    .then((records) => records.map((r) => ({ actor: r.actor, outcome: r.outcome })));

describe('the node document', () => {
  it('is public and names the node, its Ed25519 key by fingerprint and its inbox', async () => {
    const res = await fetch(`${ro.url}/.well-known/passage-node`);
    expect(res.status).toBe(200);
    const document = await res.json();
    const publicKey = createPublicKey(ro.services.keys.signingKey);
    expect(document).toEqual({
      nodeId: 'node-ro',
      name: 'Passage România',
      country: 'RO',
      keys: [{ ...publicKey.export({ format: 'jwk' }), kid: keyFingerprint(publicKey), alg: 'EdDSA', use: 'sig' }],
      encryptionKey: encryptionJwk(deriveEncryptionKey(ro.services.keys.signingKey)),
      encryptionKeySignature: expect.stringMatching(/^[\w-]{86}$/),
      endpoints: { inbox: '/federation/v1/inbox' },
    });
    // The signing key vouches for the encryption key, for the node it names only.
    const signature = document.encryptionKeySignature;
    expect(encryptionKeySigned('node-ro', document.encryptionKey, signature, publicKey)).toBe(true);
    expect(encryptionKeySigned('node-it', document.encryptionKey, signature, publicKey)).toBe(false);
    expect(document.encryptionKey).toMatchObject({ kty: 'OKP', crv: 'X25519', use: 'enc' });
    // The same fingerprint as the custody log's: one key, one fingerprint to read out.
    expect(document.keys[0].kid).toBe(ro.services.custody.fingerprint);
    expect(parseNodeDocument(document)).toEqual(document);
  });

  it('is parsed strictly: a private key, a kid that is not the fingerprint, a foreign inbox, a bad name are refused', () => {
    const valid = ro.services.peers.document();
    const refused = (change: object, why: RegExp) => {
      const error = (() => {
        try {
          parseNodeDocument({ ...valid, ...change });
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(error).toBeInstanceOf(NodeDocumentError);
      expect((error as Error).message).toMatch(why);
    };
    const [key] = valid.keys;
    refused({ keys: [{ ...key, d: 'c2VjcmV0' }] }, /private key/);
    refused(
      { keys: [{ ...key, kid: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }] },
      /kid that is not its fingerprint/,
    );
    refused({ keys: [{ ...key, crv: 'X25519' }] }, /not an Ed25519 key/);
    refused({ keys: [] }, /keys must be a list/);
    refused({ endpoints: { inbox: '//elsewhere.example/inbox' } }, /endpoints.inbox/);
    refused({ endpoints: { inbox: 'https://elsewhere.example/inbox' } }, /endpoints.inbox/);
    refused({ name: 'Passage\u001b[2J' }, /printable text/);
    refused({ country: null }, /country/);
    refused({ nodeId: 'Node RO' }, /nodeId/);
    const encryption = valid.encryptionKey as object;
    refused({ encryptionKey: { ...encryption, d: 'c2VjcmV0' } }, /encryptionKey holds a private key/);
    refused({ encryptionKey: { ...encryption, crv: 'Ed25519' } }, /encryptionKey is not an X25519 key/);
    refused({ encryptionKey: { ...encryption, kid: key?.kid } }, /encryptionKey has a kid/);
    refused({ encryptionKeySignature: undefined }, /encryptionKeySignature/);
    // A node built before referrals publishes none: it can be a peer, and nothing personal is sent to it.
    const { encryptionKey: _none, encryptionKeySignature: _unsigned, ...older } = valid;
    expect(parseNodeDocument(older).encryptionKey).toBeNull();
    // Members it does not know are left out, for newer nodes.
    expect(parseNodeDocument({ ...valid, endpoints: { ...valid.endpoints, mla: '/mla' }, logo: 'x' })).toEqual(valid);
  });
});

describe('adding a peer', () => {
  it('refuses a key fingerprint the node does not have, stores nothing and records the attempt', async () => {
    const wrong = nodeIt.services.peers.fingerprint;
    const res = await addPeer(ro.url, wrong);
    const message = expectError(res, 400, 'peer_fingerprint_mismatch');
    expect(message).toContain(wrong);
    expect(message).toMatch(/administrator out of band/);
    // The fingerprint the node publishes is nowhere in the answer: the administrator must not be handed it to copy.
    expect(res.body).not.toContain(roFingerprint());
    expect(res.body).not.toContain(roFingerprint().slice('SHA256:'.length));
    expect((await api('GET', '/api/peers')).json()).toEqual([]);
    expect(await nodeIt.services.peers.find('node-ro')).toBeNull();
    expect(await peerAudit('peer.add')).toEqual([{ actor: `user:${adminId}`, outcome: 'failure' }]);
  });

  it('adds a node whose document has a key with the fingerprint given', async () => {
    const res = await addPeer(`${ro.url}/`, roFingerprint());
    expect(res.statusCode, res.body).toBe(201);
    const peer = res.json();
    expect(peer).toMatchObject({
      nodeId: 'node-ro',
      name: 'Passage România',
      country: 'RO',
      baseUrl: ro.url,
      inboxUrl: `${ro.url}/federation/v1/inbox`,
      fingerprint: roFingerprint(),
      keyIds: [roFingerprint()],
      status: 'active',
      addedBy: `user:${adminId}`,
      statusChangedAt: null,
    });
    expect((await api('GET', '/api/peers')).json()).toEqual([peer]);
    expect((await peerAudit('peer.add')).map((r) => r.outcome)).toContain('success');
    // A case worker may not see the trust list, but learns whom referrals can go to: ids, names and countries.
    expect((await api('GET', '/api/peers', caseWorker)).statusCode).toBe(403);
    const directory = await api('GET', '/api/peers/directory', caseWorker);
    expect(directory.json()).toEqual([{ nodeId: 'node-ro', name: 'Passage România', country: 'RO' }]);
  });

  it('refuses the same node twice, and the node itself', async () => {
    expectError(await addPeer(ro.url, roFingerprint()), 409, 'peer_exists');
    expectError(await addPeer(nodeIt.url, nodeIt.services.peers.fingerprint), 400, 'peer_is_self');
  });

  it('says why a URL could not be reached, without internals', async () => {
    const refused = expectError(await addPeer(closedUrl, roFingerprint()), 502, 'peer_unreachable');
    expect(refused).toBe(`The node at ${closedUrl} could not be reached: the connection was refused (ECONNREFUSED).`);
    const missing = expectError(await addPeer(`${junkUrl}/nothing`, roFingerprint()), 502, 'peer_unreachable');
    expect(missing).toContain('it answered HTTP 404 for /.well-known/passage-node');
    const redirect = expectError(await addPeer(`${junkUrl}/redirect`, roFingerprint()), 502, 'peer_unreachable');
    expect(redirect).toContain(`it redirects to ${ro.url}/.well-known/passage-node`);
  });

  it('refuses a document that is not JSON, too large, or whose key is not named by its fingerprint', async () => {
    const cases = [
      ['/not-json', 'it is not JSON'],
      ['/too-large', 'it is larger than 64 KiB'],
      ['/wrong-kid', 'keys[0] has a kid that is not its fingerprint'],
      ['/swapped-encryption', 'its encryption key is not signed by the key with this fingerprint'],
    ] as const;
    for (const [path, why] of cases) {
      const message = expectError(await addPeer(`${junkUrl}${path}`, roFingerprint()), 502, 'peer_document_invalid');
      expect(message).toContain(why);
      // No fingerprint is computed into the message either, for the administrator to copy.
      expect(message).not.toMatch(/SHA256:/);
    }
  });

  it('refuses a malformed URL or fingerprint before fetching anything', async () => {
    expect(expectError(await addPeer('ftp://node.example', roFingerprint()), 400, 'invalid_request')).toContain(
      'https://',
    );
    expectError(await addPeer('not a url', roFingerprint()), 400, 'invalid_request');
    expectError(await addPeer(`${ro.url}?x=1`, roFingerprint()), 400, 'invalid_request');
    expectError(await addPeer(ro.url, 'SHA256:short'), 400, 'peer_fingerprint_invalid');
  });
});

describe('a peer for the message layer', () => {
  it("gives the peer's keys as KeyObjects that verify what the peer signed", async () => {
    const peer = await nodeIt.services.peers.find('node-ro');
    expect(peer).toMatchObject({ nodeId: 'node-ro', status: 'active', inboxUrl: `${ro.url}/federation/v1/inbox` });
    const [key] = peer?.keys ?? [];
    expect(key?.kid).toBe(roFingerprint());
    const data = Buffer.from('a message from node-ro');
    const signature = sign(null, data, ro.services.keys.signingKey);
    expect(verify(null, data, key?.publicKey as never, signature)).toBe(true);
    expect(verify(null, data, key?.publicKey as never, sign(null, data, nodeIt.services.keys.signingKey))).toBe(false);
    expect(await nodeIt.services.peers.find('node-md')).toBeNull();
  });
});

describe('suspending, activating and removing a peer', () => {
  it('suspends and activates again, recording each change', async () => {
    const suspended = await api('POST', '/api/peers/node-ro/suspend');
    expect(suspended.statusCode, suspended.body).toBe(200);
    expect(suspended.json()).toMatchObject({ status: 'suspended', statusChangedAt: expect.any(String) });
    expect((await nodeIt.services.peers.find('node-ro'))?.status).toBe('suspended');
    // Suspending again changes nothing and records nothing.
    expect((await api('POST', '/api/peers/node-ro/suspend')).json().status).toBe('suspended');
    expect(await peerAudit('peer.suspend')).toHaveLength(1);

    const activated = await api('POST', '/api/peers/node-ro/activate');
    expect(activated.json().status).toBe('active');
    expect((await nodeIt.services.peers.find('node-ro'))?.status).toBe('active');
    expect(await peerAudit('peer.activate')).toEqual([{ actor: `user:${adminId}`, outcome: 'success' }]);
  });

  it('answers 404 for a node that is not a peer', async () => {
    expectError(await api('POST', '/api/peers/node-md/suspend'), 404, 'not_found');
    expectError(await api('POST', '/api/peers/node-md/activate'), 404, 'not_found');
    expectError(await api('DELETE', '/api/peers/node-md'), 404, 'not_found');
  });

  it('removes a peer, which the console operator can add again', async () => {
    expect((await api('DELETE', '/api/peers/node-ro')).statusCode).toBe(204);
    expect(await nodeIt.services.peers.find('node-ro')).toBeNull();
    expect(await peerAudit('peer.remove')).toEqual([{ actor: `user:${adminId}`, outcome: 'success' }]);
    const operator = operatorContext('root');
    const again = await nodeIt.services.peers.add(operator, { url: ro.url, fingerprint: roFingerprint() });
    expect(again).toMatchObject({ nodeId: 'node-ro', status: 'active', addedBy: 'operator:root' });
    expect((await nodeIt.services.peers.list(operator)).map((p) => p.nodeId)).toEqual(['node-ro']);
  });
});

describe('who may manage peers', () => {
  it("shows this node's identity to a node administrator", async () => {
    const res = await api('GET', '/api/node/identity');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      nodeId: 'node-it',
      name: 'Passage Italia',
      country: 'IT',
      fingerprint: nodeIt.services.custody.fingerprint,
    });
  });

  it('refuses case workers, with the refusal in the audit trail', async () => {
    for (const [method, url] of [
      ['GET', '/api/node/identity'],
      ['GET', '/api/peers'],
      ['POST', '/api/peers/node-ro/suspend'],
      ['DELETE', '/api/peers/node-ro'],
    ] as const) {
      expectError(await api(method, url, caseWorker), 403, 'forbidden');
    }
    expectError(await addPeer(junkUrl, roFingerprint(), caseWorker), 403, 'forbidden');
    const denied = await nodeIt.services.audit.records({ action: 'peer.manage', limit: 10 });
    expect(denied.map((r) => r.outcome)).toEqual(['denied', 'denied', 'denied']);
    expect((await nodeIt.services.peers.find('node-ro'))?.status).toBe('active');
  });

  it('needs a session, and the CSRF token for changes', async () => {
    expectError(await api('GET', '/api/peers', {}), 401, 'not_signed_in');
    expectError(await api('GET', '/api/node/identity', {}), 401, 'not_signed_in');
    const { cookie } = admin as { cookie: string };
    expectError(await api('POST', '/api/peers/node-ro/suspend', { cookie }), 403, 'csrf_invalid');
  });
});
