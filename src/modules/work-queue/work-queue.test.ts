// The work queue of three roles on node-md, fed by real work: an in-country referral from another agency, a
// cross-border referral from node-it, an MLA request from node-it whose acknowledgement is late, a linkage alert from
// a unit (node-eu) that matched the same survivor on both nodes, and a risk assessment due again.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALM } from '../../../test/care-node.ts';
import { createPeeredNodes, deliverQueued } from '../../../test/federation.ts';
import { buildUser, requestAs, signIn, type TestNode, type TestUser } from '../../../test/helpers.ts';
import { operatorContext } from '../../app/operations.ts';
import type { Role } from '../../shared/policy.ts';
import { agencyName } from '../user-accounts/index.ts';
import type { WorkItem, WorkQueue } from './work-queue.schema.ts';

type Headers = Record<string, string>;
const op = operatorContext('test');
let it_: TestNode;
let md: TestNode;
let eu: TestNode;
const as: Record<string, Headers> = {};
const users: Record<string, TestUser> = {};
const ids: Record<string, string> = {};

const ANA = {
  prs_FirstName: 'Ana',
  prs_SecondName: 'Rusu',
  prs_Birthdate: '1999-03-14',
  prs_Gender: 'Feminine',
  prs_Citizenship: ['MD'],
};
const NOTE = 'Her mother in Chișinău needs protection.';
const REASON = 'Needs a shelter place in Chișinău';

async function user(node: TestNode, name: string, role: Role, agency?: string) {
  users[name] = await buildUser(node.services, role, agency ? { agency } : {});
  as[name] = (await signIn(node.app, users[name])).headers;
  return users[name];
}

const call = async (node: TestNode, who: string, method: 'GET' | 'POST', url: string, payload?: object) => {
  const res = await requestAs(node, as[who] as Headers, method, `/api${url}`, payload);
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
};
const queueOf = async (who: string): Promise<WorkQueue> => call(md, who, 'GET', '/work-queue');
const ofKind = (queue: WorkQueue, kind: WorkItem['kind']) => queue.items.filter((i) => i.kind === kind);
const exchange = () => deliverQueued([it_, md, eu], 3);

async function newCase(node: TestNode, who: string) {
  return (await call(node, who, 'POST', '/cases', { reportedAt: '2026-06-10', survivor: ANA })).id as string;
}
const consent = (node: TestNode, who: string, caseId: string, purpose: string, scope?: object) =>
  call(node, who, 'POST', `/cases/${caseId}/consents`, {
    purpose,
    decision: 'granted',
    method: 'written',
    language: 'ro',
    ...(scope ? { scope } : {}),
  });

beforeAll(async () => {
  [it_, md, eu] = await createPeeredNodes(['node-it', 'IT'], ['node-md', 'MD'], ['node-eu', 'BE']);
  const worker = await user(md, 'worker', 'case_worker');
  await user(md, 'supervisor', 'supervisor', worker.agencyId);
  await user(md, 'prosecutor', 'prosecutor');
  await user(md, 'sender', 'case_worker');
  await user(it_, 'itWorker', 'case_worker');
  await user(it_, 'itProsecutor', 'prosecutor');
  as.itAdmin = (await signIn(it_.app, await buildUser(it_.services, 'node_admin', { nodeWide: true }))).headers;

  // An in-country referral from the sender's agency to the case worker's.
  ids.sentCase = await newCase(md, 'sender');
  await consent(md, 'sender', ids.sentCase, 'sharing_in_country', { agencies: [worker.agencyId] });
  ids.referral = (
    await call(md, 'sender', 'POST', `/cases/${ids.sentCase}/referrals`, {
      toAgencyId: worker.agencyId,
      services: ['Shelter'],
      reason: REASON,
    })
  ).id;

  // A cross-border referral from node-it, with a note for the receiver.
  const itCase = await newCase(it_, 'itWorker');
  await consent(it_, 'itWorker', itCase, 'sharing_cross_border', {
    purposes: ['protection'],
    countries: ['MD'],
    fields: ['prs_FirstName', 'prs_Gender'],
  });
  ids.xb = (
    await call(it_, 'itWorker', 'POST', `/cases/${itCase}/cross-border-referrals`, {
      to: 'node-md',
      kind: 'referral',
      purpose: 'protection',
      fields: ['prs_FirstName', 'prs_Gender'],
      note: NOTE,
    })
  ).id;

  // An MLA request from node-it, received on node-md eight days ago: its acknowledgement (seven days) is late.
  ids.mla = (
    await call(it_, 'itProsecutor', 'POST', '/mla', {
      executingNode: 'node-md',
      issuingAuthority: { name: 'Procura della Repubblica di Latina', country: 'IT' },
      executingAuthority: { name: 'Procuratura Generală', country: 'MD' },
      measures: [{ type: 'bank_records' }],
      persons: [{ name: 'Ion Rusu', role: 'suspect' }],
      offence: { legalClassification: 'art. 601 c.p.', summary: 'Recruitment of farm workers by deception.' },
    })
  ).id;
  await call(it_, 'itProsecutor', 'POST', `/mla/${ids.mla}/send`);

  // The same survivor on both nodes, with consent to linkage, in a group whose unit is node-eu.
  const group = await call(it_, 'itAdmin', 'POST', '/linkage/groups', {
    name: 'Prut crossing',
    unit: 'node-eu',
    owners: ['node-it', 'node-md'],
    schema: 'survivor',
  });
  await exchange();
  const secret = randomBytes(32).toString('base64');
  await requestAs(it_, as.itAdmin as Headers, 'PUT', `/api/linkage/groups/${group.id}/secret`, { secret });
  await md.services.linkage.installSecret(op, group.id, secret);
  ids.mine = await newCase(md, 'worker');
  await consent(md, 'worker', ids.mine, 'linkage');
  await consent(it_, 'itWorker', itCase, 'linkage');
  await exchange();

  // The case worker's own case was assessed at low risk a hundred days ago: reassessment after 90 days is overdue.
  await call(md, 'worker', 'POST', `/cases/${ids.mine}/risk-assessments`, {
    instrument: 'passage-risk-v1',
    answers: CALM,
  });
  await md.services.db.query(
    "update risk_assessments set assessed_at = assessed_at - interval '100 days' where case_id = $1",
    [ids.mine],
  );
  await md.services.db.query("update mla_requests set received_at = received_at - interval '8 days' where id = $1", [
    ids.mla,
  ]);
}, 300_000);

