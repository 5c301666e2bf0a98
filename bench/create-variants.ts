/**
 * The variants the create-case benchmark runs beside the shipped service, to show what limits its throughput: a
 * pool of another size, audit appends that do not serialise, and the same rows written without Passage's logic.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ulid } from 'ulid';
import type { Db } from '../src/db/client.ts';
import { chainHash, GENESIS_HASH } from '../src/lib/hash-chain.ts';
import type { AuditEntry, StoredAuditRecord as AuditRecord } from '../src/modules/audit/index.ts';
import { AuditService, type RequestContext } from '../src/modules/audit/index.ts';
import { actorRef } from '../src/shared/policy.ts';

const INT8_OID = 20;

/** `openPostgres` with another pool size: the change the pool-size runs prototype. */
export function openPostgresWithPool(connectionString: string, max: number): Db {
  const pool = new pg.Pool({
    connectionString,
    max,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? BigInt : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  return {
    kind: 'postgres',
    query: async (sql, params = []) => (await pool.query(sql, params as unknown[])).rows,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({
          query: async (sql, params = []) => (await client.query(sql, params as unknown[])).rows,
          exec: async (sql) => {
            await client.query(sql);
          },
        });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    exec: async (sql) => {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}

/** Its scratch table. */
export const UNSERIALISED_AUDIT_TABLE = `create table bench_audit_unserialised (
  seq bigint generated always as identity primary key, at timestamptz not null, actor text not null,
  action text not null, resource text, purpose text, outcome text not null, request_id text,
  prev_hash text not null, hash text not null)`;

/**
 * Audit appends without the chain: the same row and the same hashing, into a scratch table with its own sequence,
 * so no transaction waits for another's commit. Shows what the advisory lock costs; it is not a proposal.
 */
export class UnserialisedAudit extends AuditService {
  override async record(
    q: Parameters<AuditService['record']>[0],
    ctx: RequestContext,
    entry: Omit<AuditEntry, 'actor' | 'requestId'>,
  ): Promise<AuditRecord> {
    const at = new Date().toISOString();
    const fields = [0, at, actorRef(ctx.actor), entry.action, entry.resource ?? null, entry.purpose ?? null] as const;
    const hash = chainHash(GENESIS_HASH, [...fields, entry.outcome, ctx.requestId]);
    const [row] = await q.query<{ seq: bigint }>(
      `insert into bench_audit_unserialised (at, actor, action, resource, purpose, outcome, request_id, prev_hash, hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning seq`,
      [at, fields[2], entry.action, fields[4], fields[5], entry.outcome, ctx.requestId, GENESIS_HASH, hash],
    );
    return {
      seq: Number(row?.seq),
      at,
      actor: fields[2],
      action: entry.action,
      resource: fields[4],
      resources: null,
      purpose: fields[5],
      outcome: entry.outcome,
      requestId: ctx.requestId,
      omitted: null,
      prevHash: GENESIS_HASH,
      hash,
    };
  }
}

export interface StoredCase {
  agency_id: string;
  attributes: string;
  wrapped_key: string;
  identity: string;
  name_tokens: number;
  victim: string;
  details: string;
  owner_id: string;
  created_by: string;
  movement: string;
  tokens: number;
}

/**
 * The statements `createValid` sends, with the rows of a stored case and fresh ids, in one transaction: no
 * validation, no encryption, no hash chain, no read-back. What the database work of a create costs by itself.
 */
export function sameRows(pool: pg.Pool, row: StoredCase) {
  return async () => {
    const client = await pool.connect();
    try {
      const personId = ulid();
      const caseId = ulid();
      const tokens =
        randomBytes(16 * row.tokens)
          .toString('hex')
          .match(/.{32}/g) ?? [];
      await client.query('begin');
      await client.query('select country from agencies where id = $1', [row.agency_id]);
      await client.query(
        `insert into persons (id, agency_id, attributes, wrapped_key, identity, name_tokens)
         values ($1, $2, $3, $4, $5, $6)`,
        [personId, row.agency_id, row.attributes, row.wrapped_key, row.identity, row.name_tokens],
      );
      await client.query(
        `insert into person_tokens (kind, token, person_id)
         select 'name', token, $2 from unnest($1::text[]) as t (token) on conflict do nothing`,
        [tokens, personId],
      );
      const [n] = (await client.query("select nextval('case_reference_seq') as n")).rows;
      await client.query(
        `insert into cases (id, reference, agency_id, survivor_id, stage, stage_since, victim, details, owner_id,
                            reported_at, created_by)
         values ($1, $2, $3, $4, 'reported', now(), $5, $6, $7, current_date, $8) returning *`,
        [caseId, `IT-0000-${n?.n}`, row.agency_id, personId, row.victim, row.details, row.owner_id, row.created_by],
      );
      for (const [type, data] of [
        ['created', { stage: 'reported' }],
        ['comment', { cco_CaseComment: 'Found during a labour inspection.' }],
        ['movement_added', { hte_Type: 'Recruitment' }],
      ] as const) {
        await client.query('insert into case_events (case_id, actor, type, data) values ($1, $2, $3, $4)', [
          caseId,
          row.created_by,
          type,
          JSON.stringify(data),
        ]);
      }
      await client.query('insert into movements (id, case_id, fields) values ($1, $2, $3)', [
        ulid(),
        caseId,
        row.movement,
      ]);
      await client.query(
        `insert into bench_audit_unserialised (at, actor, action, resource, outcome, prev_hash, hash)
         values (now(), $1, 'case.create', $2, 'success', $3, $3)`,
        [row.created_by, `case:${caseId}`, GENESIS_HASH],
      );
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
}
