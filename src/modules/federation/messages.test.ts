import { generateKeyPairSync } from 'node:crypto';
import { CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import {
  type Message,
  MessageRejected,
  messageSha256,
  openMessage,
  openReceipt,
  type Receipt,
  type Signer,
  signMessage,
  signReceipt,
} from './messages.ts';

function node() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const signer: Signer = { kid: keyFingerprint(publicKey), privateKey };
  return { signer, publicKey, keyOf: (kid: string) => (kid === signer.kid ? publicKey : undefined) };
}

const md = node();
const it_ = node();
const NOW = new Date('2026-06-12T09:30:00.000Z');
const MESSAGE: Message = {
  id: '01JXKZ8Q5R0000000000000000',
  type: 'passage.ping',
  from: 'node-md',
  to: 'node-it',
  sentAt: NOW.toISOString(),
  conversationId: '01JXKZ8Q5R0000000000000000',
  replyTo: null,
  body: { note: 'hello' },
};

async function rejection(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MessageRejected);
  return (error as MessageRejected).reason;
}

describe('signed messages', () => {
  const open = (jws: string, keyOf = md.keyOf, now = NOW) => openMessage(jws, keyOf, { recipient: 'node-it', now });

  it('open to exactly what was signed, with the kid naming the key', async () => {
    const jws = await signMessage(MESSAGE, md.signer);
    const header = JSON.parse(Buffer.from(jws.split('.')[0] as string, 'base64url').toString());
    expect(header).toEqual({ alg: 'EdDSA', typ: 'passage-message+jws', kid: md.signer.kid });
    expect(await open(jws)).toEqual(MESSAGE);
  });

  it('refuse a forged or altered signature, an unknown key, and anything that is not a message JWS', async () => {
    const jws = await signMessage(MESSAGE, md.signer);
    const [header, payload, signature] = jws.split('.') as [string, string, string];
    const altered = Buffer.from(JSON.stringify({ ...MESSAGE, body: { note: 'changed' } })).toString('base64url');
    expect(await rejection(open(`${header}.${altered}.${signature}`))).toBe('signature_invalid');
    // Signed by another key under md's kid.
    const forged = await signMessage(MESSAGE, { ...it_.signer, kid: md.signer.kid });
    expect(await rejection(open(forged))).toBe('signature_invalid');
    expect(await rejection(open(jws, it_.keyOf))).toBe('signature_invalid');
    expect(await rejection(open(`${header}.${payload}`))).toBe('message_malformed');
    expect(await rejection(open('not a jws at all'))).toBe('message_malformed');
    const receipt = await signReceipt(
      {
        messageId: null,
        from: 'node-md',
        to: null,
        status: 'accepted',
        reason: null,
        receivedAt: NOW.toISOString(),
        messageSha256: messageSha256(''),
      },
      md.signer,
    );
    expect(await rejection(open(receipt))).toBe('message_malformed');
    const hs256 = await new CompactSign(new TextEncoder().encode(JSON.stringify(MESSAGE)))
      .setProtectedHeader({ alg: 'HS256', typ: 'passage-message+jws', kid: md.signer.kid })
      .sign(new Uint8Array(32));
    expect(await rejection(open(hs256))).toBe('message_malformed');
  });

  it('refuse a wrong recipient, a clock more than 5 minutes off, and an envelope missing a field', async () => {
    const toRo = await signMessage({ ...MESSAGE, to: 'node-ro' }, md.signer);
    expect(await rejection(open(toRo))).toBe('recipient_wrong');
    const jws = await signMessage(MESSAGE, md.signer);
    expect(await open(jws, md.keyOf, new Date(NOW.getTime() + 5 * 60_000))).toEqual(MESSAGE);
    expect(await rejection(open(jws, md.keyOf, new Date(NOW.getTime() + 5 * 60_000 + 1)))).toBe('clock_skew');
    expect(await rejection(open(jws, md.keyOf, new Date(NOW.getTime() - 5 * 60_000 - 1)))).toBe('clock_skew');
    const { replyTo: _, ...withoutReplyTo } = MESSAGE;
    const incomplete = await signMessage(withoutReplyTo as Message, md.signer);
    expect(await rejection(open(incomplete))).toBe('message_malformed');
    const extra = await signMessage({ ...MESSAGE, secret: 'x' } as Message, md.signer);
    expect(await rejection(open(extra))).toBe('message_malformed');
  });

  it('take a receipt only from the peer it was sent to, for the message it answers', async () => {
    const receipt: Receipt = {
      messageId: MESSAGE.id,
      from: 'node-it',
      to: 'node-md',
      status: 'rejected',
      reason: 'clock_skew',
      receivedAt: NOW.toISOString(),
      messageSha256: messageSha256('the message as sent'),
    };
    const jws = await signReceipt(receipt, it_.signer);
    expect(await openReceipt(jws, it_.keyOf, { from: 'node-it', messageId: MESSAGE.id })).toEqual(receipt);
    await expect(openReceipt(jws, md.keyOf, { from: 'node-it', messageId: MESSAGE.id })).rejects.toThrow();
    await expect(openReceipt(jws, it_.keyOf, { from: 'node-it', messageId: 'another' })).rejects.toThrow();
    await expect(openReceipt(jws, it_.keyOf, { from: 'node-ro', messageId: MESSAGE.id })).rejects.toThrow();
    const expected = { from: 'node-it', messageId: MESSAGE.id };
    expect(await openReceipt(jws, it_.keyOf, { ...expected, sent: 'the message as sent' })).toEqual(receipt);
    await expect(openReceipt(jws, it_.keyOf, { ...expected, sent: 'other bytes' })).rejects.toThrow(/other bytes/);
  });
});
