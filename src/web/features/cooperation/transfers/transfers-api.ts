/**
 * The evidence transfers API as the web app sees it: evidence handed over to and received from peer nodes, verified
 * before it joins a case, and the permissions asked of a provider to use a received item beyond its handling code.
 * Types come from the API's schemas and purposes from the shared policy, so that the app offers exactly what the node
 * accepts.
 */

import type {
  EvidenceTransfer,
  EvidenceTransferDetail,
  PermissionRequest,
  PermissionPurpose as Purpose,
  VerificationProblem,
} from '../../../../modules/evidence-transfers/evidence-transfers.schema.ts';
import { needsPermission, PERMISSION_PURPOSES } from '../../../../shared/evidence.ts';
import { RULES } from '../../../../shared/policy.ts';
import { ApiError, type Purpose as ReadPurpose, request } from '../../../api.ts';

export type Transfer = EvidenceTransfer;
export type TransferWithItems = EvidenceTransferDetail;
export type TransferItem = EvidenceTransferDetail['items'][number];
export type TransferStatus = Transfer['status'];
export type Direction = Transfer['direction'];
export type { PermissionRequest, VerificationProblem };
export type PermissionPurpose = Purpose;
export type PermissionStatus = PermissionRequest['status'];

export const DIRECTIONS = ['in', 'out'] as const satisfies readonly Direction[];
/** In: pending → accepted | declined; out: sent → accepted | declined. */
export const TRANSFER_STATUSES = [
  'pending',
  'sent',
  'accepted',
  'declined',
] as const satisfies readonly TransferStatus[];

/** The purposes for which a transfer's items may be read; the node records each read with its purpose. */
export const READ_PURPOSES: readonly ReadPurpose[] = RULES['evidence.transfer_read'].purposes;

/** The uses of a received item its provider must allow, by the item's handling code (the node's own rule). */
export const permissionPurposes = (handlingCode: string): PermissionPurpose[] =>
  PERMISSION_PURPOSES.filter((purpose) => needsPermission(handlingCode, purpose));

/** What failed in verifying a transfer, from a 422 `transfer_unverified`; null for any other failure. */
export function verificationProblemsOf(error: unknown): VerificationProblem[] | null {
  if (!(error instanceof ApiError) || error.id !== 'transfer_unverified') return null;
  const problems = (error.details as { problems?: unknown } | null | undefined)?.problems;
  return Array.isArray(problems) ? (problems as VerificationProblem[]) : [];
}

export interface TransferFilter {
  direction?: Direction;
  status?: TransferStatus;
}

const apiPath = (id: string, rest = '') => `/api/evidence/transfers/${encodeURIComponent(id)}${rest}`;

export const transfersApi = {
  async list(filter: TransferFilter = {}): Promise<Transfer[]> {
    const params = new URLSearchParams();
    if (filter.direction) params.set('direction', filter.direction);
    if (filter.status) params.set('status', filter.status);
    const query = params.size > 0 ? `?${params}` : '';
    return (await request<{ transfers: Transfer[] }>('GET', `/api/evidence/transfers${query}`)).transfers;
  },
  /** The transfer with its items and custody; the node records the read with its purpose. */
  get: (id: string, purpose: ReadPurpose) =>
    request<TransferWithItems>('GET', apiPath(id, `?${new URLSearchParams({ purpose })}`)),
  accept: (id: string, caseId: string) => request<TransferWithItems>('POST', apiPath(id, '/accept'), { caseId }),
  decline: (id: string, reason: string) => request<TransferWithItems>('POST', apiPath(id, '/decline'), { reason }),
  askPermission: (itemId: string, purpose: PermissionPurpose, reason: string) =>
    request<PermissionRequest>('POST', `/api/evidence/${encodeURIComponent(itemId)}/permission-requests`, {
      purpose,
      reason,
    }),
  async permissions(filter: { direction?: Direction; status?: PermissionStatus } = {}): Promise<PermissionRequest[]> {
    const params = new URLSearchParams();
    if (filter.direction) params.set('direction', filter.direction);
    if (filter.status) params.set('status', filter.status);
    const query = params.size > 0 ? `?${params}` : '';
    return (await request<{ requests: PermissionRequest[] }>('GET', `/api/evidence/permission-requests${query}`))
      .requests;
  },
  decide: (requestId: string, granted: boolean, reason: string) =>
    request<PermissionRequest>('POST', `/api/evidence/permission-requests/${encodeURIComponent(requestId)}/decide`, {
      granted,
      reason,
    }),
};

export const transferPath = (id: string) => `/cooperation/transfers/${encodeURIComponent(id)}`;

/** The page of the MLA request or JIT a transfer belongs to; null for a case reference, which names no page here. */
export function contextPath(context: Transfer['context']): string | null {
  if (context.kind === 'mla') return `/cooperation/mla/${encodeURIComponent(context.ref)}`;
  if (context.kind === 'jit') return `/cooperation/jit/${encodeURIComponent(context.ref)}`;
  return null;
}
