import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningNode, startNode } from '../src/app/node.ts';
import type { Db } from '../src/db/client.ts';
import { buildUser, createTestNode, tempDir, testConfig, testDb } from './helpers.ts';
import { freePort, startProvider, type TestProvider } from './oidc-provider.ts';

/** A browser reduced to what the flow needs: one request at a time, no automatic redirects, its own cookies. */
class Browser {
  readonly #cookies = new Map<string, { name: string; value: string; path: string }>();

  async get(url: URL): Promise<Response> {
    const cookie = [...this.#cookies.values()]
      .filter((c) => url.pathname.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const attribute = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const path = attribute('path') ?? '/';
      const expires = attribute('expires');
      const gone = value === '' || attribute('max-age') === '0' || (expires && Date.parse(expires) <= Date.now());
      if (gone) this.#cookies.delete(`${name};${path}`);
      else this.#cookies.set(`${name};${path}`, { name, value, path });
    }
    return response;
  }

  has(name: string): boolean {
    return [...this.#cookies.values()].some((c) => c.name === name);
  }
}

describe.each([
  { where: 'UserInfo response', emailInIdToken: false },
  { where: 'ID token', emailInIdToken: true },
])('sign-in through an OpenID provider with the email in the $where', ({ emailInIdToken }) => {
  let idp: TestProvider;
  let node: RunningNode;
  let db: Db;
  let dir: ReturnType<typeof tempDir>;
  let callbackUrl: string;
  let accounts = 0;

  beforeAll(async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    callbackUrl = `${publicUrl}/api/auth/oidc/callback`;
    const secret = 'a-long-client-secret-for-tests';
    idp = await startProvider({ id: 'passage-test', secret, redirectUri: callbackUrl, emailInIdToken });
    dir = tempDir();
    db = await testDb();
    const config = testConfig(dir.path, {
      PASSAGE_PORT: String(port),
      PASSAGE_PUBLIC_URL: publicUrl,
      PASSAGE_OIDC_ISSUER: idp.issuer,
      PASSAGE_OIDC_CLIENT_ID: 'passage-test',
      PASSAGE_OIDC_CLIENT_SECRET: secret,
      PASSAGE_OIDC_LABEL: 'Agency account',
    });
    node = await startNode(config, { db, logger: false, auth: { failureDelayMs: 1 } });
    expect(node.url).toBe(publicUrl);
  });

  afterAll(async () => {
    await node?.close();
    await db?.close();
    await idp?.close();
    dir?.remove();
  });

  const passage = (path: string) => new URL(path, node.url);

  /** Adds an account at the provider and returns its subject. */
  const account = (email: string, extra: { emailVerified?: boolean; amr?: string[] } = {}) => {
    const sub = `account-${++accounts}`;
    idp.accounts.set(sub, { email, emailVerified: extra.emailVerified ?? true, amr: extra.amr });
    return sub;
  };

  /** Starts at Passage, signs in at the provider as `sub`, and stops at the redirect back to Passage. */
  async function toCallback(browser: Browser, sub: string): Promise<URL> {
    let url = passage('/api/auth/oidc/start');
    for (let hop = 0; hop < 10; hop++) {
      if (url.pathname.startsWith('/interaction/')) url.searchParams.set('login', sub);
      const response = await browser.get(url);
      const location = response.headers.get('location');
      if (!location) throw new Error(`${url.pathname} answered ${response.status}: ${await response.text()}`);
      url = new URL(location, url);
      if (`${url.origin}${url.pathname}` === callbackUrl) return url;
    }
    throw new Error('the provider never sent the browser back');
  }

  async function signIn(sub: string) {
    const browser = new Browser();
    const callback = await browser.get(await toCallback(browser, sub));
    const session = await browser.get(passage('/api/session'));
    return { browser, callback, session: session.status === 200 ? await session.json() : null };
  }

  it('offers the provider under its label on the sign-in page', async () => {
    const response = await fetch(passage('/api/auth/options'));
    expect(await response.json()).toEqual({ oidc: { label: 'Agency account', url: '/api/auth/oidc/start' } });
  });

  it('starts the flow with PKCE, state and nonce and a sealed flow cookie', async () => {
    const browser = new Browser();
    const response = await browser.get(passage('/api/auth/oidc/start'));
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.origin).toBe(idp.issuer);
    expect(location.searchParams.get('client_id')).toBe('passage-test');
    expect(location.searchParams.get('redirect_uri')).toBe(callbackUrl);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('state')).toBeTruthy();
    expect(location.searchParams.get('nonce')).toBeTruthy();
    expect(browser.has('passage_oidc')).toBe(true);
  });

