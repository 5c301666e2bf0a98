/**
 * Evidence transfers between nodes (docs/federation.md, passage.evidence.*): the sender hands items over with their
 * custody events, inclusion proofs and signed checkpoint; the receiver keeps them pending and verifies all of it
 * with the sender's key before they become evidence of one of its cases. Each side records the hand-over in its own
 * custody log, and the sender learns the outcome as a message.
 */
import { Readable } from 'node:stream';
import { ulid } from 'ulid';
import type { Db, Queryable } from '../../db/client.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { actorRef, type Purpose } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { CaseAccess } from '../cases/index.ts';
import type { CustodyLogService } from '../custody/index.ts';
import type { EvidenceService, PendingBlob } from '../evidence/index.ts';
import { evidenceItems } from '../evidence/index.ts';
import type { MessageHandlers, MessagesService, PeersService } from '../federation/index.ts';
import type { KeyCustody } from '../key-custody/index.ts';
import { EvidencePermissions } from './evidence-permissions.service.ts';
import {
  TRANSFER,
  TRANSFER_ACCEPTED,
  TRANSFER_DECLINED,
  transferMessageHandlers,
} from './evidence-transfers.inbound.ts';
import { present, presentDetail, type TransferDetail, type TransferView } from './evidence-transfers.presenters.ts';
import * as repo from './evidence-transfers.repository.ts';
import { MAX_ITEMS, type TransferContext } from './evidence-transfers.schema.ts';
import { DECLINE_REASON, ExchangeReasons } from './reason-vault.ts';
import { buildTransferBody } from './transfer-builder.ts';
import {
  contentBytesBound,
  MAX_MESSAGE_BYTES,
  messageBytes,
  type TransferItemMeta,
  verifyBundle,
} from './transfer-bundle.ts';
import { type TransferLabel, transferLabels } from './transfer-labels.ts';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const NODE_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** An MLA request's or a JIT's messages form one conversation, the transfers of its evidence included. */
const conversationOf = (context: TransferContext) =>
  context.kind !== 'case' && ULID.test(context.ref) ? context.ref : undefined;

const tooLarge = () =>
  new AppError(
    'transfer_too_large',
    413,
    `The items do not fit in one message between nodes (at most ${MAX_MESSAGE_BYTES / 1024} KiB, with content in ` +
      'base64): send fewer or smaller items per transfer.',
  );

export class TransfersService {
  readonly permissions: EvidencePermissions;
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #access: CaseAccess;
  readonly #messages: MessagesService;
  readonly #evidence: EvidenceService;
  readonly #custody: CustodyLogService;
  readonly #peers: Pick<PeersService, 'find'>;
  readonly #nodeId: string;
  readonly #reasons: ExchangeReasons;

