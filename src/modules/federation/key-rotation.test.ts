import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RestartableNode, restartableNode } from '../../../test/federation.ts';
import { tempDir, testConfig } from '../../../test/helpers.ts';
import { runPassage } from '../../../test/passage-command.ts';
import { operatorContext } from '../../app/operations.ts';
import { deriveEncryptionKey, encryptionJwk } from '../../lib/encryption-key.ts';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import { openNote, parseVerifierKey } from '../../lib/signed-note.ts';
import { AuditService } from '../audit/index.ts';
import { openSealed, sealFor } from '../cross-border-referrals/index.ts';
import { loadKeys, rotateSigningKey } from '../key-custody/index.ts';
import { signEndorsement } from './key-endorsement.ts';
import type { Message, Signer } from './messages.ts';
import { signMessage } from './messages.ts';
import { signingJwk } from './node-document.ts';
import { insertPeer } from './peers.repository.ts';

const ctx = operatorContext('test');
const dirs: ReturnType<typeof tempDir>[] = [];

/** The console command on the node's data directory only: it must not need a database of its own. */
const passage = (args: string[]) =>
  runPassage(args, { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PASSAGE_LOG_LEVEL: 'warn' });

let md: RestartableNode;
let it_: RestartableNode;
/** node-md's key before the rotation. */
let oldSigner: Signer;
let sequence = 0;

function message(changes: Partial<Message> = {}): Message {
  const id = `01JXKZ9Q5R${String(++sequence).padStart(16, '0')}`;
  const base = { id, type: 'passage.ping', from: 'node-md', to: 'node-it', sentAt: new Date().toISOString() };
  return { ...base, conversationId: id, replyTo: null, body: {}, ...changes };
}

beforeAll(async () => {
  md = await restartableNode('node-md', 'MD');
  it_ = await restartableNode('node-it', 'IT');
  await md.start();
  await it_.start();
  const { signingKey } = loadKeys(md.config);
  oldSigner = { kid: keyFingerprint(createPublicKey(signingKey)), privateKey: signingKey };
  await md.node.services.peers.add(ctx, { url: it_.url, fingerprint: it_.node.services.peers.fingerprint });
  await it_.node.services.peers.add(ctx, { url: md.url, fingerprint: oldSigner.kid });
  // A custody checkpoint signed with the key about to be retired.
  await md.db.transaction((tx) => md.node.services.custody.append(tx, new TextEncoder().encode('event 0')));
  await md.node.services.custody.checkpoint();
}, 60_000);

afterAll(async () => {
  await md?.close();
  await it_?.close();
  for (const dir of dirs) dir.remove();
});

