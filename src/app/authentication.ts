import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';
import type { RequestContext } from '../modules/audit/index.ts';
import type { SessionView } from '../modules/user-accounts/index.ts';
import type { Services } from './services.ts';

export const SESSION_COOKIE = 'passage_session';

/**
 * `public`: no session needed; `partial`: a session still waiting for its second factor is enough; by default a
 * route needs a complete session. Deny by default: a route that says nothing is protected.
 */
export type RouteAccess = 'public' | 'partial';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    ctx: RequestContext;
    session: SessionView | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function registerAuthentication(app: FastifyInstance, { auth }: Services): void {
  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request) => {
    request.ctx = { actor: { kind: 'anonymous' }, requestId: request.id };
    const access = request.routeOptions.config.access;
    if (access === 'public' || !request.routeOptions.url) return;
    const token = request.cookies[SESSION_COOKIE];
    const { actor, session } = await auth.authenticate(token, { allowPartial: access === 'partial' });
    // The token travels in a SameSite cookie; the CSRF token must also come in a header that only our own pages set.
    if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrfToken) {
      throw new AppError(
        'csrf_invalid',
        403,
        'The request is missing its security token. Reload the page and try again.',
      );
    }
    request.ctx = { actor, requestId: request.id };
    request.session = session;
  });
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, secure, sameSite: 'strict', path: '/' });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE];
}
