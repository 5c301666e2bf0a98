/**
 * Mutual legal assistance requests between nodes (docs/mla.md): the issuing node drafts and sends a structured
 * request, the executing node acknowledges, decides, executes and returns the evidence, and each change travels to the
 * other node as a signed message written in the change's transaction. Both nodes compute the statutory clocks from the
 * same recorded dates and raise the same alerts.
 */
import { ulid } from 'ulid';
import type { Db, Queryable } from '../../db/client.ts';
import { AppError, invalid, notFound } from '../../lib/errors.ts';
import { handlingOf } from '../../shared/handling.ts';
import { alerting, endOfDay } from '../../shared/mla-clocks.ts';
import { type MlaAction, type MlaState, nextState, type Side } from '../../shared/mla-states.ts';
import { actorRef, type Purpose } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import { type CaseAccess, caseReferences } from '../cases/index.ts';
import type { MessageHandlers, MessagesService, PeersService } from '../federation/index.ts';
import type { KeyCustody } from '../key-custody/index.ts';
import { peopleNames } from '../user-accounts/index.ts';
import { MLA_REQUEST, MLA_UPDATE, mlaMessageHandlers } from './mla.inbound.ts';
import {
  ACTION_PAST,
  blankDates,
  type MlaView,
  type NamedHistoryEntry,
  peerOf,
  present,
  wrongState,
} from './mla.presenters.ts';
import * as repo from './mla.repository.ts';
import type { MlaChanges, NewMlaRequest } from './mla.schema.ts';
import { type ActionDetails, changeFor, clocksOf, detailsProblem, isDay } from './mla-changes.ts';
import { MlaVault } from './mla-vault.ts';

/** Evidence transfers between nodes (exchange module): how the executing node returns the evidence. */
export interface EvidenceTransfers {
  send(
    ctx: RequestContext,
    input: { to: string; itemIds: string[]; context: { kind: 'mla'; ref: string } },
    within?: (tx: Queryable, transferId: string) => Promise<void>,
  ): Promise<{ transferId: string }>;
}

export interface MlaOptions {
  nodeId: string;
  /** The trust list: a request goes to an active peer. */
  peers: PeersService;
  /** Gives the vault in which what the requests say about people is sealed. */
  keyCustody: KeyCustody;
  /** Who may read a case: a request names only a case its author may read. */
  access: CaseAccess;
  /** Looked up when evidence is returned: the exchange module may be built after this one. */
  transfers?: () => EvidenceTransfers | undefined;
  /** The time the clocks are read at, by default the system's. */
  now?: () => Date;
}

