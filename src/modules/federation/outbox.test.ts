import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type RestartableNode, restartableNode } from '../../../test/federation.ts';
import { createTestNode, type TestNode } from '../../../test/helpers.ts';
import type { RunningNode } from '../../app/node.ts';
import { operatorContext } from '../../app/operations.ts';
import { PING } from './messages.service.ts';
import { MESSAGE_TYP, peek } from './messages.ts';
import { MAX_ATTEMPTS, retryDelayMs } from './outbox.ts';

const ctx = operatorContext('test');
const HOUR = 60 * 60 * 1000;

/** The sender: a node listening for its peers' document fetches, with no delivery worker, driven by the test. */
let md: TestNode;
let mdUrl: string;
/** The receivers, which the tests stop and start again on the same database. */
let ro: RestartableNode;
let it_: RestartableNode;

beforeAll(async () => {
  md = await createTestNode({ PASSAGE_NODE_ID: 'node-md', PASSAGE_COUNTRY: 'MD' });
  mdUrl = await listen(md);
  ro = await restartableNode('node-ro', 'RO');
  it_ = await restartableNode('node-it', 'IT');
  for (const peer of [ro, it_]) {
    await peer.start();
    await md.services.peers.add(ctx, { url: peer.url, fingerprint: peer.node.services.custody.fingerprint });
    await peer.node.services.peers.add(ctx, { url: mdUrl, fingerprint: md.services.custody.fingerprint });
  }
});

afterAll(async () => {
  await md.close();
  await ro.close();
  await it_.close();
});

const outbound = async (id: string) =>
  (await md.services.messages.history(ctx, { peer: undefined })).find((m) => m.direction === 'out' && m.id === id);
const inbound = async (node: RunningNode, id: string) =>
  (await node.services.messages.history(ctx, {})).filter((m) => m.direction === 'in' && m.id === id);

function enqueue(to: string, note: string) {
  return md.services.db.transaction((tx) => md.services.messages.enqueue(tx, to, PING, { note }));
}

