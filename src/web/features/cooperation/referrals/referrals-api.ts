/**
 * Cross-border referrals as the web app sees them: cases referred or transferred to peer nodes and received from them,
 * limited to the fields the survivor's cross-border consent covers. Types come from the API's schemas and
 * vocabularies from the shared ones, so that the app offers exactly what the node accepts.
 */

import type {
  CrossBorderReferral,
  CrossBorderReferralUpdate,
  NewCrossBorderReferral,
} from '../../../../modules/cross-border-referrals/cross-border-referrals.schema.ts';
import type { PeerEntry } from '../../../../modules/federation/peers.schema.ts';
import { fieldDefinition, IDENTITY_FIELDS } from '../../../../shared/case-fields.ts';
import {
  XB_DIRECTIONS,
  XB_KINDS,
  XB_PURPOSES,
  XB_STATUSES,
  type XbDirection,
  type XbKind,
  type XbPurpose,
  type XbStatus,
} from '../../../../shared/cross-border.ts';
import { ApiError, request } from '../../../api.ts';
import type { Case } from '../../cases/cases-api.ts';

export type { CrossBorderReferral };
export type NewReferral = NewCrossBorderReferral;
export type Direction = XbDirection;
export type Kind = XbKind;
export type ReferralPurpose = XbPurpose;
export type ReferralStatus = XbStatus;
export type PeerNode = PeerEntry;

/** A status note, as the node answers it: `text` is null once the referral's data was erased. */
export type ReferralNote = CrossBorderReferralUpdate;

export { XB_DIRECTIONS as DIRECTIONS, XB_KINDS as KINDS, XB_PURPOSES as REFERRAL_PURPOSES, XB_STATUSES as STATUSES };

/** The groups a referral may send fields of, as the node checks them (cross-border-referrals.offer.ts, which reaches the db). */
const SENDABLE_PREFIXES = ['prs_', 'psg_', 'vic_', 'con_', 'cas_'];
const sendable = (name: string) =>
  SENDABLE_PREFIXES.some((prefix) => name.startsWith(prefix)) && fieldDefinition(name) !== undefined;

/**
 * The fields of the case that a referral can send: the identity fields on record (names only; the values stay
 * encrypted until the node seals them for the receiver), and the other fields of the survivor, victim record and case
 * that hold a value.
 */
export function sendableFields(found: Case): { identity: string[]; details: string[] } {
  const identity = IDENTITY_FIELDS.filter((name) => found.survivor.identityFields.includes(name));
  const held = { ...found.survivor.attributes, ...found.victim, ...found.details };
  const details = Object.entries(held)
    .filter(([name, value]) => sendable(name) && value !== '' && !(Array.isArray(value) && value.length === 0))
    .map(([name]) => name)
    .sort();
  return { identity, details };
}

/** The fields a 403 `fields_not_covered` names; null for any other failure. */
export function notCoveredFieldsOf(error: unknown): string[] | null {
  if (!(error instanceof ApiError) || error.id !== 'fields_not_covered') return null;
  const fields = (error.details as { fields?: unknown } | null | undefined)?.fields;
  return Array.isArray(fields) ? fields.filter((field): field is string => typeof field === 'string') : [];
}

export interface ReferralFilter {
  direction: Direction;
  status?: ReferralStatus;
}

const apiPath = (id: string, rest = '') => `/api/cross-border-referrals/${encodeURIComponent(id)}${rest}`;
const casePath = (caseId: string) => `/api/cases/${encodeURIComponent(caseId)}/cross-border-referrals`;

export const xbApi = {
  /** The active peer nodes a referral can be addressed to. */
  directory: () => request<PeerNode[]>('GET', '/api/peers/directory'),
  list(filter: ReferralFilter): Promise<{ total: number; referrals: CrossBorderReferral[] }> {
    const params = new URLSearchParams({ direction: filter.direction, limit: '200' });
    if (filter.status) params.set('status', filter.status);
    return request('GET', `/api/cross-border-referrals?${params}`);
  },
  get: (id: string) => request<CrossBorderReferral>('GET', apiPath(id)),
  ofCase: (caseId: string) => request<CrossBorderReferral[]>('GET', casePath(caseId)),
  offer: (caseId: string, referral: NewReferral) => request<CrossBorderReferral>('POST', casePath(caseId), referral),
  accept: (id: string, agencyId: string) => request<CrossBorderReferral>('POST', apiPath(id, '/accept'), { agencyId }),
  decline: (id: string, reason: string) => request<CrossBorderReferral>('POST', apiPath(id, '/decline'), { reason }),
  revoke: (id: string, reason: string) => request<CrossBorderReferral>('POST', apiPath(id, '/revoke'), { reason }),
  /** The notes both ways, oldest first; the node records the read. */
  notes: (id: string) => request<ReferralNote[]>('GET', apiPath(id, '/updates')),
  addNote: (id: string, text: string) => request<{ id: string }>('POST', apiPath(id, '/updates'), { text }),
};

export const referralPath = (id: string) => `/cooperation/referrals/${encodeURIComponent(id)}`;
export const isOpen = (referral: CrossBorderReferral) =>
  referral.status === 'offered' || referral.status === 'accepted';