  constructor(
    db: Db,
    audit: AuditService,
    deps: {
      messages: MessagesService;
      evidence: EvidenceService;
      custody: CustodyLogService;
      peers: Pick<PeersService, 'find'>;
      access: CaseAccess;
    },
    options: { nodeId: string; keyCustody: KeyCustody },
  ) {
    this.#db = db;
    this.#audit = audit;
    this.#access = deps.access;
    this.#messages = deps.messages;
    this.#evidence = deps.evidence;
    this.#custody = deps.custody;
    this.#peers = deps.peers;
    this.#nodeId = options.nodeId;
    this.#reasons = new ExchangeReasons(options.keyCustody);
    this.permissions = new EvidencePermissions(db, audit, deps.access, deps.messages, this.#reasons);
  }

  /**
   * The evidence exchange message types this node takes from peers, registered with the message layer in the
   * composition root.
   */
  messageHandlers(): MessageHandlers {
    return transferMessageHandlers({
      nodeId: this.#nodeId,
      audit: this.#audit,
      evidence: this.#evidence,
      reasons: this.#reasons,
    });
  }

  /** The file names of evidence items, their metadata opened (what a JIT entry names), in the order asked for. */
  fileNames(q: Queryable, itemIds: readonly string[]): Promise<string[]> {
    return this.#evidence.items.fileNames(q, itemIds);
  }

  /** Seals the reasons a wave 1 node kept in clear (the upgrade step, src/app/seal-at-rest.ts). */
  sealClearText(tx: Queryable): Promise<number> {
    return this.#reasons.sealClearText(tx);
  }

  /** The conversations of the transfers accepted into a case (no policy check: the messages service makes it). */
  caseConversations(caseId: string): Promise<string[]> {
    return repo.caseConversations(this.#db, caseId);
  }

  /**
   * Hands items over to a peer. Checks the caller may read each item for an investigation and that no item is barred
   * from leaving by the handling code it came with, builds the bundle (reading before any transaction), then in one
   * transaction records a `transferred` custody event on each item, queues the message, runs `within` (the caller's
   * own change, e.g. an MLA request's step) and audits.
   */
  async send(
    ctx: RequestContext,
    input: { to: string; itemIds: string[]; context: TransferContext },
    within?: (tx: Queryable, transferId: string) => Promise<void>,
  ): Promise<{ transferId: string }> {
    await this.#audit.authorize(ctx, 'evidence.transfer');
    const itemIds = [...new Set(input.itemIds)];
    if (itemIds.length === 0 || itemIds.length > MAX_ITEMS) {
      throw new AppError('invalid_request', 400, `A transfer carries 1 to ${MAX_ITEMS} items.`);
    }
    const items: evidenceItems.EvidenceItemRow[] = [];
    for (const id of itemIds) {
      // Opened: the peer receives the item's metadata as it was entered.
      const item = await this.#evidence.items.find(this.#db, id);
      if (!item) throw notFound(`The evidence item ${id}`);
      const found = await this.#access.load(this.#db, item.caseId);
      await this.#access.authorize(this.#db, ctx, 'evidence.download', found, { purpose: 'investigation' });
      items.push(item);
    }
    // The receiving node once the policy allowed every item: a refused caller learns nothing of this node's peers.
    await this.#checkPeer(input.to);
    await this.permissions.assertAllowed(ctx, itemIds, 'forwarding');
    if (contentBytesBound(items.map((i) => i.size)) > MAX_MESSAGE_BYTES) throw tooLarge();
    const transferId = ulid();
    const source = { db: this.#db, custody: this.#custody, store: this.#evidence.store };
    const body = await buildTransferBody(source, transferId, input.context, items);
    if (messageBytes(body) > MAX_MESSAGE_BYTES) throw tooLarge();
    const conversationId = conversationOf(input.context);
    await this.#db.transaction(async (tx) => {
      for (const item of items) {
        const reason = `handed over to ${input.to}, transfer ${transferId}`;
        await this.#evidence.recordCustodyEvent(tx, ctx, item, 'transferred', reason);
      }
      const message = await this.#messages.enqueue(tx, input.to, TRANSFER, body as never, { conversationId });
      await repo.insertTransfer(tx, {
        id: transferId,
        direction: 'out',
        peer: input.to,
        context: input.context,
        status: 'sent',
        items: body.items.map(({ content: _, ...meta }) => meta),
        checkpoint: body.checkpoint,
        messageId: message.id,
        createdBy: actorRef(ctx.actor),
      });
      await within?.(tx, transferId);
      await this.#audit.record(tx, ctx, {
        action: 'evidence.transfer',
        resource: `transfer:${transferId}`,
        purpose: 'investigation',
        outcome: 'success',
      });
    });
    return { transferId };
  }

  /** Transfers sent and received, newest first, without what they say of their items. */
  async list(ctx: RequestContext, filter: Parameters<typeof repo.listTransfers>[1] = {}): Promise<TransferView[]> {
    await this.#audit.authorize(ctx, 'evidence.transfer');
    const rows = await repo.listTransfers(this.#db, filter);
    const opened = await Promise.all(rows.map((t) => this.#reasons.transfer(this.#db, t)));
    const labels = await this.#labels(ctx, opened);
    const transfers = opened.map((t) => present(t, labels.get(t.id) as TransferLabel));
    await this.#audit.recordRead(ctx, {
      action: 'evidence.transfer_list',
      resources: transfers.map((t) => `transfer:${t.id}`),
    });
    return transfers;
  }

  /** A transfer with its items' descriptions and handling notes, read for a purpose the audit trail records. */
  async get(ctx: RequestContext, id: string, purpose: Purpose): Promise<TransferDetail> {
    await this.#audit.authorize(ctx, 'evidence.transfer_read', { ref: `transfer:${id}`, purpose });
    const read = await this.#db.transaction(async (tx) => {
      const transfer = await repo.findTransfer(tx, id);
      if (!transfer) throw notFound('The transfer');
      await this.#audit.record(tx, ctx, {
        action: 'evidence.transfer_read',
        resource: `transfer:${id}`,
        purpose,
        outcome: 'success',
      });
      return this.#reasons.transfer(tx, transfer);
    });
    return this.#detail(ctx, read);
  }

  /**
   * Verifies an inbound transfer and adds its items to a case. Verification failing leaves the transfer pending,
   * records the failure in the audit trail and answers 422 `transfer_unverified` with what failed. Otherwise, in one
   * transaction: the items join the case keeping their origin and handling code, each gets a `received` custody
   * event, the transfer is accepted and the sender told.
   */
  async accept(ctx: RequestContext, id: string, input: { caseId: string }): Promise<TransferDetail> {
    await this.#audit.authorize(ctx, 'evidence.transfer', { ref: `transfer:${id}` });
    const transfer = await this.#pending(id);
    const found = await this.#access.load(this.#db, input.caseId);
    await this.#access.authorize(this.#db, ctx, 'evidence.add', found);
    const contents = await repo.contentsOf(this.#db, id);
    const peer = await this.#peers.find(transfer.peer);
    const problems = verifyBundle(
      {
        from: transfer.peer,
        checkpoint: transfer.checkpoint,
        items: transfer.items.map((item, i) => ({ ...item, content: contents[i] ?? new Uint8Array() })),
      },
      peer?.keys.map((k) => k.publicKey) ?? [],
    );
    if (!peer) problems.unshift({ check: 'checkpoint', message: `${transfer.peer} is no longer a peer of this node.` });
    if (problems.length > 0) {
      await this.#db.transaction((tx) =>
        this.#audit.record(tx, ctx, {
          action: 'evidence.transfer_verify',
          resource: `transfer:${id}`,
          outcome: 'failure',
        }),
      );
      throw new AppError(
        'transfer_unverified',
        422,
        'The transfer does not verify against the sender’s key and custody log, so it was not accepted; it stays ' +
          'pending. Tell the sender what failed.',
        { problems },
      );
    }
    const accepted = await this.#ingest(ctx, transfer, found.id, contents);
    return this.#detail(ctx, accepted);
  }

  /** Declines an inbound transfer: its content is dropped and the sender told why. */
  async decline(ctx: RequestContext, id: string, input: { reason: string }): Promise<TransferDetail> {
    await this.#audit.authorize(ctx, 'evidence.transfer', { ref: `transfer:${id}` });
    await this.#pending(id);
    await this.#db.transaction(async (tx) => {
      const transfer = await this.#lockPending(tx, id);
      const reasonSealed = await this.#reasons.seal(tx, id, DECLINE_REASON, input.reason);
      await repo.decideTransfer(tx, id, { status: 'declined', by: actorRef(ctx.actor), reasonSealed });
      await repo.dropContents(tx, id);
      await this.#answer(tx, transfer, TRANSFER_DECLINED, { transferId: id, reason: input.reason });
      await this.#audit.record(tx, ctx, {
        action: 'evidence.transfer_decline',
        resource: `transfer:${id}`,
        outcome: 'success',
      });
    });
    const decided = await repo.findTransfer(this.#db, id);
    return this.#detail(ctx, await this.#reasons.transfer(this.#db, decided as repo.TransferRecord));
  }

  /**
   * For the evidence package (evidence-package.ts): refuses a package holding received items whose handling code
   * bars court use (H1) or passing on (H2) unless their provider granted permission.
   */
  checkExport(ctx: RequestContext, items: readonly { id: string }[]): Promise<void> {
    return this.permissions.assertAllowed(
      ctx,
      items.map((i) => i.id),
      'court',
    );
  }

  #labels(ctx: RequestContext, transfers: repo.TransferRecord[]) {
    const peerName = async (nodeId: string) => (await this.#peers.find(nodeId))?.name ?? null;
    return transferLabels(this.#db, { access: this.#access, evidence: this.#evidence, peerName }, ctx, transfers);
  }

  async #detail(ctx: RequestContext, t: repo.TransferRecord) {
    return presentDetail(t, (await this.#labels(ctx, [t])).get(t.id) as TransferLabel);
  }

  async #checkPeer(to: string): Promise<void> {
    if (!NODE_ID.test(to) || to === this.#nodeId) {
      throw new AppError('invalid_request', 400, 'Name the peer node the items go to.');
    }
    const peer = await this.#peers.find(to);
    if (!peer) throw notFound(`The peer ${to}`);
    if (peer.status !== 'active') throw new AppError('peer_suspended', 409, `Exchanges with ${to} are suspended.`);
  }

  /** Puts the verified content in the evidence store, then commits the items, their events and the answer together. */
  async #ingest(
    ctx: RequestContext,
    transfer: repo.TransferRecord,
    caseId: string,
    contents: Uint8Array[],
  ): Promise<repo.TransferRecord> {
    const store = this.#evidence.store;
    const blobs: PendingBlob[] = [];
    for (const content of contents) blobs.push(await store.receive(Readable.from([content]), { maxBytes: Infinity }));
    const committed: string[] = [];
    try {
      await this.#db.transaction(async (tx) => {
        await this.#lockPending(tx, transfer.id);
        const acceptedItems: Record<string, string> = {};
        for (const [i, sent] of transfer.items.entries()) {
          const blob = blobs[i] as PendingBlob;
          await evidenceItems.lockContent(tx, blob.sha256);
          await store.commit(blob);
          committed.push(blob.sha256);
          const id = await this.#addItem(tx, ctx, transfer, caseId, sent, blob);
          acceptedItems[sent.id] = id;
        }
        await repo.decideTransfer(tx, transfer.id, {
          status: 'accepted',
          by: actorRef(ctx.actor),
          caseId,
          acceptedItems,
        });
        await repo.dropContents(tx, transfer.id);
        await this.#answer(tx, transfer, TRANSFER_ACCEPTED, { transferId: transfer.id });
        await this.#audit.record(tx, ctx, {
          action: 'evidence.transfer_verify',
          resource: `transfer:${transfer.id}`,
          outcome: 'success',
        });
        await this.#audit.record(tx, ctx, {
          action: 'evidence.transfer_accept',
          resource: `case:${caseId}`,
          outcome: 'success',
        });
      });
    } catch (error) {
      for (const blob of blobs) await store.discard(blob);
      for (const sha256 of committed) await this.#removeIfUnreferenced(sha256);
      throw error;
    }
    return (await repo.findTransfer(this.#db, transfer.id)) as repo.TransferRecord;
  }

  async #addItem(
    tx: Queryable,
    ctx: RequestContext,
    transfer: repo.TransferRecord,
    caseId: string,
    sent: TransferItemMeta,
    blob: { sha256: string; sha512: string; size: number },
  ): Promise<string> {
    const row = {
      id: ulid(),
      caseId,
      sha256: blob.sha256,
      sha512: blob.sha512,
      size: blob.size,
      title: sent.title,
      description: sent.description,
      fileName: sent.fileName,
      mediaType: sent.mediaType,
      handlingCode: sent.handlingCode,
      handlingNote: sent.handlingNote,
      collectedAt: null,
      collectedBy: null,
      collectedWhere: null,
      source: `${transfer.peer}, transfer ${transfer.id}`,
      device: null,
      type: null,
      // The provider's grading is kept as it came: the receiver judges the item by it.
      sourceReliability: sent.sourceReliability ?? null,
      informationAccuracy: sent.informationAccuracy ?? null,
      parentId: null,
      parentSha256: null,
      transformation: null,
      createdBy: actorRef(ctx.actor),
    };
    await this.#evidence.items.insert(tx, row);
    await repo.insertOrigin(tx, {
      itemId: row.id,
      fromNode: transfer.peer,
      originalId: sent.id,
      transferId: transfer.id,
      handlingCode: sent.handlingCode,
      handlingNote: sent.handlingNote,
    });
    const reason = `received from ${transfer.peer}, transfer ${transfer.id}`;
    await this.#evidence.recordCustodyEvent(tx, ctx, row, 'received', reason);
    return row.id;
  }

  async #answer(tx: Queryable, transfer: repo.TransferRecord, type: string, body: Record<string, unknown>) {
    const conversationId = conversationOf(transfer.context) ?? transfer.messageId;
    await this.#messages.enqueue(tx, transfer.peer, type, body, { conversationId, replyTo: transfer.messageId });
  }

  async #pending(id: string): Promise<repo.TransferRecord> {
    const transfer = await repo.findTransfer(this.#db, id);
    if (transfer?.direction !== 'in') throw notFound('The transfer');
    if (transfer.status !== 'pending') throw decided(transfer);
    return transfer;
  }

  async #lockPending(tx: Queryable, id: string): Promise<repo.TransferRecord> {
    const transfer = (await repo.findTransfer(tx, id, true)) as repo.TransferRecord;
    if (transfer.status !== 'pending') throw decided(transfer);
    return transfer;
  }

  async #removeIfUnreferenced(sha256: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await evidenceItems.lockContent(tx, sha256);
      if (!(await evidenceItems.isReferenced(tx, sha256))) await this.#evidence.store.remove(sha256);
    });
  }
}

const decided = (transfer: repo.TransferRecord) =>
  new AppError('transfer_decided', 409, `The transfer was already ${transfer.status}.`);
