/**
 * The outbox: a message to a peer is queued in the transaction of the change it announces, and delivered until the
 * peer's signed receipt comes back, each peer's messages in order, with retries spread over about two hours.
 */
import { monotonicFactory } from 'ulid';
import type { Db, Queryable } from '../../db/client.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { loggableMessage } from '../../lib/loggable-error.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { MessageVault } from './message-vault.ts';
import * as repo from './messages.repository.ts';
import {
  MESSAGE_TYP,
  type Message,
  openReceipt,
  peek,
  RECEIPT_TYP,
  type Receipt,
  type Signer,
  signMessage,
} from './messages.ts';
import { type KnownPeer, type PeerDirectory, withKey } from './peer-directory.ts';

export interface SendResult {
  message: Message;
  /** `queued` when the attempt failed and the message waits for the next one. */
  status: repo.MessageStatus;
  reason: string | null;
  receipt: Receipt | null;
}

export interface QueueOptions {
  conversationId?: string;
  replyTo?: string;
}

/** Increasing within the process, so that ids order the messages as they were queued. */
const nextId = monotonicFactory();
const DELIVERY_TIMEOUT_MS = 10_000;
const DELIVERY_BATCH = 20;
/** With the delays of `retryDelayMs`, the last attempt comes 1.1 to 2.3 hours after the first. */
export const MAX_ATTEMPTS = 18;
const MAX_RECEIPT_BYTES = 64 * 1024;
const SYSTEM: RequestContext = { actor: { kind: 'operator', name: 'delivery' }, requestId: null };

/**
 * How long to wait after the n-th failed attempt: doubling from 2 s up to 15 min, each delay drawn between half and
 * all of it (jitter), so that nodes coming back from an outage are not all retried at the same instant.
 */
export function retryDelayMs(attempts: number, random = Math.random): number {
  const ceiling = Math.min(2000 * 2 ** (attempts - 1), 15 * 60 * 1000);
  return Math.round(ceiling * (0.5 + random() / 2));
}

export class Outbox {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #peers: PeerDirectory;
  readonly #vault: MessageVault;
  readonly #nodeId: string;
  readonly #signer: Signer;
  /** Messages being delivered now, by id, with their peer. */
  readonly #inFlight = new Map<string, string>();
  #wake: (() => void) | undefined;

  constructor(
    db: Db,
    audit: AuditService,
    peers: PeerDirectory,
    vault: MessageVault,
    self: { nodeId: string; signer: Signer },
  ) {
    this.#db = db;
    this.#audit = audit;
    this.#peers = peers;
    this.#vault = vault;
    this.#nodeId = self.nodeId;
    this.#signer = self.signer;
  }

  /** Queues a message in the caller's transaction and wakes the delivery worker. */
  async enqueue(
    tx: Queryable,
    to: string,
    type: string,
    body: Record<string, unknown>,
    options: QueueOptions = {},
  ): Promise<Message> {
    const message = await this.#queue(tx, to, type, body, options);
    this.#wake?.();
    return message;
  }

