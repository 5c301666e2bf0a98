/** What the audit log holds: an entry as a service records it, and a record as the hash-linked log keeps it. */
export type Outcome = 'success' | 'denied' | 'failure';

export interface AuditEntry {
  actor: string;
  action: string;
  resource?: string | null;
  /** The records a list read showed (`case:<id>`, …), or the ids a refused request asked for. Ids only. */
  resources?: readonly string[] | null;
  purpose?: string | null;
  outcome: Outcome;
  requestId?: string | null;
  /** On a summary of refusals: how many more of this kind and source were counted but not recorded one by one. */
  omitted?: number | null;
}

export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  action: string;
  resource: string | null;
  resources: string[] | null;
  purpose: string | null;
  outcome: Outcome;
  requestId: string | null;
  omitted: number | null;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  actor?: string;
  /** An action, or a family of them: `case.*`. */
  action?: string;
  /** Matches the record's resource or any of the records a list read showed. */
  resource?: string;
  outcome?: Outcome;
  requestId?: string;
  from?: string;
  to?: string;
  afterSeq?: number;
  /** Newest first (for "the last N records"); oldest first by default, which pages with `afterSeq`. */
  newestFirst?: boolean;
  limit: number;
}
