export { type AuditEntry, type AuditRecord as StoredAuditRecord, listAudit } from './audit.repository.ts';
export { AuditRecord, auditRoutes } from './audit.routes.ts';
export { AuditService, type RequestContext, type VerifyResult } from './audit.service.ts';
