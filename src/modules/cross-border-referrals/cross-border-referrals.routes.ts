import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { CaseParams, Reason } from '../cases/index.ts';
import {
  AcceptBody,
  CrossBorderReferral,
  CrossBorderReferralParams,
  CrossBorderReferralQuery,
  CrossBorderReferralUpdate,
  NewCrossBorderReferral,
  UpdateBody,
} from './cross-border-referrals.schema.ts';

export const crossBorderSchemas = [CrossBorderReferral];

export const crossBorderRoutes =
  ({ crossBorder }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['cross-border'];
    const referral = Type.Ref('CrossBorderReferral');
    const params = CrossBorderReferralParams;

    app.post(
      '/cases/:caseId/cross-border-referrals',
      {
        schema: {
          tags,
          summary: 'Refer or transfer the case to a peer node, sending only fields the survivor’s consent covers',
          description:
            'Refused with 403 consent_required when no cross-border consent (or override) covers the peer’s ' +
            'country, and 403 fields_not_covered (naming the fields) when the consent does not cover a field picked.',
          params: CaseParams,
          body: NewCrossBorderReferral,
          response: responses({ 201: referral }, 401, 403, 404, 409, 410),
        },
      },
      async (req, reply) => reply.status(201).send(await crossBorder.offer(req.ctx, req.params.caseId, req.body)),
    );

    app.get(
      '/cases/:caseId/cross-border-referrals',
      {
        schema: {
          tags,
          summary: 'The cross-border referrals sent from the case or received into it, newest first',
          params: CaseParams,
          response: responses({ 200: Type.Array(referral) }, 401, 403, 404),
        },
      },
      (req) => crossBorder.ofCase(req.ctx, req.params.caseId),
    );

    app.get(
      '/cross-border-referrals',
      {
        schema: {
          tags,
          summary: 'Received (direction=in, the default) or sent (out) cross-border referrals, newest first',
          querystring: CrossBorderReferralQuery,
          response: responses(
            { 200: Type.Object({ total: Type.Integer(), referrals: Type.Array(referral) }) },
            401,
            403,
          ),
        },
      },
      (req) => crossBorder.list(req.ctx, req.query),
    );

    app.get(
      '/cross-border-referrals/:referralId',
      {
        schema: {
          tags,
          summary: 'One cross-border referral: its status and the names of the fields sent',
          params,
          response: responses({ 200: referral }, 401, 403, 404),
        },
      },
      (req) => crossBorder.get(req.ctx, req.params.referralId),
    );

    app.post(
      '/cross-border-referrals/:referralId/accept',
      {
        schema: {
          tags,
          summary: 'Accept a received referral into an agency of this node: it becomes a linked case (receiving node)',
          params,
          body: AcceptBody,
          response: responses({ 200: referral }, 401, 403, 404, 409, 422),
        },
      },
      (req) => crossBorder.accept(req.ctx, req.params.referralId, req.body.agencyId),
    );

    app.post(
      '/cross-border-referrals/:referralId/decline',
      {
        schema: {
          tags,
          summary: 'Decline a received referral, with a reason; what it carried is dropped unread (receiving node)',
          params,
          body: Reason,
          response: responses({ 200: referral }, 401, 403, 404, 409),
        },
      },
      (req) => crossBorder.decline(req.ctx, req.params.referralId, req.body.reason),
    );

    app.post(
      '/cross-border-referrals/:referralId/revoke',
      {
        schema: {
          tags,
          summary: 'Withdraw an offer, or end a referral (not a completed transfer), with a reason (sending node)',
          params,
          body: Reason,
          response: responses({ 200: referral }, 401, 403, 404, 409),
        },
      },
      (req) => crossBorder.revoke(req.ctx, req.params.referralId, req.body.reason),
    );

    app.post(
      '/cross-border-referrals/:referralId/updates',
      {
        schema: {
          tags,
          summary: 'Send a status note about the referral to the other node (either side), encrypted to it',
          params,
          body: UpdateBody,
          response: responses({ 201: Type.Object({ id: Type.String() }) }, 401, 403, 404, 409),
        },
      },
      async (req, reply) =>
        reply.status(201).send(await crossBorder.addUpdate(req.ctx, req.params.referralId, req.body.text)),
    );

    app.get(
      '/cross-border-referrals/:referralId/updates',
      {
        schema: {
          tags,
          summary: 'The status notes of the referral, both ways, oldest first (the read is audited)',
          params,
          response: responses({ 200: Type.Array(CrossBorderReferralUpdate) }, 401, 403, 404),
        },
      },
      (req) => crossBorder.updates(req.ctx, req.params.referralId),
    );
  };
