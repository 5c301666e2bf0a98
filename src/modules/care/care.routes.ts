import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { CaseParams, Reason } from '../cases/index.ts';
import {
  NewReferral,
  NewRiskAssessment,
  NewService,
  Referral,
  ReferralParams,
  ReferralQuery,
  RiskAssessment,
  RiskInstrument,
  ServiceChanges,
  ServiceParams,
  SupportPlan,
} from './care.schema.ts';

export const careSchemas = [RiskInstrument, RiskAssessment, SupportPlan, Referral];

export const careRoutes =
  ({ care, referrals }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['care'];
    const assessment = Type.Ref('RiskAssessment');
    const plan = Type.Ref('SupportPlan');
    const referral = Type.Ref('Referral');

    app.get(
      '/risk-instruments/current',
      {
        schema: {
          tags,
          summary: 'The risk questionnaire new assessments use: questions, answers, weights and thresholds',
          response: responses({ 200: Type.Ref('RiskInstrument') }, 401),
        },
      },
      () => care.currentInstrument(),
    );

    app.post(
      '/cases/:caseId/risk-assessments',
      {
        schema: {
          tags,
          summary: 'Assess the risk to the survivor (a high level needs a safety plan)',
          description: 'Refused with 400 safety_plan_required, and nothing stored, when the level is high without one.',
          params: CaseParams,
          body: NewRiskAssessment,
          response: responses({ 201: assessment }, 401, 403, 404),
        },
      },
      async (request, reply) =>
        reply.status(201).send(await care.assessRisk(request.ctx, request.params.caseId, request.body)),
    );

    app.get(
      '/cases/:caseId/risk-assessments',
      {
        schema: {
          tags,
          summary: 'Every risk assessment of the case, newest first, each compared with the one before',
          params: CaseParams,
          response: responses({ 200: Type.Array(assessment) }, 401, 403, 404),
        },
      },
      (request) => care.riskHistory(request.ctx, request.params.caseId),
    );

    app.post(
      '/cases/:caseId/services',
      {
        schema: {
          tags,
          summary: 'Plan a service for the survivor (support plan, spl_ fields)',
          params: CaseParams,
          body: NewService,
          response: responses({ 201: plan }, 401, 403, 404),
        },
      },
      async (request, reply) =>
        reply.status(201).send(await care.planService(request.ctx, request.params.caseId, request.body)),
    );

    app.get(
      '/cases/:caseId/services',
      {
        schema: {
          tags,
          summary: 'The services planned for the survivor, oldest first',
          params: CaseParams,
          response: responses({ 200: Type.Array(plan) }, 401, 403, 404),
        },
      },
      (request) => care.services(request.ctx, request.params.caseId),
    );

    app.patch(
      '/cases/:caseId/services/:serviceId',
      {
        schema: {
          tags,
          summary: 'Change a service: status (planned → active → completed | cancelled), fields, provider, language',
          params: ServiceParams,
          body: ServiceChanges,
          response: responses({ 200: plan }, 401, 403, 404, 409),
        },
      },
      (request) => care.changeService(request.ctx, request.params.caseId, request.params.serviceId, request.body),
    );

    app.post(
      '/cases/:caseId/referrals',
      {
        schema: {
          tags,
          summary: "Refer the case to another agency of this node (needs the survivor's in-country sharing consent)",
          params: CaseParams,
          body: NewReferral,
          response: responses({ 201: referral }, 401, 403, 404, 409),
        },
      },
      async (request, reply) =>
        reply.status(201).send(await referrals.offerReferral(request.ctx, request.params.caseId, request.body)),
    );

    app.get(
      '/cases/:caseId/referrals',
      {
        schema: {
          tags,
          summary: 'The referrals of the case, newest first (a receiving agency sees only its own)',
          params: CaseParams,
          response: responses({ 200: Type.Array(referral) }, 401, 403, 404),
        },
      },
      (request) => referrals.caseReferrals(request.ctx, request.params.caseId),
    );

    app.get(
      '/referrals',
      {
        schema: {
          tags,
          summary: "Your agencies' referrals: received (incoming) or sent (outgoing), newest first",
          querystring: ReferralQuery,
          response: responses(
            { 200: Type.Object({ total: Type.Integer(), referrals: Type.Array(referral) }) },
            401,
            403,
          ),
        },
      },
      (request) => referrals.referrals(request.ctx, request.query),
    );

    app.post(
      '/referrals/:referralId/accept',
      {
        schema: {
          tags,
          summary: 'Accept an offered referral (receiving agency): the case and its shared identity fields open to you',
          params: ReferralParams,
          response: responses({ 200: referral }, 401, 403, 404, 409),
        },
      },
      (request) => referrals.acceptReferral(request.ctx, request.params.referralId),
    );

    app.post(
      '/referrals/:referralId/decline',
      {
        schema: {
          tags,
          summary: 'Decline an offered referral, with a reason (receiving agency)',
          params: ReferralParams,
          body: Reason,
          response: responses({ 200: referral }, 401, 403, 404, 409),
        },
      },
      (request) => referrals.declineReferral(request.ctx, request.params.referralId, request.body.reason),
    );

    app.post(
      '/referrals/:referralId/revoke',
      {
        schema: {
          tags,
          summary: 'Withdraw an offer or end the sharing of an accepted referral, with a reason (referring agency)',
          params: ReferralParams,
          body: Reason,
          response: responses({ 200: referral }, 401, 403, 404, 409),
        },
      },
      (request) => referrals.revokeReferral(request.ctx, request.params.referralId, request.body.reason),
    );
  };
