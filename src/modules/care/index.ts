export { careRoutes, careSchemas } from './care.routes.ts';
export { CareService } from './care.service.ts';
export { referralSharing } from './referral-sharing.ts';
export { ReferralsService } from './referrals.service.ts';
export { REASSESS_AFTER_DAYS, type ReassessmentDue, reassessmentsDue } from './risk-lookups.ts';
