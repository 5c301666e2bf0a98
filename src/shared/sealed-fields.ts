/**
 * HTCDS fields of a case that are kept sealed at rest (docs/data-at-rest.md): free text that may name people, and the
 * places of a movement, which can say where the survivor is or was. They are encrypted under the survivor's data key
 * and erased with her identity; the other fields of the same maps (picklists, dates, countries) stay in clear for
 * statistics and search. Identity fields (`IDENTITY_FIELDS`) are sealed in the survivors module and are not listed.
 */
export const SEALED_CASE_FIELDS = [
  'vic_DetailsOfVulnerabilities',
  'vic_LocationOfRecruitment',
  'vic_LocationOfExploitation',
  'cas_ReasonForCaseClosure',
  'cas_IncomingReferralDetails',
  'cas_OutgoingReferralDetails',
  'hte_Street',
  'hte_City',
  'hte_State',
  'hte_PostalCode',
  'hte_Latitude',
  'hte_Longitude',
  'hte_Description',
  'per_RoleDetails',
  'spl_Objectives',
  'spl_ActionPlan',
] as const;

const sealedSet = new Set<string>(SEALED_CASE_FIELDS);

export const isSealedField = (name: string): boolean => sealedSet.has(name);
