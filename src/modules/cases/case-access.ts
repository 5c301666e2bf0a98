import type { Queryable } from '../../db/client.ts';
import { notFound } from '../../lib/errors.ts';
import type { Action, Actor, Purpose, Resource } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import { teamsOfUser } from '../user-accounts/index.ts';
import type { CasePersons, CaseSharing } from './case-persons.ts';
import { CLOSURE_REASON, openFields } from './case-seal.ts';
import type { CaseRow } from './case-view.ts';
import * as repo from './cases.repository.ts';

/**
 * Who may do what on a case: built once in the composition root and given to every module that acts on cases. The
 * agencies a case was shared with by accepted referrals are care's to answer (CaseSharing), so that cases never reads
 * care's tables.
 */
export class CaseAccess {
  readonly #audit: AuditService;
  readonly #sharing: CaseSharing;
  readonly #persons: CasePersons;

  constructor(audit: AuditService, sharing: CaseSharing, persons: CasePersons) {
    this.#audit = audit;
    this.#sharing = sharing;
    this.#persons = persons;
  }

  /**
   * The case, or a 404; no policy check (the caller checks, or already did). Its sealed fields come opened into
   * `victim`, `details` and `closureReason`, or named in `erasedFields` once the survivor's data key is gone.
   */
  async load(q: Queryable, id: string, forUpdate = false): Promise<CaseRow> {
    const found = await repo.findCase(q, id, forUpdate);
    if (!found) throw notFound('The case');
    if (Object.keys(found.sealed).length === 0) return found;
    const sealer = await this.#persons.dataSealer(q, found.survivorId);
    const { fields, erased } = openFields(sealer, found.id, found.sealed);
    const { [CLOSURE_REASON]: closureReason, ...opened } = fields;
    const victim = { ...found.victim };
    const details = { ...found.details };
    for (const [name, value] of Object.entries(opened)) {
      if (name.startsWith('vic_')) victim[name] = value;
      else details[name] = value;
    }
    return {
      ...found,
      victim,
      details,
      closureReason: typeof closureReason === 'string' ? closureReason : found.closureReason,
      erasedFields: erased.filter((name) => name !== CLOSURE_REASON),
    };
  }

  /**
   * Asks the policy layer about an action on a case. Agencies that received the case by an accepted referral are
   * passed as `sharedWith`; the policy rule says whether that lets them do the action. The case's assigned case
   * worker (`ownerId`) and, for callers whose grants reach a team, her teams decide grants narrower than an agency.
   */
  async authorize(
    q: Queryable,
    ctx: RequestContext,
    action: Action,
    found: CaseRow,
    options: { purpose?: Purpose } = {},
  ): Promise<void> {
    await this.#audit.authorize(ctx, action, {
      resource: await this.resourceOf(q, ctx.actor, found),
      ref: `case:${found.id}`,
      purpose: options.purpose,
    });
  }

  /** What the policy is asked about a case: its agency, the agencies it was shared with, its assignee and her teams. */
  async resourceOf(q: Queryable, actor: Actor, found: CaseRow): Promise<Resource> {
    const sharedWith = await this.#sharing.sharedWith(q, found.id);
    // The assignee's teams matter only to grants that reach a team: others are spared the query.
    const teamReach = actor.kind === 'user' && actor.memberships.some((m) => m.reach === 'team');
    const assignedTeams = teamReach && found.ownerId ? await teamsOfUser(q, found.ownerId) : [];
    return { agencyId: found.agencyId, sharedWith, assignedTo: found.ownerId, assignedTeams };
  }

  /** Reads a case the caller may see, or fails with 404/403 (the refusal is audited). */
  async readable(q: Queryable, ctx: RequestContext, id: string, action: Action = 'case.read'): Promise<CaseRow> {
    const found = await this.load(q, id);
    await this.authorize(q, ctx, action, found);
    return found;
  }
}
