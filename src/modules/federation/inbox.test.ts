import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, testConfig, testDb } from '../../../test/helpers.ts';
import { type RunningNode, startNode } from '../../app/node.ts';
import { operatorContext } from '../../app/operations.ts';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import { loadKeys } from '../key-custody/index.ts';
import { type Message, MessageRejected, openReceipt, peek, RECEIPT_TYP, type Signer, signMessage } from './messages.ts';

const ctx = operatorContext('test');
const dirs: ReturnType<typeof tempDir>[] = [];
const nodes: RunningNode[] = [];

async function start(nodeId: string, country: string) {
  const dir = tempDir(`passage-${nodeId}-`);
  dirs.push(dir);
  const config = testConfig(dir.path, { PASSAGE_NODE_ID: nodeId, PASSAGE_COUNTRY: country, PASSAGE_PORT: '0' });
  const node = await startNode(config, { db: await testDb(), logger: false, auth: { failureDelayMs: 1 } });
  nodes.push(node);
  const { signingKey } = loadKeys(config);
  const publicKey = createPublicKey(signingKey);
  return { node, signer: { kid: keyFingerprint(publicKey), privateKey: signingKey } as Signer, publicKey };
}

let md: Awaited<ReturnType<typeof start>>;
let it_: Awaited<ReturnType<typeof start>>;
let sequence = 0;

/** A message from node-md to node-it as node-md would sign it, with `changes` applied. */
function message(changes: Partial<Message> = {}): Message {
  // ULIDs of the test's own making: the time part is fixed, the rest counts up.
  const id = `01JXKZ8Q5R${String(++sequence).padStart(16, '0')}`;
  return {
    id,
    type: 'passage.ping',
    from: 'node-md',
    to: 'node-it',
    sentAt: new Date().toISOString(),
    conversationId: id,
    replyTo: null,
    body: {},
    ...changes,
  };
}

/** Posts a JWS to node-it's inbox and opens the receipt with node-it's key. */
async function post(jws: string, messageId: string | null = peekId(jws)) {
  const response = await fetch(`${it_.node.url}/federation/v1/inbox`, {
    method: 'POST',
    headers: { 'content-type': 'application/jose' },
    body: jws,
  });
  expect(response.headers.get('content-type')).toMatch(/^application\/jose/);
  const text = await response.text();
  const keyOf = (kid: string): KeyObject | undefined => (kid === it_.signer.kid ? it_.publicKey : undefined);
  expect(peek(text, RECEIPT_TYP).kid).toBe(it_.signer.kid);
  const receipt = await openReceipt(text, keyOf, { from: 'node-it', messageId: messageId as string, sent: jws });
  return { status: response.status, receipt };
}

