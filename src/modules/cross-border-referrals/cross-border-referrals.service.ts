/**
 * Cross-border referral and transfer of a case (issue #5, docs/federation.md `passage.referral.*`). The sending node
 * picks the fields to send; only those the survivor's cross-border consent covers for the receiver's country (or a
 * recorded override) may go, encrypted to the receiver's key. The receiving node keeps the offer sealed until someone
 * accepts it into one of its agencies: then it opens it into a linked case, under its own keys. A withdrawal of the
 * consent makes the receiver crypto-shred what it received and confirm with a signed message.
 */

import type { KeyObject } from 'node:crypto';
import { ulid } from 'ulid';
import type { Db, Queryable } from '../../db/client.ts';
import { deriveEncryptionKey, type EncryptionJwk, encryptionJwk } from '../../lib/encryption-key.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { consentCovers, uncoveredFields } from '../../shared/consent.ts';
import type { XbDirection, XbStatus } from '../../shared/cross-border.ts';
import { handlingOf } from '../../shared/handling.ts';
import { actorRef, agenciesFor } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import { type CaseAccess, type CaseRow, type CasesService, casesReached } from '../cases/index.ts';
import type { MessageHandlers, MessagesService, PeersService } from '../federation/index.ts';
import type { KeyCustody } from '../key-custody/index.ts';
import type { SurvivorsService } from '../survivors/index.ts';
import { acceptOffer } from './cross-border-referrals.accept.ts';
import { ReferralGuard } from './cross-border-referrals.access.ts';
import { Inbound } from './cross-border-referrals.inbound.ts';
import { REFERRAL_STATUS, REFERRAL_UPDATE, REFERRAL_WITHDRAW } from './cross-border-referrals.messages.ts';
import { checkFields, OPEN, sendOffer } from './cross-border-referrals.offer.ts';
import { actorNamer, type CrossBorderView, presentReferrals } from './cross-border-referrals.presenters.ts';
import * as repo from './cross-border-referrals.repository.ts';
import type { NewCrossBorderReferral } from './cross-border-referrals.schema.ts';
import { ReasonVault } from './reason-vault.ts';
import { openSealed, sealFor } from './sealed-fields.ts';

export interface CrossBorderDeps {
  nodeId: string;
  /** The trust list: a referral goes to an active peer, sealed to its encryption key. */
  peers: PeersService;
  signingKey: KeyObject;
  /** X25519 keys derived from signing keys retired by rotations: what was sealed to them before still opens. */
  formerEncryptionKeys?: readonly KeyObject[];
  /** Who may act on a case: the sender checks it before offering or revoking. */
  access: CaseAccess;
  /** The vault of the status reasons (reason-vault.ts). */
  keyCustody: KeyCustody;
}

