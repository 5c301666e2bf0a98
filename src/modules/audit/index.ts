export { auditRoutes } from './audit.routes.ts';
export { AuditRecord } from './audit.schema.ts';
export {
  AuditService,
  type Denial,
  type DenialLimiter,
  type ReadEntry,
  type RequestContext,
  type VerifyResult,
} from './audit.service.ts';
export type { AuditEntry, AuditFilter, AuditRecord as StoredAuditRecord } from './audit-records.ts';