afterAll(async () => {
  for (const node of [it_, md, eu]) await node?.close();
});

describe('the work queue', () => {
  it("gives a case worker her agency's referrals from the country and from abroad in one list, with the sender's words", async () => {
    const queue = await queueOf('worker');
    expect(queue.kinds).toEqual(['referral', 'cross_border_referral', 'linkage_alert', 'risk_reassessment', 'my_case']);
    const [referral] = ofKind(queue, 'referral');
    expect(referral).toMatchObject({
      id: ids.referral,
      caseId: ids.sentCase,
      caseReference: expect.stringMatching(/^[A-Z]{2}-\d{4}-\d+$/),
      purpose: expect.any(String),
      reason: REASON,
      receivedAt: expect.any(String),
      link: `/#referral-${ids.referral}`,
    });
    expect(referral?.from).toBe(await agencyName(md.services.db, users.sender?.agencyId as string));
    expect(referral?.from).toMatch(/^Agency /);
    const [xb] = ofKind(queue, 'cross_border_referral');
    expect(xb).toMatchObject({
      id: ids.xb,
      from: (await md.services.peers.find('node-it'))?.name,
      purpose: 'protection',
      reason: NOTE,
      link: `/cooperation/referrals/${ids.xb}`,
    });
    expect(queue.counts).toMatchObject({ referral: 1, cross_border_referral: 1, mla_deadline: 0, my_case: 1 });
  });

  it('tells her of an open linkage alert, a risk reassessment overdue and her open cases; MLA is not hers', async () => {
    const queue = await queueOf('worker');
    expect(ofKind(queue, 'linkage_alert')).toEqual([
      expect.objectContaining({
        caseId: ids.mine,
        detail: 're_trafficking',
        link: expect.stringMatching(/^\/linkage/),
      }),
    ]);
    expect(ofKind(queue, 'risk_reassessment')).toEqual([
      expect.objectContaining({ caseId: ids.mine, detail: 'low', overdue: true, due: expect.any(String) }),
    ]);
    expect(ofKind(queue, 'my_case').map((i) => i.caseId)).toEqual([ids.mine]);
    expect(ofKind(queue, 'mla_deadline')).toEqual([]);
    // No refusal recorded for what is not her work, and one read of what the queue found itself.
    const rows = await md.services.db.query<{ action: string; outcome: string; resources: string[] | null }>(
      "select action, outcome, resources from audit_log where actor = $1 and action in ('work_queue.read', 'mla.read') order by seq",
      [`user:${users.worker?.id}`],
    );
    expect(rows.every((r) => r.outcome === 'success')).toBe(true);
    expect(rows.at(-1)).toMatchObject({ action: 'work_queue.read' });
    expect(rows.at(-1)?.resources).toContain(`case:${ids.mine}`);
  });

  it('gives a prosecutor the MLA deadline that is late, and no referrals', async () => {
    const queue = await queueOf('prosecutor');
    expect(queue.kinds).toEqual(['mla_deadline', 'my_case']);
    const late = ofKind(queue, 'mla_deadline').find((i) => i.id === ids.mla);
    expect(late).toMatchObject({
      overdue: true,
      detail: 'executing:acknowledgement',
      link: `/cooperation/mla/${ids.mla}`,
      from: (await md.services.peers.find('node-it'))?.name,
    });
    expect(Date.parse(late?.due ?? '')).toBeLessThan(Date.now());
    expect(queue.counts.referral).toBe(0);
  });

  it("gives a supervisor her agency's referrals and reassessments, but not another agency's", async () => {
    const queue = await queueOf('supervisor');
    expect(queue.kinds).not.toContain('mla_deadline');
    expect(ofKind(queue, 'referral').map((i) => i.id)).toEqual([ids.referral]);
    expect(ofKind(queue, 'risk_reassessment').map((i) => i.caseId)).toEqual([ids.mine]);
    expect(queue.counts.my_case).toBe(0);
    const sender = await queueOf('sender');
    expect(sender.counts).toMatchObject({ referral: 0, risk_reassessment: 0, linkage_alert: 0 });
    expect(ofKind(sender, 'my_case').map((i) => i.caseId)).toEqual([ids.sentCase]);
  });

  it('says which roles could do what it refuses, so that the web app offers no "Try again"', async () => {
    const refused = await requestAs(md, as.worker as Headers, 'GET', '/api/mla');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({
      id: 'forbidden',
      details: { roles: ['investigator', 'prosecutor', 'coordinator'], reason: 'role' },
    });
  });

  it('shows a referral only until it is answered', async () => {
    await call(md, 'worker', 'POST', `/referrals/${ids.referral}/accept`);
    const queue = await queueOf('worker');
    expect(queue.counts.referral).toBe(0);
    expect(ofKind(queue, 'cross_border_referral')).toHaveLength(1);
  });
});
