/**
 * Sending and receiving signed messages between nodes (docs/federation.md). The inbox answers every message it can
 * read with a signed receipt, accepted or rejected with a specific reason; both sides keep the message and its
 * receipt. A message type is usable once a module registers it with the schema of its body and what accepting it does.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { TSchema } from 'typebox';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { ulid } from 'ulid';
import { AppError, notFound } from '../../app/errors.ts';
import type { Db, Queryable } from '../../db/client.ts';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import type { AuditService, RequestContext } from '../audit/audit.service.ts';
import * as repo from './messages.repository.ts';
import {
  MESSAGE_TYP,
  type Message,
  MessageRejected,
  openMessage,
  openReceipt,
  peek,
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
  find(nodeId: string): Promise<KnownPeer | null>;
}

export interface MessageHandler {
  /** The body's schema; a body that fails it is rejected with `body_invalid`. */
  body: TSchema;
  /** Applies the message, in the transaction that records it: once per message id. */
  accept?(tx: Queryable, message: Message): Promise<void>;
}

export interface InboxAnswer {
  /** The HTTP status of the answer: 200 when accepted, else the rejection's status. */
  status: number;
  /** The signed receipt, a compact JWS. */
  receipt: string;
  outcome: Receipt;
}

export interface SendResult {
  message: Message;
  status: repo.MessageStatus;
  reason: string | null;
  receipt: Receipt | null;
}

const DELIVERY_TIMEOUT_MS = 10_000;
const MAX_RECEIPT_BYTES = 64 * 1024;

/** Built in: a message with no effect, to check that two nodes reach and trust each other (`passage peer ping`). */
export const PING = 'passage.ping';
const PingBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });

export class MessagesService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #peers: PeerDirectory;
  readonly #nodeId: string;
  readonly #signer: Signer;
  readonly #handlers = new Map<string, { check: ReturnType<typeof Compile>; accept?: MessageHandler['accept'] }>();

  constructor(db: Db, audit: AuditService, peers: PeerDirectory, self: { nodeId: string; signingKey: KeyObject }) {
    this.#db = db;
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
    let message: Message | undefined;
    try {
      const { payload } = peek(jws, MESSAGE_TYP);
      const from = typeof payload.from === 'string' ? payload.from : null;
      const peer = from ? await this.#peers.find(from) : null;
      if (!peer) throw new MessageRejected('sender_unknown', 'The sender is not a peer of this node.', payload);
      if (peer.status !== 'active') {
        throw new MessageRejected(
          'sender_suspended',
          'This node has suspended its exchanges with the sender.',
          payload,
        );
      }
      message = await openMessage(jws, (kid) => peer.keys.find((k) => k.kid === kid)?.publicKey, {
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
      const outcome = this.#receipt(verified, refusal, receivedAt);
      const receipt = await signReceipt(outcome, this.#signer);
      const recorded = await this.#db.transaction(async (tx) => {
        const fresh = await repo.insertMessage(
          tx,
          { direction: 'in', peer: verified.from, message: verified, jws, status: outcome.status },
          { reason: outcome.reason, receipt, receiptAt: receivedAt },
        );
        if (fresh && !refusal) await handler?.accept?.(tx, verified);
        return fresh;
      });
      if (!recorded)
        throw new MessageRejected('message_replayed', 'A message with this id was received before.', verified);
      return { status: refusal ? REJECTIONS[refusal.reason] : 200, receipt, outcome };
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
      const outcome = this.#receipt(message ?? error.partial, error, receivedAt);
      return { status: REJECTIONS[error.reason], receipt: await signReceipt(outcome, this.#signer), outcome };
    }
  }

  /**
   * Signs a message to a peer, records it, delivers it and records the peer's signed receipt. A peer that cannot be
   * reached, or whose answer is not a receipt it signed for this message, leaves the message `failed`.
   */
  async send(
    ctx: RequestContext,
    to: string,
    type: string,
    body: Record<string, unknown>,
    options: { conversationId?: string; replyTo?: string } = {},
  ): Promise<SendResult> {
    const peer = await this.#peers.find(to);
    if (!peer) throw notFound(`The peer ${to}`);
    if (peer.status !== 'active') throw new AppError('peer_suspended', 409, `Exchanges with ${to} are suspended.`);
    const id = ulid();
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
    const jws = await signMessage(message, this.#signer);
    await this.#db.transaction(async (tx) => {
      await repo.insertMessage(tx, { direction: 'out', peer: to, message, jws, status: 'sending' });
      await this.#audit.record(tx, ctx, { action: 'federation.send', resource: `peer:${to}`, outcome: 'success' });
    });
    const delivered = await this.#deliver(peer, message, jws);
    await repo.recordOutcome(this.#db, { peer: to, id }, delivered);
    const receipt = delivered.outcome;
    return { message, status: delivered.status, reason: delivered.reason, receipt };
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
    return repo.listMessages(this.#db, { ...filter, limit: Math.min(filter.limit ?? 100, 1000) });
  }

  async #deliver(peer: KnownPeer, message: Message, jws: string) {
    const failed = (reason: string) => ({
      status: 'failed' as const,
      reason,
      receipt: null,
      receiptAt: null,
      outcome: null,
    });
    let text: string;
    try {
      const response = await fetch(peer.inboxUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body: jws,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        redirect: 'error',
      });
      text = await response.text();
    } catch {
      return failed('peer_unreachable');
    }
    if (text.length > MAX_RECEIPT_BYTES) return failed('receipt_invalid');
    try {
      const outcome = await openReceipt(text, (kid) => peer.keys.find((k) => k.kid === kid)?.publicKey, {
        from: peer.nodeId,
        messageId: message.id,
      });
      return { status: outcome.status, reason: outcome.reason, receipt: text, receiptAt: outcome.receivedAt, outcome };
    } catch {
      return failed('receipt_invalid');
    }
  }

  #receipt(
    message: { id: string | null; from: string | null },
    refusal: MessageRejected | null,
    receivedAt: string,
  ): Receipt {
    return {
      messageId: message.id,
      from: this.#nodeId,
      to: message.from,
      status: refusal ? 'rejected' : 'accepted',
      reason: refusal?.reason ?? null,
      receivedAt,
    };
  }
}
