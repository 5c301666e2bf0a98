export { caseOverviewRoutes, caseOverviewSchemas } from './case-overview.routes.ts';
export { CaseOverview, type CaseOverviewPerson } from './case-overview.schema.ts';
export { CaseOverviewService } from './case-overview.service.ts';
