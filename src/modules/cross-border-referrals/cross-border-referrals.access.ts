import type { Db } from '../../db/client.ts';
import { agenciesFor, type Resource } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { CaseAccess } from '../cases/index.ts';
import type * as repo from './cross-border-referrals.repository.ts';

/** Who may read and act on a cross-border referral, asked of the policy with the agency and the case it concerns. */
export class ReferralGuard {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #access: CaseAccess;

  constructor(db: Db, audit: AuditService, access: CaseAccess) {
    this.#db = db;
    this.#audit = audit;
    this.#access = access;
  }

  /** Sent: the case's own agency. Received: the agency it was accepted into or, while pending, any responder. */
  async read(ctx: RequestContext, r: repo.XbReferralRow): Promise<void> {
    if (r.direction === 'out') {
      await this.#audit.authorize(ctx, 'case.read', { resource: await this.#sent(ctx, r), ref: `xb-referral:${r.id}` });
    } else await this.inbound(ctx, r);
  }

  async write(ctx: RequestContext, r: repo.XbReferralRow): Promise<void> {
    if (r.direction === 'out') {
      await this.#audit.authorize(ctx, 'case.update', {
        resource: await this.#sent(ctx, r),
        ref: `xb-referral:${r.id}`,
      });
    } else await this.inbound(ctx, r);
  }

  /**
   * What the policy is asked about a sent referral: the sending agency, and the case's assignee and her teams, which
   * decide grants narrowed to own cases or a team (issue 14, item 7); not the agencies the case was shared with in
   * the country, which have no say in what was sent abroad.
   */
  async #sent(ctx: RequestContext, r: repo.XbReferralRow): Promise<Resource> {
    const found = r.caseId ? await this.#access.load(this.#db, r.caseId) : null;
    const assigned = found ? await this.#access.resourceOf(this.#db, ctx.actor, found) : {};
    return { ...assigned, agencyId: r.agencyId, sharedWith: [] };
  }

  async inbound(ctx: RequestContext, r: repo.XbReferralRow): Promise<void> {
    const ref = `xb-referral:${r.id}`;
    if (r.agencyId) {
      await this.#audit.authorize(ctx, 'referral.respond', { resource: { agencyId: r.agencyId }, ref });
    } else if (agenciesFor(ctx.actor, 'referral.respond')?.length === 0) {
      await this.#audit.authorize(ctx, 'referral.respond', { ref });
    }
  }
}
