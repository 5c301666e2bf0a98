/** In-country referrals name their purpose, which the survivor's consent must cover; the end of a share is logged. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CareNode, openCareNode } from '../../../test/care-node.ts';

describe('in-country referrals by purpose', () => {
  let c: CareNode;
  beforeAll(async () => {
    c = await openCareNode();
  });
  afterAll(() => c.node.close());

  const offer = (caseId: string, body: object = {}) =>
    c.call(c.as.worker, 'POST', `/cases/${caseId}/referrals`, {
      toAgencyId: c.receiver.agencyId,
      services: ['Shelter'],
      reason: 'Needs a shelter place in Rome',
      ...body,
    });
  const consent = (caseId: string, purposes?: string[]) =>
    c.call(c.as.worker, 'POST', `/cases/${caseId}/consents`, {
      purpose: 'sharing_in_country',
      decision: 'granted',
      scope: { agencies: [c.receiver.agencyId], ...(purposes ? { purposes } : {}) },
      method: 'written',
      language: 'ro',
    });

  it('reads a consent that names no purpose as covering services only', async () => {
    const caseId = await c.newCase();
    const recorded = await consent(caseId);
    expect(recorded.json().scope.purposes).toEqual(['services']);
    const services = await offer(caseId);
    expect(services.statusCode, services.body).toBe(201);
    expect(services.json().purpose).toBe('services');
    const other = await c.newCase();
    await consent(other);
    const prosecution = await offer(other, { purpose: 'prosecution' });
    expect(prosecution.statusCode).toBe(409);
    expect(prosecution.json().error).toMatchObject({
      id: 'consent_purpose_not_covered',
      details: { purpose: 'prosecution' },
    });
  });

  it('refuses a referral whose purpose the consent does not name, and audits the refusal', async () => {
    const caseId = await c.newCase();
    expect((await consent(caseId, ['protection'])).statusCode).toBe(201);
    const refused = await offer(caseId, { purpose: 'reintegration' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.id).toBe('consent_purpose_not_covered');
    expect(refused.json().error.message).toContain('"reintegration"');
    expect((await c.call(c.as.worker, 'GET', `/cases/${caseId}/referrals`)).json()).toEqual([]);
    const denied = await c.audit(`case:${caseId}`);
    expect(denied.filter((a) => a.action === 'referral.offer').map((a) => a.outcome)).toEqual(['denied']);

    const covered = await offer(caseId, { purpose: 'protection' });
    expect(covered.statusCode, covered.body).toBe(201);
    expect(covered.json().purpose).toBe('protection');
  });

  it('logs the end of an accepted referral in the disclosure log when the consent is withdrawn', async () => {
    const caseId = await c.newCase();
    const consentId = (await consent(caseId, ['protection', 'services'])).json().id;
    const referral = (await offer(caseId, { purpose: 'protection' })).json();
    const accept = await c.call(c.as.receiver, 'POST', `/referrals/${referral.id}/accept`);
    expect(accept.statusCode, accept.body).toBe(200);

    const withdraw = await c.call(c.as.worker, 'POST', `/cases/${caseId}/consents/${consentId}/withdraw`, {
      reason: 'Survivor asked',
    });
    expect(withdraw.statusCode, withdraw.body).toBe(200);
    const after = (await c.call(c.as.worker, 'GET', `/cases/${caseId}/referrals`)).json();
    expect(after[0]).toMatchObject({ id: referral.id, status: 'revoked' });
    const log = (await c.call(c.as.worker, 'GET', `/cases/${caseId}/disclosures`)).json() as {
      kind: string;
      recipient: string;
      reference: string;
    }[];
    expect(log.filter((d) => d.reference === `referral:${referral.id}`).map((d) => [d.kind, d.recipient])).toEqual([
      ['share', `agency:${c.receiver.agencyId}`],
      ['withdrawal', `agency:${c.receiver.agencyId}`],
    ]);
  });
});
