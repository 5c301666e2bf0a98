export { CaseAccess } from './case-access.ts';
export {
  actorsOfCase,
  type CasesReached,
  caseIdsOf,
  caseReferences,
  casesReached,
  type OpenCase,
  openCases,
} from './case-lookups.ts';
export type {
  CasePerson,
  CasePersons,
  CaseSharing,
  DataSealer,
  PersonQuery,
  PersonSealer,
  SealedPerson,
} from './case-persons.ts';
export { openFields, type SealedMap, sealFields } from './case-seal.ts';
export type { CaseEvent, CaseRecord, CaseRow, CaseSummary, CaseView, SearchHit } from './case-view.ts';
export { caseSchemas, casesRoutes } from './cases.routes.ts';
export { CaseParams, Fields, FieldValue, PurposeName, Reason, StageSpan } from './cases.schema.ts';
export { type CaseDependencies, CasesService } from './cases.service.ts';
export { fieldErrors, type NewCase, splitPerson, type ValidCase, validateNewCase } from './first-report.ts';
