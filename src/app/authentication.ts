import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';
import type { RequestContext } from '../modules/audit/index.ts';
import type { SessionView } from '../modules/user-accounts/index.ts';
import { type Refusal, RefusalAudit, requestedIds, sessionFingerprint } from './refusal-audit.ts';
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

/**
 * Checks the session and CSRF token of every request in the scope, and records the refusals that no policy decision
 * records: requests without a live session (none, an unknown or replayed one, an expired one, one still waiting for
 * its second factor), CSRF failures, and 403/404 answers such as a probe of an id that is not here. The policy layer
 * records its own refusals (`audit.authorize`); a 403 it recorded is not recorded twice. `refusals` limits how many
 * are written one by one (src/app/refusal-audit.ts).
 */
export function registerAuthentication(
  app: FastifyInstance,
  { auth, audit }: Services,
  refusals = new RefusalAudit(audit),
): void {
  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.decorateRequest('session', null);
  refusals.start();
  // The policy's refusals of signed-in users go through the same limiter (issue 14, item 4).
  audit.limitDenials(refusals);
  app.addHook('onClose', async () => {
    audit.unlimitDenials(refusals);
    await refusals.close();
  });
  // Requests whose refusal was recorded here already, so the answer's hook does not record it again.
  const recorded = new WeakSet<FastifyRequest>();
  const refuse = async (request: FastifyRequest, refusal: Omit<Refusal, 'resource'>) => {
    recorded.add(request);
    try {
      await refusals.refused(request.ctx, request.ip, { ...refusal, resource: routeOf(request) });
    } catch (error) {
      // The request is refused all the same; the log says the trail missed it.
      request.log.error({ err: error }, 'refusal not recorded in the audit trail');
    }
  };

  app.addHook('onRequest', async (request) => {
    request.ctx = { actor: { kind: 'anonymous' }, requestId: request.id };
    const access = request.routeOptions.config.access;
    if (access === 'public' || !request.routeOptions.url) return;
    const token = request.cookies[SESSION_COOKIE];
    let authenticated: Awaited<ReturnType<typeof auth.authenticate>>;
    try {
      authenticated = await auth.authenticate(token, { allowPartial: access === 'partial' });
    } catch (error) {
      // The web app asks for the session to learn whether anyone is signed in: without a cookie that is no attempt.
      const asking = !token && request.method === 'GET' && request.routeOptions.url === '/api/session';
      if (error instanceof AppError && error.status === 401 && !asking) {
        await refuse(request, {
          action: sessionRefusal(error.id, token),
          resources: token ? [`session:${sessionFingerprint(token)}`] : [],
        });
      }
      throw error;
    }
    const { actor, session } = authenticated;
    request.ctx = { actor, requestId: request.id };
    // The token travels in a SameSite cookie; the CSRF token must also come in a header that only our own pages set.
    if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrfToken) {
      await refuse(request, { action: 'auth.csrf_invalid', resources: requestedIds(request) });
      throw new AppError(
        'csrf_invalid',
        403,
        'The request is missing its security token. Reload the page and try again.',
      );
    }
    request.session = session;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const status = reply.statusCode;
    if ((status !== 403 && status !== 404) || recorded.has(request)) return payload;
    const id = errorIdOf(payload);
    if (!id || (status === 403 && (refusals.counted(request.id) || (await audit.refusalRecorded(request.id))))) {
      return payload;
    }
    await refuse(request, { action: `request.${id}`, resources: requestedIds(request) });
    return payload;
  });
}

/** The kind of a request refused for want of a live session. */
function sessionRefusal(errorId: string, token: string | undefined): string {
  if (errorId === 'not_signed_in') return token ? 'auth.session_unknown' : 'auth.not_signed_in';
  return `auth.${errorId}`;
}

/** What was attempted, as the route's pattern (`GET /api/cases/:id`): the values in the URL stay out of the trail. */
function routeOf(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? '(no route)'}`;
}

/** The stable id of an error answer (`{"error":{"id":…}}`), or null. */
function errorIdOf(payload: unknown): string | null {
  if (typeof payload !== 'string' || !payload.startsWith('{')) return null;
  try {
    const id = (JSON.parse(payload) as { error?: { id?: unknown } }).error?.id;
    return typeof id === 'string' && /^[a-z][a-z0-9_]{0,63}$/.test(id) ? id : null;
  } catch {
    return null;
  }
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
