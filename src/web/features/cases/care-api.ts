/** Risk assessments, services and in-country referrals, as the web app sees the care API; types are the server's. */

import type { ReferralRow, SupportPlanRow } from '../../../modules/care/care.repository.ts';
import type {
  NewReferral,
  NewService,
  RiskAssessmentView,
  ServiceChanges,
} from '../../../modules/care/care.service.ts';
import type { RiskInstrument } from '../../../shared/risk.ts';
import { request } from '../../api.ts';

export type { RiskInstrument };
export type RiskAssessment = RiskAssessmentView;
export type SupportPlan = SupportPlanRow;
export type Referral = ReferralRow;
export type { NewReferral, NewService, ServiceChanges };

const casePath = (caseId: string, rest: string) => `/api/cases/${encodeURIComponent(caseId)}${rest}`;
const referralPath = (id: string, action: string) => `/api/referrals/${encodeURIComponent(id)}/${action}`;

export const careApi = {
  instrument: () => request<RiskInstrument>('GET', '/api/risk-instruments/current'),
  assessments: (caseId: string) => request<RiskAssessment[]>('GET', casePath(caseId, '/risk-assessments')),
  assess: (caseId: string, assessment: { instrument: string; answers: Record<string, string>; safetyPlan?: string }) =>
    request<RiskAssessment>('POST', casePath(caseId, '/risk-assessments'), assessment),
  services: (caseId: string) => request<SupportPlan[]>('GET', casePath(caseId, '/services')),
  planService: (caseId: string, service: NewService) =>
    request<SupportPlan>('POST', casePath(caseId, '/services'), service),
  changeService: (caseId: string, serviceId: string, changes: ServiceChanges) =>
    request<SupportPlan>('PATCH', casePath(caseId, `/services/${encodeURIComponent(serviceId)}`), changes),
  caseReferrals: (caseId: string) => request<Referral[]>('GET', casePath(caseId, '/referrals')),
  refer: (caseId: string, referral: NewReferral) => request<Referral>('POST', casePath(caseId, '/referrals'), referral),
  incoming: () =>
    request<{ total: number; referrals: Referral[] }>(
      'GET',
      '/api/referrals?direction=incoming&status=offered&limit=50',
    ),
  accept: (id: string) => request<Referral>('POST', referralPath(id, 'accept')),
  decline: (id: string, reason: string) => request<Referral>('POST', referralPath(id, 'decline'), { reason }),
  revoke: (id: string, reason: string) => request<Referral>('POST', referralPath(id, 'revoke'), { reason }),
};
