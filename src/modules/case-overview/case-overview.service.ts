/**
 * The case page in one request (issue 15): the case, its stages, the sticky summary and the names of the people who
 * acted on it. It is a composition of other modules' faces and reads no table of its own. Each part is asked of the
 * module that owns it only when the caller's roles allow that read (the same rule the module checks), so a part she
 * may not see is left out instead of answering 403 or recording a refusal; each part read is audited by its module.
 */
import type { Db } from '../../db/client.ts';
import { type Action, can, type Resource } from '../../shared/policy.ts';
import type { RequestContext } from '../audit/index.ts';
import type { CareService, ReferralsService } from '../care/index.ts';
import { actorsOfCase, type CaseAccess, type CasesService } from '../cases/index.ts';
import type { CrossBorderService } from '../cross-border-referrals/index.ts';
import type { EvidenceService } from '../evidence/index.ts';
import type { PeersService } from '../federation/index.ts';
import type { SurvivorsService } from '../survivors/index.ts';
import { agencyName, peopleNames } from '../user-accounts/index.ts';
import type { CaseOverview, CaseOverviewPerson } from './case-overview.schema.ts';

export interface OverviewSources {
  access: CaseAccess;
  cases: CasesService;
  care: CareService;
  referrals: ReferralsService;
  survivors: SurvivorsService;
  evidence: EvidenceService;
  crossBorder: CrossBorderService;
  peers: PeersService;
}

const OPEN_REFERRAL = ['offered', 'accepted'];

export class CaseOverviewService {
  readonly #db: Db;
  readonly #sources: OverviewSources;

  constructor(db: Db, sources: OverviewSources) {
    this.#db = db;
    this.#sources = sources;
  }

  async overview(ctx: RequestContext, caseId: string): Promise<CaseOverview> {
    const { access, cases, care, referrals, survivors, evidence, crossBorder } = this.#sources;
    // The case itself decides: 404 or 403 (audited) when the caller may not read it, and a read recorded when she may.
    const found = await cases.get(ctx, caseId);
    const row = await access.load(this.#db, caseId);
    const resource = await access.resourceOf(this.#db, ctx.actor, row);
    const allowed = (action: Action, on: Resource = resource) => can(ctx.actor, action, on).allowed;
    const mine = ctx.actor.kind === 'user' ? ctx.actor.memberships : [];
    const ownAgency = mine.some((m) => m.agencyId === null || m.agencyId === found.agencyId);

    const summary: CaseOverview['summary'] = {
      stage: found.stage,
      stageSince: found.stageSince,
      nextDeadline: await cases.nextDeadline(caseId),
    };
    const actors = new Set<string>(await actorsOfCase(this.#db, caseId));
    // The assigned case worker is named in the summary even before she has acted on the case.
    if (found.ownerId) actors.add(`user:${found.ownerId}`);
    // The risk assessments are read by those who give care (`care.read`): a safety plan can say where she is.
    if (allowed('care.read')) {
      const [latest] = await care.riskHistory(ctx, caseId);
      summary.riskLevel = latest?.level ?? null;
      if (latest) actors.add(latest.assessedBy);
    }
    if (allowed('consent.read')) {
      const standing = (await survivors.consents(ctx, caseId)).filter((c) => c.withdrawnAt === null);
      const newest = new Map<string, (typeof standing)[number]>();
      for (const c of standing) if ((newest.get(c.purpose)?.recordedAt ?? '') < c.recordedAt) newest.set(c.purpose, c);
      summary.consents = [...newest.values()].map(({ purpose, decision, recordedAt }) => ({
        purpose,
        decision,
        recordedAt,
      }));
      for (const c of standing) actors.add(c.recordedBy);
    }
    const open: NonNullable<CaseOverview['summary']['openReferrals']> = {};
    if (allowed('case.read')) {
      const list = await referrals.caseReferrals(ctx, caseId);
      open.inCountry = list.filter((r) => OPEN_REFERRAL.includes(r.status)).length;
      for (const r of list) actors.add(r.offeredBy);
    }
    // Cross-border referrals are the holding agency's: the module asks case.read on the case's agency alone.
    if (allowed('case.read', { agencyId: found.agencyId })) {
      const list = await crossBorder.ofCase(ctx, caseId);
      open.crossBorder = list.filter((r) => OPEN_REFERRAL.includes(r.status)).length;
    }
    if (Object.keys(open).length > 0) summary.openReferrals = open;
    if (allowed('evidence.read')) summary.evidenceCount = (await evidence.list(ctx, caseId)).length;

    return {
      case: found,
      stages: allowed('case.read') ? await cases.stages(ctx, caseId) : [],
      summary,
      access: {
        via: ownAgency ? 'agency' : 'referral',
        ownerAgency: (await agencyName(this.#db, found.agencyId)) ?? found.agencyId,
      },
      people: await this.#names([...actors]),
    };
  }

  /** Names for actor references: this node's users by name and agency, peers by their node's name. */
  async #names(actors: string[]): Promise<Record<string, CaseOverviewPerson>> {
    const people: Record<string, CaseOverviewPerson> = {};
    const userIds = actors.filter((a) => a.startsWith('user:')).map((a) => a.slice('user:'.length));
    for (const [id, person] of await peopleNames(this.#db, userIds)) {
      people[`user:${id}`] = { name: person.name, agency: person.agency, kind: 'user' };
    }
    for (const actor of actors.filter((a) => a.startsWith('node:'))) {
      const peer = await this.#sources.peers.find(actor.slice('node:'.length));
      if (peer) people[actor] = { name: peer.name, agency: null, kind: 'node' };
    }
    for (const actor of actors.filter((a) => a.startsWith('operator:'))) {
      people[actor] = { name: actor.slice('operator:'.length), agency: null, kind: 'operator' };
    }
    return people;
  }
}
