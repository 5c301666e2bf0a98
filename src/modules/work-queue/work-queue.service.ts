/**
 * The signed-in user's work queue: what waits for her across the modules her roles reach, composed from their faces
 * (this module owns no table). Each part is asked only when her roles could have something there, so that the queue
 * records no refusal for what is simply not her work; each module checks its own policy and records its own read, and
 * the queue records one read of what it found itself (the cases, risk reassessments and MLA clocks it shows).
 */
import type { Db } from '../../db/client.ts';
import { type Action, type Actor, agenciesFor, can, RULES, reachFor } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import { type ReferralsService, reassessmentsDue } from '../care/index.ts';
import { caseReferences, type OpenCase, openCases } from '../cases/index.ts';
import type { CrossBorderService } from '../cross-border-referrals/index.ts';
import type { PeersService } from '../federation/index.ts';
import type { LinkageService } from '../linkage-network/index.ts';
import type { MlaService } from '../mla/index.ts';
import { agencyName, membersOfTeams, teamsOfUser } from '../user-accounts/index.ts';
import { WORK_KINDS, type WorkItem, type WorkKind, type WorkQueue } from './work-queue.schema.ts';

export interface WorkQueueDependencies {
  referrals: ReferralsService;
  crossBorder: CrossBorderService;
  mla: MlaService;
  linkage: LinkageService;
  peers: PeersService;
}

/** How far ahead a deadline or a reassessment counts as "due soon". */
const DUE_WITHIN_DAYS = 3;
/** The most items of one kind a queue shows; the counts say how many there are. */
const PER_KIND = 50;

const holdsRole = (actor: Actor, action: Action) =>
  actor.kind === 'user' && actor.memberships.some((m) => (RULES[action].roles as readonly string[]).includes(m.role));
/** Whether the actor can do `action` somewhere: a node-wide grant, or on some agency's resources. */
const reaches = (actor: Actor, action: Action) => holdsRole(actor, action) && agenciesFor(actor, action)?.length !== 0;
const blank = { caseId: null, caseReference: null, from: null, purpose: null, detail: null, receivedAt: null };

