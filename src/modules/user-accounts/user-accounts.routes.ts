import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { NewTeam, NewTeamMember, Team, TeamMemberParams, TeamParams } from './teams.schema.ts';
import { presentCreated, presentUser } from './user-accounts.presenters.ts';
import { CreatedUser, NewAgency, NewUser, UserParams } from './user-accounts.schema.ts';

export const identityRoutes =
  ({ users }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['identity'];

    app.get(
      '/agencies',
      {
        schema: {
          tags,
          summary: 'List agencies',
          response: responses({ 200: Type.Array(Type.Ref('Agency')) }, 401, 403),
        },
      },
      (request) => users.listAgencies(request.ctx),
    );

    app.post(
      '/agencies',
      {
        schema: {
          tags,
          summary: 'Add an agency',
          body: NewAgency,
          response: responses({ 201: Type.Ref('Agency') }, 401, 403, 409),
        },
      },
      async (request, reply) => reply.status(201).send(await users.createAgency(request.ctx, request.body)),
    );

    app.get(
      '/teams',
      {
        schema: {
          tags,
          summary: "List the teams of the agencies you may see teams of (every agency's for node-wide roles)",
          response: responses({ 200: Type.Array(Team) }, 401, 403),
        },
      },
      (request) => users.teams.list(request.ctx),
    );

    app.post(
      '/teams',
      {
        schema: {
          tags,
          summary: "Add a team to an agency, for role grants that reach the team's cases",
          body: NewTeam,
          response: responses({ 201: Team }, 401, 403, 404, 409),
        },
      },
      async (request, reply) => reply.status(201).send(await users.teams.create(request.ctx, request.body)),
    );

    app.post(
      '/teams/:teamId/members',
      {
        schema: {
          tags,
          summary: "Add a user who holds a role in the team's agency to the team",
          params: TeamParams,
          body: NewTeamMember,
          response: responses({ 200: Team }, 401, 403, 404, 409),
        },
      },
      (request) => users.teams.addMember(request.ctx, request.params.teamId, request.body.user),
    );

    app.delete(
      '/teams/:teamId/members/:userId',
      {
        schema: {
          tags,
          summary: 'Remove a member from a team',
          params: TeamMemberParams,
          response: responses({ 200: Team }, 401, 403, 404),
        },
      },
      (request) => users.teams.removeMember(request.ctx, request.params.teamId, request.params.userId),
    );

    app.get(
      '/users',
      { schema: { tags, summary: 'List users', response: responses({ 200: Type.Array(Type.Ref('User')) }, 401, 403) } },
      async (request) => (await users.listUsers(request.ctx)).map(presentUser),
    );

    app.post(
      '/users',
      {
        schema: {
          tags,
          summary: 'Add a user',
          body: NewUser,
          response: responses({ 201: CreatedUser }, 401, 403, 404, 409),
        },
      },
      async (request, reply) => {
        return reply.status(201).send(presentCreated(await users.createUser(request.ctx, request.body)));
      },
    );

    app.post(
      '/users/:userId/disable',
      {
        schema: {
          tags,
          summary: 'Disable a user and end their sessions',
          params: UserParams,
          response: responses({ 200: Type.Ref('User') }, 401, 403, 404, 409),
        },
      },
      async (request) => presentUser(await users.disableUser(request.ctx, request.params.userId)),
    );

    app.post(
      '/users/:userId/enable',
      {
        schema: {
          tags,
          summary: 'Enable a disabled user again',
          params: UserParams,
          response: responses({ 200: Type.Ref('User') }, 401, 403, 404),
        },
      },
      async (request) => presentUser(await users.enableUser(request.ctx, request.params.userId)),
    );

    app.post(
      '/users/:userId/second-factor/reset',
      {
        schema: {
          tags,
          summary: "Issue a new TOTP secret for a user (the old one stops working; the user's sessions end)",
          params: UserParams,
          response: responses({ 200: CreatedUser }, 401, 403, 404),
        },
      },
      async (request) => presentCreated(await users.resetSecondFactor(request.ctx, request.params.userId)),
    );
  };
