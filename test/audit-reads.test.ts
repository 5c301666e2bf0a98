import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorContext } from '../src/app/operations.ts';
import type { AuditRecord } from '../src/modules/audit/index.ts';
import { buildCase, buildSurvivor, contextOf } from './factories.ts';
import { buildUser, createTestNode, requestAs, signIn, type TestNode, type TestUser } from './helpers.ts';

/** Issue 14: every read of protected data leaves one audit record per request, naming the records it showed. */
describe('reads of protected data in the audit trail', () => {
  let node: TestNode;
  let worker: TestUser;
  let headers: Record<string, string>;
  let overseer: Record<string, string>;
  let cases: string[];
  beforeAll(async () => {
    node = await createTestNode();
    worker = await buildUser(node.services, 'case_worker');
    headers = (await signIn(node.app, worker)).headers;
    overseer = (await signIn(node.app, await buildUser(node.services, 'oversight', { nodeWide: true }))).headers;
    const ctx = contextOf(worker, 'case_worker');
    cases = [];
    for (const name of ['Ottavina', 'Ermengarda']) {
      cases.push((await buildCase(node.services, ctx, { survivor: buildSurvivor({ prs_FirstName: name }) })).id);
    }
  });
  afterAll(() => node.close());

  const get = (url: string) => requestAs(node, headers, 'GET', url);
  const recordsOf = async (res: { headers: Record<string, unknown> }) =>
    (await node.services.audit.records({ limit: 100_000 })).filter((r) => r.requestId === res.headers['x-request-id']);

  it('records a list read once, with the ids of every case it showed', async () => {
    const res = await get('/api/cases');
    expect(res.statusCode).toBe(200);
    const shown = (res.json().cases as { id: string }[]).map((c) => `case:${c.id}`);
    expect(shown.toSorted()).toEqual(cases.map((id) => `case:${id}`).toSorted());
    expect(await recordsOf(res)).toEqual([
      expect.objectContaining({
        actor: `user:${worker.id}`,
        action: 'case.list',
        outcome: 'success',
        resources: shown,
      }),
    ]);
  });

  it('records reads of a case, its timeline, its stages, consents, notices, risk, services and referrals', async () => {
    const id = cases[0] as string;
    const reads: [string, string][] = [
      [`/api/cases/${id}`, 'case.read'],
      [`/api/cases/${id}/timeline`, 'case.timeline'],
      [`/api/cases/${id}/stages`, 'case.stages'],
      [`/api/cases/${id}/consents`, 'consent.read'],
      [`/api/cases/${id}/notices`, 'notice.read'],
      [`/api/cases/${id}/risk-assessments`, 'risk.read'],
      [`/api/cases/${id}/services`, 'service.read'],
      [`/api/cases/${id}/referrals`, 'referral.read'],
    ];
    for (const [url, action] of reads) {
      const res = await get(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      expect(await recordsOf(res), url).toEqual([
        expect.objectContaining({ actor: `user:${worker.id}`, action, outcome: 'success' }),
      ]);
      const [record] = await recordsOf(res);
      expect(record?.resource, url).toBe(`case:${id}`);
    }
  });

  it('records the evidence list of a case with the items it showed', async () => {
    const res = await get(`/api/cases/${cases[0]}/evidence`);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { id: string }[];
    expect(await recordsOf(res)).toEqual([
      expect.objectContaining({
        action: 'evidence.list',
        resource: `case:${cases[0]}`,
        resources: items.map((i) => `evidence:${i.id}`),
      }),
    ]);
  });

  it('records the user list and the peer lists with the ids they showed', async () => {
    const admin = (await signIn(node.app, await buildUser(node.services, 'node_admin', { nodeWide: true }))).headers;
    const users = await requestAs(node, admin, 'GET', '/api/users');
    expect(users.statusCode, users.body).toBe(200);
    const shown = (users.json() as { id: string }[]).map((u) => `user:${u.id}`);
    expect(shown).toContain(`user:${worker.id}`);
    expect(await recordsOf(users)).toEqual([
      expect.objectContaining({ action: 'user.list', outcome: 'success', resources: shown }),
    ]);
    for (const [url, action, headers_] of [
      ['/api/peers', 'peer.list', admin],
      ['/api/peers/directory', 'peer.directory', headers],
    ] as const) {
      const res = await requestAs(node, headers_, 'GET', url);
      expect(res.statusCode, res.body).toBe(200);
      expect(await recordsOf(res), url).toEqual([expect.objectContaining({ action, outcome: 'success' })]);
    }
  });

  it('does not record the answer to a change as a read: the change has its own record', async () => {
    const id = cases[1] as string;
    const res = await requestAs(node, headers, 'PATCH', `/api/cases/${id}`, { details: { cas_Comment: null } });
    expect(res.statusCode, res.body).toBeLessThan(300);
    expect((await recordsOf(res)).map((r) => r.action)).toEqual(['case.update']);
  });

  it('keeps names out of the trail while reading them', async () => {
    const rows = await node.services.db.query('select * from audit_log');
    const text = JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    expect(text).not.toMatch(/ottavina|ermengarda/i);
  });

  it('lets an overseer find the reads of a case, list reads included, newest first, by action family', async () => {
    const id = cases[0] as string;
    const res = await requestAs(
      node,
      overseer,
      'GET',
      `/api/audit?purpose=oversight&resource=case:${id}&action=case.*&order=newest&outcome=success`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const found = res.json() as AuditRecord[];
    const actions = found.map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['case.list', 'case.read', 'case.timeline', 'case.stages']));
    expect(found.every((r) => r.action.startsWith('case.') && r.outcome === 'success')).toBe(true);
    const seqs = found.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(found.find((r) => r.action === 'case.list')?.resources).toContain(`case:${id}`);
    // A family is a prefix of whole names: `case.*` is not `cases…`, and LIKE's wildcards are taken literally.
    const literal = await requestAs(node, overseer, 'GET', '/api/audit?purpose=oversight&action=case_.*');
    expect(literal.json()).toEqual([]);
  });

  it('keeps the chain verifying', async () => {
    expect((await node.services.audit.verify(operatorContext('reads-test'))).ok).toBe(true);
  });
});
