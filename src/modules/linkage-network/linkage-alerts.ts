/**
 * Linkage alerts on this node's cases: a re-trafficking alert (the survivor's record matched another owner's) or a
 * shared-perpetrator alert (a perpetrator's record or phone did). An alert names the group, the score, the schema
 * version and the other node's pseudonymous reference, never a name; the case's agency confirms or dismisses it with
 * a reason, and follows a confirmed one up through a cross-border referral or an MLA request quoting that reference.
 * The reason may name a person: it is sealed under the data key of the case's survivor, bound to the alert, so that
 * erasing her identity erases it (docs/data-at-rest.md).
 */

import type { Db, Queryable } from '../../db/client.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { actorRef, can } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import { type CaseAccess, caseIdsOf, caseReferences, casesReached, type DataSealer } from '../cases/index.ts';
import * as repo from './linkage-network.repository.ts';
import type { AlertStatus, LinkageAlert } from './linkage-network.schema.ts';

const REASON = 'linkage_alert_reason';

/** The sealer of the data of a case's survivor. */
export type CaseSealer = (q: Queryable, caseId: string) => Promise<DataSealer>;

export class LinkageAlerts {
  readonly #sealerOf: CaseSealer;
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #access: CaseAccess;
  readonly #now: () => Date;

  constructor(db: Db, audit: AuditService, access: CaseAccess, now: () => Date, sealerOf: CaseSealer) {
    this.#sealerOf = sealerOf;
    this.#db = db;
    this.#audit = audit;
    this.#access = access;
    this.#now = now;
  }

  /** The alerts on cases of the caller's agencies, newest first. */
  async list(ctx: RequestContext, filter: { status?: AlertStatus } = {}): Promise<LinkageAlert[]> {
    const decision = can(ctx.actor, 'linkage.alert_read', {});
    if (!decision.allowed && decision.reason === 'role') await this.#audit.authorize(ctx, 'linkage.alert_read');
    return this.#db.transaction(async (tx) => {
      // As far as the caller's grants reach: her agencies' cases, or those assigned to her or her team (issue 14).
      const reach = await casesReached(tx, ctx.actor, 'linkage.alert_read');
      const caseIds = reach && [...(await caseIdsOf(tx, reach.agencies)), ...reach.caseIds];
      const alerts = await this.#shown(tx, await repo.listAlerts(tx, { caseIds, status: filter.status }));
      const resources = alerts.map((a) => `alert:${a.id}`);
      await this.#audit.record(tx, ctx, { action: 'linkage.alert_read', resources, outcome: 'success' });
      return alerts;
    });
  }

  /** The alerts on one case, for those who work it. */
  async forCase(ctx: RequestContext, caseId: string): Promise<LinkageAlert[]> {
    const found = await this.#access.load(this.#db, caseId);
    await this.#access.authorize(this.#db, ctx, 'linkage.alert_read', found);
    return this.#db.transaction(async (tx) => {
      await this.#audit.record(tx, ctx, {
        action: 'linkage.alert_read',
        resource: `case:${caseId}`,
        outcome: 'success',
      });
      return this.#shown(tx, await repo.listAlerts(tx, { caseIds: null, caseId }));
    });
  }

  /** One alert, for those who may read the alerts of its case. */
  async get(ctx: RequestContext, alertId: string): Promise<LinkageAlert> {
    const alert = await this.#find(alertId);
    if (!alert) throw notFound('The linkage alert');
    const found = await this.#access.load(this.#db, alert.caseId);
    await this.#access.authorize(this.#db, ctx, 'linkage.alert_read', found);
    await this.#db.transaction((tx) =>
      this.#audit.record(tx, ctx, {
        action: 'linkage.alert_read',
        resource: `case:${alert.caseId}`,
        outcome: 'success',
      }),
    );
    return alert;
  }

  /** Confirms or dismisses an open alert, with the reason, on behalf of the case's agency. */
  async decide(
    ctx: RequestContext,
    alertId: string,
    status: 'confirmed' | 'dismissed',
    reason: string,
  ): Promise<LinkageAlert> {
    const why = reason.trim();
    if (why.length < 3) throw new AppError('invalid_request', 400, 'Say why (reason).');
    const alert = await repo.findAlert(this.#db, alertId);
    if (!alert) throw notFound('The linkage alert');
    const found = await this.#access.load(this.#db, alert.caseId);
    await this.#access.authorize(this.#db, ctx, 'linkage.alert_decide', found);
    await this.#db.transaction(async (tx) => {
      const locked = await repo.findAlert(tx, alertId, true);
      if (locked?.status !== 'open') {
        throw new AppError('linkage_alert_decided', 409, `The alert was ${locked?.status} already.`);
      }
      const by = actorRef(ctx.actor);
      const reasonSealed = await this.#seal(tx, alert.caseId, alertId, why);
      await repo.decideAlert(tx, alertId, { status, reasonSealed, by, at: this.#now().toISOString() });
      await this.#audit.record(tx, ctx, {
        action: status === 'confirmed' ? 'linkage.alert_confirm' : 'linkage.alert_dismiss',
        resource: `case:${alert.caseId}`,
        outcome: 'success',
      });
    });
    return (await this.#find(alertId)) as LinkageAlert;
  }

  /** The alerts with their reasons opened and the reference of their case, which the cases module gives. */
  async #shown(q: Queryable, alerts: repo.StoredAlert[]): Promise<LinkageAlert[]> {
    const references = await caseReferences(q, [...new Set(alerts.map((a) => a.caseId))]);
    const shown: LinkageAlert[] = [];
    for (const { reasonSealed, ...a } of alerts) {
      const reason = reasonSealed ? (await this.#sealerOf(q, a.caseId)).open(a.id, REASON, reasonSealed) : a.reason;
      shown.push({ ...a, reason, caseReference: references.get(a.caseId) as string });
    }
    return shown;
  }

  /**
   * Seals the decision reasons a wave 1 node kept in clear (the upgrade step, in its transaction); those of a survivor
   * whose identity was erased are dropped. Returns how many there were.
   */
  async sealClearText(tx: Queryable): Promise<number> {
    const rows = await repo.alertsWithClearReason(tx);
    for (const r of rows) await repo.sealAlertReason(tx, r.id, await this.#seal(tx, r.caseId, r.id, r.reason));
    return rows.length;
  }

  /** Null once the survivor's identity was erased: there is no key left to seal it under. */
  async #seal(q: Queryable, caseId: string, alertId: string, reason: string): Promise<string | null> {
    const sealer = await this.#sealerOf(q, caseId);
    return sealer.erased ? null : sealer.seal(alertId, REASON, reason);
  }

  async #find(alertId: string): Promise<LinkageAlert | null> {
    const alert = await repo.findAlert(this.#db, alertId);
    return alert && ((await this.#shown(this.#db, [alert]))[0] as LinkageAlert);
  }
}
