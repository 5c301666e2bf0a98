export { type AuditEntry, type AuditRecord as StoredAuditRecord, listAudit } from './audit.repository.ts';
export { auditRoutes } from './audit.routes.ts';
export { AuditRecord } from './audit.schema.ts';
export { AuditService, type RequestContext, type VerifyResult } from './audit.service.ts';
