import type { Queryable } from '../../db/client.ts';
import { type ChainedRecord, chainHash, GENESIS_HASH } from '../../lib/hash-chain.ts';
import type { AuditEntry, AuditFilter, AuditRecord, Outcome } from './audit-records.ts';

interface Row {
  seq: bigint;
  at: Date;
  actor: string;
  action: string;
  resource: string | null;
  resources: string[] | null;
  purpose: string | null;
  outcome: Outcome;
  request_id: string | null;
  omitted: number | null;
  prev_hash: string;
  hash: string;
}

const LOCK_KEY = 7302;

function hashedFields(r: Omit<AuditRecord, 'prevHash' | 'hash'>) {
  const base = [r.seq, r.at, r.actor, r.action, r.resource, r.purpose, r.outcome, r.requestId] as const;
  // The two later fields join the hash only when set, so records written before them verify unchanged. Ids hold no
  // space, so the list joined by spaces is unambiguous.
  if (r.resources === null && r.omitted === null) return base;
  return [...base, r.resources?.join(' ') ?? null, r.omitted] as const;
}

function toRecord(row: Row): AuditRecord {
  return {
    seq: Number(row.seq),
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    resource: row.resource,
    resources: row.resources,
    purpose: row.purpose,
    outcome: row.outcome,
    requestId: row.request_id,
    omitted: row.omitted,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function toChained(record: AuditRecord): ChainedRecord {
  return { seq: record.seq, prevHash: record.prevHash, hash: record.hash, fields: hashedFields(record) };
}

/** Appends one record. Must run inside the transaction of the change it records, so both commit or neither does. */
export async function appendAudit(tx: Queryable, entry: AuditEntry, now = new Date()): Promise<AuditRecord> {
  // Serialises appends so that each record links to the one before it, on PGlite and on a PostgreSQL server alike.
  await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
  const [head] = await tx.query<{ seq: bigint; hash: string }>(
    'select seq, hash from audit_log order by seq desc limit 1',
  );
  const base = {
    seq: head ? Number(head.seq) + 1 : 1,
    at: new Date(Math.floor(now.getTime())).toISOString(),
    actor: entry.actor,
    action: entry.action,
    resource: entry.resource ?? null,
    resources: entry.resources ? [...entry.resources] : null,
    purpose: entry.purpose ?? null,
    outcome: entry.outcome,
    requestId: entry.requestId ?? null,
    omitted: entry.omitted ?? null,
  };
  const prevHash = head?.hash ?? GENESIS_HASH;
  const hash = chainHash(prevHash, hashedFields(base));
  await tx.query(
    `insert into audit_log
       (seq, at, actor, action, resource, resources, purpose, outcome, request_id, omitted, prev_hash, hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      base.seq,
      base.at,
      base.actor,
      base.action,
      base.resource,
      base.resources,
      base.purpose,
      base.outcome,
      base.requestId,
      base.omitted,
      prevHash,
      hash,
    ],
  );
  return { ...base, prevHash, hash };
}

export async function listAudit(db: Queryable, filter: AuditFilter): Promise<AuditRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (filter.actor) add('actor = ?', filter.actor);
  // `case.*` names a family of actions; LIKE's own wildcards in the name are escaped (backslash is its escape).
  if (filter.action?.endsWith('.*')) add('action like ?', `${escapeLike(filter.action.slice(0, -1))}%`);
  else if (filter.action) add('action = ?', filter.action);
  if (filter.resource) {
    params.push(filter.resource);
    where.push(`(resource = $${params.length} or $${params.length} = any(resources))`);
  }
  if (filter.outcome) add('outcome = ?', filter.outcome);
  if (filter.requestId) add('request_id = ?', filter.requestId);
  if (filter.from) add('at >= ?', filter.from);
  if (filter.to) add('at < ?', filter.to);
  if (filter.afterSeq !== undefined) add('seq > ?', filter.afterSeq);
  params.push(filter.limit);
  const rows = await db.query<Row>(
    `select seq, at, actor, action, resource, resources, purpose, outcome, request_id, omitted, prev_hash, hash
     from audit_log ${where.length ? `where ${where.join(' and ')}` : ''}
     order by seq ${filter.newestFirst ? 'desc' : 'asc'} limit $${params.length}`,
    params,
  );
  return rows.map(toRecord);
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Yields every record in order, a page at a time, so verifying a long trail needs little memory. */
export async function* allAudit(db: Queryable, pageSize = 2000): AsyncGenerator<AuditRecord> {
  let afterSeq = 0;
  for (;;) {
    const page = await listAudit(db, { afterSeq, limit: pageSize });
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    afterSeq = last.seq;
  }
}
