/** What the audit log holds: an entry as a service records it, and a record as the hash-linked log keeps it. */
export type Outcome = 'success' | 'denied' | 'failure';

export interface AuditEntry {
  actor: string;
  action: string;
  resource?: string | null;
  purpose?: string | null;
  outcome: Outcome;
  requestId?: string | null;
}

export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  action: string;
  resource: string | null;
  purpose: string | null;
  outcome: Outcome;
  requestId: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  resource?: string;
  from?: string;
  to?: string;
  afterSeq?: number;
  limit: number;
}
