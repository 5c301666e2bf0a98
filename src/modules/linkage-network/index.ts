export { linkageRoutes, linkageSchemas } from './linkage-network.routes.ts';
export type { LinkageAlert, LinkageGroup } from './linkage-network.schema.ts';
export { LinkageService, secretFingerprint } from './linkage-network.service.ts';