  it('signs in a registered user matched by verified email, and by subject afterwards', async () => {
    const user = await buildUser(node.services, 'coordinator');
    const sub = account(user.email);
    const first = await signIn(sub);
    expect(first.callback.status).toBe(302);
    expect(first.callback.headers.get('location')).toBe('/');
    expect(first.browser.has('passage_oidc')).toBe(false);
    expect(first.session).toMatchObject({ stage: 'complete', user: { id: user.id, email: user.email } });

    // Linked now: the subject is enough, even once the provider reports another address.
    idp.accounts.set(sub, { email: 'renamed@example.org', emailVerified: true });
    const second = await signIn(sub);
    expect(second.session).toMatchObject({ stage: 'complete', user: { id: user.id } });
  });

  it('asks for the second factor unless the provider reports multi-factor authentication', async () => {
    const user = await buildUser(node.services, 'case_worker');
    const sub = account(user.email);
    const withoutMfa = await signIn(sub);
    expect(withoutMfa.callback.headers.get('location')).toBe('/?step=second-factor');
    expect(withoutMfa.session).toMatchObject({ stage: 'second_factor', user: { id: user.id } });

    idp.accounts.set(sub, { email: user.email, emailVerified: true, amr: ['pwd', 'mfa'] });
    const withMfa = await signIn(sub);
    expect(withMfa.callback.headers.get('location')).toBe('/');
    expect(withMfa.session).toMatchObject({ stage: 'complete', user: { id: user.id } });
  });

  it('refuses an account the node does not know, or whose email the provider has not verified', async () => {
    const user = await buildUser(node.services, 'coordinator');
    for (const sub of [account('stranger@example.org'), account(user.email, { emailVerified: false })]) {
      const { callback, session } = await signIn(sub);
      expect(callback.status).toBe(403);
      expect((await callback.json()).error.id).toBe('oidc_unknown_user');
      expect(session).toBeNull();
    }
  });

  it('refuses a callback whose state was changed or that comes without the flow cookie', async () => {
    const user = await buildUser(node.services, 'coordinator');
    const sub = account(user.email);

    const tampered = new Browser();
    const url = await toCallback(tampered, sub);
    url.searchParams.set('state', `${url.searchParams.get('state')}x`);
    const changed = await tampered.get(url);
    expect(changed.status).toBe(401);
    expect((await changed.json()).error.id).toBe('oidc_failed');
    expect((await tampered.get(passage('/api/session'))).status).toBe(401);

    const genuine = await toCallback(new Browser(), sub);
    const stranger = new Browser();
    const cookieless = await stranger.get(genuine);
    expect(cookieless.status).toBe(401);
    expect((await cookieless.json()).error.id).toBe('oidc_failed');
    expect((await stranger.get(passage('/api/session'))).status).toBe(401);
  });
});

describe('a node without an OpenID provider', () => {
  it('offers no OIDC sign-in and has no OIDC routes', async () => {
    const node = await createTestNode();
    try {
      const options = await node.app.inject({ method: 'GET', url: '/api/auth/options' });
      expect(options.json()).toEqual({ oidc: null });
      const start = await node.app.inject({ method: 'GET', url: '/api/auth/oidc/start' });
      expect(start.statusCode).toBe(404);
    } finally {
      await node.close();
    }
  });
});
