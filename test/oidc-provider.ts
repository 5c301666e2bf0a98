import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
// @ts-expect-error oidc-provider ships no type declarations
import Provider from 'oidc-provider';

export interface ProviderAccount {
  email: string;
  emailVerified: boolean;
  /** Authentication methods the provider reports in the ID token (`amr`). */
  amr?: string[];
}

export interface TestProvider {
  issuer: string;
  /** Accounts by their subject; the test may change them between sign-ins. */
  accounts: Map<string, ProviderAccount>;
  close(): Promise<void>;
}

/** A port that was free a moment ago, for a server whose URL must be known before it starts. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address !== 'object') throw new Error('no port');
  return address.port;
}

/**
 * A real OpenID provider on 127.0.0.1 with one confidential client. Its sign-in page has no form: the browser
 * names the account to sign in as with `?login=<subject>` on the interaction URL, and gets login and consent at once.
 */
export async function startProvider(client: {
  id: string;
  secret: string;
  redirectUri: string;
  emailInIdToken?: boolean;
}): Promise<TestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, ProviderAccount>();
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: client.id,
        client_secret: client.secret,
        redirect_uris: [client.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    pkce: { required: () => true },
    // true (the default) follows OpenID Connect Core 5.4: email claims only from the UserInfo endpoint.
    conformIdTokenClaims: !client.emailInIdToken,
    claims: { openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test' }] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, email: account.email, email_verified: account.emailVerified, name: 'Test user' }),
      };
    },
  });
  const callback = provider.callback();

  const interact = async (req: IncomingMessage, res: ServerResponse) => {
    const details = await provider.interactionDetails(req, res);
    const login = new URL(req.url ?? '/', issuer).searchParams.get('login') ?? '';
    const account = accounts.get(login);
    if (!account) {
      res.writeHead(400).end('unknown account');
      return;
    }
    const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
    grant.addOIDCScope('openid email profile');
    const result = { login: { accountId: login, amr: account.amr }, consent: { grantId: await grant.save() } };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  };

  const server = createServer((req, res) => {
    if (!req.url?.startsWith('/interaction/')) return callback(req, res);
    interact(req, res).catch((error) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    accounts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
