/**
 * What each action changes on a request, and what it needs: one definition for an action taken on this node and for
 * the other node's update of it, so that both copies record the same dates.
 */

import { endOfDay, executionDue, MAX_EXTENSION_DAYS, mlaClocks } from '../../shared/mla-clocks.ts';
import type { MlaAction, MlaState } from '../../shared/mla-states.ts';
import type { MlaChange, MlaRecord } from './mla.repository.ts';

export interface ActionDetails {
  reason?: string;
  extensionDays?: number;
  postponedUntil?: string;
  /** With acknowledge: when the request arrived at the executing node. */
  receivedAt?: string;
  transferId?: string;
}

const REASON_NEEDED: readonly MlaAction[] = ['refuse', 'extend', 'postpone'];

export interface DetailsProblem {
  /** `mla_already_extended` for a second extension (a conflict), else `invalid_request`. */
  id: 'mla_already_extended' | 'invalid_request';
  message: string;
}

/** Why `details` do not fit `action` on `request`, or null when they do. */
export function detailsProblem(request: MlaRecord, action: MlaAction, details: ActionDetails): DetailsProblem | null {
  const bad = (message: string): DetailsProblem => ({ id: 'invalid_request', message });
  if (REASON_NEEDED.includes(action) && !details.reason?.trim())
    return bad(`Give the reason to ${action} the request.`);
  if (action === 'extend') {
    if (request.extensionDays !== null) {
      return { id: 'mla_already_extended', message: 'The decision period was extended once already: not again.' };
    }
    const days = details.extensionDays;
    if (!Number.isInteger(days) || (days as number) < 1 || (days as number) > MAX_EXTENSION_DAYS) {
      return bad(`An extension is of 1 to ${MAX_EXTENSION_DAYS} days.`);
    }
  }
  if (action === 'postpone') {
    const until = details.postponedUntil ?? '';
    if (!isDay(until)) return bad('Give the date the execution is postponed to (YYYY-MM-DD).');
    const decided = request.decidedAt === null ? null : Date.parse(request.decidedAt);
    if (decided !== null && endOfDay(until) <= executionDue(request, decided)) {
      return bad('A postponement must move the execution due date later than it is now.');
    }
  }
  if (action === 'return_evidence' && !details.transferId) return bad('Name the transfer that returns the evidence.');
  return null;
}

/** Whether `value` is a real calendar date written YYYY-MM-DD. */
export function isDay(value: string): boolean {
  const end = endOfDay(value);
  return Number.isFinite(end) && new Date(end).toISOString().slice(0, 10) === value;
}

/** The columns `action` sets on `request` when it happens at `at`, leading to `state`. */
export function changeFor(
  request: MlaRecord,
  action: MlaAction,
  state: MlaState,
  at: string,
  details: ActionDetails,
): MlaChange {
  const reason = details.reason?.trim() ?? null;
  switch (action) {
    case 'acknowledge':
      return { state, acknowledgedAt: at, ...(details.receivedAt ? { receivedAt: details.receivedAt } : {}) };
    case 'recognise':
      return { state, decidedAt: at, decision: 'recognised' };
    case 'refuse':
      return { state, decidedAt: at, decision: 'refused' };
    case 'extend':
      return { extensionDays: details.extensionDays ?? null, extensionReason: reason, extendedAt: at };
    case 'start_execution':
      return { state, executionStartedAt: at };
    case 'postpone':
      return {
        postponedUntil: details.postponedUntil ?? null,
        postponementReason: reason,
        postponedAt: at,
        ...executionBreachEnded(request, at),
      };
    case 'executed':
      return { state, executedAt: at };
    case 'return_evidence':
      return { state, evidenceReturnedAt: at, evidenceTransferId: details.transferId ?? null };
    case 'close':
      return { state, closedAt: at };
  }
}

/**
 * A postponement granted after the execution's due date passed ends that breach: record the due date and when, since
 * the next postponement replaces the dates the due date is computed from. Only the first breach is kept.
 */
function executionBreachEnded(request: MlaRecord, at: string): MlaChange {
  if (request.executionBreachedDue !== null || request.decidedAt === null) return {};
  const due = executionDue(request, Date.parse(request.decidedAt));
  if (Date.parse(at) <= due) return {};
  return { executionBreachedDue: new Date(due).toISOString(), executionBreachPostponedAt: at };
}

/**
 * The clocks of a request now. The issuing node learns when the request arrived from the acknowledgement; until then
 * its clocks count from when it sent it (delivery takes seconds, and a late one only makes its alerts early).
 */
export function clocksOf(request: MlaRecord, now: Date) {
  return mlaClocks({ ...request, receivedAt: request.receivedAt ?? request.sentAt }, now);
}
