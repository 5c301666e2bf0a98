/** What the API shows of a case, and the other shapes the case service hands out. */
import type { FieldMap } from '../../shared/case-fields.ts';
import { htcdsStatus, type Stage, TRANSITIONS } from '../../shared/lifecycle.ts';
import type { CasePerson } from './case-persons.ts';
import type { SealedMap } from './case-seal.ts';

export interface CaseRow {
  id: string;
  reference: string;
  agencyId: string;
  survivorId: string;
  stage: Stage;
  stageSince: string;
  victim: FieldMap;
  details: FieldMap;
  ownerId: string | null;
  reportedAt: string;
  closureRequestedBy: string | null;
  closureReason: string | null;
  /** The sealed fields of `victim` and `details` and the closure reason, as stored (CaseAccess opens them). */
  sealed: SealedMap;
  /** Sealed fields erased with the survivor's data key (names only). */
  erasedFields: string[];
  createdAt: string;
  version: number;
}

export interface CaseEvent {
  seq: number;
  at: string;
  actor: string;
  type: string;
  data: Record<string, unknown>;
}

export interface CaseSummary {
  id: string;
  reference: string;
  agencyId: string;
  stage: Stage;
  stageSince: string;
  reportedAt: string;
  traffickingStatus: string | null;
  erased: boolean;
  /** The case's assignee, by name. */
  assignedTo: { id: string; name: string } | null;
  /** The latest risk assessment's level. */
  risk: 'low' | 'medium' | 'high' | null;
  /** The nearest of the case's clocks: an MLA deadline or the risk reassessment due. */
  nextDeadline: { at: string; kind: 'mla' | 'risk_reassessment' } | null;
  lastActivity: string;
  /** The agency that referred a case the caller's agency received. */
  referredBy: string | null;
  /** The case worker's non-identifying label, opened (null once the survivor's data was erased). */
  label: string | null;
}

export interface CaseView {
  id: string;
  reference: string;
  agencyId: string;
  stage: Stage;
  /** HTCDS cas_Status. */
  status: 'Active' | 'Closed';
  stageSince: string;
  reportedAt: string;
  ownerId: string | null;
  version: number;
  survivor: {
    id: string;
    attributes: FieldMap;
    /** Names of the identity fields on record, never their values. */
    identityFields: string[];
    erased: boolean;
  };
  victim: FieldMap;
  details: FieldMap;
  closureRequest: { requestedBy: string; reason: string } | null;
  /** Sealed fields of the case, its movements and perpetrators erased with the survivor's identity (names only). */
  erasedFields: string[];
  nextStages: Stage[];
  movements: { id: string; fields: FieldMap }[];
  perpetrators: { id: string; personId: string; fields: FieldMap }[];
}

export interface SearchHit {
  caseId: string;
  reference: string;
  agencyId: string;
  stage: Stage;
  score: number;
}

/** A case as an export writes it. */
export interface CaseRecord {
  found: CaseRow;
  movement?: { id: string; fields: FieldMap };
  perpetrator?: { id: string; personId: string; fields: FieldMap };
  comment?: string;
}

type Movement = { id: string; fields: FieldMap };
type Perpetrator = { id: string; personId: string; fields: FieldMap };

export function caseView(
  found: CaseRow,
  person: CasePerson | null,
  movements: Movement[],
  perpetrators: Perpetrator[],
  erasedFields: string[] = [],
): CaseView {
  return {
    id: found.id,
    reference: found.reference,
    agencyId: found.agencyId,
    stage: found.stage,
    status: htcdsStatus(found.stage),
    stageSince: found.stageSince,
    reportedAt: found.reportedAt,
    ownerId: found.ownerId,
    version: found.version,
    survivor: {
      id: found.survivorId,
      attributes: person?.attributes ?? {},
      identityFields: person?.identityFields ?? [],
      erased: person?.erased ?? false,
    },
    victim: found.victim,
    details: found.details,
    closureRequest: found.closureRequestedBy
      ? { requestedBy: found.closureRequestedBy, reason: found.closureReason ?? '' }
      : null,
    erasedFields: [...new Set([...found.erasedFields, ...erasedFields])],
    nextStages: [...TRANSITIONS[found.stage]],
    movements,
    perpetrators,
  };
}
