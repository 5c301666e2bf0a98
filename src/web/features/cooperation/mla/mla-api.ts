/**
 * The MLA API as the web app sees it: requests for mutual legal assistance to and from peer nodes, with their
 * statutory clocks. Types come from the API's schemas, and states, measures and roles from the shared vocabulary,
 * so that the app offers exactly what the node accepts.
 */
import type {
  MlaAlert,
  MlaChanges,
  MlaHistoryEntry,
  MlaQuery,
  MlaRequest,
  NewMlaRequest,
  PersonConcerned,
} from '../../../../modules/mla/mla.schema.ts';
import type { Clock, ClockName, ClockState } from '../../../../shared/mla-clocks.ts';
import { MAX_EXTENSION_DAYS } from '../../../../shared/mla-clocks.ts';
import {
  MEASURES,
  MLA_ACTIONS,
  MLA_STATES,
  type MlaAction,
  type MlaState,
  nextState,
  PERSON_ROLES,
  SIDES,
  type Side,
} from '../../../../shared/mla-states.ts';
import { RULES } from '../../../../shared/policy.ts';
import { type Purpose, request } from '../../../api.ts';

export type { Clock, ClockName, ClockState, MlaAction, MlaAlert, MlaRequest, MlaState, Side };
export { MAX_EXTENSION_DAYS, MEASURES, MLA_ACTIONS, MLA_STATES, nextState, PERSON_ROLES, SIDES };
export type HistoryEntry = MlaHistoryEntry;
export type Measure = (typeof MEASURES)[number];
export type PersonRole = (typeof PERSON_ROLES)[number];
export const isMeasure = (type: string): type is Measure => MEASURES.some((known) => known === type);
export const isPersonRole = (role: string): role is PersonRole => PERSON_ROLES.some((known) => known === role);

export type { PersonConcerned };
export type NewRequest = NewMlaRequest;
/** Any field of a draft. */
export type RequestChanges = MlaChanges;

/** The purposes for which the persons concerned and the summary of facts may be read. */
export const PERSONS_PURPOSES: readonly Purpose[] = RULES['mla.read_persons'].purposes;

/** The steps after sending that take no details: a button each. */
export const PLAIN_STEPS = ['acknowledge', 'recognise', 'start_execution', 'executed'] as const;
export type PlainStep = (typeof PLAIN_STEPS)[number];

export type MlaFilter = MlaQuery;

const path = (id: string, rest = '') => `/api/mla/${encodeURIComponent(id)}${rest}`;
const stepPath: Record<Exclude<MlaAction, 'return_evidence'>, string> = {
  acknowledge: 'acknowledge',
  recognise: 'recognise',
  refuse: 'refuse',
  extend: 'extend',
  start_execution: 'start-execution',
  postpone: 'postpone',
  executed: 'executed',
  close: 'close',
};

export const mlaApi = {
  list(filter: MlaFilter): Promise<{ total: number; requests: MlaRequest[] }> {
    const params = new URLSearchParams({ limit: String(filter.limit), offset: String(filter.offset) });
    if (filter.side) params.set('side', filter.side);
    if (filter.state) params.set('state', filter.state);
    return request('GET', `/api/mla?${params}`);
  },
  alerts: () => request<MlaAlert[]>('GET', '/api/mla/alerts'),
  /** With a purpose, the persons concerned and the summary of facts too; the node records that read. */
  get: (id: string, purpose?: Purpose) =>
    request<MlaRequest>('GET', path(id, purpose ? `?${new URLSearchParams({ purpose })}` : '')),
  create: (draft: NewRequest) => request<MlaRequest>('POST', '/api/mla', draft),
  update: (id: string, changes: RequestChanges) => request<MlaRequest>('PATCH', path(id), changes),
  send: (id: string) => request<MlaRequest>('POST', path(id, '/send')),
  step: (id: string, step: PlainStep | 'close') => request<MlaRequest>('POST', path(id, `/${stepPath[step]}`)),
  refuse: (id: string, reason: string) => request<MlaRequest>('POST', path(id, '/refuse'), { reason }),
  extend: (id: string, days: number, reason: string) =>
    request<MlaRequest>('POST', path(id, '/extend'), { days, reason }),
  postpone: (id: string, until: string, reason: string) =>
    request<MlaRequest>('POST', path(id, '/postpone'), { until, reason }),
  returnEvidence: (id: string, itemIds: string[]) =>
    request<MlaRequest>('POST', path(id, '/return-evidence'), { itemIds }),
};

/** Whether `action` is open to this node on `request` now, as the server's own state table says. */
export const opens = (request: MlaRequest, action: MlaAction) =>
  nextState(action, request.side, request.state) !== null;
