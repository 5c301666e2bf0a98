import type { FastifyInstance } from 'fastify';
import * as oidc from 'openid-client';
import { Type } from 'typebox';
import { setSessionCookie } from '../../app/authentication.ts';
import type { OidcConfig } from '../../app/config.ts';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { AppError } from '../../lib/errors.ts';
import { seal, unseal } from '../../lib/seal.ts';

const FLOW_COOKIE = 'passage_oidc';
const FLOW_CONTEXT = 'oidc-flow';
const FLOW_MINUTES = 10;
/** `amr` values (RFC 8176) that show the provider already checked more than a password. */
const MFA_METHODS = new Set(['mfa', 'otp', 'hwk', 'swk', 'sc', 'fpt', 'face']);

interface Flow {
  verifier: string;
  state: string;
  nonce: string;
  expires: number;
}

const isLoopback = (url: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

/** Sign-in through the node's OpenID Connect provider (authorization code flow with PKCE, state and nonce). */
export async function registerOidcRoutes(
  app: FastifyInstance,
  services: Services,
  settings: OidcConfig,
): Promise<void> {
  const { auth, config, keys } = services;
  const secure = config.publicUrl.startsWith('https:');
  const redirectUri = `${config.publicUrl}/api/auth/oidc/callback`;
  const tags = ['auth'];
  let discovered: Promise<oidc.Configuration> | null = null;
  const provider = () => {
    discovered ??= (async () => {
      const issuer = new URL(settings.issuer);
      return oidc.discovery(issuer, settings.clientId, settings.clientSecret, undefined, {
        // Plain HTTP only for a provider on this machine (development and tests).
        execute: issuer.protocol === 'http:' && isLoopback(issuer) ? [oidc.allowInsecureRequests] : [],
      });
    })().catch((error) => {
      discovered = null;
      app.log.error({ err: error }, 'OIDC discovery failed');
      throw new AppError(
        'oidc_unavailable',
        502,
        'The sign-in service of your organisation cannot be reached. Try again later.',
      );
    });
    return discovered;
  };

  app.get(
    '/auth/oidc/start',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Start signing in through the OIDC provider',
        response: responses({ 302: Type.Null() }, 502),
      },
    },
    async (_request, reply) => {
      const flow: Flow = {
        verifier: oidc.randomPKCECodeVerifier(),
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        expires: Date.now() + FLOW_MINUTES * 60_000,
      };
      const url = oidc.buildAuthorizationUrl(await provider(), {
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
      // Lax, not Strict: the provider sends the browser back with a cross-site navigation.
      reply.setCookie(FLOW_COOKIE, seal(keys.kek, JSON.stringify(flow), FLOW_CONTEXT), {
        httpOnly: true,
        secure,
        sameSite: 'lax',
        path: '/api/auth/oidc',
        maxAge: FLOW_MINUTES * 60,
      });
      return reply.redirect(url.href);
    },
  );

  app.get(
    '/auth/oidc/callback',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Where the OIDC provider sends the browser back',
        querystring: Type.Object({}, { additionalProperties: Type.String() }),
        response: responses({ 302: Type.Null() }, 401, 403, 502),
      },
    },
    async (request, reply) => {
      const flow = readFlow(request.cookies[FLOW_COOKIE], keys.kek);
      reply.clearCookie(FLOW_COOKIE, { path: '/api/auth/oidc' });
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      let userInfo: oidc.UserInfoResponse | undefined;
      try {
        tokens = await oidc.authorizationCodeGrant(await provider(), new URL(request.url, config.publicUrl), {
          pkceCodeVerifier: flow.verifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
        });
        // Providers that follow OpenID Connect Core 5.4 return the email claims from UserInfo, not in the ID token.
        const idToken = tokens.claims();
        if (idToken && idToken.email === undefined)
          userInfo = await oidc.fetchUserInfo(await provider(), tokens.access_token, idToken.sub);
      } catch (error) {
        if (error instanceof AppError) throw error;
        request.log.warn({ err: error }, 'OIDC code exchange refused');
        throw new AppError(
          'oidc_failed',
          401,
          'Signing in through your organisation did not succeed. Please try again.',
        );
      }
      const claims = tokens.claims();
      if (!claims) throw new AppError('oidc_failed', 401, 'The sign-in service did not say who you are.');
      const { email, email_verified } = userInfo ?? claims;
      const { token, session } = await auth.loginWithOidc(
        {
          subject: `${claims.iss}|${claims.sub}`,
          email: typeof email === 'string' ? email : undefined,
          emailVerified: email_verified === true,
          mfa: Array.isArray(claims.amr) && claims.amr.some((m) => MFA_METHODS.has(String(m))),
        },
        request.id,
      );
      setSessionCookie(reply, token, secure);
      return reply.redirect(session.stage === 'complete' ? '/' : '/?step=second-factor');
    },
  );
}

function readFlow(cookie: string | undefined, kek: Buffer): Flow {
  const expired = new AppError(
    'oidc_failed',
    401,
    'The sign-in took too long or was started elsewhere. Please start again.',
  );
  if (!cookie) throw expired;
  let flow: Flow;
  try {
    flow = JSON.parse(unseal(kek, cookie, FLOW_CONTEXT));
  } catch {
    throw expired;
  }
  if (flow.expires < Date.now()) throw expired;
  return flow;
}