export class MlaService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #access: CaseAccess;
  readonly #messages: MessagesService;
  readonly #vault: MlaVault;
  readonly #peers: PeersService;
  readonly #nodeId: string;
  readonly #transfers: () => EvidenceTransfers | undefined;
  readonly #now: () => Date;

  constructor(db: Db, audit: AuditService, messages: MessagesService, options: MlaOptions) {
    this.#db = db;
    this.#audit = audit;
    this.#access = options.access;
    this.#messages = messages;
    this.#vault = new MlaVault(options.keyCustody);
    this.#nodeId = options.nodeId;
    this.#transfers = options.transfers ?? (() => undefined);
    this.#now = options.now ?? (() => new Date());
    this.#peers = options.peers;
  }

  /** The MLA message types this node takes from peers, registered with the message layer in the composition root. */
  messageHandlers(): MessageHandlers {
    return mlaMessageHandlers({ nodeId: this.#nodeId, vault: this.#vault, audit: this.#audit, now: this.#now });
  }

  /** The conversations of the MLA requests a case issued (no policy check: the messages service makes it). */
  caseConversations(caseId: string): Promise<string[]> {
    return repo.caseConversations(this.#db, caseId);
  }

  /** A draft on the issuing side; nothing leaves the node until it is sent. */
  async create(ctx: RequestContext, input: NewMlaRequest): Promise<MlaView> {
    await this.#audit.authorize(ctx, 'mla.manage');
    this.#checkInput(input);
    if (input.caseId) await this.#access.readable(this.#db, ctx, input.caseId);
    const id = ulid();
    await this.#db.transaction(async (tx) => {
      await this.#checkPeer(tx, input.executingNode);
      const sealed = await this.#vault.seal(tx, id, input.persons, input.offence.summary);
      const actor = actorRef(ctx.actor);
      await repo.insertRequest(tx, {
        ...blankDates(),
        id,
        side: 'issuing',
        state: 'draft',
        issuingNode: this.#nodeId,
        executingNode: input.executingNode,
        caseId: input.caseId ?? null,
        urgent: input.urgent ?? false,
        requestedDeadline: input.requestedDeadline ?? null,
        ...handlingOf(input),
        issuingAuthority: input.issuingAuthority,
        executingAuthority: input.executingAuthority,
        ...(await this.#vault.sealDetails(tx, id, input.measures, input.offence.legalClassification)),
        ...sealed,
        createdBy: actor,
      });
      await repo.appendHistory(tx, id, { action: 'create', state: 'draft', at: this.#stamp(), actor, reason: null });
      await this.#audit.record(tx, ctx, { action: 'mla.create', resource: `mla:${id}`, outcome: 'success' });
    });
    return this.#view(id);
  }

  /** Changes a draft (issuing side only); what is given replaces what was there. */
  async update(ctx: RequestContext, id: string, changes: MlaChanges): Promise<MlaView> {
    await this.#audit.authorize(ctx, 'mla.manage', { ref: `mla:${id}` });
    this.#checkInput(changes);
    if (changes.caseId) await this.#access.readable(this.#db, ctx, changes.caseId);
    await this.#db.transaction(async (tx) => {
      const request = await this.#load(tx, id);
      if (request.side !== 'issuing' || request.state !== 'draft') throw wrongState(request, 'changed');
      if (changes.executingNode) await this.#checkPeer(tx, changes.executingNode);
      const change: repo.MlaChange = {};
      if (changes.executingNode !== undefined) change.executingNode = changes.executingNode;
      if (changes.caseId !== undefined) change.caseId = changes.caseId;
      if (changes.urgent !== undefined) change.urgent = changes.urgent;
      if (changes.requestedDeadline !== undefined) change.requestedDeadline = changes.requestedDeadline;
      if (changes.issuingAuthority) change.issuingAuthority = changes.issuingAuthority;
      if (changes.executingAuthority) change.executingAuthority = changes.executingAuthority;
      if (changes.handlingCode !== undefined) change.handlingCode = changes.handlingCode;
      if (changes.sourceReliability !== undefined) change.sourceReliability = changes.sourceReliability;
      if (changes.informationAccuracy !== undefined) change.informationAccuracy = changes.informationAccuracy;
      if (changes.measures || changes.offence) {
        const measures = changes.measures ?? (await this.#vault.measures(tx, request));
        const classification = changes.offence?.legalClassification ?? (await this.#vault.classification(tx, request));
        Object.assign(change, await this.#vault.sealDetails(tx, id, measures, classification));
      }
      if (changes.persons || changes.offence) {
        const current = await this.#vault.open(tx, request);
        const sealed = await this.#vault.seal(
          tx,
          id,
          changes.persons ?? current.persons,
          changes.offence?.summary ?? current.factsSummary,
        );
        Object.assign(change, sealed);
      }
      await repo.updateRequest(tx, id, change);
      await this.#audit.record(tx, ctx, { action: 'mla.update', resource: `mla:${id}`, outcome: 'success' });
    });
    return this.#view(id);
  }

  /** Sends the draft to the executing node as `passage.mla.request`, in the transaction that marks it sent. */
  async send(ctx: RequestContext, id: string): Promise<MlaView> {
    await this.#audit.authorize(ctx, 'mla.manage', { ref: `mla:${id}` });
    await this.#db.transaction(async (tx) => {
      const request = await this.#load(tx, id);
      if (request.side !== 'issuing' || request.state !== 'draft') throw wrongState(request, 'sent');
      await this.#checkPeer(tx, request.executingNode);
      const sentAt = this.#stamp();
      const { persons, factsSummary } = await this.#vault.open(tx, request);
      await repo.updateRequest(tx, id, { state: 'sent', sentAt });
      await this.#log(tx, ctx, request, 'send', 'sent', sentAt, null);
      await this.#messages.enqueue(
        tx,
        request.executingNode,
        MLA_REQUEST,
        {
          requestId: id,
          sentAt,
          urgent: request.urgent,
          requestedDeadline: request.requestedDeadline,
          issuingAuthority: request.issuingAuthority,
          executingAuthority: request.executingAuthority,
          handlingCode: request.handlingCode,
          sourceReliability: request.sourceReliability,
          informationAccuracy: request.informationAccuracy,
          measures: await this.#vault.measures(tx, request),
          persons,
          offence: { legalClassification: await this.#vault.classification(tx, request), summary: factsSummary },
        },
        { conversationId: id },
      );
    });
    return this.#view(id);
  }

  /** Takes one step of the procedure on this node and tells the other node (`passage.mla.update`). */
  async act(ctx: RequestContext, id: string, action: MlaAction, details: ActionDetails = {}): Promise<MlaView> {
    if (action === 'return_evidence') throw invalid('Evidence is returned with its items: use returnEvidence.');
    await this.#audit.authorize(ctx, 'mla.manage', { ref: `mla:${id}` });
    await this.#db.transaction(async (tx) => this.#step(tx, ctx, await this.#load(tx, id), action, details));
    return this.#view(id);
  }

  /**
   * Returns the evidence (executing side) as a custody transfer to the issuing node; the request becomes
   * evidence_returned in the transfer's own transaction, so that neither happens without the other.
   */
  async returnEvidence(ctx: RequestContext, id: string, itemIds: string[]): Promise<MlaView> {
    await this.#audit.authorize(ctx, 'mla.manage', { ref: `mla:${id}` });
    const request = await this.#load(this.#db, id, false);
    if (!nextState('return_evidence', request.side, request.state)) throw wrongState(request, 'given its evidence');
    const transfers = this.#transfers();
    if (!transfers) {
      throw new AppError('transfers_unavailable', 503, 'This node cannot transfer evidence to another node yet.');
    }
    await transfers.send(
      ctx,
      { to: request.issuingNode, itemIds, context: { kind: 'mla', ref: id } },
      async (tx, transferId) => {
        await this.#step(tx, ctx, await this.#load(tx, id), 'return_evidence', { transferId });
      },
    );
    return this.#view(id);
  }

  /** The requests on this node with their clocks, newest first; without the persons concerned. */
  async list(
    ctx: RequestContext,
    filter: { side?: Side; state?: MlaState; limit?: number; offset?: number } = {},
    now = this.#now(),
  ): Promise<{ total: number; requests: MlaView[] }> {
    await this.#audit.authorize(ctx, 'mla.read');
    const page = await repo.listRequests(this.#db, {
      ...filter,
      limit: Math.min(filter.limit ?? 50, 200),
      offset: filter.offset ?? 0,
    });
    await this.#audit.recordRead(ctx, { action: 'mla.list', resources: page.requests.map((r) => `mla:${r.id}`) });
    const requests: MlaView[] = [];
    const references = await caseReferences(
      this.#db,
      page.requests.flatMap((r) => r.caseId ?? []),
    );
    for (const r of page.requests) {
      const opened = await this.#vault.openReasons(this.#db, r);
      const reference = r.caseId ? (references.get(r.caseId) ?? null) : null;
      requests.push(present(opened, now, await this.#vault.classification(this.#db, r), reference));
    }
    return { total: page.total, requests };
  }

  /**
   * One request with its clocks and history, a read recorded in the audit trail. With a purpose, also the persons
   * concerned and the summary of facts: a read of personal data, recorded with its purpose.
   */
  async get(ctx: RequestContext, id: string, purpose?: Purpose, now = this.#now()): Promise<MlaView> {
    const ref = `mla:${id}`;
    await this.#audit.authorize(ctx, 'mla.read', { ref });
    if (purpose) await this.#audit.authorize(ctx, 'mla.read_persons', { ref, purpose });
    const request = await this.#load(this.#db, id, false);
    const shown = await this.#view(id, now, request);
    if (!purpose) {
      await this.#audit.recordRead(ctx, { action: 'mla.read', resource: ref });
      return shown;
    }
    // The measures' descriptions may name persons too: they are shown only with the persons, for a purpose.
    const opened = await this.#db.transaction(async (tx) => {
      await this.#audit.record(tx, ctx, { action: 'mla.read_persons', resource: ref, purpose, outcome: 'success' });
      return { ...(await this.#vault.open(tx, request)), measures: await this.#vault.measures(tx, request) };
    });
    return { ...shown, ...opened };
  }

  /**
   * A request as the answer to a change shows it, without a read record (the change has its own) and without
   * what it says about people.
   */
  async #view(id: string, now = this.#now(), loaded?: repo.MlaRecord): Promise<MlaView> {
    const request = loaded ?? (await this.#load(this.#db, id, false));
    const history = await this.#named(await this.#vault.openHistory(this.#db, id, await repo.history(this.#db, id)));
    const withReasons = await this.#vault.openReasons(this.#db, request);
    const reference = request.caseId ? (await caseReferences(this.#db, [request.caseId])).get(request.caseId) : null;
    const classification = await this.#vault.classification(this.#db, request);
    return { ...present(withReasons, now, classification, reference ?? null), history };
  }

  /** Who took each step, by name (issue 15): this node's people with an agency, the other node by its name. */
  async #named(entries: repo.HistoryEntry[]): Promise<NamedHistoryEntry[]> {
    const userId = (actor: string) => (actor.startsWith('user:') ? actor.slice('user:'.length) : null);
    const people = await peopleNames(
      this.#db,
      entries.flatMap((e) => userId(e.actor) ?? []),
    );
    const named: NamedHistoryEntry[] = [];
    for (const entry of entries) {
      const person = people.get(userId(entry.actor) ?? '');
      const peer = entry.actor.startsWith('node:') ? await this.#peers.find(entry.actor.slice('node:'.length)) : null;
      named.push({ ...entry, actorName: person?.name ?? peer?.name ?? null, actorAgency: person?.agency ?? null });
    }
    return named;
  }

  /**
   * Seals the measures' descriptions and legal classifications a wave 1 node kept in clear (the upgrade step,
   * src/app/seal-at-rest.ts, in its transaction). Returns how many requests changed; a second run finds none.
   */
  async sealClearText(tx: Queryable): Promise<number> {
    const requests = await repo.requestsWithClearText(tx);
    for (const r of requests) {
      const sealed = await this.#vault.sealDetails(tx, r.id, r.measures, r.legalClassification ?? '');
      await repo.updateRequest(tx, r.id, sealed);
    }
    // The extension, postponement and history reasons (migration 0019).
    const withReasons = await repo.requestsWithClearReasons(tx);
    for (const r of withReasons) {
      const change = { extensionReason: r.extensionReason, postponementReason: r.postponementReason };
      await repo.updateRequest(tx, r.id, await this.#vault.sealReasons(tx, r.id, change));
    }
    const entries = await repo.historyWithClearReasons(tx);
    for (const e of entries) {
      await repo.sealHistoryReason(
        tx,
        e.requestId,
        e.seq,
        await this.#vault.sealHistoryReason(tx, e.requestId, e.reason),
      );
    }
    return requests.length + withReasons.length + entries.length;
  }

  /** The clocks of this node's requests that are approaching their due date or past it, most urgent first. */
  async alerts(ctx: RequestContext, now = this.#now()) {
    await this.#audit.authorize(ctx, 'mla.read');
    const requests = await repo.openRequests(this.#db);
    return requests
      .flatMap((r) =>
        alerting(clocksOf(r, now)).map((clock) => ({
          requestId: r.id,
          side: r.side,
          peer: peerOf(r),
          state: r.state,
          urgent: r.urgent,
          clock,
        })),
      )
      .sort((a, b) => a.clock.due.localeCompare(b.clock.due));
  }

  async #step(tx: Queryable, ctx: RequestContext, request: repo.MlaRecord, action: MlaAction, details: ActionDetails) {
    const next = nextState(action, request.side, request.state);
    if (!next) throw wrongState(request, ACTION_PAST[action]);
    const problem = detailsProblem(request, action, details);
    if (problem) throw new AppError(problem.id, problem.id === 'invalid_request' ? 400 : 409, problem.message);
    const at = this.#stamp();
    // The executing node tells the issuing node when the request reached it, which the issuer's clocks count from.
    const extra = action === 'acknowledge' ? { receivedAt: request.receivedAt ?? undefined } : {};
    const change = changeFor(request, action, next, at, details);
    await repo.updateRequest(tx, request.id, await this.#vault.sealReasons(tx, request.id, change));
    await this.#log(tx, ctx, request, action, next, at, details.reason?.trim() ?? null);
    await this.#messages.enqueue(
      tx,
      peerOf(request),
      MLA_UPDATE,
      {
        requestId: request.id,
        action,
        state: next,
        at,
        ...(details.reason ? { reason: details.reason.trim() } : {}),
        ...(details.extensionDays ? { extensionDays: details.extensionDays } : {}),
        ...(details.postponedUntil ? { postponedUntil: details.postponedUntil } : {}),
        ...(details.transferId ? { transferId: details.transferId } : {}),
        ...extra,
      },
      { conversationId: request.id },
    );
  }

  async #log(
    tx: Queryable,
    ctx: RequestContext,
    request: repo.MlaRecord,
    action: string,
    state: MlaState,
    at: string,
    reason: string | null,
  ) {
    const entry = { action, state, at, actor: actorRef(ctx.actor), reason };
    await repo.appendHistory(tx, request.id, await this.#vault.sealHistory(tx, request.id, entry));
    await this.#audit.record(tx, ctx, { action: `mla.${action}`, resource: `mla:${request.id}`, outcome: 'success' });
  }

  /** In a transaction, the request is locked until it commits. */
  async #load(q: Queryable, id: string, forUpdate = true): Promise<repo.MlaRecord> {
    const found = await repo.findRequest(q, id, forUpdate);
    if (!found) throw notFound('The MLA request');
    return found;
  }

  async #checkPeer(q: Queryable, nodeId: string): Promise<void> {
    if (nodeId === this.#nodeId) throw invalid('A request goes to another node (executingNode), not to this one.');
    await this.#peers.recipient(q, nodeId);
  }

  #checkInput(input: { requestedDeadline?: string | null }): void {
    const deadline = input.requestedDeadline;
    if (deadline && !isDay(deadline)) throw invalid('The requested deadline is not a date (YYYY-MM-DD).');
    if (deadline && endOfDay(deadline) < this.#now().getTime()) throw invalid('The requested deadline has passed.');
  }

  #stamp(): string {
    return this.#now().toISOString();
  }
}
