import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CareNode, openCareNode, type Session } from '../../../test/care-node.ts';

describe('care', () => {
  let c: CareNode;
  beforeAll(async () => {
    c = await openCareNode();
  });
  afterAll(() => c.node.close());
  const call: CareNode['call'] = (...args) => c.call(...args);
  const newCase = () => c.newCase();
  const grantSharing = (caseId: string, agencies: string[]) => c.grantSharing(caseId, agencies);
  const timeline = (caseId: string) => c.timeline(caseId);
  const eventsOf = (caseId: string, type: string) => c.eventsOf(caseId, type);
  const audit = (resource: string) => c.audit(resource);

  describe('in-country referrals', () => {
    const offer = (caseId: string, body: object = {}, who: Session = c.as.worker) =>
      call(who, 'POST', `/cases/${caseId}/referrals`, {
        toAgencyId: c.receiver.agencyId,
        services: ['Shelter', 'Interpreter'],
        reason: 'Needs a shelter place in Rome',
        ...body,
      });
    const act = (who: Session, referralId: string, step: 'accept' | 'decline' | 'revoke', reason?: string) =>
      call(who, 'POST', `/referrals/${referralId}/${step}`, reason === undefined ? undefined : { reason });
    const readIdentity = (who: Session, caseId: string) =>
      call(who, 'POST', `/cases/${caseId}/identity/read`, { purpose: 'case_management' });

    it('needs the survivor to consent to sharing with the receiving agency', async () => {
      const caseId = await newCase();
      const none = await offer(caseId);
      expect(none.statusCode).toBe(409);
      expect(none.json().error.id).toBe('consent_required');
      expect(none.json().error.message).toContain('sharing_in_country');

      await grantSharing(caseId, [c.outsider.agencyId]);
      expect((await offer(caseId)).json().error.id).toBe('consent_required');
      expect((await call(c.as.worker, 'GET', `/cases/${caseId}/referrals`)).json()).toEqual([]);
      const denied = await audit(`case:${caseId}`);
      expect(denied.filter((a) => a.action === 'referral.offer').map((a) => a.outcome)).toEqual(['denied', 'denied']);

      // An override on a legal basis counts.
      const override = await call(c.as.supervisor, 'POST', `/cases/${caseId}/consents/overrides`, {
        purpose: 'sharing_in_country',
        scope: { agencies: [c.receiver.agencyId] },
        legalBasis: 'Juvenile court order 77/2026, art. 12',
      });
      expect(override.statusCode, override.body).toBe(201);
      const res = await offer(caseId);
      expect(res.statusCode, res.body).toBe(201);
      expect((await eventsOf(caseId, 'referral_offered'))[0]).toMatchObject({
        consent: 'override',
        consentId: override.json().id,
      });
    });

    it('shares the case, and only the chosen identity fields, while accepted; revoking ends it', async () => {
      const caseId = await newCase();
      await grantSharing(caseId, [c.receiver.agencyId]);
      const offered = await offer(caseId);
      expect(offered.statusCode, offered.body).toBe(201);
      const referral = offered.json();
      expect(referral).toMatchObject({
        caseId,
        fromAgencyId: c.worker.agencyId,
        toAgencyId: c.receiver.agencyId,
        status: 'offered',
        services: ['Shelter', 'Interpreter'],
        sharedFields: ['prs_FirstName', 'prs_MiddleName', 'prs_SecondName', 'prs_MobilePhone'],
        reason: 'Needs a shelter place in Rome',
        offeredBy: `user:${c.worker.id}`,
        statusChangedBy: null,
      });
      expect(referral.caseReference).toMatch(/^IT-2026-\d{6}$/);
      expect((await offer(caseId)).json().error.id).toBe('referral_exists');

      // Offered is not shared yet.
      expect((await call(c.as.receiver, 'GET', `/cases/${caseId}`)).statusCode).toBe(403);
      const inbox = (await call(c.as.receiver, 'GET', '/referrals?direction=incoming&status=offered')).json();
      // Newest first; the receiver also holds the offer of the override test.
      expect(inbox.total).toBe(2);
      expect(inbox.referrals[0]).toEqual(referral);
      const page = (await call(c.as.receiver, 'GET', '/referrals?limit=1&offset=1')).json();
      expect(page.total).toBe(2);
      expect(page.referrals[0].id).not.toBe(referral.id);
      expect((await call(c.as.receiver, 'GET', '/referrals?status=accepted')).json().total).toBe(0);
      expect((await call(c.as.receiver, 'GET', '/referrals?status=gone')).statusCode).toBe(400);
      expect((await call(c.as.outsider, 'GET', '/referrals')).json()).toEqual({ total: 0, referrals: [] });
      const sent = (await call(c.as.worker, 'GET', '/referrals?direction=outgoing')).json();
      expect(sent.referrals.map((r: { id: string }) => r.id)).toContain(referral.id);
      expect((await call(c.as.worker, 'GET', '/referrals?direction=incoming')).json().referrals).toEqual([]);
      expect((await call(c.as.investigator, 'GET', '/referrals')).statusCode).toBe(403);

      // Only the receiving agency answers.
      expect((await act(c.as.worker, referral.id, 'accept')).statusCode).toBe(403);
      expect((await act(c.as.outsider, referral.id, 'accept')).statusCode).toBe(403);
      const accepted = await act(c.as.receiver, referral.id, 'accept');
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(accepted.json()).toMatchObject({ status: 'accepted', statusChangedBy: `user:${c.receiver.id}` });
      expect((await act(c.as.receiver, referral.id, 'accept')).json().error.id).toBe('referral_not_offered');
      expect((await act(c.as.receiver, referral.id, 'decline', 'Full')).json().error.id).toBe('referral_not_offered');

      // The receiver reads the case, the shared fields of the identity and nothing else, and changes nothing.
      expect((await call(c.as.receiver, 'GET', `/cases/${caseId}`)).statusCode).toBe(200);
      const identity = await readIdentity(c.as.receiver, caseId);
      expect(identity.statusCode, identity.body).toBe(200);
      expect(identity.json().fields).toEqual({
        prs_FirstName: 'Ana',
        prs_SecondName: 'Rusu',
        prs_MobilePhone: '+37369000111',
      });
      expect(Object.keys((await readIdentity(c.as.worker, caseId)).json().fields)).toContain('prs_IdentityNumber');
      expect(
        (await call(c.as.receiver, 'PATCH', `/cases/${caseId}`, { victim: { vic_AgeWhenTrafficked: 26 } })).statusCode,
      ).toBe(403);
      expect(
        (await call(c.as.receiver, 'POST', `/cases/${caseId}/transitions`, { to: 'closed', reason: 'x' })).statusCode,
      ).toBe(403);
      // …but gives the care it was asked for.
      const shelter = await call(c.as.receiver, 'POST', `/cases/${caseId}/services`, { type: 'Shelter' });
      expect(shelter.statusCode, shelter.body).toBe(201);
      expect((await call(c.as.receiver, 'GET', `/cases/${caseId}/services`)).statusCode).toBe(200);
      expect((await call(c.as.outsider, 'GET', `/cases/${caseId}`)).statusCode).toBe(403);

      const disclosures = (await call(c.as.worker, 'GET', `/cases/${caseId}/disclosures`)).json();
      expect(disclosures.map((d: { kind: string; actor: string }) => [d.kind, d.actor])).toEqual([
        ['share', `user:${c.worker.id}`],
        ['view', `user:${c.receiver.id}`],
        ['view', `user:${c.worker.id}`],
      ]);
      expect(disclosures[0]).toMatchObject({
        agencyId: c.worker.agencyId,
        recipient: `agency:${c.receiver.agencyId}`,
        // The referral's own purpose (services unless the offer named another), not a generic one.
        purpose: referral.purpose,
        fields: referral.sharedFields,
      });
      expect(referral.purpose).toBe('services');
      expect(disclosures[1]).toMatchObject({ agencyId: c.receiver.agencyId, fields: expect.any(Array) });
      expect(disclosures[1].fields.sort()).toEqual(['prs_FirstName', 'prs_MobilePhone', 'prs_SecondName']);

      // Revoking is the referring agency's; afterwards the receiver reads nothing.
      expect((await act(c.as.receiver, referral.id, 'revoke', 'Done')).statusCode).toBe(403);
      expect((await act(c.as.worker, referral.id, 'revoke', ' ')).statusCode).toBe(400);
      const revoked = await act(c.as.worker, referral.id, 'revoke', 'The survivor moved to another region');
      expect(revoked.statusCode, revoked.body).toBe(200);
      expect(revoked.json()).toMatchObject({
        status: 'revoked',
        statusChangedBy: `user:${c.worker.id}`,
        statusReason: 'The survivor moved to another region',
      });
      expect((await call(c.as.receiver, 'GET', `/cases/${caseId}`)).statusCode).toBe(403);
      expect((await readIdentity(c.as.receiver, caseId)).statusCode).toBe(403);
      expect((await call(c.as.receiver, 'GET', `/cases/${caseId}/referrals`)).statusCode).toBe(403);
      expect((await call(c.as.receiver, 'POST', `/cases/${caseId}/services`, { type: 'Legal' })).statusCode).toBe(403);
      expect((await act(c.as.worker, referral.id, 'revoke', 'Again')).json().error.id).toBe('referral_closed');

      const steps = (await timeline(caseId)).filter((e) => e.type.startsWith('referral_'));
      expect(steps).toEqual([
        {
          type: 'referral_offered',
          data: {
            referralId: referral.id,
            toAgencyId: c.receiver.agencyId,
            services: ['Shelter', 'Interpreter'],
            purpose: 'services',
            sharedFields: referral.sharedFields,
            consent: 'consent',
            consentId: expect.any(String),
          },
        },
        { type: 'referral_accepted', data: { referralId: referral.id, toAgencyId: c.receiver.agencyId } },
        {
          type: 'referral_revoked',
          data: {
            referralId: referral.id,
            toAgencyId: c.receiver.agencyId,
            previousStatus: 'accepted',
            reason: 'The survivor moved to another region',
          },
        },
      ]);
      const trail = await audit(`referral:${referral.id}`);
      expect(trail.map((a) => [a.action, a.outcome, a.actor])).toEqual([
        ['referral.offer', 'success', `user:${c.worker.id}`],
        ['referral.respond', 'denied', `user:${c.worker.id}`],
        ['referral.respond', 'denied', `user:${c.outsider.id}`],
        ['referral.accept', 'success', `user:${c.receiver.id}`],
        ['referral.revoke', 'success', `user:${c.worker.id}`],
      ]);
    });

    it('refuses bad referrals with a clear reason, and writes nothing', async () => {
      const caseId = await newCase();
      await grantSharing(caseId, []);
      const own = await offer(caseId, { toAgencyId: c.worker.agencyId });
      expect(own.statusCode).toBe(400);
      expect(own.json().error.id).toBe('referral_to_own_agency');
      expect((await offer(caseId, { toAgencyId: 'no-such-agency' })).json().error).toMatchObject({
        id: 'unknown_agency',
        message: 'The agency to refer to (toAgencyId) does not exist on this node.',
      });
      const bad = await offer(caseId, { services: ['Shelter', 'Housing'], sharedFields: ['prs_Gender'] });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.errors).toEqual([
        { field: 'services', reason: '"Housing" is not a service type' },
        { field: 'sharedFields', reason: '"prs_Gender" is not an identity field' },
      ]);
      expect((await offer(caseId, { services: [] })).statusCode).toBe(400);
      expect((await offer(caseId, { reason: '  ' })).statusCode).toBe(400);
      expect((await offer(caseId, {}, c.as.outsider)).statusCode).toBe(403);
      expect((await call(c.as.worker, 'GET', `/cases/${caseId}/referrals`)).json()).toEqual([]);
      expect(await eventsOf(caseId, 'referral_offered')).toEqual([]);
      for (const step of ['accept', 'decline', 'revoke'] as const) {
        expect((await act(c.as.receiver, 'no-such-referral', step, 'x')).statusCode).toBe(404);
      }
    });

    it('declines with a reason, ends referrals when consent is withdrawn, and shows a receiver only its own', async () => {
      const caseId = await newCase();
      const consentId = await grantSharing(caseId, [c.receiver.agencyId, c.outsider.agencyId]);
      const first = (await offer(caseId, { sharedFields: ['prs_FirstName'] })).json();
      expect((await act(c.as.receiver, first.id, 'decline', ' ')).statusCode).toBe(400);
      const declined = await act(c.as.receiver, first.id, 'decline', 'No shelter place until September');
      expect(declined.json()).toMatchObject({
        status: 'declined',
        statusChangedBy: `user:${c.receiver.id}`,
        statusReason: 'No shelter place until September',
      });
      expect((await act(c.as.worker, first.id, 'revoke', 'Too late')).json().error.id).toBe('referral_closed');
      expect(await eventsOf(caseId, 'referral_declined')).toEqual([
        { referralId: first.id, toAgencyId: c.receiver.agencyId, reason: 'No shelter place until September' },
      ]);

      // A new offer after a decline; withdrawing consent before the answer ends the open offers.
      const withdrawn = (await offer(caseId, { sharedFields: ['prs_FirstName'] })).json();
      const other = (await offer(caseId, { toAgencyId: c.outsider.agencyId })).json();
      await call(c.as.worker, 'POST', `/cases/${caseId}/consents/${consentId}/withdraw`, { reason: 'Survivor asked' });
      const refused = await act(c.as.receiver, withdrawn.id, 'accept');
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.id).toBe('referral_not_offered');
      expect(
        (await eventsOf(caseId, 'referral_revoked')).map((e) => (e as { referralId: string }).referralId).sort(),
      ).toEqual([withdrawn.id, other.id].sort());
      expect((await call(c.as.receiver, 'GET', `/cases/${caseId}`)).statusCode).toBe(403);

      await grantSharing(caseId, [c.receiver.agencyId, c.outsider.agencyId]);
      const second = (await offer(caseId, { sharedFields: ['prs_FirstName'] })).json();
      expect((await act(c.as.receiver, second.id, 'accept')).json().status).toBe('accepted');
      expect((await readIdentity(c.as.receiver, caseId)).json().fields).toEqual({ prs_FirstName: 'Ana' });
      const receiverTimeline = (await call(c.as.receiver, 'GET', `/cases/${caseId}/timeline`)).json();
      const offeredTo = receiverTimeline
        .filter((e: { type: string }) => e.type.startsWith('referral_'))
        .map((e: { data: { toAgencyId: string } }) => e.data.toAgencyId);
      expect(offeredTo.length).toBeGreaterThan(0);
      expect(offeredTo.every((agency: string) => agency === c.receiver.agencyId)).toBe(true);
      const seen = (await call(c.as.receiver, 'GET', `/cases/${caseId}/referrals`)).json();
      expect(seen.map((r: { id: string }) => r.id)).toEqual([second.id, withdrawn.id, first.id]);
      const all = (await call(c.as.worker, 'GET', `/cases/${caseId}/referrals`)).json();
      expect(all.map((r: { id: string }) => r.id)).toEqual([second.id, other.id, withdrawn.id, first.id]);

      // Consent withdrawn after acceptance ends the receiver's access at once.
      const standing = (await call(c.as.worker, 'GET', `/cases/${caseId}/consents`)).json();
      const latest = standing.filter((c: { withdrawnAt: string | null }) => c.withdrawnAt === null).at(-1);
      await call(c.as.worker, 'POST', `/cases/${caseId}/consents/${latest.id}/withdraw`, { reason: 'Survivor asked' });
      expect((await call(c.as.receiver, 'GET', `/cases/${caseId}`)).statusCode).toBe(403);
      expect((await readIdentity(c.as.receiver, caseId)).statusCode).toBe(403);
    });
  });
});
