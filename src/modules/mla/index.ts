export type { Clock } from '../../shared/mla-clocks.ts';
export { mlaRoutes, mlaSchemas } from './mla.routes.ts';
export { MlaService } from './mla.service.ts';
export { mlaDeadlinesOfCases } from './mla-lookups.ts';