describe('the federation outbox', () => {
  it('waits between attempts, doubling up to 15 minutes with jitter, for more than an hour in all', () => {
    expect(retryDelayMs(1, () => 0)).toBe(1000);
    expect(retryDelayMs(1, () => 1)).toBe(2000);
    expect(retryDelayMs(4, () => 1)).toBe(16_000);
    expect(retryDelayMs(30, () => 1)).toBe(15 * 60 * 1000);
    let shortest = 0;
    for (let n = 1; n < MAX_ATTEMPTS; n++) shortest += retryDelayMs(n, () => 0);
    // Even with the shortest draws, a peer down for an hour loses nothing.
    expect(shortest).toBeGreaterThan(HOUR);
  });

  it('keeps a message while its peer is down, and delivers it once when the peer is back', async () => {
    await ro.stop();
    const message = await enqueue('node-ro', 'while you were down');
    const start = new Date();
    expect(await md.services.messages.deliverDue(start)).toBe(1);
    const waiting = await outbound(message.id);
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1, lastError: 'peer_unreachable' });
    const wait = Date.parse(waiting?.nextAttemptAt as string) - start.getTime();
    expect(wait).toBeGreaterThanOrEqual(1000);
    expect(wait).toBeLessThanOrEqual(2000);
    // Not due again before then.
    expect(await md.services.messages.deliverDue(start)).toBe(0);

    await ro.start();
    expect(await md.services.messages.deliverDue(new Date(start.getTime() + 2000))).toBe(1);
    const delivered = await outbound(message.id);
    expect(delivered).toMatchObject({ status: 'accepted', attempts: 2, lastError: null });
    // The retry was signed again with its own time: a peer refuses a sentAt more than 5 minutes off.
    const resent = peek(delivered?.jws as string, MESSAGE_TYP).payload;
    expect(resent).toMatchObject({ id: message.id, body: message.body });
    expect(Date.parse(resent.sentAt as string)).toBeGreaterThan(Date.parse(message.sentAt));
    expect(await inbound(ro.node, message.id)).toHaveLength(1);
    expect(await md.services.messages.deliverDue(new Date(start.getTime() + HOUR))).toBe(0);
  });

  it('keeps a message through an hour with its peer down, then delivers it once', async () => {
    await ro.stop();
    const message = await enqueue('node-ro', 'down for an hour');
    const start = Date.now();
    let now = new Date(start);
    // Each round at the time the last attempt set for the next one, until an hour has passed.
    while (now.getTime() < start + HOUR) {
      expect(await md.services.messages.deliverDue(now)).toBe(1);
      const waiting = await outbound(message.id);
      expect(waiting).toMatchObject({ status: 'queued', lastError: 'peer_unreachable' });
      now = new Date(waiting?.nextAttemptAt as string);
    }
    const { attempts } = (await outbound(message.id)) as { attempts: number };
    expect(attempts).toBeGreaterThan(5);

    await ro.start();
    expect(await md.services.messages.deliverDue(now)).toBe(1);
    expect(await outbound(message.id)).toMatchObject({ status: 'accepted', attempts: attempts + 1 });
    expect(await inbound(ro.node, message.id)).toHaveLength(1);
  });

  it('delivers to each peer in the order of queueing, holding later messages back while an earlier one waits', async () => {
    await ro.stop();
    const first = await enqueue('node-ro', 'first');
    const second = await enqueue('node-ro', 'second');
    const other = await enqueue('node-it', 'to another peer');
    const start = new Date();
    // node-ro is down: its first message fails and the second is not tried; node-it is not held up.
    expect(await md.services.messages.deliverDue(start)).toBe(3);
    expect(await outbound(first.id)).toMatchObject({ status: 'queued', attempts: 1 });
    expect(await outbound(second.id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await outbound(other.id)).toMatchObject({ status: 'accepted' });
    // While the first waits for its next attempt, the second is not due either.
    expect(await md.services.messages.deliverDue(start)).toBe(0);

    await ro.start();
    expect(await md.services.messages.deliverDue(new Date(start.getTime() + 2000))).toBe(2);
    const received = (await ro.node.services.messages.history(ctx, { peer: 'node-md' }))
      .filter((m) => m.id === first.id || m.id === second.id)
      .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.id.localeCompare(b.id));
    expect(received.map((m) => m.id)).toEqual([first.id, second.id]);
  });

  it('learns the outcome of a delivery whose receipt was lost, and the peer records the message once', async () => {
    const message = await enqueue('node-it', 'the answer got lost');
    const row = await outbound(message.id);
    // The first delivery reaches node-it, but its answer never comes back to node-md.
    const first = await fetch(`${it_.url}/federation/v1/inbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/jose' },
      body: row?.jws,
    });
    expect(first.status).toBe(200);
    const lostReceipt = await first.text();

    expect(await md.services.messages.deliverDue()).toBe(1);
    expect(await outbound(message.id)).toMatchObject({ status: 'accepted', reason: null, receipt: lostReceipt });
    expect(await inbound(it_.node, message.id)).toHaveLength(1);
  });

  it('gives a message up as dead after the last attempt, with a failure in the audit trail', async () => {
    await md.services.peers.suspend(ctx, 'node-it');
    const message = await enqueue('node-it', 'never delivered');
    let now = Date.now();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      expect(await md.services.messages.deliverDue(new Date(now))).toBe(1);
      now += 15 * 60 * 1000;
    }
    expect(await outbound(message.id)).toMatchObject({
      status: 'dead',
      reason: 'peer_suspended',
      attempts: MAX_ATTEMPTS,
      nextAttemptAt: null,
    });
    expect(await md.services.messages.deliverDue(new Date(now + HOUR))).toBe(0);
    const [alert] = await md.services.db.query<{ outcome: string }>(
      "select outcome from audit_log where action = 'federation.dead_letter' and resource = 'peer:node-it'",
    );
    expect(alert).toEqual({ outcome: 'failure' });
    await md.services.peers.activate(ctx, 'node-it');
  });

  it('sends nothing for a change that was rolled back', async () => {
    const rolledBack = md.services.db.transaction(async (tx) => {
      await md.services.messages.enqueue(tx, 'node-it', PING, { note: 'undone' });
      throw new Error('the change failed');
    });
    await expect(rolledBack).rejects.toThrow('the change failed');
    expect(await md.services.messages.deliverDue(new Date(Date.now() + HOUR))).toBe(0);
  });
});
