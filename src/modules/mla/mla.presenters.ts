/** How the API shows an MLA request: the view without what it says about people, and the service's shared phrasing. */
import { AppError } from '../../lib/errors.ts';
import type { MlaAction } from '../../shared/mla-states.ts';
import type * as repo from './mla.repository.ts';
import { clocksOf } from './mla-changes.ts';
import type { PersonConcerned } from './mla-vault.ts';

export interface MlaView
  extends Omit<
    repo.MlaRecord,
    'personsSealed' | 'factsSealed' | 'measuresSealed' | 'classificationSealed' | 'legalClassification' | ExtensionKeys
  > {
  legalClassification: string;
  /** The reference of the case it serves (not its id), to know the request by. */
  caseReference: string | null;
  peer: string;
  persons: PersonConcerned[] | null;
  factsSummary: string | null;
  extension: { days: number; reason: string; at: string } | null;
  postponement: { until: string; reason: string; at: string } | null;
  clocks: ReturnType<typeof clocksOf>;
  history?: NamedHistoryEntry[];
}

/** A step of the history with who took it by name: a person of this node and her agency, or the other node. */
export interface NamedHistoryEntry extends repo.HistoryEntry {
  actorName: string | null;
  actorAgency: string | null;
}
type ExtensionKeys =
  | 'extensionDays'
  | 'extensionReason'
  | 'extendedAt'
  | 'postponedUntil'
  | 'postponementReason'
  | 'postponedAt';

export const wrongState = (request: repo.MlaRecord, action: string) =>
  new AppError(
    'mla_wrong_state',
    409,
    `The request is ${request.state.replace('_', ' ')} on the ${request.side} side: it cannot be ${action} now.`,
  );

export const peerOf = (r: repo.MlaRecord) => (r.side === 'issuing' ? r.executingNode : r.issuingNode);

export const ACTION_PAST: Record<MlaAction, string> = {
  acknowledge: 'acknowledged',
  recognise: 'recognised',
  refuse: 'refused',
  extend: 'extended',
  start_execution: 'put into execution',
  postpone: 'postponed',
  executed: 'marked executed',
  return_evidence: 'given its evidence',
  close: 'closed',
};

export function blankDates() {
  return {
    sentAt: null,
    receivedAt: null,
    acknowledgedAt: null,
    decidedAt: null,
    decision: null,
    extensionDays: null,
    extensionReason: null,
    extendedAt: null,
    executionStartedAt: null,
    postponedUntil: null,
    postponementReason: null,
    postponedAt: null,
    executionBreachedDue: null,
    executionBreachPostponedAt: null,
    executedAt: null,
    evidenceReturnedAt: null,
    evidenceTransferId: null,
    closedAt: null,
  };
}

/**
 * A request as the API shows it, without what it says about people (see `MlaService.get`): the measures' types
 * without their descriptions, and the legal classification as opened by the caller.
 */
export function present(
  r: repo.MlaRecord,
  now: Date,
  legalClassification: string,
  caseReference: string | null,
): MlaView {
  const {
    personsSealed: _p,
    factsSealed: _f,
    measuresSealed: _m,
    classificationSealed: _c,
    extensionReasonSealed: _es,
    postponementReasonSealed: _ps,
    measures,
    extensionDays,
    extensionReason,
    extendedAt,
    postponedUntil,
    postponementReason,
    postponedAt,
    ...rest
  } = r;
  return {
    ...rest,
    measures: measures.map(({ type }) => ({ type })),
    legalClassification,
    caseReference,
    peer: peerOf(r),
    persons: null,
    factsSummary: null,
    extension: extensionDays ? { days: extensionDays, reason: extensionReason ?? '', at: extendedAt ?? '' } : null,
    postponement: postponedUntil
      ? { until: postponedUntil, reason: postponementReason ?? '', at: postponedAt ?? '' }
      : null,
    clocks: clocksOf(r, now),
  };
}
