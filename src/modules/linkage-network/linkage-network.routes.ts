import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import {
  AlertParams,
  AlertsQuery,
  CaseParams,
  DecisionBody,
  GroupParams,
  LinkageAlert,
  LinkageGroup,
  NewGroup,
  SecretBody,
  SubmitResult,
} from './linkage-network.schema.ts';

export const linkageSchemas = [LinkageGroup, LinkageAlert];

export const linkageRoutes =
  ({ linkage }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['linkage'];
    const group = Type.Ref('LinkageGroup');
    const alert = Type.Ref('LinkageAlert');

    app.post(
      '/linkage/groups',
      {
        schema: {
          tags,
          summary: 'Make a linkage group (node administrator); it is announced to the unit and the other owners',
          body: NewGroup,
          response: responses({ 201: group }, 401, 403, 409),
        },
      },
      async (req, reply) => reply.status(201).send(await linkage.create(req.ctx, req.body)),
    );

    app.get(
      '/linkage/groups',
      {
        schema: {
          tags,
          summary:
            "The linkage groups: members, schema versions, this node's role and secret status (never the secret)",
          response: responses({ 200: Type.Array(group) }, 401, 403),
        },
      },
      (req) => linkage.list(req.ctx),
    );

    app.put(
      '/linkage/groups/:groupId/secret',
      {
        schema: {
          tags,
          summary: 'Install or rotate the shared encoding secret on an owner node (a linkage unit refuses it)',
          description: 'Refused with 409 linkage_unit_no_secret on the unit. The secret is never returned or logged.',
          params: GroupParams,
          body: SecretBody,
          response: responses({ 200: group }, 401, 403, 404, 409),
        },
      },
      (req) => linkage.installSecret(req.ctx, req.params.groupId, req.body.secret),
    );

    app.post(
      '/linkage/groups/:groupId/submit',
      {
        schema: {
          tags,
          summary: 'Send the unit the encodings of what changed: survivors with linkage consent, perpetrators',
          description: 'Refused with 409 linkage_secret_missing before the secret is installed.',
          params: GroupParams,
          response: responses({ 200: SubmitResult }, 401, 403, 404, 409),
        },
      },
      (req) => linkage.submit(req.ctx, req.params.groupId),
    );

    app.get(
      '/linkage/alerts',
      {
        schema: {
          tags,
          summary: "Linkage alerts on your agencies' cases, newest first",
          querystring: AlertsQuery,
          response: responses({ 200: Type.Array(alert) }, 401, 403),
        },
      },
      (req) => linkage.alerts.list(req.ctx, req.query),
    );

    app.get(
      '/linkage/alerts/:alertId',
      {
        schema: {
          tags,
          summary: 'One linkage alert on a case of your agencies',
          params: AlertParams,
          response: responses({ 200: alert }, 401, 403, 404),
        },
      },
      (req) => linkage.alerts.get(req.ctx, req.params.alertId),
    );

    app.get(
      '/cases/:caseId/linkage-alerts',
      {
        schema: {
          tags,
          summary: 'The linkage alerts on a case',
          params: CaseParams,
          response: responses({ 200: Type.Array(alert) }, 401, 403, 404),
        },
      },
      (req) => linkage.alerts.forCase(req.ctx, req.params.caseId),
    );

    for (const [action, status] of [
      ['confirm', 'confirmed'],
      ['dismiss', 'dismissed'],
    ] as const) {
      app.post(
        `/linkage/alerts/:alertId/${action}`,
        {
          schema: {
            tags,
            summary: `${action === 'confirm' ? 'Confirm' : 'Dismiss'} an open linkage alert, with the reason`,
            description: 'Refused with 409 linkage_alert_decided when the alert was decided already.',
            params: AlertParams,
            body: DecisionBody,
            response: responses({ 200: alert }, 401, 403, 404, 409),
          },
        },
        (req) => linkage.alerts.decide(req.ctx, req.params.alertId, status, req.body.reason),
      );
    }
  };
