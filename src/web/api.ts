/** The node's HTTP API as the web app sees it: same origin, JSON, a session cookie and a CSRF token. */

import type {
  AuditQuery as AuditQuerySchema,
  AuditRecord as AuditRecordSchema,
  VerifyResult,
} from '../modules/audit/audit.schema.ts';
import type { NodeInfo } from '../modules/ops/ops.schema.ts';
import type { Team } from '../modules/user-accounts/teams.schema.ts';
import type {
  Agency as AgencySchema,
  AuthOptions,
  CreatedUser,
  NewAgency,
  NewUser as NewUserSchema,
  RoleGrant,
  Session,
  User,
} from '../modules/user-accounts/user-accounts.schema.ts';
import type { OrgType } from '../shared/org-types.ts';
import { type Purpose, type Reach, type Role as RoleId, RULES } from '../shared/policy.ts';

// Roles and purposes come from the policy itself, so the app cannot drift from what the server enforces.
export { type Purpose, REACHES, type Reach, ROLES, type Role as RoleId } from '../shared/policy.ts';
export type { AuthOptions, CreatedUser, NodeInfo, OrgType, RoleGrant, Session, Team, User };

export type SessionUser = Session['user'];

/** An agency; its type is one of the shared list (HTCDS org_Type values and Passage's extensions). */
export type Agency = Omit<AgencySchema, 'orgType'> & { orgType: OrgType };

/** A new account as the app creates it: with a password, and `agency` as the agency's id (null: the whole node). */
export type NewUser = Required<Pick<NewUserSchema, 'email' | 'displayName' | 'password'>> & {
  /** `reach` narrows a role for an agency to a team (`team`, its id) or to the person's own cases. */
  roles: { role: RoleId; agency: string | null; reach?: Reach; team?: string }[];
};

/** The purposes for which the audit trail itself may be read. */
export const AUDIT_PURPOSES = RULES['audit.read'].purposes;
export type AuditPurpose = (typeof AUDIT_PURPOSES)[number];

export type AuditQuery = Pick<AuditQuerySchema, 'action' | 'actor' | 'resource' | 'afterSeq'> & {
  purpose: AuditPurpose;
};

/** A record as the audit API sends it; the app shows neither hashes nor request ids. */
export type AuditRecord = Omit<AuditRecordSchema, 'purpose' | 'prevHash' | 'hash' | 'requestId'> & {
  purpose: Purpose | null;
};

export type ChainCheck = VerifyResult;

/** The most records one audit query returns; a full page means there may be more. */
export const AUDIT_PAGE_SIZE = 100;

/** A failed request. `id` is the server's stable error id (`network` when the server could not be reached). */
export class ApiError extends Error {
  readonly id: string;
  readonly status: number;
  /** What the server adds to some errors, e.g. `{ errors: [{ field, reason }] }` for fields that are not valid. */
  readonly details: unknown;
  constructor(id: string, status: number, message: string, details?: unknown) {
    super(message);
    this.id = id;
    this.status = status;
    this.details = details;
  }
}

// The server binds every state-changing request to the session through this token; it changes with each session.
let csrfToken: string | null = null;

export async function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError('network', 0, `Could not reach the server for ${method} ${path}`);
  }
  if (!response.ok) throw await toApiError(response);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** Progress of an upload: the bytes sent so far, and the whole file once the browser knows its size. */
export interface UploadProgress {
  sent: number;
  total: number | null;
}

/**
 * Sends a file as multipart/form-data in the field `file`. XMLHttpRequest rather than fetch, because only it reports
 * how much of the body has been sent; `onProgress` follows the upload, and `onSent` says that the server has it all
 * and is working on it.
 */
