import type { Db, Queryable } from '../../db/client.ts';
import { type ChainBreak, checkLink, EMPTY_CHAIN } from '../../lib/hash-chain.ts';
import { type Action, type Actor, actorRef, assertCan, type Purpose, type Resource } from '../../shared/policy.ts';
import { allAudit, appendAudit, listAudit, toChained } from './audit.repository.ts';
import type { AuditEntry, AuditFilter, AuditRecord } from './audit-records.ts';

export interface RequestContext {
  actor: Actor;
  requestId: string | null;
}

/** A read as a service records it: what was done, why, and which records it showed. */
export interface ReadEntry {
  action: string;
  resource?: string | null;
  resources?: readonly string[];
  purpose?: string | null;
}

/** Ids hold no space (the hash joins them with one) and stay short: they name records, they never describe them. */
function checkIds(ids: readonly string[]): void {
  for (const id of ids) {
    if (!/^[\w.:@-]{1,200}$/.test(id)) throw new Error('An audit record names records by their ids only.');
  }
}

/** A policy refusal as the limiter of refusals takes it (src/app/refusal-audit.ts). */
export interface Denial {
  action: string;
  resource?: string | null;
  purpose?: string | null;
}

/**
 * Records a policy refusal, or counts it in a summary when its actor has had many of that kind lately, so that a
 * signed-in user cannot flood the trail with refused requests (issue 14, item 4).
 */
export interface DenialLimiter {
  denied(ctx: RequestContext, denial: Denial): Promise<void>;
}

export interface VerifyResult {
  ok: boolean;
  records: number;
  headHash: string;
  firstBroken: (ChainBreak & { record: AuditRecord }) | null;
}

export class AuditService {
  readonly #db: Db;
  #denials: DenialLimiter | null = null;
  constructor(db: Db) {
    this.#db = db;
  }

  /** Sends policy refusals through `limiter` from now on (until `unlimitDenials`: each recorded one by one). */
  limitDenials(limiter: DenialLimiter): void {
    this.#denials = limiter;
  }

  /** Stops sending refusals through `limiter`, if it is still the one (another app on these services may have its own). */
  unlimitDenials(limiter: DenialLimiter): void {
    if (this.#denials === limiter) this.#denials = null;
  }

  /** Records what `ctx.actor` did. Pass the transaction of the change so both commit together. */
  record(q: Queryable, ctx: RequestContext, entry: Omit<AuditEntry, 'actor' | 'requestId'>): Promise<AuditRecord> {
    return appendAudit(q, { ...entry, actor: actorRef(ctx.actor), requestId: ctx.requestId });
  }

  /**
   * Records a refused attempt on its own (the change it guarded did not happen), through the limiter of refusals
   * when there is one: a flood of them is counted in a summary record.
   */
  async recordDenied(ctx: RequestContext, action: string, resource?: string, purpose?: string): Promise<void> {
    if (this.#denials) return this.#denials.denied(ctx, { action, resource, purpose });
    await this.recordRefusal(ctx, { action, resource, purpose });
  }

  /**
   * Records a read of protected data after the policy allowed it: one record per request, which for a list names
   * every record it showed in `resources` (ids such as `case:<id>`, never contents). One insert, whatever the length.
   */
  recordRead(ctx: RequestContext, read: ReadEntry): Promise<AuditRecord> {
    checkIds(read.resources ?? []);
    return this.#db.transaction((tx) => this.record(tx, ctx, { ...read, outcome: 'success' }));
  }

  /**
   * Records a refusal that no policy decision recorded (a missing CSRF token, a dead session, an id that is not
   * here), or a summary of `omitted` more of them. The caller limits how many it records: see src/app/refusal-audit.ts.
   */
  recordRefusal(
    ctx: RequestContext,
    refusal: {
      action: string;
      resource?: string | null;
      resources?: readonly string[];
      purpose?: string | null;
      omitted?: number;
    },
  ): Promise<AuditRecord> {
    checkIds(refusal.resources ?? []);
    return this.#db.transaction((tx) => this.record(tx, ctx, { ...refusal, outcome: 'denied' }));
  }

  /** Whether a refusal of this request is in the trail already (the policy layer records the ones it decides). */
  async refusalRecorded(requestId: string): Promise<boolean> {
    const found = await listAudit(this.#db, { requestId, outcome: 'denied', limit: 1 });
    return found.length > 0;
  }

  async query(
    ctx: RequestContext,
    filter: Omit<AuditFilter, 'requestId'>,
    purpose: Purpose | undefined,
  ): Promise<AuditRecord[]> {
    await this.authorize(ctx, 'audit.read', { purpose });
    return this.#db.transaction(async (tx) => {
      await this.record(tx, ctx, { action: 'audit.read', purpose, outcome: 'success' });
      return listAudit(tx, filter);
    });
  }

  /**
   * The records that match `filter`, read without a policy decision and without recording the read: for the node's
   * own checks (tests of what was recorded), never on behalf of a person, who goes through `query`.
   */
  records(filter: AuditFilter): Promise<AuditRecord[]> {
    return listAudit(this.#db, filter);
  }

  async verify(ctx: RequestContext): Promise<VerifyResult> {
    await this.authorize(ctx, 'audit.verify');
    const result = await verifyChain(this.#db);
    await this.#db.transaction((tx) =>
      this.record(tx, ctx, { action: 'audit.verify', outcome: result.ok ? 'success' : 'failure' }),
    );
    return result;
  }

  /** Asks the policy layer; a refusal is itself recorded before the error reaches the caller. */
  async authorize(
    ctx: RequestContext,
    action: Action,
    options: { resource?: Resource; ref?: string; purpose?: Purpose } = {},
  ): Promise<void> {
    try {
      assertCan(ctx.actor, action, options.resource, options.purpose);
    } catch (error) {
      await this.recordDenied(ctx, action, options.ref, options.purpose);
      throw error;
    }
  }
}

export async function verifyChain(db: Queryable): Promise<VerifyResult> {
  let records = 0;
  let head = EMPTY_CHAIN;
  for await (const record of allAudit(db)) {
    const reason = checkLink(head, toChained(record));
    if (reason) return { ok: false, records, headHash: head.hash, firstBroken: { seq: record.seq, reason, record } };
    head = { seq: record.seq, hash: record.hash };
    records++;
  }
  return { ok: true, records, headHash: head.hash, firstBroken: null };
}
