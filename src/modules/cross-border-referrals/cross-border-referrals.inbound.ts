/**
 * The `passage.referral.*` message types (docs/federation.md): what a node does with a referral, its status, a note,
 * a withdrawal or an erasure confirmation from the other node. Each runs in the transaction that records the message,
 * once per message id, using only that transaction; one that does not fit is refused with `message_refused`.
 */
import { decodeProtectedHeader } from 'jose';
import type { Queryable } from '../../db/client.ts';
import { handlingOf } from '../../shared/handling.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { CasesService } from '../cases/index.ts';
import type { MessageHandlers, MessagesService, PeersService } from '../federation/index.ts';
import { type Message, MessageRejected } from '../federation/index.ts';
import type { SurvivorsService } from '../survivors/index.ts';
import {
  REFERRAL_ERASED,
  REFERRAL_OFFER,
  REFERRAL_STATUS,
  REFERRAL_UPDATE,
  REFERRAL_WITHDRAW,
} from './cross-border-referrals.messages.ts';
import * as repo from './cross-border-referrals.repository.ts';
import {
  ReferralErasedMessage,
  ReferralOfferMessage,
  ReferralStatusMessage,
  ReferralUpdateMessage,
  ReferralWithdrawMessage,
} from './cross-border-referrals.schema.ts';
import type { ReasonVault } from './reason-vault.ts';

/** The other node, as the audit trail and the timelines name it. */
const nodeActor = (nodeId: string) => `node:${nodeId}`;
const asNode = (nodeId: string): RequestContext => ({
  actor: { kind: 'operator', name: nodeActor(nodeId) },
  requestId: null,
});

function refuse(message: Message, why: string): never {
  throw new MessageRejected('message_refused', why, message);
}

export class Inbound {
  readonly #messages: MessagesService;
  readonly #survivors: SurvivorsService;
  readonly #audit: AuditService;
  readonly #peers: PeersService;
  readonly #cases: CasesService;
  readonly #reasons: ReasonVault;

  constructor(
    messages: MessagesService,
    survivors: SurvivorsService,
    audit: AuditService,
    peers: PeersService,
    cases: CasesService,
    reasons: ReasonVault,
  ) {
    this.#cases = cases;
    this.#reasons = reasons;
    this.#messages = messages;
    this.#survivors = survivors;
    this.#audit = audit;
    this.#peers = peers;
  }

