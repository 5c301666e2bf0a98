/**
 * The node the care tests share: a case worker's agency with its supervisor and investigator, a receiving agency
 * and an outsider, all signed in; and the calls the care and referral tests make.
 */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildUser, createTestNode, signIn, type TestNode, type TestUser } from './helpers.ts';

export type Session = Awaited<ReturnType<typeof signIn>>;
type Who = 'worker' | 'supervisor' | 'investigator' | 'receiver' | 'outsider';

export const SURVIVOR = {
  prs_FirstName: 'Ana',
  prs_SecondName: 'Rusu',
  prs_Birthdate: '1999-03-14',
  prs_IdentityNumber: 'AB 1234567',
  prs_MobilePhone: '+373 69 000 111',
  prs_Gender: 'Feminine',
};

/** Answers of instrument v1 that raise nothing. */
export const CALM = {
  immediate_danger: 'no',
  threats_to_family: 'no',
  trafficker_knows_location: 'no',
  contact_with_trafficker: 'no',
  minor: 'no',
  previous_trafficking: 'no',
  debt_bondage: 'no',
  no_safe_accommodation: 'no',
  documents_confiscated: 'no',
  immigration_status: 'regular',
  pregnancy: 'no',
  serious_health_condition: 'no',
  substance_dependence: 'no',
};

export const SAFETY_PLAN = 'Moved to the shelter on Via Appia; code word "Lucia" with the night staff.';

export interface CareNode {
  node: TestNode;
  worker: TestUser;
  receiver: TestUser;
  outsider: TestUser;
  as: Record<Who, Session>;
  call(who: Session, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  newCase(): Promise<string>;
  grantSharing(caseId: string, agencies: string[]): Promise<string>;
  timeline(caseId: string): Promise<{ type: string; data: object }[]>;
  eventsOf(caseId: string, type: string): Promise<object[]>;
  audit(resource: string): Promise<{ action: string; outcome: string; actor: string }[]>;
}

export async function openCareNode(): Promise<CareNode> {
  const node = await createTestNode();
  const worker = await buildUser(node.services, 'case_worker');
  const supervisor = await buildUser(node.services, 'supervisor', { agency: worker.agencyId });
  const investigator = await buildUser(node.services, 'investigator', { agency: worker.agencyId });
  const receiver = await buildUser(node.services, 'case_worker');
  const outsider = await buildUser(node.services, 'case_worker');
  const as: Record<Who, Session> = {
    worker: await signIn(node.app, worker),
    supervisor: await signIn(node.app, supervisor),
    investigator: await signIn(node.app, investigator),
    receiver: await signIn(node.app, receiver),
    outsider: await signIn(node.app, outsider),
  };
  const call: CareNode['call'] = (who, method, url, payload) =>
    node.app.inject({ method, url: `/api${url}`, headers: who.headers, ...(payload ? { payload } : {}) });
  const timeline = async (caseId: string) =>
    ((await call(as.worker, 'GET', `/cases/${caseId}/timeline`)).json() as { type: string; data: object }[]).map(
      ({ type, data }) => ({ type, data }),
    );
  return {
    node,
    worker,
    receiver,
    outsider,
    as,
    call,
    async newCase() {
      const res = await call(as.worker, 'POST', '/cases', { reportedAt: '2026-06-10', survivor: SURVIVOR });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id;
    },
    async grantSharing(caseId, agencies) {
      const res = await call(as.worker, 'POST', `/cases/${caseId}/consents`, {
        purpose: 'sharing_in_country',
        decision: 'granted',
        scope: { agencies },
        method: 'verbal_with_interpreter',
        language: 'ro',
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id;
    },
    timeline,
    eventsOf: async (caseId, type) => (await timeline(caseId)).filter((e) => e.type === type).map((e) => e.data),
    audit: (resource) =>
      node.services.db.query<{ action: string; outcome: string; actor: string }>(
        'select action, outcome, actor from audit_log where resource = $1 order by seq',
        [resource],
      ),
  };
}
