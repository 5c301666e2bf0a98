/**
 * Sending and receiving signed messages between nodes (docs/federation.md). The inbox answers every message it can
 * read with a signed receipt, accepted or rejected with a specific reason; both sides keep the message and its
 * receipt. A message type is usable once a module registers it with the schema of its body and what accepting it does;
 * the modules register their types, and where the conversations about a case are, in the composition root.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { Type } from 'typebox';
import type { Db, Queryable } from '../../db/client.ts';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { KeyCustody } from '../key-custody/index.ts';
import { Inbox, type InboxAnswer } from './inbox.ts';
import { type MessageHandlers, MessageTypes } from './message-types.ts';
import { MessageVault } from './message-vault.ts';
import * as repo from './messages.repository.ts';
import { type Message, messageSha256 } from './messages.ts';
import { Outbox, type QueueOptions, type SendResult } from './outbox.ts';
import type { PeerDirectory } from './peer-directory.ts';
import * as peersRepo from './peers.repository.ts';

/** The conversations a module holds about a case (its id is checked and read access granted before it is asked). */
export type CaseConversations = (caseId: string) => Promise<readonly string[]>;

/** Lets through whoever may read the case, or refuses with 404 or 403 (the refusal audited). */
export type CaseReadCheck = (ctx: RequestContext, caseId: string) => Promise<unknown>;

/** Built in: a message with no effect, to check that two nodes reach and trust each other (`passage peer ping`). */
export const PING = 'passage.ping';
const PingBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });

export class MessagesService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #vault: MessageVault;
  readonly #types = new MessageTypes();
  #caseMessages: { readable: CaseReadCheck; lookups: readonly CaseConversations[] } | undefined;
  readonly #inbox: Inbox;
  readonly #outbox: Outbox;

  constructor(
    db: Db,
    audit: AuditService,
    peers: PeerDirectory,
    self: { nodeId: string; signingKey: KeyObject; keyCustody: KeyCustody },
  ) {
    this.#db = db;
    this.#audit = audit;
    this.#vault = new MessageVault(self.keyCustody);
    const signer = { kid: keyFingerprint(createPublicKey(self.signingKey)), privateKey: self.signingKey };
    this.#inbox = new Inbox(db, peers, this.#types, this.#vault, { nodeId: self.nodeId, signer });
    this.#outbox = new Outbox(db, audit, peers, this.#vault, { nodeId: self.nodeId, signer });
    this.register({ [PING]: { body: PingBody } });
  }

  /** Makes message types usable: a type registered twice is an error. */
  register(handlers: MessageHandlers): void {
    this.#types.register(handlers);
  }

  /**
   * How the messages of a case are found (`ofCase`): the cases module says who may read a case, and each module
   * keeping conversations about cases says which are the case's.
   */
  serveCaseMessages(readable: CaseReadCheck, lookups: readonly CaseConversations[]): void {
    this.#caseMessages = { readable, lookups };
  }

  /** The inbox: checks, records and applies a message from a peer, and answers with a signed receipt. */
  receive(jws: string, now = new Date()): Promise<InboxAnswer> {
    return this.#inbox.receive(jws, now);
  }

  /**
   * Puts a message to a peer in the outbox, in the caller's transaction, so that it leaves if and only if the change
   * it announces is committed. The delivery worker sends it until the peer's signed receipt comes back.
   */
  enqueue(
    tx: Queryable,
    to: string,
    type: string,
    body: Record<string, unknown>,
    options: QueueOptions = {},
  ): Promise<Message> {
    return this.#outbox.enqueue(tx, to, type, body, options);
  }

  /**
   * Sends one message now and waits for its outcome: the receipt's, or the failed attempt's (the message then
   * stays in the outbox for the delivery worker).
   */
  send(ctx: RequestContext, to: string, type: string, body: Record<string, unknown>): Promise<SendResult> {
    return this.#outbox.send(ctx, to, type, body);
  }

  /** Delivers the outbox's messages that are due at `now`; returns how many it tried. */
  deliverDue(now = new Date()): Promise<number> {
    return this.#outbox.deliverDue(now);
  }

  /**
   * Starts the delivery worker: the outbox is checked every `intervalMs`, and at once when a message is queued.
   * Returns a function that stops it and waits for the attempt under way.
   */
  startDelivery(intervalMs = 1000): () => Promise<void> {
    return this.#outbox.startDelivery(intervalMs);
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
    return this.#opened(rows);
  }

  /**
   * The messages about a case (the conversations the modules registered: its referrals, MLA requests and evidence
   * transfers), newest first, for whoever may read the case.
   */
  async ofCase(ctx: RequestContext, caseId: string, limit = 200) {
    if (!this.#caseMessages) throw new Error('the messages of a case are served once serveCaseMessages was called');
    await this.#caseMessages.readable(ctx, caseId);
    const conversationIds: string[] = [];
    for (const lookup of this.#caseMessages.lookups) conversationIds.push(...(await lookup(caseId)));
    if (conversationIds.length === 0) return [];
    const rows = await repo.listMessages(this.#db, { conversationIds, limit });
    await this.#audit.recordRead(ctx, {
      action: 'case.messages',
      resource: `case:${caseId}`,
      resources: rows.map((row) => `message:${row.id}`),
    });
    return this.#opened(rows);
  }

  /** The rows with their messages opened and the other node named as this node knows it (null: no longer a peer). */
  async #opened(rows: Awaited<ReturnType<typeof repo.listMessages>>) {
    const names = new Map((await peersRepo.listPeers(this.#db)).map((p) => [p.nodeId, p.name]));
    return Promise.all(
      rows.map(async (row) => ({
        ...row,
        peerName: names.get(row.peer) ?? null,
        jws: await this.#vault.open(this.#db, row),
      })),
    );
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
      const jws = await this.#vault.open(tx, row);
      const [header, payload] = jws.split('.');
      const message = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
      const value = message?.body?.[member];
      if (typeof value !== 'string' || value.startsWith('redacted:')) continue;
      message.body[member] = `redacted:sha256:${messageSha256(jws)}`;
      const kept = `${header}.${Buffer.from(JSON.stringify(message)).toString('base64url')}.`;
      await repo.replaceReceivedJws(tx, row, await this.#vault.seal(tx, row, kept));
      redacted++;
    }
    return redacted;
  }
}