describe('rotating the signing key', () => {
  it('refuses while the node runs, and for a key from the environment', async () => {
    await expect(rotateSigningKey(md.config, ctx)).rejects.toMatchObject({ id: 'node_running' });
    await expect(rotateSigningKey({ ...md.config, signingKey: '{}' }, ctx)).rejects.toThrow(/PASSAGE_SIGNING_KEY/);
    const cli = await passage(['keys', 'rotate-signing', '--data', md.config.dataDir]);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/Stop the node first/);
  }, 60_000);

  it('peers take the new key on its first message; receipts still verify', async () => {
    await md.stop();
    const lines: string[] = [];
    const rotated = await rotateSigningKey(md.config, ctx, { db: md.db, report: (line) => lines.push(line) });
    expect(rotated.previousFingerprint).toBe(oldSigner.kid);
    expect(lines.join('\n')).toMatch(/signing key is now SHA256:.*first message/s);
    await md.start();

    const published = md.node.services.peers.document();
    expect(published.keys.map((key) => key.kid)).toEqual([rotated.fingerprint, oldSigner.kid]);
    expect(published.keys[1]?.exp).toBe(Math.floor(Date.parse(rotated.validUntil) / 1000));
    expect(published.keyEndorsements).toHaveLength(1);

    const sent = await md.node.services.messages.ping(ctx, 'node-it', 'after the rotation');
    expect(sent).toMatchObject({ status: 'accepted', reason: null });
    const peer = await it_.node.services.peers.find('node-md');
    expect(peer?.keys.map((key) => key.kid)).toEqual([rotated.fingerprint, oldSigner.kid]);
    const changes = await new AuditService(it_.db).records({
      action: 'peer.refresh',
      resource: 'peer:node-md',
      limit: 5,
    });
    expect(changes.map((r) => r.outcome)).toEqual(['success']);

    // A message node-md signed with the old key (queued before the rotation) is taken during the grace period…
    const old = await signMessage(message(), oldSigner);
    expect((await it_.node.services.messages.receive(old)).outcome).toMatchObject({ status: 'accepted' });
    // …and refused once it is over.
    const after = new Date(Date.parse(rotated.validUntil) + 60_000);
    const late = await signMessage(message({ sentAt: after.toISOString() }), oldSigner);
    const refused = await it_.node.services.messages.receive(late, after);
    expect(refused.outcome).toMatchObject({ status: 'rejected', reason: 'signature_invalid' });
    expect((await it_.node.services.peers.find('node-md', after))?.keys.map((key) => key.kid)).toEqual([
      rotated.fingerprint,
    ]);
  }, 60_000);

  it('what a peer sealed to the old encryption key still opens; the retired file publishes no secret', async () => {
    const keys = loadKeys(md.config);
    const oldJwk = encryptionJwk(deriveEncryptionKey(oldSigner.privateKey));
    expect(md.node.services.peers.document().encryptionKey?.kid).not.toBe(oldJwk.kid);
    const sealed = await sealFor(oldJwk, 'xbr_1', { text: 'sealed before the rotation' });
    const current = deriveEncryptionKey(keys.signingKey);
    await expect(openSealed(sealed, current, 'xbr_1')).rejects.toThrow();
    expect(await openSealed(sealed, [current, ...(keys.formerEncryptionKeys ?? [])], 'xbr_1')).toEqual({
      text: 'sealed before the rotation',
    });
    expect(JSON.stringify(md.node.services.peers.document())).not.toMatch(/"d"/);
  });

  it('a sender learns the receiver’s new key from its receipt', async () => {
    await it_.stop();
    const rotated = await rotateSigningKey(it_.config, ctx, { db: it_.db, graceDays: 1 });
    await it_.start();
    const sent = await md.node.services.messages.ping(ctx, 'node-it', 'to the new key');
    expect(sent).toMatchObject({ status: 'accepted', reason: null, receipt: { from: 'node-it' } });
    const [out] = await md.node.services.messages.history(ctx, { peer: 'node-it', limit: 1 });
    expect(out?.receipt?.split('.')[0]).toBe(
      Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'passage-receipt+jws', kid: rotated.fingerprint })).toString(
        'base64url',
      ),
    );
    expect((await md.node.services.peers.find('node-it'))?.keys.map((key) => key.kid)).toEqual([
      rotated.fingerprint,
      rotated.previousFingerprint,
    ]);
  }, 60_000);

  it('keeps the custody log verifiable, and hands out checkpoints signed with the new key', async () => {
    const custody = md.node.services.custody;
    expect(await custody.verify()).toMatchObject({ ok: true, size: 1 });
    const { note } = await custody.checkpoint();
    expect(openNote(note, [parseVerifierKey(custody.verifierKey)]).verifiedBy).toHaveLength(1);
    await md.db.transaction((tx) => custody.append(tx, new TextEncoder().encode('event 1')));
    await custody.checkpoint();
    expect(await custody.verify()).toMatchObject({ ok: true, size: 2 });
  });

  it('takes no key that a trusted key did not endorse', async () => {
    const known = generateKeyPairSync('ed25519').privateKey;
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const next = generateKeyPairSync('ed25519').privateKey;
    let served: unknown = null;
    const server: Server = createHttpServer((_, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(served));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const knownJwk = signingJwk(createPublicKey(known));
      await it_.db.transaction((tx) =>
        insertPeer(tx, {
          nodeId: 'node-xx',
          name: 'Elsewhere',
          country: 'RO',
          baseUrl: url,
          inboxUrl: `${url}/federation/v1/inbox`,
          fingerprint: knownJwk.kid,
          keys: [knownJwk],
          encryptionKey: null,
          addedBy: 'operator:test',
        }),
      );
      const exp = Math.floor(Date.now() / 1000) + 3600;
      const doc = (endorsement: string) => ({
        nodeId: 'node-xx',
        name: 'Elsewhere',
        country: 'RO',
        keys: [signingJwk(createPublicKey(next)), { ...knownJwk, exp }],
        keyEndorsements: [endorsement],
        endpoints: { inbox: '/federation/v1/inbox' },
      });
      const peers = it_.node.services.peers;
      served = doc(await signEndorsement('node-xx', next, stranger, new Date()));
      expect(await peers.refresh('node-xx')).toBe(false);
      expect((await peers.find('node-xx'))?.keys.map((key) => key.kid)).toEqual([knownJwk.kid]);
      const failed = await new AuditService(it_.db).records({
        action: 'peer.refresh',
        resource: 'peer:node-xx',
        limit: 5,
      });
      expect(failed.map((r) => r.outcome)).toEqual(['failure']);

      served = doc(await signEndorsement('node-xx', next, known, new Date()));
      // At most once a minute: the next fetch waits for its time.
      expect(await peers.refresh('node-xx')).toBe(false);
      expect(await peers.refresh('node-xx', new Date(Date.now() + 61_000))).toBe(true);
      expect((await peers.find('node-xx'))?.keys.map((key) => key.kid)).toEqual([
        keyFingerprint(createPublicKey(next)),
        knownJwk.kid,
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('the console command rotates a stopped node’s key and says what happened', async () => {
    const dir = tempDir('passage-rotate-cli-');
    dirs.push(dir);
    const config = testConfig(dir.path, { PASSAGE_NODE_ID: 'node-ro', PASSAGE_COUNTRY: 'RO' });
    const before = keyFingerprint(createPublicKey(loadKeys(config).signingKey));
    const cli = await passage(['keys', 'rotate-signing', '--grace-days', '7', '--data', dir.path]);
    expect(cli.status, cli.stderr).toBe(0);
    const after = loadKeys(config);
    expect(keyFingerprint(createPublicKey(after.signingKey))).not.toBe(before);
    expect(after.retired?.map((key) => key.jwk.kid)).toEqual([before]);
    expect(cli.stdout).toContain(`Retired ${before}`);
    expect(cli.stdout).toMatch(/Peers take the new key on its first message/);
  }, 120_000);
});
