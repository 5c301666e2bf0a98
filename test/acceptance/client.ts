import { generate } from 'otplib';
import type { RunningNode } from '../../src/app/node.ts';
import { operatorContext } from '../../src/app/operations.ts';
import type { Role } from '../../src/shared/policy.ts';

export interface Client {
  userId: string;
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** A request of any kind (a multipart upload, a download) with the session's cookie and CSRF token. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Like call, but fails the test unless the status is `expected` (any 2xx when not given). */
  ok<T = unknown>(method: string, path: string, body?: unknown, expected?: number): Promise<T>;
}

const PASSWORD = 'a long scenario password';

/** Adds a person with one role in an agency of the node (null: node-wide), and signs them in over real HTTP. */
export async function staff(node: RunningNode, agencyId: string | null, role: Role, name: string): Promise<Client> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}@${node.services.config.nodeId}.example`;
  const created = await node.services.users.createUser(operatorContext('scenario'), {
    email,
    displayName: name,
    password: PASSWORD,
    roles: [{ role, agency: agencyId }],
  });
  let cookie = '';
  let csrf = '';
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${node.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(cookie ? { cookie, 'x-csrf-token': csrf } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0] as string;
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  let session = await send('POST', '/api/auth/login', { email, password: PASSWORD });
  csrf = session.body.csrfToken;
  if (session.body.stage === 'second_factor') {
    session = await send('POST', '/api/auth/second-factor', { code: await generate({ secret: created.totpSecret }) });
    csrf = session.body.csrfToken;
  }
  if (session.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(session.body)}`);
  const client: Client = {
    userId: created.user.id,
    call: send,
    fetch: (path, init = {}) =>
      fetch(`${node.url}${path}`, { ...init, headers: { ...init.headers, cookie, 'x-csrf-token': csrf } }),
    async ok(method, path, body, expected) {
      const res = await send(method, path, body);
      const fine = expected === undefined ? res.status >= 200 && res.status < 300 : res.status === expected;
      if (!fine) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
  };
  return client;
}
