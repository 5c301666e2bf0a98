export { authorizeCase, loadCase, readableCase } from './case-access.ts';
export type {
  CasePerson,
  CasePersons,
  CaseSharing,
  PersonQuery,
  PersonSealer,
  SealedPerson,
} from './case-persons.ts';
export type { CaseRecord, CaseView, SearchHit } from './case-view.ts';
export type { CaseEvent, CaseRow, CaseSummary } from './cases.repository.ts';
export { caseSchemas, casesRoutes } from './cases.routes.ts';
export { CaseParams, Fields, FieldValue, PurposeName, Reason } from './cases.schema.ts';
export { type CaseDependencies, CasesService } from './cases.service.ts';
export { fieldErrors, type NewCase, splitPerson, type ValidCase, validateNewCase } from './first-report.ts';
