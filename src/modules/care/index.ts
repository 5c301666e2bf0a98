export * as care from './care.repository.ts';
export { careRoutes, careSchemas } from './care.routes.ts';
export { CareService } from './care.service.ts';
