/** HTCDS org_Type values, then Passage's own for agencies HTCDS does not name. */
export const ORG_TYPES = [
  'NGO',
  'LawEnforcement',
  'HealthServiceOrganisation',
  'CentralGovernmentOrganisation',
  'LocalGovernmentOrganisation',
  'ImmigrationService',
  'LegalService',
  'CorporateBusiness',
  'SchoolOrCollege',
  'LabourInspectorate',
  'ProsecutionService',
  'Court',
  'CompensationFund',
  'OversightBody',
  'InternationalOrganisation',
] as const;
export type OrgType = (typeof ORG_TYPES)[number];
