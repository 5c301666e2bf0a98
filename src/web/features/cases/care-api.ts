/** Risk assessments, services and in-country referrals, as the web app sees the care API; types are its schemas'. */

import type {
  NewReferral,
  NewRiskAssessment,
  NewService,
  Referral,
  RiskAssessment,
  ServiceChanges,
  SupportPlan,
} from '../../../modules/care/care.schema.ts';
import type { RiskInstrument } from '../../../shared/risk.ts';
import { request } from '../../api.ts';

export type { NewReferral, NewService, Referral, RiskAssessment, RiskInstrument, ServiceChanges, SupportPlan };

const casePath = (caseId: string, rest: string) => `/api/cases/${encodeURIComponent(caseId)}${rest}`;
const referralPath = (id: string, action: string) => `/api/referrals/${encodeURIComponent(id)}/${action}`;

export const careApi = {
  instrument: () => request<RiskInstrument>('GET', '/api/risk-instruments/current'),
  assessments: (caseId: string) => request<RiskAssessment[]>('GET', casePath(caseId, '/risk-assessments')),
  assess: (caseId: string, assessment: NewRiskAssessment) =>
    request<RiskAssessment>('POST', casePath(caseId, '/risk-assessments'), assessment),
  services: (caseId: string) => request<SupportPlan[]>('GET', casePath(caseId, '/services')),
  planService: (caseId: string, service: NewService) =>
    request<SupportPlan>('POST', casePath(caseId, '/services'), service),
  changeService: (caseId: string, serviceId: string, changes: ServiceChanges) =>
    request<SupportPlan>('PATCH', casePath(caseId, `/services/${encodeURIComponent(serviceId)}`), changes),
  caseReferrals: (caseId: string) => request<Referral[]>('GET', casePath(caseId, '/referrals')),
  refer: (caseId: string, referral: NewReferral) => request<Referral>('POST', casePath(caseId, '/referrals'), referral),
  accept: (id: string) => request<Referral>('POST', referralPath(id, 'accept')),
  decline: (id: string, reason: string) => request<Referral>('POST', referralPath(id, 'decline'), { reason }),
  revoke: (id: string, reason: string) => request<Referral>('POST', referralPath(id, 'revoke'), { reason }),
};
