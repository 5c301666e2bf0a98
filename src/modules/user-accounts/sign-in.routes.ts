import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { clearSessionCookie, sessionToken, setSessionCookie } from '../../app/authentication.ts';
import { NoContent, responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { registerOidcRoutes } from './sign-in-oidc.routes.ts';
import { AuthOptions, Login, SecondFactor } from './user-accounts.schema.ts';

export const authRoutes =
  (services: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { auth, config } = services;
    const secure = config.publicUrl.startsWith('https:');
    const tags = ['auth'];

    app.get(
      '/auth/options',
      {
        config: { access: 'public' },
        schema: { tags, summary: 'How users can sign in on this node', response: responses({ 200: AuthOptions }) },
      },
      () => ({ oidc: config.oidc ? { label: config.oidc.label, url: '/api/auth/oidc/start' } : null }),
    );

    app.post(
      '/auth/login',
      {
        config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'Sign in with email and password',
          description:
            'Starts a session. When the user must give a second factor the session stage is `second_factor`.',
          body: Login,
          response: responses({ 200: Type.Ref('Session') }, 401, 423),
        },
      },
      async (request, reply) => {
        const { token, session } = await auth.login(request.body.email, request.body.password, request.ip, request.id);
        setSessionCookie(reply, token, secure);
        return session;
      },
    );

    app.post(
      '/auth/second-factor',
      {
        config: { access: 'partial', rateLimit: { max: 20, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'Finish signing in with the code of the authenticator app',
          body: SecondFactor,
          response: responses({ 200: Type.Ref('Session') }, 401, 403, 409, 423),
        },
      },
      async (request) => auth.secondFactor(sessionToken(request) as string, request.body.code, request.ip, request.id),
    );

    app.get(
      '/session',
      {
        config: { access: 'partial' },
        schema: { tags, summary: 'The current session', response: responses({ 200: Type.Ref('Session') }, 401) },
      },
      async (request) => {
        const session = request.session as NonNullable<typeof request.session>;
        // Her teams only once she is fully signed in: a session waiting for its second factor shows nothing more.
        if (session.stage !== 'complete' || request.ctx.actor.kind !== 'user') return session;
        return { ...session, user: { ...session.user, teams: await services.users.teams.ofUser(request.ctx.actor) } };
      },
    );

    app.post(
      '/auth/logout',
      {
        config: { access: 'partial' },
        schema: { tags, summary: 'Sign out', response: responses({ 204: NoContent }, 401, 403) },
      },
      async (request, reply) => {
        await auth.logout(sessionToken(request) as string, request.id);
        clearSessionCookie(reply);
        return reply.status(204).send(null);
      },
    );

    if (config.oidc) await registerOidcRoutes(app, services, config.oidc);
  };
