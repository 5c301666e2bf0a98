/**
 * The vocabulary of a survivor's care that the server checks and the web app offers: service types and statuses,
 * referral statuses, and what an in-country referral shares unless the sender chooses otherwise.
 */
import { picklistValues } from './htcds.ts';

const HTCDS_SERVICE_TYPES = picklistValues('spl_Type');
// HTCDS spl_Type has no value for interpreting, cultural mediation or accommodation; Passage adds them.
export const SERVICE_TYPE_EXTENSIONS = ['Interpreter', 'CulturalMediation', 'Shelter'] as const;
export const SERVICE_TYPES: readonly string[] = [
  ...HTCDS_SERVICE_TYPES,
  ...SERVICE_TYPE_EXTENSIONS.filter((type) => !HTCDS_SERVICE_TYPES.includes(type)),
];

export const SERVICE_STATUSES = ['planned', 'active', 'completed', 'cancelled'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export const REFERRAL_STATUSES = ['offered', 'accepted', 'declined', 'revoked'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** What a referral shares when the sender does not choose: enough to contact the survivor, nothing more. */
export const DEFAULT_SHARED_FIELDS: readonly string[] = [
  'prs_FirstName',
  'prs_MiddleName',
  'prs_SecondName',
  'prs_MobilePhone',
];
