import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AuditService, Denial, DenialLimiter, RequestContext } from '../modules/audit/index.ts';
import { actorRef } from '../shared/policy.ts';

/**
 * Refusals that no policy decision records (a missing CSRF token, a dead or replayed session, an id that is not
 * here) go to the audit trail through this limiter, so that a flood of bad requests cannot drown the trail or slow
 * the node with one hash-chained insert each. Per kind of refusal and source, at most `perWindow` records are
 * written in a window; the rest are counted, and the count is written as one summary record (`omitted`) when the
 * window has ended: on the source's next refusal of that kind, at the next sweep, or when the node stops. So every
 * refusal is either in the trail or counted in it.
 *
 * The source is the signed-in user when there is one, otherwise the client address. The address is only a key in
 * memory: the trail keeps no address (the request id of each record leads to the node's log, which has it).
 *
 * The policy's own refusals (`audit.authorize`) come through here too, as the `DenialLimiter` of the audit service:
 * a signed-in user refused a thousand times leaves `perWindow` records and a count, not a thousand records.
 */
export interface RefusalLimits {
  /** Records written one by one per kind and source in a window. */
  perWindow: number;
  windowMs: number;
  /** Sources tracked at once; beyond, new sources share one window per kind, so memory stays bounded. */
  maxSources: number;
  now: () => number;
}

export const DEFAULT_REFUSAL_LIMITS: RefusalLimits = {
  perWindow: 30,
  windowMs: 60_000,
  maxSources: 10_000,
  now: () => Date.now(),
};

export interface Refusal {
  action: string;
  resource?: string | null;
  resources?: readonly string[];
  purpose?: string | null;
}

interface Window {
  start: number;
  recorded: number;
  omitted: number;
  action: string;
  /** Who the summary names: the refused actor (anonymous before sign-in), without a request of its own. */
  ctx: RequestContext;
}

const OVERFLOW = '*';

export class RefusalAudit implements DenialLimiter {
  readonly #audit: AuditService;
  readonly #limits: RefusalLimits;
  readonly #windows = new Map<string, Window>();
  /** Requests whose policy refusal was counted, not recorded: their answer is not recorded again as a refusal. */
  readonly #counted = new Set<string>();
  #sweeper: NodeJS.Timeout | undefined;

  constructor(audit: AuditService, limits: Partial<RefusalLimits> = {}) {
    this.#audit = audit;
    this.#limits = { ...DEFAULT_REFUSAL_LIMITS, ...limits };
  }

  /** Sweeps ended windows every window length (unref: it never keeps the process alive). */
  start(): void {
    this.#sweeper ??= setInterval(() => void this.sweep().catch(() => {}), this.#limits.windowMs).unref();
  }

  /** A refusal by the policy: its source is the actor (the console operator's are few, and limited all the same). */
  async denied(ctx: RequestContext, denial: Denial): Promise<void> {
    const recorded = await this.refused(ctx, actorRef(ctx.actor), denial);
    if (recorded || !ctx.requestId) return;
    // Bounded like the windows: the oldest request ids go first (an answer normally takes its id out at once).
    if (this.#counted.size >= this.#limits.maxSources) this.#counted.delete(this.#counted.values().next().value ?? '');
    this.#counted.add(ctx.requestId);
  }

  /** Whether the policy refusal of this request was counted in a summary (and forgets it: asked once per answer). */
  counted(requestId: string): boolean {
    return this.#counted.delete(requestId);
  }

  /** Records a refusal of `ctx`'s request from `source`, or counts it when its window is full; true if recorded. */
  async refused(ctx: RequestContext, source: string, refusal: Refusal): Promise<boolean> {
    const now = this.#limits.now();
    let key = `${refusal.action}\n${actorRef(ctx.actor) === 'anonymous' ? source : actorRef(ctx.actor)}`;
    const current = this.#windows.get(key);
    if (current && now - current.start >= this.#limits.windowMs) await this.#close(key, current);
    if (!this.#windows.has(key) && this.#windows.size >= this.#limits.maxSources)
      key = `${refusal.action}\n${OVERFLOW}`;
    let window = this.#windows.get(key);
    if (!window) {
      window = {
        start: now,
        recorded: 0,
        omitted: 0,
        action: refusal.action,
        ctx: { actor: ctx.actor, requestId: null },
      };
      this.#windows.set(key, window);
    }
    if (window.recorded >= this.#limits.perWindow) {
      window.omitted++;
      return false;
    }
    window.recorded++;
    await this.#audit.recordRefusal(ctx, refusal);
    return true;
  }

  /** Writes the summaries of the windows that have ended, and forgets them. */
  async sweep(): Promise<void> {
    const now = this.#limits.now();
    for (const [key, window] of [...this.#windows]) {
      if (now - window.start >= this.#limits.windowMs) await this.#close(key, window);
    }
  }

  /** Writes the summaries of every window, ended or not: what was counted is not lost when the node stops. */
  async close(): Promise<void> {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#counted.clear();
    for (const [key, window] of [...this.#windows]) await this.#close(key, window);
  }

  async #close(key: string, window: Window): Promise<void> {
    // Forgotten before the insert, so that a concurrent refusal starts a new window instead of summarising this twice.
    if (this.#windows.get(key) === window) this.#windows.delete(key);
    if (window.omitted === 0) return;
    await this.#audit.recordRefusal(window.ctx, { action: window.action, omitted: window.omitted });
  }
}

/**
 * A short fingerprint of a session token, to tell replays of one cookie from another in the trail. Domain-separated
 * from the session table's token hash, so it cannot be matched against a live session, and cut to 48 bits: the token
 * is 256 random bits, so nothing of it can be recovered, and the cookie itself is never recorded.
 */
export function sessionFingerprint(token: string): string {
  return createHash('sha256').update(`passage.audit.session\0${token}`).digest('hex').slice(0, 12);
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;

/**
 * The ids a refused request asked for, from its path parameters: only values shaped like Passage's ids (ULIDs), so
 * that a name typed into a URL never reaches the trail.
 */
export function requestedIds(request: FastifyRequest): string[] {
  const params = (request.params ?? {}) as Record<string, unknown>;
  return Object.values(params).filter((v): v is string => typeof v === 'string' && ULID.test(v));
}
