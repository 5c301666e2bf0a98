/**
 * Sending and receiving signed messages between nodes (docs/federation.md). The inbox answers every message it can
 * read with a signed receipt, accepted or rejected with a specific reason; both sides keep the message and its
 * receipt. A message type is usable once a module registers it with the schema of its body and what accepting it does.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { TSchema } from 'typebox';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { monotonicFactory } from 'ulid';
import type { Db, Queryable } from '../../db/client.ts';
import { decryptField, encryptField } from '../../lib/data-keys.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import { authorizeCase, loadCase } from '../cases/index.ts';
import { NodeSecretKey } from '../key-custody/index.ts';
import * as repo from './messages.repository.ts';
import {
  MESSAGE_TYP,
  type Message,
  MessageRejected,
  messageSha256,
  openMessage,
  openReceipt,
  peek,
  RECEIPT_TYP,
  REJECTIONS,
  type Receipt,
  type Signer,
  signMessage,
  signReceipt,
} from './messages.ts';

/** What the message layer needs to know of a peer (the peers service gives more). */
export interface KnownPeer {
  nodeId: string;
  status: 'active' | 'suspended';
  inboxUrl: string;
  keys: { kid: string; publicKey: KeyObject }[];
}

export interface PeerDirectory {
  /** The peer with the keys that verify at `now` (a retired key past its grace period does not). */
  find(nodeId: string, now?: Date): Promise<KnownPeer | null>;
  /**
   * Fetches the peer's document again when it signed with a key not known here (it may have rotated its key);
   * resolves to whether its keys changed. Rate-limited by the directory.
   */
  refresh?(nodeId: string): Promise<boolean>;
}

export interface MessageHandler {
  /** The body's schema; a body that fails it is rejected with `body_invalid`. */
  body: TSchema;
  /** Applies the message, in the transaction that records it: once per message id. */
  accept?(tx: Queryable, message: Message): Promise<void>;
}

export interface InboxAnswer {
  /** The HTTP status of the answer: 200 when accepted, else the rejection's status. */
  status: 200 | (typeof REJECTIONS)[keyof typeof REJECTIONS];
  /** The signed receipt, a compact JWS. */
  receipt: string;
  outcome: Receipt;
}

export interface SendResult {
  message: Message;
  /** `queued` when the attempt failed and the message waits for the next one. */
  status: repo.MessageStatus;
  reason: string | null;
  receipt: Receipt | null;
}

/** Increasing within the process, so that ids order the messages as they were queued. */
const nextId = monotonicFactory();
const DELIVERY_TIMEOUT_MS = 10_000;
const NODE_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const DELIVERY_BATCH = 20;
/** With the delays of `retryDelayMs`, the last attempt comes 1.1 to 2.3 hours after the first. */
export const MAX_ATTEMPTS = 18;
const SYSTEM: RequestContext = { actor: { kind: 'operator', name: 'delivery' }, requestId: null };

/**
 * How long to wait after the n-th failed attempt: doubling from 2 s up to 15 min, each delay drawn between half and
 * all of it (jitter), so that nodes coming back from an outage are not all retried at the same instant.
 */
export function retryDelayMs(attempts: number, random = Math.random): number {
  const ceiling = Math.min(2000 * 2 ** (attempts - 1), 15 * 60 * 1000);
  return Math.round(ceiling * (0.5 + random() / 2));
}
const MAX_RECEIPT_BYTES = 64 * 1024;

/** What a stored message's encryption is bound to: its direction, peer and id. */
const messageContext = (key: { direction: 'in' | 'out'; peer: string; id: string }) => ({
  survivorId: `${key.direction}:${key.peer}:${key.id}`,
  field: 'federation_message',
});

/** Built in: a message with no effect, to check that two nodes reach and trust each other (`passage peer ping`). */
export const PING = 'passage.ping';
const PingBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });

