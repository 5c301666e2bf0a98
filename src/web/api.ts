/** The node's HTTP API as the web app sees it: same origin, JSON, a session cookie and a CSRF token. */

export type RoleId =
  | 'case_worker'
  | 'supervisor'
  | 'investigator'
  | 'prosecutor'
  | 'reparations_officer'
  | 'oversight'
  | 'coordinator'
  | 'node_admin';

export interface RoleGrant {
  role: RoleId;
  agencyId: string | null;
  agencyName: string | null;
}

export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  roles: RoleGrant[];
}

export interface Session {
  stage: 'second_factor' | 'complete';
  csrfToken: string;
  user: SessionUser;
}

export interface NodeInfo {
  nodeId: string;
  nodeName: string;
  country: string;
}

export interface AuthOptions {
  oidc: { label: string; url: string } | null;
}

/** A failed request. `id` is the server's stable error id (`network` when the server could not be reached). */
export class ApiError extends Error {
  readonly id: string;
  readonly status: number;
  constructor(id: string, status: number, message: string) {
    super(message);
    this.id = id;
    this.status = status;
  }
}

// The server binds every state-changing request to the session through this token; it changes with each session.
let csrfToken: string | null = null;

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
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

async function toApiError(response: Response): Promise<ApiError> {
  const payload: unknown = await response.json().catch(() => null);
  const error = (payload as { error?: { id?: unknown; message?: unknown } } | null)?.error;
  const id = typeof error?.id === 'string' ? error.id : 'unexpected';
  const message = typeof error?.message === 'string' ? error.message : response.statusText;
  return new ApiError(id, response.status, message);
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
};
