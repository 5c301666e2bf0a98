export { authorizeCase, loadCase, readableCase } from './case-access.ts';
export type { CaseRow, CaseSummary } from './cases.repository.ts';
export * as cases from './cases.repository.ts';
export * as repo from './cases.repository.ts';
export { caseSchemas, casesRoutes } from './cases.routes.ts';
export { CaseParams, Fields, FieldValue, PurposeName, Reason } from './cases.schema.ts';
export { CasesService, type SearchHit } from './cases.service.ts';
export { fieldErrors, type NewCase, type ValidCase, validateNewCase } from './first-report.ts';