export class MessagesService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #peers: PeerDirectory;
  readonly #nodeId: string;
  readonly #signer: Signer;
  /** Stored messages are encrypted at rest: their bodies may name people (an MLA request's persons concerned). */
  readonly #vault: NodeSecretKey;
  /** Messages being delivered now, by id, with their peer. */
  readonly #inFlight = new Map<string, string>();
  #wake: (() => void) | undefined;
  readonly #handlers = new Map<string, { check: ReturnType<typeof Compile>; accept?: MessageHandler['accept'] }>();

  constructor(
    db: Db,
    audit: AuditService,
    peers: PeerDirectory,
    self: { nodeId: string; signingKey: KeyObject; kek: Buffer },
  ) {
    this.#db = db;
    this.#vault = new NodeSecretKey('federation-message-key', self.kek);
    this.#audit = audit;
    this.#peers = peers;
    this.#nodeId = self.nodeId;
    this.#signer = { kid: keyFingerprint(createPublicKey(self.signingKey)), privateKey: self.signingKey };
    this.register(PING, { body: PingBody });
  }

  register(type: string, handler: MessageHandler): void {
    if (this.#handlers.has(type)) throw new Error(`message type ${type} is registered twice`);
    this.#handlers.set(type, { check: Compile(handler.body), accept: handler.accept });
  }

  /**
   * The inbox: checks the message in the order docs/federation.md gives, records it when its sender's signature
   * verified, applies it when accepted, and answers with a signed receipt either way.
   */
  async receive(jws: string, now = new Date()): Promise<InboxAnswer> {
    const receivedAt = now.toISOString();
    const received = { at: receivedAt, sha256: messageSha256(jws) };
    let message: Message | undefined;
    try {
      const { payload, kid } = peek(jws, MESSAGE_TYP);
      const from = typeof payload.from === 'string' ? payload.from : null;
      let peer = from && NODE_ID.test(from) ? await this.#peers.find(from, now) : null;
      if (!peer) throw new MessageRejected('sender_unknown', 'The sender is not a peer of this node.', payload);
      if (peer.status !== 'active') {
        throw new MessageRejected(
          'sender_suspended',
          'This node has suspended its exchanges with the sender.',
          payload,
        );
      }
      peer = await this.#withKey(peer, kid, now);
      const keys = peer.keys;
      message = await openMessage(jws, (kid) => keys.find((k) => k.kid === kid)?.publicKey, {
        recipient: this.#nodeId,
        now,
      });
      const verified = message;
      const handler = this.#handlers.get(verified.type);
      const refusal = !handler
        ? new MessageRejected('type_unknown', `This node does not take messages of type ${verified.type}.`, verified)
        : !handler.check.Check(verified.body)
          ? new MessageRejected('body_invalid', `The body does not fit the schema of ${verified.type}.`, verified)
          : null;
      const record = async (refusal: MessageRejected | null) => {
        const outcome = this.#receipt(verified, refusal, received);
        const receipt = await signReceipt(outcome, this.#signer);
        const fresh = await this.#db.transaction(async (tx) => {
          const fresh = await repo.insertMessage(
            tx,
            {
              direction: 'in',
              peer: verified.from,
              message: verified,
              jws: await this.#seal(tx, { direction: 'in', peer: verified.from, id: verified.id }, jws),
              status: outcome.status,
            },
            { reason: outcome.reason, receipt, receiptAt: receivedAt },
          );
          if (fresh && !refusal) await handler?.accept?.(tx, verified);
          return fresh;
        });
        return { fresh, outcome, receipt, refusal };
      };
      // A handler refuses a message by throwing MessageRejected('message_refused'): its effects roll back, and the
      // message is recorded as rejected with that reason.
      const {
        fresh: recorded,
        outcome,
        receipt,
        refusal: refused,
      } = await record(refusal).catch((error: unknown) => {
        if (refusal || !(error instanceof MessageRejected)) throw error;
        return record(error);
      });
      if (!recorded) {
        const first = await repo.findMessage(this.#db, { direction: 'in', peer: verified.from, id: verified.id });
        // Only the peer can sign a message with its id: whatever it signed this time, the first receipt answers it.
        const original = first?.receipt ?? undefined;
        throw new MessageRejected(
          'message_replayed',
          'A message with this id was received before.',
          verified,
          original,
        );
      }
      return { status: refused ? REJECTIONS[refused.reason] : 200, receipt, outcome };
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
      const outcome = this.#receipt(message ?? error.partial, error, received);
      return { status: REJECTIONS[error.reason], receipt: await signReceipt(outcome, this.#signer), outcome };
    }
  }

  /** The peer as known after fetching its document again, when `kid` is none of its keys; else `peer` itself. */
  async #withKey(peer: KnownPeer, kid: string, now = new Date()): Promise<KnownPeer> {
    if (peer.keys.some((key) => key.kid === kid) || !(await this.#peers.refresh?.(peer.nodeId))) return peer;
    return (await this.#peers.find(peer.nodeId, now)) ?? peer;
  }

  /**
   * Puts a message to a peer in the outbox, in the caller's transaction, so that it leaves if and only if the change
   * it announces is committed. The delivery worker sends it until the peer's signed receipt comes back.
   */
  async enqueue(
    tx: Queryable,
    to: string,
    type: string,
    body: Record<string, unknown>,
    options: { conversationId?: string; replyTo?: string } = {},
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
    options: { conversationId?: string; replyTo?: string } = {},
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
    const jws = await this.#seal(tx, { direction: 'out', peer: to, id }, await signMessage(message, this.#signer));
    await repo.insertMessage(tx, { direction: 'out', peer: to, message, jws, status: 'queued' });
    return message;
  }

  /**
   * Sends one message now and waits for its outcome: the receipt's, or the failed attempt's (the message then
   * stays in the outbox for the delivery worker).
   */
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

  /** Delivers the outbox's messages that are due at `now`; returns how many it tried. */
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
        .catch((error: unknown) => this.#log('delivery round failed', error))
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

  /** Sends a `passage.ping` to check that the peer reaches this node's message and trusts its key. */
  async ping(ctx: RequestContext, to: string, note?: string): Promise<SendResult & { roundTripMs: number }> {
    await this.#audit.authorize(ctx, 'peer.manage');
    const started = performance.now();
    const result = await this.send(ctx, to, PING, note === undefined ? {} : { note });
    return { ...result, roundTripMs: Math.round((performance.now() - started) * 10) / 10 };
  }

  /** The messages exchanged with peers, newest first. */
  async history(ctx: RequestContext, filter: { peer?: string; conversationId?: string; limit?: number } = {}) {
    await this.#audit.authorize(ctx, 'peer.read');
    const rows = await repo.listMessages(this.#db, { ...filter, limit: Math.min(filter.limit ?? 100, 1000) });
    return Promise.all(rows.map(async (row) => ({ ...row, jws: await this.#open(row) })));
  }

  /**
   * The messages about a case (its referrals, MLA requests and evidence transfers: `caseConversations`), newest first,
   * for whoever may read the case.
   */
  async ofCase(ctx: RequestContext, caseId: string, limit = 200) {
    const found = await loadCase(this.#db, caseId);
    await authorizeCase(this.#db, this.#audit, ctx, 'case.read', found);
    const conversationIds = await repo.caseConversations(this.#db, caseId);
    if (conversationIds.length === 0) return [];
    const rows = await repo.listMessages(this.#db, { conversationIds, limit });
    return Promise.all(rows.map(async (row) => ({ ...row, jws: await this.#open(row) })));
  }

  /**
   * Erases one member of the body of the messages received from `peer` in a conversation, in the caller's
   * transaction (crypto-shredding what a peer sent, e.g. the sealed part of a referral). The member is replaced by
   * `redacted:sha256:<hex>`, the SHA-256 of the message as received, which its signed receipt names as
   * `messageSha256`: the record stays provable against the sender's copy. The signature goes with it, since it no
   * longer matches. Returns how many messages were redacted.
   */
  async redactReceived(tx: Queryable, key: { peer: string; conversationId: string }, member: string): Promise<number> {
    let redacted = 0;
    for (const row of await repo.receivedInConversation(tx, key)) {
      const jws = await this.#open(row, tx);
      const [header, payload] = jws.split('.');
      const message = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
      const value = message?.body?.[member];
      if (typeof value !== 'string' || value.startsWith('redacted:')) continue;
      message.body[member] = `redacted:sha256:${messageSha256(jws)}`;
      const kept = `${header}.${Buffer.from(JSON.stringify(message)).toString('base64url')}.`;
      await repo.replaceReceivedJws(tx, row, await this.#seal(tx, row, kept));
      redacted++;
    }
    return redacted;
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
          : await this.#deliver(peer, { ...row, jws: await this.#open(row) });
      if ('receipt' in answer) {
        const { receipt, jws } = answer;
        const sent = await this.#seal(this.#db, { direction: 'out', ...key }, answer.sent);
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
        this.#log(`message ${row.id} to ${row.peer} given up after ${attempts} attempts: ${answer.error}`);
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
      known = await this.#withKey(peer, peek(text, RECEIPT_TYP).kid);
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

  async #seal(q: Queryable, key: { direction: 'in' | 'out'; peer: string; id: string }, jws: string) {
    return encryptField(await this.#vault.get(q), jws, messageContext(key));
  }

  async #open(row: repo.MessageRow, q: Queryable = this.#db): Promise<string> {
    return decryptField(await this.#vault.get(q), row.jws, messageContext(row));
  }

  #log(message: string, error?: unknown): void {
    console.error(`passage: federation: ${message}${error instanceof Error ? `: ${error.message}` : ''}`);
  }

  #receipt(
    message: { id: string | null; from: string | null },
    refusal: MessageRejected | null,
    received: { at: string; sha256: string },
  ): Receipt {
    return {
      messageId: message.id,
      from: this.#nodeId,
      to: message.from,
      status: refusal ? 'rejected' : 'accepted',
      reason: refusal?.reason ?? null,
      receivedAt: received.at,
      messageSha256: received.sha256,
      ...(refusal?.original ? { original: refusal.original } : {}),
    };
  }
}