  handlers(): MessageHandlers {
    return {
      [REFERRAL_OFFER]: { body: ReferralOfferMessage, accept: (tx, msg) => this.#offer(tx, msg) },
      [REFERRAL_STATUS]: { body: ReferralStatusMessage, accept: (tx, msg) => this.#status(tx, msg) },
      [REFERRAL_UPDATE]: { body: ReferralUpdateMessage, accept: (tx, msg) => this.#update(tx, msg) },
      [REFERRAL_WITHDRAW]: { body: ReferralWithdrawMessage, accept: (tx, msg) => this.#withdraw(tx, msg) },
      [REFERRAL_ERASED]: { body: ReferralErasedMessage, accept: (tx, msg) => this.#erased(tx, msg) },
    };
  }

  /**
   * Drops what a peer sent about a referral: the sealed parts inside the stored messages give way to the SHA-256 of
   * each message as received, which its signed receipt names.
   */
  async dropReceived(tx: Queryable, r: repo.XbReferralRow): Promise<void> {
    await this.#messages.redactReceived(tx, { peer: r.peer, conversationId: r.id }, 'sealed');
  }

  /** A referral for this node: kept pending, its sealed part as received, unopened until someone accepts it. */
  async #offer(tx: Queryable, message: Message): Promise<void> {
    const body = message.body as ReferralOfferMessage;
    let ref: unknown;
    try {
      ref = decodeProtectedHeader(body.sealed).ref;
    } catch {
      refuse(message, 'The sealed part is not a compact JWE.');
    }
    if (ref !== body.referralId) refuse(message, 'The sealed part belongs to another referral.');
    const peer = await this.#peers.contact(tx, message.from);
    if (!peer) refuse(message, 'The sender is not a peer.');
    const inserted = await repo.insertReferral(tx, {
      id: body.referralId,
      direction: 'in',
      peer: message.from,
      peerCountry: peer.country,
      kind: body.kind,
      purpose: body.purpose,
      status: 'offered',
      caseId: null,
      caseReference: null,
      agencyId: null,
      remoteCaseReference: body.caseReference,
      fields: body.fields,
      // Kept as the sender set them: this node respects them (H2: not referred on) and shows them.
      ...handlingOf(body),
      sealed: body.sealed,
      consentBasis: null,
      consentId: null,
      offeredBy: nodeActor(message.from),
      offeredAt: body.offeredAt,
    });
    if (!inserted) refuse(message, 'A referral with this id is already here.');
    await this.#audit.record(tx, asNode(message.from), {
      action: 'referral.cross_border_received',
      resource: `xb-referral:${body.referralId}`,
      outcome: 'success',
    });
  }

  /** The receiver's answer to an offer (accepted, declined), or the sender's revocation. */
  async #status(tx: Queryable, message: Message): Promise<void> {
    const body = message.body as ReferralStatusMessage;
    const r = await this.#referralOf(tx, message, body.referralId);
    const actor = nodeActor(message.from);
    if (body.status === 'revoked') {
      if (r.direction !== 'in' || !['offered', 'accepted'].includes(r.status)) {
        refuse(message, `The referral is ${r.status} here; it cannot be revoked.`);
      }
      await repo.updateReferral(tx, r.id, { status: 'revoked', ...(await this.#reasons.seal(tx, r, body.reason)) });
      // An offer never opened is dropped; an accepted referral's case stays with this node, without more exchanges.
      if (r.status === 'offered') {
        await repo.updateReferral(tx, r.id, { sealed: null });
        await this.dropReceived(tx, r);
      }
      if (r.caseId)
        await this.#cases.recordEvent(tx, r.caseId, actor, 'referral_cross_border_revoked', {
          referralId: r.id,
          from: message.from,
        });
      return this.#record(tx, message, 'referral.cross_border_revoked', r.id);
    }
    if (r.direction !== 'out' || r.status !== 'offered') {
      refuse(message, `The referral is ${r.status} here; it cannot be ${body.status}.`);
    }
    await repo.updateReferral(tx, r.id, {
      status: body.status,
      remoteCaseReference: body.caseReference,
      ...(await this.#reasons.seal(tx, r, body.reason)),
      respondedBy: actor,
      respondedAt: body.at,
    });
    const caseId = r.caseId as string;
    const data = { referralId: r.id, from: message.from, caseReference: body.caseReference, reason: body.reason };
    await this.#cases.recordEvent(tx, caseId, actor, `referral_cross_border_${body.status}`, data);
    if (body.status === 'accepted' && r.kind === 'transfer') {
      // Ownership moved: the case stays here, with its history, and says where it went.
      await this.#cases.recordEvent(tx, caseId, actor, 'referral_cross_border_transferred', {
        referralId: r.id,
        to: message.from,
        caseReference: body.caseReference,
      });
    }
    return this.#record(tx, message, `referral.cross_border_${body.status}`, r.id);
  }

  /** A status note from the other node: kept as it came, encrypted to this node's key. */
  async #update(tx: Queryable, message: Message): Promise<void> {
    const body = message.body as ReferralUpdateMessage;
    const r = await this.#referralOf(tx, message, body.referralId);
    if (!['offered', 'accepted'].includes(r.status)) refuse(message, `The referral is ${r.status}; it takes no notes.`);
    const actor = nodeActor(message.from);
    await repo.insertUpdate(tx, {
      id: body.updateId,
      referralId: r.id,
      node: message.from,
      author: actor,
      at: body.at,
      textSealed: body.sealed,
    });
    if (r.caseId) {
      await this.#cases.recordEvent(tx, r.caseId, actor, 'referral_cross_border_update', {
        referralId: r.id,
        node: message.from,
      });
    }
  }

  /**
   * The survivor withdrew their consent on the sending node: everything received about them is crypto-shredded here
   * (the linked case's identity with its data key, the notes, the sealed parts of the stored messages), and a signed
   * confirmation goes back.
   */
  async #withdraw(tx: Queryable, message: Message): Promise<void> {
    const body = message.body as ReferralWithdrawMessage;
    const r = await this.#referralOf(tx, message, body.referralId);
    if (r.direction !== 'in') refuse(message, 'This node sent that referral.');
    const actor = nodeActor(message.from);
    if (r.caseId) {
      const erased = await this.#survivors.eraseWithin(
        tx,
        r.caseId,
        actor,
        'The survivor withdrew consent on the referring node.',
      );
      if (erased) {
        await this.#survivors.recordDisclosure(tx, {
          personId: erased,
          actor,
          agencyId: r.agencyId,
          kind: 'erasure',
          purpose: `cross_border_${r.purpose}`,
          fields: r.fields,
          recipient: null,
          requestId: null,
          reference: `xb-referral:${r.id}`,
        });
      }
    }
    await repo.eraseUpdates(tx, r.id);
    await this.dropReceived(tx, r);
    const erasedAt = new Date().toISOString();
    await repo.updateReferral(tx, r.id, {
      status: 'erased',
      sealed: null,
      ...(await this.#reasons.seal(tx, r, body.reason)),
      erasedAt,
    });
    await this.#messages.enqueue(
      tx,
      message.from,
      REFERRAL_ERASED,
      { referralId: r.id, erasedAt },
      { conversationId: r.id, replyTo: message.id },
    );
    await this.#record(tx, message, 'referral.cross_border_erase', r.id);
  }

  /** The receiver's signed confirmation that it erased what it received. */
  async #erased(tx: Queryable, message: Message): Promise<void> {
    const body = message.body as ReferralErasedMessage;
    const r = await this.#referralOf(tx, message, body.referralId);
    if (r.direction !== 'out') refuse(message, 'This node did not send that referral.');
    await repo.updateReferral(tx, r.id, { status: 'erased', erasedAt: body.erasedAt });
    // The message itself, kept by the message layer with its signature, is the confirmation the log points to.
    await this.#survivors.recordCaseDisclosure(tx, r.caseId as string, {
      actor: nodeActor(message.from),
      agencyId: r.agencyId,
      kind: 'erasure_confirmed',
      purpose: `cross_border_${r.purpose}`,
      fields: r.fields,
      recipient: `node:${message.from}`,
      requestId: null,
      reference: `xb-referral:${r.id}`,
      confirmation: message.id,
    });
    await this.#cases.recordEvent(tx, r.caseId as string, nodeActor(message.from), 'referral_cross_border_erased', {
      referralId: r.id,
      from: message.from,
      erasedAt: body.erasedAt,
    });
    await this.#record(tx, message, 'referral.cross_border_erased', r.id);
  }

  /** The referral the message is about, locked; refused unless the sender is the other node of it. */
  async #referralOf(tx: Queryable, message: Message, id: string): Promise<repo.XbReferralRow> {
    const r = await repo.findReferral(tx, id, true);
    if (!r || r.peer !== message.from) refuse(message, 'This node holds no such referral with the sender.');
    return r;
  }

  async #record(tx: Queryable, message: Message, action: string, id: string): Promise<void> {
    await this.#audit.record(tx, asNode(message.from), { action, resource: `xb-referral:${id}`, outcome: 'success' });
  }
}
