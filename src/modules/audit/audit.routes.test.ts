import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, createTestNode, signIn, type TestNode } from '../../../test/helpers.ts';
import type { Db } from '../../db/client.ts';
import { listAudit } from './audit.repository.ts';

const trail = (db: Db) => listAudit(db, { limit: 1_000_000 });

const countRecords = async (db: Db) =>
  Number((await db.query<{ n: bigint }>('select count(*) as n from audit_log'))[0]?.n);

describe('the audit API', () => {
  let node: TestNode;
  let overseer: Awaited<ReturnType<typeof buildUser>>;
  let caseWorker: Awaited<ReturnType<typeof buildUser>>;
  let overseerHeaders: Record<string, string>;
  let caseWorkerHeaders: Record<string, string>;
  beforeAll(async () => {
    node = await createTestNode();
    overseer = await buildUser(node.services, 'oversight', { nodeWide: true });
    caseWorker = await buildUser(node.services, 'case_worker');
    overseerHeaders = (await signIn(node.app, overseer)).headers;
    caseWorkerHeaders = (await signIn(node.app, caseWorker)).headers;
  });
  afterAll(() => node.close());

  const get = (url: string, headers: Record<string, string> = {}) => node.app.inject({ method: 'GET', url, headers });

  function expectError(res: LightMyRequestResponse, status: number, id: string) {
    expect(res.statusCode, res.body).toBe(status);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.id).toBe(id);
    expect(typeof body.error.message).toBe('string');
    return body.error;
  }

  const recordOf = async (res: LightMyRequestResponse) => {
    const requestId = res.headers['x-request-id'];
    expect(requestId).toBeTruthy();
    const records = await trail(node.services.db);
    return records.filter((r) => r.requestId === requestId);
  };

  it('refuses a query without a purpose, or with one that is not a purpose', async () => {
    const missing = expectError(await get('/api/audit', overseerHeaders), 400, 'invalid_request');
    expect(missing.details).toContainEqual(expect.objectContaining({ in: 'querystring' }));
    expect(missing.message).toContain('purpose');
    expectError(await get('/api/audit?purpose=curiosity', overseerHeaders), 400, 'invalid_request');
    expectError(await get('/api/audit?purpose=oversight&colour=blue', overseerHeaders), 400, 'invalid_request');
  });

  it('refuses a purpose that does not justify reading the trail, and records the refusal', async () => {
    const res = await get('/api/audit?purpose=statistics', overseerHeaders);
    expectError(res, 403, 'purpose_required');
    expect(await recordOf(res)).toEqual([
      expect.objectContaining({
        actor: `user:${overseer.id}`,
        action: 'audit.read',
        purpose: 'statistics',
        outcome: 'denied',
      }),
    ]);
  });

  it('refuses the service a read without any purpose', async () => {
    const ctx = {
      actor: { kind: 'user' as const, userId: overseer.id, memberships: overseer.memberships },
      requestId: null,
    };
    await expect(node.services.audit.query(ctx, { limit: 10 }, undefined)).rejects.toMatchObject({
      id: 'purpose_required',
      status: 403,
    });
  });

  it('refuses a case worker and records the refusal as denied', async () => {
    const before = await countRecords(node.services.db);
    const res = await get('/api/audit?purpose=oversight', caseWorkerHeaders);
    expectError(res, 403, 'forbidden');
    expect(await countRecords(node.services.db)).toBe(before + 1);
    expect(await recordOf(res)).toEqual([
      expect.objectContaining({
        actor: `user:${caseWorker.id}`,
        action: 'audit.read',
        purpose: 'oversight',
        outcome: 'denied',
      }),
    ]);
  });

  it('refuses oversight scoped to one agency: reading the trail is node-wide', async () => {
    const local = await buildUser(node.services, 'oversight');
    const { headers } = await signIn(node.app, local);
    expectError(await get('/api/audit?purpose=oversight', headers), 403, 'forbidden');
  });

  it('refuses a request without a session', async () => {
    expectError(await get('/api/audit?purpose=oversight'), 401, 'not_signed_in');
    expectError(await get('/api/audit/verify'), 401, 'not_signed_in');
  });

  it('answers oversight with purpose=oversight and records the read', async () => {
    const res = await get(`/api/audit?purpose=oversight&actor=user:${overseer.id}&action=audit.read`, overseerHeaders);
    expect(res.statusCode, res.body).toBe(200);
    const records = res.json();
    // The read is recorded in the same transaction, before the records are listed: it sees itself.
    expect(records.at(-1)).toMatchObject({
      actor: `user:${overseer.id}`,
      action: 'audit.read',
      purpose: 'oversight',
      outcome: 'success',
      requestId: res.headers['x-request-id'],
    });
    for (const record of records) expect(record).toMatchObject({ actor: `user:${overseer.id}`, action: 'audit.read' });
    expect(await recordOf(res)).toHaveLength(1);
  });

  it('pages through the trail with afterSeq and limit', async () => {
    const res = await get('/api/audit?purpose=oversight&afterSeq=2&limit=3', overseerHeaders);
    expect(res.statusCode).toBe(200);
    expect(res.json().map((r: { seq: number }) => r.seq)).toEqual([3, 4, 5]);
    expectError(await get('/api/audit?purpose=oversight&limit=0', overseerHeaders), 400, 'invalid_request');
    expectError(await get('/api/audit?purpose=oversight&afterSeq=abc', overseerHeaders), 400, 'invalid_request');
  });

  it('answers a node administrator reading for administration', async () => {
    const admin = await buildUser(node.services, 'node_admin', { nodeWide: true });
    const { headers } = await signIn(node.app, admin);
    const res = await get('/api/audit?purpose=administration', headers);
    expect(res.statusCode).toBe(200);
    expect(await recordOf(res)).toEqual([
      expect.objectContaining({ actor: `user:${admin.id}`, purpose: 'administration', outcome: 'success' }),
    ]);
  });

  it('verifies the trail over HTTP and records the verification', async () => {
    const before = await trail(node.services.db);
    const res = await get('/api/audit/verify', overseerHeaders);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      ok: true,
      records: before.length,
      headHash: before.at(-1)?.hash,
      firstBroken: null,
    });
    expect(await recordOf(res)).toEqual([
      expect.objectContaining({ actor: `user:${overseer.id}`, action: 'audit.verify', outcome: 'success' }),
    ]);
  });

  it('refuses verification to a case worker and records the refusal', async () => {
    const res = await get('/api/audit/verify', caseWorkerHeaders);
    expectError(res, 403, 'forbidden');
    expect(await recordOf(res)).toEqual([
      expect.objectContaining({ actor: `user:${caseWorker.id}`, action: 'audit.verify', outcome: 'denied' }),
    ]);
  });
});