export class WorkQueueService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #deps: WorkQueueDependencies;
  readonly #now: () => Date;

  constructor(db: Db, audit: AuditService, deps: WorkQueueDependencies, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#audit = audit;
    this.#deps = deps;
    this.#now = now;
  }

  async queue(ctx: RequestContext): Promise<WorkQueue> {
    const { actor } = ctx;
    const now = this.#now();
    const parts: Record<WorkKind, () => Promise<WorkItem[]>> = {
      referral: () => this.#referrals(ctx),
      cross_border_referral: () => this.#crossBorder(ctx),
      mla_deadline: () => this.#mlaDeadlines(ctx, now),
      linkage_alert: () => this.#linkageAlerts(ctx),
      risk_reassessment: () => this.#reassessments(ctx, now),
      my_case: () => this.#myCases(ctx),
    };
    const allowed: Record<WorkKind, boolean> = {
      referral: reaches(actor, 'referral.respond'),
      cross_border_referral: reaches(actor, 'referral.respond'),
      mla_deadline: can(actor, 'mla.read').allowed,
      linkage_alert: reaches(actor, 'linkage.alert_read'),
      risk_reassessment: reaches(actor, 'risk.assess'),
      my_case: holdsRole(actor, 'case.read'),
    };
    const kinds = WORK_KINDS.filter((kind) => allowed[kind]);
    const found: WorkItem[][] = [];
    for (const kind of kinds) found.push(await parts[kind]());
    const counts = Object.fromEntries(WORK_KINDS.map((kind) => [kind, 0])) as Record<WorkKind, number>;
    for (const items of found) for (const item of items) counts[item.kind] += 1;
    const items = found.flatMap((list) => list.slice(0, PER_KIND));
    const own = items.filter((i) => ['mla_deadline', 'risk_reassessment', 'my_case'].includes(i.kind));
    if (own.length > 0) {
      await this.#audit.recordRead(ctx, {
        action: 'work_queue.read',
        resources: [...new Set(own.map((i) => (i.kind === 'mla_deadline' ? `mla:${i.id}` : `case:${i.caseId}`)))],
      });
    }
    return { items, counts, kinds };
  }

  /** In-country referrals offered to her agencies, waiting for their answer. */
  async #referrals(ctx: RequestContext): Promise<WorkItem[]> {
    const page = await this.#deps.referrals.referrals(ctx, {
      direction: 'incoming',
      status: 'offered',
      limit: 200,
      offset: 0,
    });
    const names = new Map<string, string>();
    for (const id of new Set(page.referrals.map((r) => r.fromAgencyId))) {
      names.set(id, (await agencyName(this.#db, id)) ?? id);
    }
    return page.referrals.map((r) => {
      const from = names.get(r.fromAgencyId) ?? r.fromAgencyId;
      return {
        ...blank,
        kind: 'referral',
        id: r.id,
        title: `Answer the referral of case ${r.caseReference} from ${from}`,
        link: `/#referral-${r.id}`,
        caseId: r.caseId,
        caseReference: r.caseReference,
        from,
        purpose: r.purpose,
        receivedAt: r.offeredAt,
        due: null,
        overdue: false,
        reason: r.reason,
      };
    });
  }

  /** Referrals from other countries' nodes, waiting for an agency of this node to take them. */
  async #crossBorder(ctx: RequestContext): Promise<WorkItem[]> {
    const { crossBorder, peers } = this.#deps;
    const page = await crossBorder.list(ctx, { direction: 'in', status: 'offered', limit: 200, offset: 0 });
    const notes = await crossBorder.offerNotes(
      ctx,
      page.referrals.map((r) => r.id),
    );
    const items: WorkItem[] = [];
    for (const r of page.referrals) {
      const from = (await peers.find(r.peer))?.name ?? r.peer;
      const reference = r.remoteCaseReference;
      items.push({
        ...blank,
        kind: 'cross_border_referral',
        id: r.id,
        title: `Answer the ${r.kind} of case ${reference ?? r.id} from ${from} (${r.peerCountry})`,
        link: `/cooperation/referrals/${encodeURIComponent(r.id)}`,
        caseReference: reference,
        from,
        purpose: r.purpose,
        detail: r.kind,
        receivedAt: r.offeredAt,
        due: null,
        overdue: false,
        reason: notes.get(r.id) ?? null,
      });
    }
    return items;
  }

  /** The clocks of MLA requests that are due within the deadlines' warning period, or late. */
  async #mlaDeadlines(ctx: RequestContext, now: Date): Promise<WorkItem[]> {
    const alerts = await this.#deps.mla.alerts(ctx, now);
    const items: WorkItem[] = [];
    for (const alert of alerts) {
      const { clock } = alert;
      if (clock.state !== 'approaching' && clock.state !== 'breached') continue;
      const from = (await this.#deps.peers.find(alert.peer))?.name ?? alert.peer;
      const toward = alert.side === 'issuing' ? 'to' : 'from';
      items.push({
        ...blank,
        kind: 'mla_deadline',
        id: alert.requestId,
        title: `The ${clock.name} of the MLA request ${toward} ${from} is ${clock.state === 'breached' ? 'late' : 'due'}`,
        link: `/cooperation/mla/${encodeURIComponent(alert.requestId)}`,
        from,
        detail: `${alert.side}:${clock.name}`,
        due: clock.due,
        overdue: clock.state === 'breached',
      });
    }
    return items;
  }

  /** Linkage alerts on her agencies' cases that nobody has confirmed or dismissed yet. */
  async #linkageAlerts(ctx: RequestContext): Promise<WorkItem[]> {
    const alerts = await this.#deps.linkage.alerts.list(ctx, { status: 'open' });
    return alerts.map((a) => ({
      ...blank,
      kind: 'linkage_alert',
      id: a.id,
      title: `Decide the linkage alert on case ${a.caseReference}`,
      link: `/linkage/alerts/${encodeURIComponent(a.id)}`,
      caseId: a.caseId,
      caseReference: a.caseReference,
      from: a.otherNode,
      detail: a.kind,
      receivedAt: a.createdAt,
      due: null,
      overdue: false,
    }));
  }

  /** Risk assessments of open cases she may assess that are due again soon or overdue. */
  async #reassessments(ctx: RequestContext, now: Date): Promise<WorkItem[]> {
    const cases = await this.#casesWithin(ctx.actor, 'risk.assess');
    const due = await reassessmentsDue(
      this.#db,
      cases.map((c) => c.id),
      now,
      DUE_WITHIN_DAYS,
    );
    const references = await caseReferences(
      this.#db,
      due.map((d) => d.caseId),
    );
    return due.map((d) => {
      const reference = references.get(d.caseId) ?? d.caseId;
      return {
        ...blank,
        kind: 'risk_reassessment',
        id: d.caseId,
        title: `Assess the risk of case ${reference} again (last: ${d.level})`,
        link: `/cases/${encodeURIComponent(d.caseId)}`,
        caseId: d.caseId,
        caseReference: reference,
        detail: d.level,
        due: d.due,
        overdue: Date.parse(d.due) < now.getTime(),
      };
    });
  }

  /** Her own open cases (assigned to her), each with the stage it waits in. */
  async #myCases(ctx: RequestContext): Promise<WorkItem[]> {
    if (ctx.actor.kind !== 'user') return [];
    const { actor } = ctx;
    const mine = (await openCases(this.#db, { owners: [actor.userId] })).filter(
      (c) => can(actor, 'case.read', { agencyId: c.agencyId, assignedTo: c.ownerId }).allowed,
    );
    return mine.map((c) => ({
      ...blank,
      kind: 'my_case',
      id: c.id,
      title: c.closureRequested
        ? `Case ${c.reference}: closure requested`
        : `Case ${c.reference}: next step from the ${c.stage} stage`,
      link: `/cases/${encodeURIComponent(c.id)}`,
      caseId: c.id,
      caseReference: c.reference,
      detail: c.closureRequested ? 'closure_requested' : c.stage,
      receivedAt: c.stageSince,
      due: null,
      overdue: false,
    }));
  }

  /** The open cases the actor may do `action` on: the agencies she reaches whole, her team's, and her own. */
  async #casesWithin(actor: Actor, action: Action): Promise<OpenCase[]> {
    if (actor.kind !== 'user') return [];
    const reach = reachFor(actor, action);
    if (reach === null) return openCases(this.#db, { agencies: null });
    const whole = reach.agencies.length > 0 ? await openCases(this.#db, { agencies: reach.agencies }) : [];
    const owners = new Set([actor.userId]);
    const teams = reach.teams.map((t) => t.teamId);
    if (teams.length > 0) for (const id of await membersOfTeams(this.#db, teams)) owners.add(id);
    const narrow = reach.own.length > 0 ? await openCases(this.#db, { owners: [...owners] }) : [];
    const seen = new Set(whole.map((c) => c.id));
    // A narrow grant reaches only its own agency's cases: the policy decides each one.
    const more: OpenCase[] = [];
    for (const c of narrow) {
      if (seen.has(c.id)) continue;
      const assignedTeams = c.ownerId ? await teamsOfUser(this.#db, c.ownerId) : [];
      if (can(actor, action, { agencyId: c.agencyId, assignedTo: c.ownerId, assignedTeams }).allowed) more.push(c);
    }
    return [...whole, ...more];
  }
}
