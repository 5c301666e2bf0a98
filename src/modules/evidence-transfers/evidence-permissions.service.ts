/**
 * Handling codes that travel (docs/federation.md): an item received from another node keeps the provider's handling
 * code, which binds this node. H2 (no dissemination): not sent on to another node, nor put in an evidence package.
 * H1 (no judicial use): not put in an evidence package for court. Either, unless the provider grants permission:
 * a request goes to the provider as a message, and its decision comes back as one.
 */
import { ulid } from 'ulid';
import type { Db, Queryable } from '../../db/client.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { needsPermission } from '../../shared/evidence.ts';
import { actorRef, agenciesFor } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import { type CaseAccess, caseIdsOf } from '../cases/index.ts';
import { evidenceItems } from '../evidence/index.ts';
import type { MessagesService } from '../federation/index.ts';
import { PERMISSION_DECISION, PERMISSION_REQUEST } from './evidence-transfers.inbound.ts';
import * as repo from './evidence-transfers.repository.ts';
import type { PermissionPurpose } from './evidence-transfers.schema.ts';
import { DECISION_REASON, type ExchangeReasons, REQUEST_REASON } from './reason-vault.ts';

export type PermissionView = Omit<
  repo.PermissionRecord,
  'requestedBy' | 'decidedBy' | 'reasonSealed' | 'decisionReasonSealed'
>;

const present = ({
  requestedBy: _r,
  decidedBy: _d,
  reasonSealed: _s,
  decisionReasonSealed: _ds,
  ...view
}: repo.PermissionRecord): PermissionView => view;

export class EvidencePermissions {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #access: CaseAccess;
  readonly #messages: MessagesService;
  readonly #reasons: ExchangeReasons;

  constructor(db: Db, audit: AuditService, access: CaseAccess, messages: MessagesService, reasons: ExchangeReasons) {
    this.#reasons = reasons;
    this.#db = db;
    this.#audit = audit;
    this.#access = access;
    this.#messages = messages;
  }

