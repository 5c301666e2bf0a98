/**
 * Consent by purpose across borders, the disclosure log of a share's end (withdrawal, erasure at the receiver, the
 * receiver's signed confirmation), and the handling code and grading that travel with a referral: two real nodes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverQueued } from '../../../test/federation.ts';
import { buildUser, type TestNode } from '../../../test/helpers.ts';
import { type ItalyAndMoldova, italyAndMoldova } from '../../../test/setups.ts';

type Headers = Record<string, string>;
const SURVIVOR = { prs_FirstName: 'Ana', prs_SecondName: 'Rusu', prs_Gender: 'Feminine' };
const FIELDS = ['prs_FirstName', 'prs_SecondName', 'prs_Gender'];

let it_: TestNode;
let md: TestNode;
let itWorker: Headers;
let mdWorker: Headers;
let mdAgency: string;

let nodes: ItalyAndMoldova | undefined;

beforeAll(async () => {
  nodes = await italyAndMoldova({ it: 'case_worker', md: 'case_worker' });
  ({ it_, md, itHeaders: itWorker, mdHeaders: mdWorker, mdAgency } = nodes);
});

afterAll(() => nodes?.close());

const call = (node: TestNode, headers: Headers, method: 'GET' | 'POST', url: string, payload?: object) =>
  node.app.inject({ method, url: `/api${url}`, headers, ...(payload ? { payload } : {}) });
const sender = (method: 'GET' | 'POST', url: string, payload?: object) => call(it_, itWorker, method, url, payload);
const receiver = (method: 'GET' | 'POST', url: string, payload?: object) => call(md, mdWorker, method, url, payload);
const exchange = () => deliverQueued([it_, md, it_]);

async function caseWithConsent(purposes: string[] | undefined): Promise<{ caseId: string; consentId: string }> {
  const created = await sender('POST', '/cases', { reportedAt: '2026-06-10', survivor: SURVIVOR });
  expect(created.statusCode, created.body).toBe(201);
  const caseId = created.json().id;
  const consent = await sender('POST', `/cases/${caseId}/consents`, {
    purpose: 'sharing_cross_border',
    decision: 'granted',
    scope: { countries: ['MD'], ...(purposes ? { purposes } : {}) },
    method: 'written',
    language: 'ro',
  });
  expect(consent.statusCode, consent.body).toBe(201);
  return { caseId, consentId: consent.json().id };
}

const outgoing = async () =>
  (await it_.services.db.query("select id from federation_messages where direction = 'out'")).length;

describe('consent by purpose across borders', () => {
  it('needs consent to cross-border sharing to name its purposes', async () => {
    const created = await sender('POST', '/cases', { reportedAt: '2026-06-10', survivor: SURVIVOR });
    const res = await sender('POST', `/cases/${created.json().id}/consents`, {
      purpose: 'sharing_cross_border',
      decision: 'granted',
      scope: { countries: ['MD'] },
      method: 'written',
      language: 'ro',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.id).toBe('consent_purposes_required');
    const wrongKind = await sender('POST', `/cases/${created.json().id}/consents`, {
      purpose: 'research',
      decision: 'granted',
      scope: { purposes: ['protection'] },
      method: 'written',
      language: 'ro',
    });
    expect(wrongKind.statusCode).toBe(400);
  });

  it('refuses a referral for prosecution under a consent given for protection only, naming the purpose', async () => {
    const { caseId } = await caseWithConsent(['protection']);
    const before = await outgoing();
    const res = await sender('POST', `/cases/${caseId}/cross-border-referrals`, {
      to: 'node-md',
      kind: 'referral',
      purpose: 'prosecution',
      fields: FIELDS,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ id: 'consent_purpose_not_covered', details: { purpose: 'prosecution' } });
    expect(res.json().error.message).toContain('"prosecution"');
    for (const secret of ['Ana', 'Rusu']) expect(res.body).not.toContain(secret);
    expect(await outgoing()).toBe(before);
    expect((await sender('GET', `/cases/${caseId}/cross-border-referrals`)).json()).toEqual([]);
    const denied = await it_.services.db.query<{ outcome: string }>(
      "select outcome from audit_log where action = 'referral.cross_border_offer' and resource = $1",
      [`case:${caseId}`],
    );
    expect(denied.map((a) => a.outcome)).toEqual(['denied']);

    // The purpose it was given for goes through.
    const protection = await sender('POST', `/cases/${caseId}/cross-border-referrals`, {
      to: 'node-md',
      kind: 'referral',
      purpose: 'protection',
      fields: FIELDS,
    });
    expect(protection.statusCode, protection.body).toBe(201);
  });

  it('withdraws an open referral when a newer consent drops its purpose', async () => {
    const { caseId } = await caseWithConsent(['protection', 'services']);
    const sent = await sender('POST', `/cases/${caseId}/cross-border-referrals`, {
      to: 'node-md',
      kind: 'referral',
      purpose: 'services',
      fields: FIELDS,
    });
    expect(sent.statusCode, sent.body).toBe(201);
    await caseWithConsentOn(caseId, ['protection']);
    expect((await sender('GET', `/cross-border-referrals/${sent.json().id}`)).json().status).toBe('withdrawn');
  });
});

async function caseWithConsentOn(caseId: string, purposes: string[]) {
  const res = await sender('POST', `/cases/${caseId}/consents`, {
    purpose: 'sharing_cross_border',
    decision: 'granted',
    scope: { countries: ['MD'], purposes },
    method: 'written',
    language: 'ro',
  });
  expect(res.statusCode, res.body).toBe(201);
}

describe('handling codes and the disclosure log across two nodes', () => {
  it('carries the handling code and grading to the receiver, which keeps them and refers nothing on under H2', async () => {
    const { caseId } = await caseWithConsent(['protection']);
    const res = await sender('POST', `/cases/${caseId}/cross-border-referrals`, {
      to: 'node-md',
      kind: 'referral',
      purpose: 'protection',
      fields: FIELDS,
      handlingCode: 'H2',
      sourceReliability: 'B',
      informationAccuracy: 2,
    });
    expect(res.statusCode, res.body).toBe(201);
    const graded = { handlingCode: 'H2', sourceReliability: 'B', informationAccuracy: 2 };
    expect(res.json()).toMatchObject(graded);
    await exchange();
    const id = res.json().id;
    expect((await receiver('GET', `/cross-border-referrals/${id}`)).json()).toMatchObject(graded);

    const accept = await receiver('POST', `/cross-border-referrals/${id}/accept`, { agencyId: mdAgency });
    expect(accept.statusCode, accept.body).toBe(200);
    const linked = accept.json().caseId as string;
    const onward = await receiver('POST', `/cases/${linked}/cross-border-referrals`, {
      to: 'node-it',
      kind: 'referral',
      purpose: 'protection',
      fields: ['prs_FirstName'],
    });
    expect(onward.statusCode).toBe(403);
    expect(onward.json().error.id).toBe('handling_no_forwarding');
    // Nor to another agency of the receiving country (issue 14, item 5).
    const elsewhere = (await buildUser(md.services, 'case_worker')).agencyId;
    const inCountry = await receiver('POST', `/cases/${linked}/referrals`, {
      toAgencyId: elsewhere,
      services: ['Shelter'],
      reason: 'A shelter place',
    });
    expect([inCountry.statusCode, inCountry.json().error.id]).toEqual([403, 'handling_no_forwarding']);
    expect((await md.services.db.query('select id from referrals where case_id = $1', [linked])).length).toBe(0);
  });

  it('defaults to H0 without grading when the sender sets none', async () => {
    const { caseId } = await caseWithConsent(['protection']);
    const res = await sender('POST', `/cases/${caseId}/cross-border-referrals`, {
      to: 'node-md',
      kind: 'referral',
      purpose: 'protection',
      fields: FIELDS,
    });
    expect(res.json()).toMatchObject({ handlingCode: 'H0', sourceReliability: null, informationAccuracy: null });
    await exchange();
    expect((await receiver('GET', `/cross-border-referrals/${res.json().id}`)).json()).toMatchObject({
      handlingCode: 'H0',
      sourceReliability: null,
      informationAccuracy: null,
    });
  });

  it('records the share, its withdrawal, the erasure at the receiver and its signed confirmation', async () => {
    const { caseId, consentId } = await caseWithConsent(['protection']);
    const res = await sender('POST', `/cases/${caseId}/cross-border-referrals`, {
      to: 'node-md',
      kind: 'referral',
      purpose: 'protection',
      fields: FIELDS,
    });
    const id = res.json().id as string;
    await exchange();
    const accept = await receiver('POST', `/cross-border-referrals/${id}/accept`, { agencyId: mdAgency });
    const linked = accept.json().caseId as string;
    await exchange();

    const withdraw = await sender('POST', `/cases/${caseId}/consents/${consentId}/withdraw`, {
      reason: 'Survivor asked',
    });
    expect(withdraw.statusCode, withdraw.body).toBe(200);
    await exchange();
    expect((await sender('GET', `/cross-border-referrals/${id}`)).json().status).toBe('erased');

    const reference = `xb-referral:${id}`;
    const log = (await sender('GET', `/cases/${caseId}/disclosures`)).json() as Record<string, unknown>[];
    const ofShare = log.filter((d) => d.reference === reference);
    expect(ofShare.map((d) => [d.kind, d.recipient, d.purpose])).toEqual([
      ['share', 'node:node-md', 'cross_border_protection'],
      ['withdrawal', 'node:node-md', 'cross_border_protection'],
      ['erasure_confirmed', 'node:node-md', 'cross_border_protection'],
    ]);
    expect(ofShare.map((d) => d.fields)).toEqual([FIELDS, FIELDS, FIELDS]);
    const confirmed = ofShare[2] as { confirmation: string; actor: string };
    expect(confirmed.actor).toBe('node:node-md');
    // The confirmation is the receiver's signed message, kept by this node as it came.
    const [message] = await it_.services.db.query<{ type: string; direction: string; peer: string }>(
      'select type, direction, peer from federation_messages where id = $1',
      [confirmed.confirmation],
    );
    expect(message).toEqual({ type: 'passage.referral.erased', direction: 'in', peer: 'node-md' });

    // The receiver's own log of the linked case says what it erased, and at whose request.
    const there = (await receiver('GET', `/cases/${linked}/disclosures`)).json() as Record<string, unknown>[];
    expect(there.filter((d) => d.reference === reference).map((d) => [d.kind, d.actor])).toEqual([
      ['erasure', 'node:node-it'],
    ]);
  });

  it('records the withdrawal of a revoked referral', async () => {
    const { caseId } = await caseWithConsent(['protection']);
    const res = await sender('POST', `/cases/${caseId}/cross-border-referrals`, {
      to: 'node-md',
      kind: 'referral',
      purpose: 'protection',
      fields: FIELDS,
    });
    const id = res.json().id as string;
    const revoke = await sender('POST', `/cross-border-referrals/${id}/revoke`, { reason: 'Sent by mistake' });
    expect(revoke.statusCode, revoke.body).toBe(200);
    const log = (await sender('GET', `/cases/${caseId}/disclosures`)).json() as Record<string, unknown>[];
    expect(log.filter((d) => d.reference === `xb-referral:${id}`).map((d) => d.kind)).toEqual(['share', 'withdrawal']);
  });
});