  async #queue(
    tx: Queryable,
    to: string,
    type: string,
    body: Record<string, unknown>,
    options: QueueOptions = {},
  ): Promise<Message> {
    const id = nextId();
    const message: Message = {
      id,
      type,
      from: this.#nodeId,
      to,
      sentAt: new Date().toISOString(),
      conversationId: options.conversationId ?? id,
      replyTo: options.replyTo ?? null,
      body,
    };
    const signed = await signMessage(message, this.#signer);
    const jws = await this.#vault.seal(tx, { direction: 'out', peer: to, id }, signed);
    await repo.insertMessage(tx, { direction: 'out', peer: to, message, jws, status: 'queued' });
    return message;
  }

  /** Sends one message now and waits for the outcome of this first attempt. */
  async send(ctx: RequestContext, to: string, type: string, body: Record<string, unknown>): Promise<SendResult> {
    const peer = await this.#peers.find(to);
    if (!peer) throw notFound(`The peer ${to}`);
    if (peer.status !== 'active') throw new AppError('peer_suspended', 409, `Exchanges with ${to} are suspended.`);
    // Held back from the delivery worker from the start: this call makes the first attempt itself.
    let id: string | undefined;
    try {
      const message = await this.#db.transaction(async (tx) => {
        await this.#audit.record(tx, ctx, { action: 'federation.send', resource: `peer:${to}`, outcome: 'success' });
        const queued = await this.#queue(tx, to, type, body);
        id = queued.id;
        this.#inFlight.set(id, to);
        return queued;
      });
      const row = await repo.findMessage(this.#db, { direction: 'out', peer: to, id: message.id });
      const attempt = await this.#attempt(row as repo.MessageRow, new Date());
      return { message, ...attempt };
    } finally {
      if (id) this.#inFlight.delete(id);
    }
  }

  /** Delivers the messages that are due at `now`; returns how many it tried. */
  async deliverDue(now = new Date()): Promise<number> {
    // Nothing for a peer with a delivery under way: what follows it must not overtake it.
    const busy = new Set(this.#inFlight.values());
    const due = (await repo.dueMessages(this.#db, now, DELIVERY_BATCH)).filter((m) => !busy.has(m.peer));
    // Peers in parallel, each peer's messages in order and none after one that failed: a slow or silent peer does
    // not hold up the others, and a peer never gets a change before the one it follows.
    const byPeer = new Map<string, repo.MessageRow[]>();
    for (const row of due) byPeer.set(row.peer, [...(byPeer.get(row.peer) ?? []), row]);
    await Promise.all(
      [...byPeer.values()].map(async (rows) => {
        for (const row of rows) {
          if ((await this.#attempt(row, now)).status === 'queued') break;
        }
      }),
    );
    return due.length;
  }

  /**
   * Starts the delivery worker: the outbox is checked every `intervalMs`, and at once when a message is queued.
   * Returns a function that stops it and waits for the attempt under way.
   */
  startDelivery(intervalMs = 1000): () => Promise<void> {
    let running: Promise<unknown> = Promise.resolve();
    let busy = false;
    let again = false;
    let stopped = false;
    const tick = () => {
      if (stopped) return;
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      running = this.deliverDue()
        .catch((error: unknown) => log('delivery round failed', error))
        .finally(() => {
          busy = false;
          if (again) {
            again = false;
            tick();
          }
        });
    };
    const timer = setInterval(tick, intervalMs);
    this.#wake = () => setImmediate(tick);
    tick();
    return async () => {
      stopped = true;
      clearInterval(timer);
      this.#wake = undefined;
      await running;
    };
  }

  /** One delivery attempt of a queued message, recorded: the receipt, or the failure and when to try again. */
  async #attempt(row: repo.MessageRow, now: Date): Promise<Omit<SendResult, 'message'>> {
    this.#inFlight.set(row.id, row.peer);
    try {
      const key = { peer: row.peer, id: row.id };
      const peer = await this.#peers.find(row.peer);
      const answer = !peer
        ? { error: 'peer_unknown' }
        : peer.status !== 'active'
          ? { error: 'peer_suspended' }
          : await this.#deliver(peer, { ...row, jws: await this.#vault.open(this.#db, row) });
      if ('receipt' in answer) {
        const { receipt, jws } = answer;
        const sent = await this.#vault.seal(this.#db, { direction: 'out', ...key }, answer.sent);
        await repo.recordReceipt(this.#db, key, { ...receipt, sent, receipt: jws, receiptAt: receipt.receivedAt });
        return { status: receipt.status, reason: receipt.reason, receipt };
      }
      const attempts = row.attempts + 1;
      const next = attempts >= MAX_ATTEMPTS ? null : new Date(now.getTime() + retryDelayMs(attempts));
      await repo.recordFailedAttempt(this.#db, key, { error: answer.error, next });
      if (!next) {
        await this.#db.transaction((tx) =>
          this.#audit.record(tx, SYSTEM, {
            action: 'federation.dead_letter',
            resource: `peer:${row.peer}`,
            outcome: 'failure',
          }),
        );
        log(`message ${row.id} to ${row.peer} given up after ${attempts} attempts: ${answer.error}`);
      }
      return { status: next ? 'queued' : 'dead', reason: answer.error, receipt: null };
    } finally {
      this.#inFlight.delete(row.id);
    }
  }

  /**
   * Posts the message and opens the answer as the peer's receipt for it. A retry is signed again with the time of
   * the attempt (same id), since the peer refuses a `sentAt` more than 5 minutes off. A `message_replayed` receipt
   * that carries the receipt of the first delivery (whose answer was lost) gives that first outcome; a `clock_skew`
   * refusal is a failed attempt, to be tried again.
   */
  async #deliver(
    peer: KnownPeer,
    row: repo.MessageRow,
  ): Promise<{ receipt: Receipt; jws: string; sent: string } | { error: string }> {
    const sent =
      row.attempts === 0
        ? row.jws
        : await signMessage(
            { ...(peek(row.jws, MESSAGE_TYP).payload as unknown as Message), sentAt: new Date().toISOString() },
            this.#signer,
          );
    let text: string;
    try {
      const response = await fetch(peer.inboxUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body: sent,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        redirect: 'error',
      });
      text = await response.text();
    } catch {
      return { error: 'peer_unreachable' };
    }
    let known = peer;
    try {
      known = await withKey(this.#peers, peer, peek(text, RECEIPT_TYP).kid);
    } catch {
      // Not a receipt at all: opening it below says so.
    }
    const keyOf = (kid: string) => known.keys.find((k) => k.kid === kid)?.publicKey;
    const expected = { from: peer.nodeId, messageId: row.id };
    try {
      if (text.length > MAX_RECEIPT_BYTES) throw new Error('the answer is too long for a receipt');
      const receipt = await openReceipt(text, keyOf, { ...expected, sent });
      if (receipt.reason === 'clock_skew') return { error: 'clock_skew' };
      if (receipt.reason === 'message_replayed' && receipt.original) {
        return { receipt: await openReceipt(receipt.original, keyOf, expected), jws: receipt.original, sent };
      }
      return { receipt, jws: text, sent };
    } catch {
      return { error: 'receipt_invalid' };
    }
  }
}

function log(message: string, error?: unknown): void {
  // A database error's message may quote a value: loggableMessage takes it out.
  console.error(`passage: federation: ${message}${error instanceof Error ? `: ${loggableMessage(error)}` : ''}`);
}
