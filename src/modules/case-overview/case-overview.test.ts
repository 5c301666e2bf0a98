import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALM, type CareNode, openCareNode } from '../../../test/care-node.ts';

describe('case overview', () => {
  let c: CareNode;
  beforeAll(async () => {
    c = await openCareNode();
  });
  afterAll(() => c.node.close());

  const overview = (who: CareNode['as'][keyof CareNode['as']], caseId: string) =>
    c.call(who, 'GET', `/cases/${caseId}/overview`);

  it("loads the case page in one request, with the summary and the actors' names", async () => {
    const caseId = await c.newCase();
    const empty = await overview(c.as.worker, caseId);
    expect(empty.statusCode, empty.body).toBe(200);
    expect(empty.json().summary).toEqual({
      stage: 'reported',
      stageSince: expect.any(String),
      riskLevel: null,
      consents: [],
      openReferrals: { inCountry: 0, crossBorder: 0 },
      evidenceCount: 0,
      nextDeadline: null,
    });

    await c.grantSharing(caseId, [c.receiver.agencyId]);
    const risk = await c.call(c.as.worker, 'POST', `/cases/${caseId}/risk-assessments`, { answers: CALM });
    expect(risk.statusCode, risk.body).toBe(201);
    const offered = await c.call(c.as.worker, 'POST', `/cases/${caseId}/referrals`, {
      toAgencyId: c.receiver.agencyId,
      services: ['Shelter'],
      reason: 'Needs a shelter place',
    });
    expect(offered.statusCode, offered.body).toBe(201);

    const res = await overview(c.as.worker, caseId);
    const body = res.json();
    expect(body.case).toMatchObject({ id: caseId, stage: 'reported' });
    expect(body.stages.map((s: { stage: string }) => s.stage)).toEqual(['reported']);
    expect(body.summary).toMatchObject({
      riskLevel: 'low',
      consents: [{ purpose: 'sharing_in_country', decision: 'granted' }],
      openReferrals: { inCountry: 1, crossBorder: 0 },
      evidenceCount: 0,
    });
    // The next deadline as the case list's row gives it: a low risk is looked at again 90 days after it was assessed.
    const due = new Date(Date.parse(risk.json().assessedAt) + 90 * 86_400_000).toISOString();
    expect(body.summary.nextDeadline).toEqual({ at: due, kind: 'risk_reassessment' });
    const list = await c.call(c.as.worker, 'GET', `/cases?reference=${encodeURIComponent(body.case.reference)}`);
    const row = list.json().cases.find((r: { id: string }) => r.id === caseId);
    expect(row.nextDeadline).toEqual(body.summary.nextDeadline);
    expect(body.access).toEqual({ via: 'agency', ownerAgency: expect.any(String) });
    // Names, not ids: the worker who recorded the consent, assessed the risk and offered the referral.
    const worker = body.people[`user:${c.worker.id}`];
    expect(worker).toEqual({ name: c.worker.displayName, agency: body.access.ownerAgency, kind: 'user' });
    expect(JSON.stringify(body.people)).not.toContain('"name":"user:');
  });

  it('leaves out what the caller may not read, and says she sees the case through a referral', async () => {
    const caseId = await c.newCase();
    await c.grantSharing(caseId, [c.receiver.agencyId]);
    const offered = await c.call(c.as.worker, 'POST', `/cases/${caseId}/referrals`, {
      toAgencyId: c.receiver.agencyId,
      services: ['Shelter'],
      reason: 'Needs a shelter place',
    });
    const accepted = await c.call(c.as.receiver, 'POST', `/referrals/${offered.json().id}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);

    const res = await overview(c.as.receiver, caseId);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.access.via).toBe('referral');
    // Evidence and the holding agency's cross-border referrals stay with the owner: absent, not an error.
    expect(body.summary).not.toHaveProperty('evidenceCount');
    expect(body.summary.openReferrals).toEqual({ inCountry: 1 });
    expect(body.people[`user:${c.worker.id}`].name).toBe(c.worker.displayName);
    const refusals = (await c.audit(`case:${caseId}`)).filter(
      (a) => a.outcome === 'denied' && a.actor === `user:${c.receiver.id}`,
    );
    expect(refusals).toEqual([]);
  });

  it('refuses a caller who may not read the case, and records the read of one who may', async () => {
    const caseId = await c.newCase();
    expect((await overview(c.as.outsider, caseId)).statusCode).toBe(403);
    expect((await overview(c.as.worker, 'nothing-here')).statusCode).toBe(404);
    expect((await overview(c.as.worker, caseId)).statusCode).toBe(200);
    const reads = (await c.audit(`case:${caseId}`)).filter((a) => a.actor === `user:${c.worker.id}`);
    expect(reads.map((a) => a.action)).toContain('case.read');
    expect(reads.map((a) => a.action)).toContain('consent.read');
  });
});
