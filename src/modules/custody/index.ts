export type { IntegrityCheck, IntegrityProblem } from './custody.integrity.ts';
export { custodyRoutes, custodySchemas } from './custody.routes.ts';
export { type ConsistencyProofView, CustodyLogService, type InclusionProofView } from './custody.service.ts';
export { custodyOrigin } from './custody-keys.ts';
