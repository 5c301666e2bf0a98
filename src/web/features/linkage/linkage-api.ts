/**
 * Linkage across nodes as the web app sees it: the groups this node belongs to, and the alerts a match with another
 * node raised on this node's cases. Types are the API's schemas, vocabularies the shared ones; no shape here carries
 * a name.
 */

import type { PeerEntry } from '../../../modules/federation/peers.schema.ts';
import type {
  LinkageAlert,
  LinkageGroup,
  NewGroup,
  SubmitResult,
} from '../../../modules/linkage-network/linkage-network.schema.ts';
import {
  ALERT_STATUSES,
  type AlertStatus,
  DEFAULT_GROUP_THRESHOLD,
  GROUP_SCHEMAS,
  type GroupSchema,
  RECORD_KINDS,
  type RecordKind,
} from '../../../shared/linkage.ts';
import { ApiError, request } from '../../api.ts';

export type { AlertStatus, GroupSchema, LinkageAlert, LinkageGroup, NewGroup, RecordKind, SubmitResult };
export { ALERT_STATUSES, DEFAULT_GROUP_THRESHOLD as DEFAULT_THRESHOLD, GROUP_SCHEMAS, RECORD_KINDS };
export type AlertKind = LinkageAlert['kind'];

/** A peer node as the directory lists it: the nodes a group can name as owners or unit. */
export type PeerNode = PeerEntry;

/** The shortest shared secret the node accepts, in bytes. */
export const MIN_SECRET_BYTES = 32;

const groupPath = (id: string, rest: string) => `/api/linkage/groups/${encodeURIComponent(id)}${rest}`;
const alertPath = (id: string, rest: string) => `/api/linkage/alerts/${encodeURIComponent(id)}${rest}`;

export const alertPagePath = (id: string) => `/linkage/alerts/${encodeURIComponent(id)}`;

export const linkageApi = {
  directory: () => request<PeerNode[]>('GET', '/api/peers/directory'),
  groups: () => request<LinkageGroup[]>('GET', '/api/linkage/groups'),
  createGroup: (group: NewGroup) => request<LinkageGroup>('POST', '/api/linkage/groups', group),
  installSecret: (groupId: string, secret: string) =>
    request<LinkageGroup>('PUT', groupPath(groupId, '/secret'), { secret }),
  submit: (groupId: string) => request<SubmitResult>('POST', groupPath(groupId, '/submit')),
  alerts(status?: AlertStatus): Promise<LinkageAlert[]> {
    const query = status ? `?${new URLSearchParams({ status })}` : '';
    return request<LinkageAlert[]>('GET', `/api/linkage/alerts${query}`);
  },
  /** One alert; null when it is not an alert on a case of the user's agencies (404 or 403). */
  async alert(alertId: string): Promise<LinkageAlert | null> {
    try {
      return await request<LinkageAlert>('GET', alertPath(alertId, ''));
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return null;
      throw error;
    }
  },
  caseAlerts: (caseId: string) =>
    request<LinkageAlert[]>('GET', `/api/cases/${encodeURIComponent(caseId)}/linkage-alerts`),
  decide: (alertId: string, decision: 'confirm' | 'dismiss', reason: string) =>
    request<LinkageAlert>('POST', alertPath(alertId, `/${decision}`), { reason }),
};

/** The bytes a base64 text stands for, or null when it is not base64. */
export function base64Bytes(text: string): number | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  return (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
}
