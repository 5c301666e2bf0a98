import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, createTestNode, signIn, type TestNode, type TestUser } from '../../../test/helpers.ts';
import type { Role } from '../../shared/policy.ts';
import type { RequestContext } from '../audit/index.ts';
import { verifyBag } from './bag-verify.ts';
import type { FileBlobStore } from './blob-store.ts';
import { bagFileName } from './evidence-package.ts';

const bytes = (data: Buffer) => Readable.from([data]);
const FIELDS = { title: 'Payslip', handlingCode: 'H2', fileName: 'payslip.pdf', mediaType: 'application/pdf' };

describe('the evidence package of a case', () => {
  let node: TestNode;
  let base: string;
  let investigator: TestUser;
  let auth: Record<string, string>;
  let caseId: string;
  let reference: string;
  const ctxOf = (user: TestUser, role: Role): RequestContext => ({
    actor: { kind: 'user', userId: user.id, memberships: [{ role, agencyId: user.agencyId }] },
    requestId: null,
  });
  const download = (path: string, headers = auth) => fetch(`${base}${path}`, { headers });
  const exportedEvents = async () => {
    const rows = await node.services.db.query<{ n: bigint }>(
      "select count(*) as n from evidence_events where event = 'exported'",
    );
    return Number(rows[0]?.n);
  };

  beforeAll(async () => {
    node = await createTestNode();
    await node.app.listen({ host: '127.0.0.1', port: 0 });
    const address = node.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    investigator = await buildUser(node.services, 'investigator');
    auth = (await signIn(node.app, investigator)).headers;
    const created = await node.services.cases.create(ctxOf(investigator, 'investigator'), {
      reportedAt: '2026-03-01',
      survivor: { prs_Gender: 'Feminine' },
      confirmEmpty: true,
    });
    caseId = created.id;
    reference = created.reference;
  });
  afterAll(() => node.close());

  it('holds every item with its custody events and proofs, verifies offline, and records the export', async () => {
    const ctx = ctxOf(investigator, 'investigator');
    const { evidence } = node.services;
    const payslip = await evidence.add(ctx, caseId, FIELDS, bytes(randomBytes(150_000)));
    const chat = await evidence.add(
      ctx,
      caseId,
      { ...FIELDS, title: 'Chat', fileName: 'chat/export?.txt', mediaType: 'text/plain' },
      bytes(Buffer.from('Lavoro in campagna, vitto e alloggio.\n')),
    );
    const redacted = await evidence.derive(
      ctx,
      payslip.id,
      { transformation: 'redaction', fileName: 'payslip-redacted.pdf' },
      bytes(randomBytes(1000)),
    );

    const response = await download(`/api/cases/${caseId}/evidence/package`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toContain(`${reference}-evidence.zip`);
    const zip = join(node.services.config.dataDir, 'package.zip');
    writeFileSync(zip, Buffer.from(await response.arrayBuffer()));

    const report = await verifyBag(zip, { key: { fingerprint: node.services.custody.fingerprint } });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    // Three items, each with its first event and its export.
    expect(report.counts).toMatchObject({ payloadFiles: 3, items: 3, events: 6 });
    expect(report.bagInfo).toContainEqual({ label: 'External-Identifier', value: reference });

    for (const item of [payslip, chat, redacted]) {
      const events = await evidence.custodyOf(ctx, item.id);
      expect(events.map((e) => e.event)).toEqual([item === redacted ? 'derived' : 'collected', 'exported']);
      expect(events[1]?.reason).toMatch(/^package [0-9A-Z]{26}$/);
    }
    const audit = await node.services.db.query<{ outcome: string }>(
      "select outcome from audit_log where action = 'evidence.export' and resource = $1",
      [`case:${caseId}`],
    );
    expect(audit).toEqual([{ outcome: 'success' }]);
  });

  it('refuses a role that may not export and a case without evidence, recording nothing', async () => {
    const before = await exportedEvents();
    const caseWorker = await buildUser(node.services, 'case_worker', { agency: investigator.agencyId });
    const workerAuth = (await signIn(node.app, caseWorker)).headers;
    const refused = await download(`/api/cases/${caseId}/evidence/package`, workerAuth);
    expect(refused.status).toBe(403);

    const empty = await node.services.cases.create(ctxOf(investigator, 'investigator'), {
      reportedAt: '2026-03-02',
      survivor: { prs_Gender: 'Masculine' },
      confirmEmpty: true,
    });
    const none = await download(`/api/cases/${empty.id}/evidence/package`);
    expect(none.status).toBe(409);
    expect((await none.json()).error.id).toBe('evidence_none');
    expect(await exportedEvents()).toBe(before);
  });

  it('cuts the download off when a stored file no longer matches its hashes', async () => {
    const ctx = ctxOf(investigator, 'investigator');
    const damagedCase = await node.services.cases.create(ctx, {
      reportedAt: '2026-03-03',
      survivor: { prs_Gender: 'Feminine' },
      confirmEmpty: true,
    });
    const item = await node.services.evidence.add(ctx, damagedCase.id, FIELDS, bytes(randomBytes(50_000)));
    const store = node.services.evidence.store as FileBlobStore;
    writeFileSync(store.pathOf(item.sha256), randomBytes(50_000));

    const response = await download(`/api/cases/${damagedCase.id}/evidence/package`);
    expect(response.status).toBe(200);
    await expect(response.arrayBuffer()).rejects.toThrow();
  });

  it('names each payload file by one safe path segment', () => {
    expect(bagFileName('room 1.jpg')).toBe('room 1.jpg');
    expect(bagFileName('../../etc/passwd')).toBe('.._.._etc_passwd');
    expect(bagFileName('a\\b\u0000c')).toBe('a_b_c');
    expect(bagFileName('..')).toBe('content');
    expect(bagFileName(' ')).toBe('content');
  });
});
