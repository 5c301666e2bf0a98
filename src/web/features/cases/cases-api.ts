/**
 * The cases API as the web app sees it. The types are the API contract's own (the module's TypeBox schemas), so the
 * app cannot drift from it; they are type-only imports and add nothing to the bundle.
 */

import type { CaseOverview as CaseOverviewSchema } from '../../../modules/case-overview/case-overview.schema.ts';
import type { SavedFilter as SavedCaseFilter } from '../../../modules/cases/case-list.schema.ts';
import type {
  CaseEvent as CaseEventSchema,
  CaseQuery,
  Case as CaseSchema,
  CaseSummary as CaseSummarySchema,
  Disclosure as DisclosureSchema,
  Identity as IdentitySchema,
  NewCase as NewCaseSchema,
  NewConsent,
  NewOverride,
  Notice as NoticeSchema,
  SearchHit as SearchHitSchema,
  SearchQuery as SearchQuerySchema,
} from '../../../modules/cases/cases.schema.ts';
import type { ConsentRecord } from '../../../shared/consent.ts';
import type { Stage as LifecycleStage, StageSpan as Span } from '../../../shared/lifecycle.ts';
import { ApiError, type Purpose, request } from '../../api.ts';
import { FormProblem } from '../../components/useForm.tsx';

export type Case = CaseSchema;
export type CaseSummary = CaseSummarySchema;
export type CaseEvent = CaseEventSchema;
export type Consent = ConsentRecord;
export type Disclosure = DisclosureSchema;
export type Identity = IdentitySchema;
export type NewCase = NewCaseSchema;
export type Notice = NoticeSchema;
export type SearchHit = SearchHitSchema;
export type SearchQuery = SearchQuerySchema;
export type StageSpan = Span;
/** The case page in one answer; `case` is the contract's Case (the schema names it by reference). */
export type CaseOverview = Omit<CaseOverviewSchema, 'case'> & { case: CaseSchema };
export type CasePeople = CaseOverview['people'];
export type Stage = LifecycleStage;
/** Someone a case may be assigned to. */
export interface Assignee {
  id: string;
  displayName: string;
}

export type { NewConsent, NewOverride };
export type CaseFilter = CaseQuery;
export type CaseSort = NonNullable<CaseQuery['sort']>;
export type { SavedCaseFilter };

/** A field the server refused, named by its path in the request (`survivor.prs_Birthdate`, `movements[0].hte_City`). */
export interface FieldError {
  field: string;
  reason: string;
}

/** The field errors of a refused request, when the server listed them. */
export function fieldErrorsOf(error: unknown): FieldError[] {
  if (!(error instanceof ApiError) || error.id !== 'invalid_request') return [];
  const errors = (error.details as { errors?: unknown } | null | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter(
    (e): e is FieldError => typeof e?.field === 'string' && typeof e?.reason === 'string' && e.field !== '',
  );
}

/** A field the server refused, as a problem with the form's own control of that name. */
export function asFormProblem(error: unknown, controls: readonly string[]): unknown {
  const refused = fieldErrorsOf(error).find((e) => controls.includes(e.field));
  return refused ? new FormProblem('fields_invalid', refused.field) : error;
}

const path = (caseId: string, rest = '') => `/api/cases/${encodeURIComponent(caseId)}${rest}`;

export const casesApi = {
  list(filter: CaseFilter): Promise<{ total: number; cases: CaseSummary[]; nextCursor: string | null }> {
    const params = new URLSearchParams({ limit: String(filter.limit), offset: String(filter.offset) });
    for (const name of ['stage', 'reference', 'sort', 'dir', 'cursor'] as const) {
      const value = filter[name];
      if (value) params.set(name, value);
    }
    if (filter.mine) params.set('mine', 'true');
    return request('GET', `/api/cases?${params}`);
  },
  setLabel: (caseId: string, label: string) => request<void>('PUT', path(caseId, '/label'), { label }),
  void: (caseId: string, reason: string) => request<void>('POST', path(caseId, '/void'), { reason }),
  savedFilters: () => request<SavedCaseFilter[]>('GET', '/api/cases/filters'),
  saveFilter: (name: string, filter: SavedCaseFilter['filter']) =>
    request<SavedCaseFilter>('POST', '/api/cases/filters', { name, filter }),
  deleteFilter: (id: string) => request<void>('DELETE', `/api/cases/filters/${encodeURIComponent(id)}`),
  /** Identity values travel only in the body, never in a URL that proxies and browser history keep. */
  search: (query: SearchQuery) => request<SearchHit[]>('POST', '/api/cases/search', query),
  create: (report: NewCase) => request<Case>('POST', '/api/cases', report),
  get: (caseId: string) => request<Case>('GET', path(caseId)),
  overview: (caseId: string) => request<CaseOverview>('GET', path(caseId, '/overview')),
  update: (caseId: string, changes: { version: number; victim?: Record<string, string | null> }) =>
    request<Case>('PATCH', path(caseId), changes),
  comment: (caseId: string, comment: string) => request<void>('POST', path(caseId, '/comments'), { comment }),
  transition: (caseId: string, to: Stage, reason: string) =>
    request<Case>('POST', path(caseId, '/transitions'), { to, reason }),
  decideClosure: (caseId: string, approve: boolean, reason?: string) =>
    request<Case>('POST', path(caseId, '/closure'), { approve, ...(reason ? { reason } : {}) }),
  assignees: (caseId: string) => request<Assignee[]>('GET', path(caseId, '/assignees')),
  assign: (caseId: string, userId: string) => request<Case>('POST', path(caseId, '/assignment'), { userId }),
  timeline: (caseId: string) => request<CaseEvent[]>('GET', path(caseId, '/timeline')),
  stages: (caseId: string) => request<StageSpan[]>('GET', path(caseId, '/stages')),
  readIdentity: (caseId: string, purpose: Purpose) =>
    request<Identity>('POST', path(caseId, '/identity/read'), { purpose }),
  /** Changes identity fields; null removes one. Answers with the names of the fields that changed. */
  updateIdentity: (caseId: string, fields: Record<string, string | number | string[] | null>) =>
    request<{ changed: string[] }>('PATCH', path(caseId, '/identity'), { fields }),
  /** Erases the identity for good, at the survivor's request; the case stays, pseudonymous. */
  eraseIdentity: (caseId: string, reason: string) => request<void>('POST', path(caseId, '/identity/erase'), { reason }),
  consents: (caseId: string) => request<Consent[]>('GET', path(caseId, '/consents')),
  recordConsent: (caseId: string, consent: NewConsent) => request<Consent>('POST', path(caseId, '/consents'), consent),
  overrideConsent: (caseId: string, override: NewOverride) =>
    request<Consent>('POST', path(caseId, '/consents/overrides'), override),
  withdrawConsent: (caseId: string, consentId: string, reason: string) =>
    request<Consent>('POST', path(caseId, `/consents/${encodeURIComponent(consentId)}/withdraw`), { reason }),
  disclosures: (caseId: string) => request<Disclosure[]>('GET', path(caseId, '/disclosures')),
  notices: (caseId: string) => request<Notice[]>('GET', path(caseId, '/notices')),
};