export function upload<T>(
  path: string,
  file: File,
  {
    onProgress,
    onSent,
    fields = {},
  }: {
    onProgress(progress: UploadProgress): void;
    onSent(): void;
    /** Text fields sent ahead of the file, in this order (for endpoints that read them before the file). */
    fields?: Record<string, string>;
  },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) =>
      onProgress({ sent: event.loaded, total: event.lengthComputable ? event.total : null });
    xhr.upload.onload = onSent;
    xhr.onerror = () => reject(new ApiError('network', 0, `Could not reach the server for POST ${path}`));
    xhr.onload = () => {
      let payload: unknown = null;
      try {
        payload = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        // Not JSON (a proxy's error page): the status says enough.
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(payload as T);
      else reject(apiErrorOf(xhr.status, xhr.statusText, payload));
    };
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    body.append('file', file);
    xhr.send(body);
  });
}

/** The session's CSRF header, for the few requests made with fetch outside `request` (e.g. a download by POST). */
export const csrfHeaders = (): Record<string, string> => (csrfToken ? { 'x-csrf-token': csrfToken } : {});

export async function toApiError(response: Response): Promise<ApiError> {
  const payload: unknown = await response.json().catch(() => null);
  return apiErrorOf(response.status, response.statusText, payload);
}

function apiErrorOf(status: number, statusText: string, payload: unknown): ApiError {
  const error = (payload as { error?: { id?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const id = typeof error?.id === 'string' ? error.id : 'unexpected';
  const message = typeof error?.message === 'string' ? error.message : statusText;
  return new ApiError(id, status, message, error?.details);
}

function remember(session: Session): Session {
  csrfToken = session.csrfToken;
  return session;
}

export const api = {
  node: () => request<NodeInfo>('GET', '/api/node'),
  authOptions: () => request<AuthOptions>('GET', '/api/auth/options'),

  /** The current session, or null when nobody is signed in on this browser. */
  async session(): Promise<Session | null> {
    try {
      return remember(await request<Session>('GET', '/api/session'));
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
      csrfToken = null;
      return null;
    }
  },

  login: async (email: string, password: string) =>
    remember(await request<Session>('POST', '/api/auth/login', { email, password })),

  secondFactor: async (code: string) => remember(await request<Session>('POST', '/api/auth/second-factor', { code })),

  /** Ends the session; a session the server no longer knows counts as ended. */
  async logout(): Promise<void> {
    try {
      await request<void>('POST', '/api/auth/logout');
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    csrfToken = null;
  },

  agencies: () => request<Agency[]>('GET', '/api/agencies'),
  createAgency: (agency: NewAgency) => request<Agency>('POST', '/api/agencies', agency),
  users: () => request<User[]>('GET', '/api/users'),
  teams: () => request<Team[]>('GET', '/api/teams'),
  createTeam: (team: { agency: string; name: string }) => request<Team>('POST', '/api/teams', team),
  addTeamMember: (teamId: string, user: string) =>
    request<Team>('POST', `/api/teams/${encodeURIComponent(teamId)}/members`, { user }),
  removeTeamMember: (teamId: string, userId: string) =>
    request<Team>('DELETE', `/api/teams/${encodeURIComponent(teamId)}/members/${encodeURIComponent(userId)}`),
  createUser: (user: NewUser) => request<CreatedUser>('POST', '/api/users', user),
  disableUser: (id: string) => request<User>('POST', `/api/users/${encodeURIComponent(id)}/disable`),
  enableUser: (id: string) => request<User>('POST', `/api/users/${encodeURIComponent(id)}/enable`),
  /** A new authenticator key; the old one stops working and the user's sessions end. */
  resetSecondFactor: (id: string) =>
    request<CreatedUser>('POST', `/api/users/${encodeURIComponent(id)}/second-factor/reset`),

  audit(query: AuditQuery): Promise<AuditRecord[]> {
    const params = new URLSearchParams({ limit: String(AUDIT_PAGE_SIZE) });
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
    return request<AuditRecord[]>('GET', `/api/audit?${params}`);
  },
  verifyAudit: () => request<ChainCheck>('GET', '/api/audit/verify'),
};