  /**
   * Refuses (403, and audited) when any of `itemIds`, or the received item it is a working copy of, came from another
   * node with a handling code that rules out `purpose` and its provider has not granted permission for it.
   */
  async assertAllowed(ctx: RequestContext, itemIds: readonly string[], purpose: PermissionPurpose): Promise<void> {
    const origins = [...(await originsOf(this.#db, itemIds)).entries()].filter(([, o]) =>
      needsPermission(o.handlingCode, purpose),
    );
    if (origins.length === 0) return;
    const granted = await repo.grantedFor(
      this.#db,
      origins.map(([, o]) => o.itemId),
      purpose,
    );
    const barred = origins.filter(([, o]) => !granted.has(o.itemId));
    if (barred.length === 0) return;
    const action = purpose === 'court' ? 'evidence.export' : 'evidence.transfer';
    await this.#audit.recordDenied(ctx, action, `evidence:${barred[0]?.[0]}`);
    const items = barred.map(([id, o]) => ({ id, handlingCode: o.handlingCode, provider: o.fromNode }));
    if (barred.some(([, o]) => o.handlingCode === 'H2')) {
      throw new AppError(
        'handling_no_forwarding',
        403,
        'An item was shared with this node under handling code H2: it may not be passed on without the permission ' +
          'of the node that provided it. Ask the provider for permission first.',
        { items },
      );
    }
    throw new AppError(
      'handling_permission_required',
      403,
      'An item was shared with this node under handling code H1: it may not be used in court without the ' +
        'permission of the node that provided it. Ask the provider for permission first.',
      { items },
    );
  }

  /** Asks the provider of a received item (or of the item a working copy was made from) for permission. */
  async request(
    ctx: RequestContext,
    itemId: string,
    input: { purpose: PermissionPurpose; reason: string },
  ): Promise<PermissionView> {
    const item = await this.#authorizedItem(ctx, itemId);
    const origin = (await originsOf(this.#db, [item.id])).get(item.id);
    if (!origin) {
      throw new AppError('evidence_not_received', 409, 'This item was not received from another node.');
    }
    if (!needsPermission(origin.handlingCode, input.purpose)) {
      throw new AppError(
        'permission_not_needed',
        409,
        `The provider's handling code ${origin.handlingCode} allows this without permission.`,
      );
    }
    const id = ulid();
    await this.#db.transaction(async (tx) => {
      await repo.insertPermission(tx, {
        id,
        direction: 'out',
        peer: origin.fromNode,
        itemId: origin.itemId,
        originalId: origin.originalId,
        purpose: input.purpose,
        reasonSealed: await this.#reasons.seal(tx, id, REQUEST_REASON, input.reason),
        requestedBy: actorRef(ctx.actor),
      });
      await this.#messages.enqueue(tx, origin.fromNode, PERMISSION_REQUEST, {
        requestId: id,
        itemRef: { node: origin.fromNode, id: origin.originalId },
        purpose: input.purpose,
        reason: input.reason,
      });
      await this.#audit.record(tx, ctx, {
        action: 'evidence.permission_request',
        resource: `evidence:${origin.itemId}`,
        outcome: 'success',
      });
    });
    return this.#get(this.#db, id);
  }

  /** Requests made here and of this node, about items of cases the caller's agencies hold; newest first. */
  async list(
    ctx: RequestContext,
    filter: { direction?: repo.Direction; status?: string } = {},
  ): Promise<PermissionView[]> {
    const agencies = agenciesFor(ctx.actor, 'evidence.permission');
    // Without the role in any agency, the refusal is asked of the policy layer, which records it.
    if (agencies?.length === 0) await this.#audit.authorize(ctx, 'evidence.permission');
    const itemIds = agencies && (await evidenceItems.itemIdsOfCases(this.#db, await caseIdsOf(this.#db, agencies)));
    const rows = await repo.listPermissions(this.#db, { ...filter, itemIds });
    const permissions = (await Promise.all(rows.map((p) => this.#reasons.permission(this.#db, p)))).map(present);
    await this.#audit.recordRead(ctx, {
      action: 'evidence.permission_list',
      resources: permissions.map((p) => `permission:${p.id}`),
    });
    return permissions;
  }

  /** The provider's decision on a request about one of its items; the answer goes back to the requester. */
  async decide(
    ctx: RequestContext,
    requestId: string,
    input: { granted: boolean; reason: string },
  ): Promise<PermissionView> {
    const request = await repo.findPermission(this.#db, requestId);
    if (request?.direction !== 'in') throw notFound('The permission request');
    await this.#authorizedItem(ctx, request.itemId);
    await this.#db.transaction(async (tx) => {
      const locked = await repo.findPermission(tx, requestId, true);
      if (locked?.status !== 'pending') {
        throw new AppError('permission_decided', 409, `The request was already ${locked?.status}.`);
      }
      const reasonSealed = await this.#reasons.seal(tx, requestId, DECISION_REASON, input.reason);
      await repo.decidePermission(tx, requestId, { granted: input.granted, reasonSealed, by: actorRef(ctx.actor) });
      await this.#messages.enqueue(tx, request.peer, PERMISSION_DECISION, { requestId, ...input });
      await this.#audit.record(tx, ctx, {
        action: input.granted ? 'evidence.permission_grant' : 'evidence.permission_refuse',
        resource: `evidence:${request.itemId}`,
        outcome: 'success',
      });
    });
    return this.#get(this.#db, requestId);
  }

  async #authorizedItem(ctx: RequestContext, itemId: string) {
    const item = await evidenceItems.findItem(this.#db, itemId);
    if (!item) throw notFound('The evidence item');
    await this.#access.authorize(this.#db, ctx, 'evidence.permission', await this.#access.load(this.#db, item.caseId));
    return item;
  }

  async #get(q: Queryable, id: string): Promise<PermissionView> {
    return present(await this.#reasons.permission(q, (await repo.findPermission(q, id)) as repo.PermissionRecord));
  }
}

/**
 * The origin of each of `itemIds` that came from another node, directly or as a working copy (of a copy …) of a
 * received item: keyed by the item asked about, with the received item's origin.
 */
async function originsOf(q: Queryable, itemIds: readonly string[]): Promise<Map<string, repo.Origin>> {
  const chain = await evidenceItems.lineage(q, itemIds);
  const origins = await repo.originsOfItems(q, [...new Set(chain.map((link) => link.id))]);
  const found = new Map<string, repo.Origin>();
  for (const { asked, id } of chain) {
    const origin = origins.get(id);
    if (origin) found.set(asked, origin);
  }
  return found;
}