function peekId(jws: string): string | null {
  try {
    const id = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString()).id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

beforeAll(async () => {
  md = await start('node-md', 'MD');
  it_ = await start('node-it', 'IT');
  await md.node.services.peers.add(ctx, { url: it_.node.url, fingerprint: it_.signer.kid });
  await it_.node.services.peers.add(ctx, { url: md.node.url, fingerprint: md.signer.kid });
});

afterAll(async () => {
  for (const node of nodes) {
    await node.close();
    await node.services.db.close();
  }
  for (const dir of dirs) dir.remove();
});

describe('the federation inbox', () => {
  it('takes a ping from a peer and answers with a receipt that both nodes keep', async () => {
    const sent = await md.node.services.messages.ping(ctx, 'node-it', 'hello from Chișinău');
    expect(sent).toMatchObject({ status: 'accepted', reason: null });
    expect(sent.receipt).toMatchObject({ messageId: sent.message.id, from: 'node-it', to: 'node-md' });

    const [out] = await md.node.services.messages.history(ctx, { peer: 'node-it' });
    const [inbound] = await it_.node.services.messages.history(ctx, { peer: 'node-md' });
    expect(out).toMatchObject({ direction: 'out', id: sent.message.id, status: 'accepted' });
    expect(inbound).toMatchObject({ direction: 'in', id: sent.message.id, status: 'accepted' });
    // The same signed bytes on both sides: what was sent, and what was answered.
    expect(inbound?.jws).toBe(out?.jws);
    expect(inbound?.receipt).toBe(out?.receipt);
    // At rest, both copies are encrypted: nothing of the payload is in the table.
    const payload = out?.jws.split('.')[1] as string;
    for (const node of [md.node, it_.node]) {
      const rows = await node.services.db.query<{ jws: string }>('select jws from federation_messages where id = $1', [
        sent.message.id,
      ]);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.jws).not.toContain(payload.slice(0, 40));
    }
  });

  it('refuses a replayed id, whatever the content, and records the message once', async () => {
    const first = message();
    const jws = await signMessage(first, md.signer);
    expect(await post(jws)).toMatchObject({ status: 200, receipt: { status: 'accepted' } });
    expect(await post(jws)).toMatchObject({ status: 409, receipt: { status: 'rejected', reason: 'message_replayed' } });
    const sameId = await signMessage({ ...first, body: { note: 'other' } }, md.signer);
    expect(await post(sameId)).toMatchObject({ status: 409, receipt: { reason: 'message_replayed' } });
    const rows = await it_.node.services.messages.history(ctx, { conversationId: first.id });
    expect(rows).toHaveLength(1);
  });

  it('refuses, each with its reason in a signed receipt: forgery, strangers, wrong recipient, stale clocks, unknown types and bodies', async () => {
    const stranger = generateKeyPairSync('ed25519');
    const strangerSigner = { kid: keyFingerprint(stranger.publicKey), privateKey: stranger.privateKey };
    const cases: [string, string, number, string][] = [
      ['forged', await signMessage(message(), { ...strangerSigner, kid: md.signer.kid }), 401, 'signature_invalid'],
      ['stranger', await signMessage(message({ from: 'node-xx' }), strangerSigner), 401, 'sender_unknown'],
      ['wrong recipient', await signMessage(message({ to: 'node-ro' }), md.signer), 421, 'recipient_wrong'],
      [
        'stale',
        await signMessage(message({ sentAt: new Date(Date.now() - 6 * 60_000).toISOString() }), md.signer),
        400,
        'clock_skew',
      ],
      ['unknown type', await signMessage(message({ type: 'passage.gossip' }), md.signer), 400, 'type_unknown'],
      ['bad body', await signMessage(message({ body: { note: 7 } }), md.signer), 422, 'body_invalid'],
      ['a NUL', await signMessage(message({ body: { note: 'a\u0000b' } }), md.signer), 400, 'message_malformed'],
    ];
    for (const [what, jws, status, reason] of cases) {
      const answer = await post(jws);
      expect(answer, what).toMatchObject({ status, receipt: { status: 'rejected', reason, from: 'node-it' } });
    }
    const garbage = await post('not.a.jws', null);
    expect(garbage).toMatchObject({ status: 400, receipt: { messageId: null, reason: 'message_malformed' } });
  });

  it("records a message its type's rules refuse as rejected, and rolls back what its handler had done", async () => {
    const db = it_.node.services.db;
    await db.query('create table test_notes (id text primary key)');
    it_.node.services.messages.register({
      'test.note': {
        body: Type.Object({ text: Type.String() }),
        async accept(tx, received) {
          await tx.query('insert into test_notes values ($1)', [received.id]);
          if (received.body.text === 'refuse me') {
            throw new MessageRejected('message_refused', 'Not for this node.', received);
          }
        },
      },
    });
    const taken = message({ type: 'test.note', body: { text: 'hello' } });
    expect(await post(await signMessage(taken, md.signer))).toMatchObject({ status: 200 });
    const refused = message({ type: 'test.note', body: { text: 'refuse me' } });
    const answer = await post(await signMessage(refused, md.signer));
    expect(answer).toMatchObject({ status: 403, receipt: { status: 'rejected', reason: 'message_refused' } });
    const [row] = await it_.node.services.messages.history(ctx, { conversationId: refused.id });
    expect(row).toMatchObject({ status: 'rejected', reason: 'message_refused' });
    // Refused once, refused for good: the id is spent.
    expect(await post(await signMessage(refused, md.signer))).toMatchObject({ status: 409 });
    const notes = await db.query<{ id: string }>('select id from test_notes');
    expect(notes.map((n) => n.id)).toEqual([taken.id]);
  });

  it('refuses a suspended peer until it is active again, and keeps a message to a peer that is down queued', async () => {
    await it_.node.services.peers.suspend(ctx, 'node-md');
    const refused = await md.node.services.messages.ping(ctx, 'node-it');
    expect(refused).toMatchObject({ status: 'rejected', reason: 'sender_suspended' });
    await it_.node.services.peers.activate(ctx, 'node-md');
    expect(await md.node.services.messages.ping(ctx, 'node-it')).toMatchObject({ status: 'accepted' });

    const ro = await start('node-ro', 'RO');
    await md.node.services.peers.add(ctx, { url: ro.node.url, fingerprint: ro.signer.kid });
    await ro.node.close();
    await ro.node.services.db.close();
    nodes.splice(nodes.indexOf(ro.node), 1);
    const down = await md.node.services.messages.ping(ctx, 'node-ro');
    expect(down).toMatchObject({ status: 'queued', reason: 'peer_unreachable', receipt: null });
    const [row] = await md.node.services.messages.history(ctx, { peer: 'node-ro' });
    expect(row).toMatchObject({ status: 'queued', lastError: 'peer_unreachable', receipt: null });
    expect(row?.attempts).toBeGreaterThanOrEqual(1);
  });
});