export class CrossBorderService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #cases: CasesService;
  readonly #access: CaseAccess;
  readonly #survivors: SurvivorsService;
  readonly #messages: MessagesService;
  readonly #peers: PeersService;
  readonly #inbound: Inbound;
  readonly #reasons: ReasonVault;
  readonly #guard: ReferralGuard;
  readonly #nodeId: string;
  readonly #key: KeyObject;
  readonly #keys: readonly KeyObject[];
  readonly #ownJwk: EncryptionJwk;

  constructor(
    db: Db,
    audit: AuditService,
    cases: CasesService,
    survivors: SurvivorsService,
    messages: MessagesService,
    deps: CrossBorderDeps,
  ) {
    this.#db = db;
    this.#audit = audit;
    this.#cases = cases;
    this.#access = deps.access;
    this.#survivors = survivors;
    this.#messages = messages;
    this.#nodeId = deps.nodeId;
    this.#key = deriveEncryptionKey(deps.signingKey);
    this.#keys = [this.#key, ...(deps.formerEncryptionKeys ?? [])];
    this.#ownJwk = encryptionJwk(this.#key);
    this.#peers = deps.peers;
    this.#reasons = new ReasonVault(deps.keyCustody, async (q, caseId) =>
      survivors.dataSealer(q, (await deps.access.load(q, caseId)).survivorId),
    );
    this.#guard = new ReferralGuard(db, audit, deps.access);
    this.#inbound = new Inbound(messages, survivors, audit, deps.peers, cases, this.#reasons);
    survivors.onConsentChange('sharing_cross_border', (tx, found, actor) => this.#withdrawUncovered(tx, found, actor));
  }

  /** The referral message types this node takes from peers, registered with the message layer in the app's root. */
  messageHandlers(): MessageHandlers {
    return this.#inbound.handlers();
  }

  /** The conversations of a case's referrals, sent or received (no policy check: the messages service makes it). */
  caseConversations(caseId: string): Promise<string[]> {
    return repo.caseConversations(this.#db, caseId);
  }

  /** Sends a referral or transfer of the case to a peer: only fields the survivor's consent covers for its country. */
  async offer(ctx: RequestContext, caseId: string, input: NewCrossBorderReferral): Promise<CrossBorderView> {
    const fields = checkFields(input.fields);
    const found = await this.#access.load(this.#db, caseId);
    await this.#access.authorize(this.#db, ctx, 'referral.offer', found);
    const peer = await this.#peerFor(input.to);
    const deps = {
      db: this.#db,
      audit: this.#audit,
      cases: this.#cases,
      access: this.#access,
      survivors: this.#survivors,
      messages: this.#messages,
    };
    const id = await sendOffer(deps, ctx, {
      caseId,
      peer,
      kind: input.kind,
      purpose: input.purpose,
      fields,
      note: input.note?.trim() || null,
      handling: handlingOf(input),
    });
    return this.#view(await this.#find(id));
  }

  /** The sender withdraws an offer, or ends a referral it keeps; a completed transfer is the receiver's now. */
  async revoke(ctx: RequestContext, id: string, reason: string): Promise<CrossBorderView> {
    const referral = await this.#find(id);
    if (referral.direction !== 'out')
      throw new AppError('not_sender', 409, 'Only the node that sent it revokes a referral.');
    await this.#access.authorize(
      this.#db,
      ctx,
      'referral.offer',
      await this.#access.load(this.#db, referral.caseId as string),
    );
    await this.#db.transaction(async (tx) => {
      const current = (await repo.findReferral(tx, id, true)) as repo.XbReferralRow;
      if (!OPEN.includes(current.status) || (current.kind === 'transfer' && current.status === 'accepted')) {
        throw new AppError(
          'referral_closed',
          409,
          `The ${current.kind} was ${current.status}; there is nothing to revoke.`,
        );
      }
      const actor = actorRef(ctx.actor);
      const at = new Date().toISOString();
      await repo.updateReferral(tx, id, {
        status: 'revoked',
        ...(await this.#reasons.seal(tx, current, reason.trim())),
      });
      await this.#cases.recordEvent(tx, current.caseId as string, actor, 'referral_cross_border_revoked', {
        referralId: id,
        to: current.peer,
        previousStatus: current.status,
      });
      const body = { referralId: id, status: 'revoked', caseReference: null, reason: reason.trim(), at };
      await this.#messages.enqueue(tx, current.peer, REFERRAL_STATUS, body, { conversationId: id });
      await this.#shareEnded(tx, current, actor, ctx.requestId);
      await this.#audit.record(tx, ctx, {
        action: 'referral.cross_border_revoke',
        resource: `xb-referral:${id}`,
        outcome: 'success',
      });
    });
    return this.#view(await this.#find(id));
  }

  /** The receiver takes the offer on into one of its agencies: a linked case, its identity under this node's keys. */
  async accept(ctx: RequestContext, id: string, agencyId: string): Promise<CrossBorderView> {
    const referral = await this.#find(id);
    if (referral.direction !== 'in')
      throw new AppError('not_receiver', 409, 'Only the receiving node accepts a referral.');
    await this.#audit.authorize(ctx, 'referral.respond', { resource: { agencyId }, ref: `xb-referral:${id}` });
    await acceptOffer(
      {
        db: this.#db,
        audit: this.#audit,
        cases: this.#cases,
        access: this.#access,
        messages: this.#messages,
        key: this.#keys,
      },
      ctx,
      referral,
      agencyId,
    );
    return this.#view(await this.#find(id));
  }

  /** The receiver declines an offer: the sealed part it never opened is dropped. */
  async decline(ctx: RequestContext, id: string, reason: string): Promise<CrossBorderView> {
    const referral = await this.#find(id);
    if (referral.direction !== 'in')
      throw new AppError('not_receiver', 409, 'Only the receiving node declines a referral.');
    await this.#guard.inbound(ctx, referral);
    await this.#db.transaction(async (tx) => {
      const current = (await repo.findReferral(tx, id, true)) as repo.XbReferralRow;
      if (current.status !== 'offered') {
        throw new AppError(
          'referral_not_offered',
          409,
          `The referral was ${current.status}; only an offer can be declined.`,
        );
      }
      const at = new Date().toISOString();
      await repo.updateReferral(tx, id, {
        status: 'declined',
        sealed: null,
        ...(await this.#reasons.seal(tx, current, reason.trim())),
        respondedBy: actorRef(ctx.actor),
        respondedAt: at,
      });
      await this.#messages.redactReceived(tx, { peer: current.peer, conversationId: id }, 'sealed');
      const body = { referralId: id, status: 'declined', caseReference: null, reason: reason.trim(), at };
      await this.#messages.enqueue(tx, current.peer, REFERRAL_STATUS, body, { conversationId: id });
      await this.#audit.record(tx, ctx, {
        action: 'referral.cross_border_decline',
        resource: `xb-referral:${id}`,
        outcome: 'success',
      });
    });
    return this.#view(await this.#find(id));
  }

  /** A status note to the other node, encrypted to it; kept here encrypted to this node's own key. */
  async addUpdate(ctx: RequestContext, id: string, text: string): Promise<{ id: string }> {
    const referral = await this.#find(id);
    await this.#guard.write(ctx, referral);
    if (!OPEN.includes(referral.status)) {
      throw new AppError('referral_closed', 409, `The referral was ${referral.status}; it takes no more notes.`);
    }
    const peer = await this.#peerFor(referral.peer, false);
    const updateId = ulid();
    const at = new Date().toISOString();
    const content = { text: text.trim() };
    const forPeer = await sealFor(peer.encryptionKey, id, content);
    const forSelf = await sealFor(this.#ownJwk, id, content);
    await this.#db.transaction(async (tx) => {
      const actor = actorRef(ctx.actor);
      await repo.insertUpdate(tx, {
        id: updateId,
        referralId: id,
        node: this.#nodeId,
        author: actor,
        at,
        textSealed: forSelf,
      });
      if (referral.caseId) {
        await this.#cases.recordEvent(tx, referral.caseId, actor, 'referral_cross_border_update', {
          referralId: id,
          node: this.#nodeId,
        });
      }
      const body = { referralId: id, updateId, at, sealed: forPeer };
      await this.#messages.enqueue(tx, referral.peer, REFERRAL_UPDATE, body, { conversationId: id });
      await this.#audit.record(tx, ctx, {
        action: 'referral.cross_border_update',
        resource: `xb-referral:${id}`,
        outcome: 'success',
      });
    });
    return { id: updateId };
  }

  /** The status notes of a referral, both ways, decrypted; null for those erased. The read is audited. */
  async updates(ctx: RequestContext, id: string) {
    const referral = await this.#find(id);
    await this.#guard.read(ctx, referral);
    const rows = await repo.updates(this.#db, id);
    const name = await actorNamer(this.#db, this.#peers, [
      ...rows.map((u) => u.author),
      ...rows.map((u) => `node:${u.node}`),
    ]);
    const opened = await Promise.all(
      rows.map(async (u) => ({
        id: u.id,
        node: u.node,
        nodeName: name(`node:${u.node}`),
        author: u.author,
        authorName: name(u.author),
        at: u.at,
        // A note that does not open (a peer's fault) shows as null rather than hiding the others.
        text: u.textSealed
          ? await openSealed<{ text: string }>(u.textSealed, this.#keys, id).then(
              (c) => c.text,
              () => null,
            )
          : null,
      })),
    );
    await this.#db.transaction((tx) =>
      this.#audit.record(tx, ctx, {
        action: 'referral.cross_border_read_updates',
        resource: `xb-referral:${id}`,
        outcome: 'success',
      }),
    );
    return opened;
  }

  async get(ctx: RequestContext, id: string): Promise<CrossBorderView> {
    const referral = await this.#find(id);
    await this.#guard.read(ctx, referral);
    await this.#audit.recordRead(ctx, { action: 'referral.cross_border_read', resource: `referral:${referral.id}` });
    return this.#view(referral);
  }

  /** Received (in, the default) or sent (out) referrals the caller may see, newest first. */
  async list(
    ctx: RequestContext,
    filter: { direction?: XbDirection; status?: XbStatus; limit: number; offset: number },
  ): Promise<{ total: number; referrals: CrossBorderView[] }> {
    const direction = filter.direction ?? 'in';
    const action = direction === 'in' ? 'referral.respond' : 'case.read';
    // As far as the caller's grants reach: a grant narrowed to own cases or a team sees what was sent from those
    // cases (issue 14, item 7), and none of what its agency receives, which it cannot answer.
    const reach = await casesReached(this.#db, ctx.actor, action);
    if (reach?.none) await this.#audit.authorize(ctx, action);
    const caseIds = direction === 'out' ? reach?.caseIds : [];
    const found = await repo.listReferrals(this.#db, {
      ...filter,
      direction,
      agencies: reach?.agencies ?? null,
      caseIds,
    });
    await this.#audit.recordRead(ctx, {
      action: 'referral.cross_border_list',
      resources: found.referrals.map((r) => `referral:${r.id}`),
    });
    return { total: found.total, referrals: await this.#views(await this.#opened(found.referrals)) };
  }

  /**
   * The sender's notes of received offers still waiting for an answer, by referral id, for those who answer them: the
   * note is written for the receiver to decide on, under the survivor's consent to this node, so it is opened before
   * acceptance; the identity and the fields stay sealed until then. The read is audited with the ids it opened.
   */
  async offerNotes(ctx: RequestContext, ids: readonly string[]): Promise<Map<string, string | null>> {
    const notes = new Map<string, string | null>();
    if (ids.length === 0 || agenciesFor(ctx.actor, 'referral.respond')?.length === 0) return notes;
    for (const id of ids) {
      const r = await repo.findReferral(this.#db, id);
      if (r?.direction !== 'in' || r.status !== 'offered' || !r.sealed) continue;
      const opened = await openSealed<{ note: string | null }>(r.sealed, this.#keys, id).catch(() => null);
      notes.set(id, opened?.note ?? null);
    }
    if (notes.size > 0) {
      await this.#audit.recordRead(ctx, {
        action: 'referral.cross_border_read_note',
        resources: [...notes.keys()].map((id) => `referral:${id}`),
      });
    }
    return notes;
  }

  /** The cross-border referrals of a case, sent from it or received into it; for its own agency. */
  async ofCase(ctx: RequestContext, caseId: string): Promise<CrossBorderView[]> {
    const found = await this.#access.load(this.#db, caseId);
    await this.#audit.authorize(ctx, 'case.read', { resource: { agencyId: found.agencyId }, ref: `case:${caseId}` });
    const { referrals } = await repo.listReferrals(this.#db, { caseId, limit: 200, offset: 0 });
    await this.#audit.recordRead(ctx, {
      action: 'referral.cross_border_list',
      resource: `case:${caseId}`,
      resources: referrals.map((r) => `referral:${r.id}`),
    });
    return this.#views(await this.#opened(referrals));
  }

  /**
   * In the transaction that changed the survivor's cross-border consent: every open referral of the case that it no
   * longer covers (the country, or a field) is withdrawn, and the receiver is told to erase what it received.
   */
  async #withdrawUncovered(tx: Queryable, found: CaseRow, actor: string): Promise<void> {
    const consents = await this.#survivors.consentsWithin(tx, found.survivorId);
    const { referrals } = await repo.listReferrals(tx, { caseId: found.id, direction: 'out', limit: 200, offset: 0 });
    for (const r of referrals.filter((r) => OPEN.includes(r.status))) {
      const coverage = consentCovers(consents, 'sharing_cross_border', { country: r.peerCountry, use: r.purpose });
      if (coverage.covered && uncoveredFields(consents, coverage, r.fields).length === 0) continue;
      const reason = 'The survivor withdrew consent to sharing their case across borders.';
      await repo.updateReferral(tx, r.id, { status: 'withdrawn', ...(await this.#reasons.seal(tx, r, reason)) });
      await this.#cases.recordEvent(tx, found.id, actor, 'referral_cross_border_withdrawn', {
        referralId: r.id,
        to: r.peer,
      });
      await this.#shareEnded(tx, r, actor, null);
      await this.#messages.enqueue(
        tx,
        r.peer,
        REFERRAL_WITHDRAW,
        { referralId: r.id, reason },
        { conversationId: r.id },
      );
    }
  }

  /** The survivor's disclosure log records that a share sent to a peer was withdrawn (revoked, or consent ended). */
  async #shareEnded(tx: Queryable, r: repo.XbReferralRow, actor: string, requestId: string | null): Promise<void> {
    await this.#survivors.recordCaseDisclosure(tx, r.caseId as string, {
      actor,
      agencyId: r.agencyId,
      kind: 'withdrawal',
      purpose: `cross_border_${r.purpose}`,
      fields: r.fields,
      recipient: `node:${r.peer}`,
      requestId,
      reference: `xb-referral:${r.id}`,
    });
  }

  /** The referrals as the API shows them, their actors named (presenters.ts). */
  #views = (rows: repo.XbReferralRow[]) => presentReferrals(this.#db, this.#peers, rows);
  #view = async (row: repo.XbReferralRow) => (await this.#views([row]))[0] as CrossBorderView;

  async #find(id: string): Promise<repo.XbReferralRow> {
    const found = await repo.findReferral(this.#db, id);
    if (!found) throw notFound('The cross-border referral');
    return this.#reasons.open(this.#db, found);
  }

  #opened(rows: repo.XbReferralRow[]): Promise<repo.XbReferralRow[]> {
    return Promise.all(rows.map((r) => this.#reasons.open(this.#db, r)));
  }

  /** The nodes a case came from and the handling codes it came under (no policy check: for the care module's rule). */
  async receivedUnder(q: Queryable, caseId: string): Promise<{ peer: string; handlingCode: string }[]> {
    return (await repo.receivedInto(q, caseId)).map(({ peer, handlingCode }) => ({ peer, handlingCode }));
  }

  /** Seals the status reasons a wave 1 node kept in clear (the upgrade step, src/app/seal-at-rest.ts). */
  sealClearText(tx: Queryable): Promise<number> {
    return this.#reasons.sealClearText(tx);
  }

  /** A peer to send to, with the key to encrypt to. */
  async #peerFor(nodeId: string, sending = true) {
    if (sending && nodeId === this.#nodeId) throw new AppError('peer_unknown', 400, 'A referral goes to another node.');
    const peer = await this.#peers.recipient(this.#db, nodeId);
    if (!peer.encryptionKey) {
      throw new AppError(
        'peer_encryption_key_missing',
        409,
        `${nodeId} was added before nodes published an encryption key: nothing personal can be sent to it. ` +
          'Remove the peer and add it again (its node must run a version that publishes one).',
      );
    }
    return { nodeId: peer.nodeId, country: peer.country, encryptionKey: peer.encryptionKey };
  }
}
