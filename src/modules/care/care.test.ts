import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, createTestNode, signIn, type TestNode, type TestUser } from '../../../test/helpers.ts';
import { picklistValues } from '../../shared/htcds.ts';

type Session = Awaited<ReturnType<typeof signIn>>;
type Who = 'worker' | 'supervisor' | 'investigator' | 'receiver' | 'outsider';

const SURVIVOR = {
  prs_FirstName: 'Ana',
  prs_SecondName: 'Rusu',
  prs_Birthdate: '1999-03-14',
  prs_IdentityNumber: 'AB 1234567',
  prs_MobilePhone: '+373 69 000 111',
  prs_Gender: 'Feminine',
};

/** Answers of instrument v1 that raise nothing. */
const CALM = {
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

const SAFETY_PLAN = 'Moved to the shelter on Via Appia; code word "Lucia" with the night staff.';

describe('care: risk, services and in-country referrals', () => {
  let node: TestNode;
  let worker: TestUser;
  let receiver: TestUser;
  let outsider: TestUser;
  let as: Record<Who, Session>;

  const call = (who: Session, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    node.app.inject({ method, url: `/api${url}`, headers: who.headers, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    node = await createTestNode();
    worker = await buildUser(node.services, 'case_worker');
    const supervisor = await buildUser(node.services, 'supervisor', { agency: worker.agencyId });
    const investigator = await buildUser(node.services, 'investigator', { agency: worker.agencyId });
    receiver = await buildUser(node.services, 'case_worker');
    outsider = await buildUser(node.services, 'case_worker');
    as = {
      worker: await signIn(node.app, worker),
      supervisor: await signIn(node.app, supervisor),
      investigator: await signIn(node.app, investigator),
      receiver: await signIn(node.app, receiver),
      outsider: await signIn(node.app, outsider),
    };
  });
  afterAll(() => node.close());

  async function newCase(): Promise<string> {
    const res = await call(as.worker, 'POST', '/cases', { reportedAt: '2026-06-10', survivor: SURVIVOR });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  async function grantSharing(caseId: string, agencies: string[]): Promise<string> {
    const res = await call(as.worker, 'POST', `/cases/${caseId}/consents`, {
      purpose: 'sharing_in_country',
      decision: 'granted',
      scope: { agencies },
      method: 'verbal_with_interpreter',
      language: 'ro',
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  const timeline = async (caseId: string) =>
    ((await call(as.worker, 'GET', `/cases/${caseId}/timeline`)).json() as { type: string; data: object }[]).map(
      ({ type, data }) => ({ type, data }),
    );
  const eventsOf = async (caseId: string, type: string) =>
    (await timeline(caseId)).filter((e) => e.type === type).map((e) => e.data);
  const audit = (resource: string) =>
    node.services.db.query<{ action: string; outcome: string; actor: string }>(
      'select action, outcome, actor from audit_log where resource = $1 order by seq',
      [resource],
    );

  describe('risk assessments', () => {
    it('describes the current instrument for the form', async () => {
      const res = await call(as.worker, 'GET', '/risk-instruments/current');
      expect(res.statusCode, res.body).toBe(200);
      const instrument = res.json();
      expect(instrument.id).toBe('passage-risk-v1');
      expect(instrument.thresholds).toEqual({ medium: 8, high: 20 });
      expect(instrument.questions.map((q: { id: string }) => q.id)).toEqual(Object.keys(CALM));
      expect(instrument.questions[0]).toEqual({
        id: 'immediate_danger',
        label: 'In immediate danger',
        answerType: 'yes_no_unknown',
        answers: [
          { value: 'yes', label: 'Yes', points: 15, forcesLevel: 'high' },
          { value: 'no', label: 'No', points: 0 },
          { value: 'unknown', label: 'Unknown', points: 1 },
        ],
      });
      expect((await node.app.inject({ method: 'GET', url: '/api/risk-instruments/current' })).statusCode).toBe(401);
    });

    it('scores, explains and keeps the history, each reassessment compared with the one before', async () => {
      const caseId = await newCase();
      const first = await call(as.worker, 'POST', `/cases/${caseId}/risk-assessments`, {
        answers: { ...CALM, debt_bondage: 'yes', documents_confiscated: 'unknown' },
      });
      expect(first.statusCode, first.body).toBe(201);
      expect(first.json()).toMatchObject({
        caseId,
        instrument: 'passage-risk-v1',
        score: 9,
        level: 'medium',
        reasons: [
          { question: 'debt_bondage', answer: 'yes', points: 8 },
          { question: 'documents_confiscated', answer: 'unknown', points: 1 },
        ],
        safetyPlan: null,
        assessedBy: `user:${worker.id}`,
        change: null,
      });

      const second = await call(as.supervisor, 'POST', `/cases/${caseId}/risk-assessments`, {
        instrument: 'passage-risk-v1',
        answers: { ...CALM, debt_bondage: 'yes', documents_confiscated: 'yes', immediate_danger: 'yes' },
        safetyPlan: SAFETY_PLAN,
      });
      expect(second.statusCode, second.body).toBe(201);
      expect(second.json()).toMatchObject({ level: 'high', score: 29, safetyPlan: SAFETY_PLAN });
      expect(second.json().change).toMatchObject({ levelChange: 'raised', scoreChange: 20 });

      const history = (await call(as.worker, 'GET', `/cases/${caseId}/risk-assessments`)).json();
      expect(history.map((a: { level: string }) => a.level)).toEqual(['high', 'medium']);
      expect(history[0].change).toEqual({
        previousLevel: 'medium',
        currentLevel: 'high',
        levelChange: 'raised',
        scoreChange: 20,
        appeared: [{ question: 'immediate_danger', answer: 'yes', points: 15, forcedHigh: true }],
        disappeared: [],
        changed: [
          {
            question: 'documents_confiscated',
            previous: { question: 'documents_confiscated', answer: 'unknown', points: 1 },
            current: { question: 'documents_confiscated', answer: 'yes', points: 6 },
          },
        ],
      });
      expect(history[1].change).toBeNull();

      expect(await eventsOf(caseId, 'risk_assessed')).toEqual([
        { assessmentId: history[1].id, level: 'medium', score: 9, instrument: 'passage-risk-v1' },
        { assessmentId: history[0].id, level: 'high', score: 29, instrument: 'passage-risk-v1' },
      ]);
      expect((await audit(`case:${caseId}`)).filter((a) => a.action === 'risk.assess')).toHaveLength(2);
      // The safety plan says where the survivor is: it stays in its row, never in the timeline or the audit trail.
      const trails = await node.services.db.query<{ row: string }>(
        `select row_to_json(e)::text as row from case_events e
         union all select row_to_json(a)::text from audit_log a`,
      );
      expect(trails.map((t) => t.row).join('\n')).not.toContain('Lucia');
    });

    it('refuses a high level without a safety plan, and stores nothing', async () => {
      const caseId = await newCase();
      const res = await call(as.worker, 'POST', `/cases/${caseId}/risk-assessments`, {
        answers: { ...CALM, threats_to_family: 'yes' },
        safetyPlan: '   ',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({
        id: 'safety_plan_required',
        details: { level: 'high', score: 12, questions: ['threats_to_family'] },
      });
      expect((await call(as.worker, 'GET', `/cases/${caseId}/risk-assessments`)).json()).toEqual([]);
      expect(await eventsOf(caseId, 'risk_assessed')).toEqual([]);
      expect((await audit(`case:${caseId}`)).filter((a) => a.action === 'risk.assess')).toEqual([]);
    });

    it('refuses unknown instruments, bad answers, and roles that do not assess', async () => {
      const caseId = await newCase();
      const post = (who: Session, body: object) => call(who, 'POST', `/cases/${caseId}/risk-assessments`, body);
      const unknown = await post(as.worker, { instrument: 'passage-risk-v9', answers: CALM });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.id).toBe('risk_assessment_invalid');
      expect(unknown.json().error.details.problems[0].code).toBe('unknown_instrument');
      const bad = await post(as.worker, { answers: { ...CALM, minor: 'maybe', shoe_size: '42', pregnancy: '' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.problems.map((p: { code: string }) => p.code)).toEqual([
        'invalid_answer',
        'missing_answer',
        'unknown_question',
      ]);
      expect((await post(as.worker, { answers: 'yes' })).statusCode).toBe(400);
      expect((await post(as.investigator, { answers: CALM })).statusCode).toBe(403);
      expect((await post(as.outsider, { answers: CALM })).statusCode).toBe(403);
      expect((await call(as.outsider, 'GET', `/cases/${caseId}/risk-assessments`)).statusCode).toBe(403);
      expect((await call(as.worker, 'POST', '/cases/nope/risk-assessments', { answers: CALM })).statusCode).toBe(404);
      expect((await call(as.worker, 'GET', `/cases/${caseId}/risk-assessments`)).json()).toEqual([]);
    });
  });

  describe('services', () => {
    it('adds interpreting, cultural mediation and shelter only where HTCDS spl_Type has nothing', () => {
      const htcds = picklistValues('spl_Type');
      expect(htcds).toContain('Health');
      for (const extension of ['Interpreter', 'CulturalMediation', 'Shelter']) expect(htcds).not.toContain(extension);
    });

    it('plans services and moves them from planned to active to completed', async () => {
      const caseId = await newCase();
      const created = await call(as.worker, 'POST', `/cases/${caseId}/services`, {
        type: 'Health',
        fields: { spl_Objectives: 'Medical check-up', spl_PlannedEndDate: '2099-01-31' },
        providerAgencyId: receiver.agencyId,
      });
      expect(created.statusCode, created.body).toBe(201);
      const health = created.json();
      expect(health).toMatchObject({
        caseId,
        type: 'Health',
        status: 'planned',
        fields: { spl_Objectives: 'Medical check-up', spl_PlannedEndDate: '2099-01-31' },
        providerAgencyId: receiver.agencyId,
        language: null,
        createdBy: `user:${worker.id}`,
      });
      const interpreter = await call(as.supervisor, 'POST', `/cases/${caseId}/services`, {
        type: 'Interpreter',
        language: 'RO',
        status: 'active',
      });
      expect(interpreter.statusCode, interpreter.body).toBe(201);
      expect(interpreter.json()).toMatchObject({ type: 'Interpreter', language: 'ro', status: 'active', fields: {} });

      const patch = (body: object) => call(as.worker, 'PATCH', `/cases/${caseId}/services/${health.id}`, body);
      const skipped = await patch({ status: 'completed' });
      expect(skipped.statusCode).toBe(409);
      expect(skipped.json().error).toMatchObject({
        id: 'service_transition_not_allowed',
        message: 'A planned service cannot become completed. It can become: active, cancelled.',
      });
      expect((await patch({ status: 'active', fields: { spl_ActionPlan: 'GP on Monday' } })).json()).toMatchObject({
        status: 'active',
        fields: { spl_Objectives: 'Medical check-up', spl_ActionPlan: 'GP on Monday' },
      });
      const done = (await patch({ status: 'completed', fields: { spl_PlannedEndDate: null } })).json();
      expect(done.status).toBe('completed');
      expect(done.fields.spl_PlannedEndDate).toBeUndefined();
      expect(done.fields.spl_ActualEndDate).toBe(new Date().toISOString().slice(0, 10));
      expect((await patch({ status: 'active' })).json().error.message).toBe(
        'A completed service cannot become active. It can become: nothing else (it is final).',
      );

      const list = (await call(as.worker, 'GET', `/cases/${caseId}/services`)).json();
      expect(list.map((s: { type: string; status: string }) => [s.type, s.status])).toEqual([
        ['Health', 'completed'],
        ['Interpreter', 'active'],
      ]);
      const events = (await timeline(caseId)).filter((e) => e.type.startsWith('service_'));
      expect(events).toEqual([
        {
          type: 'service_planned',
          data: { serviceId: health.id, type: 'Health', status: 'planned', providerAgencyId: receiver.agencyId },
        },
        expect.objectContaining({ type: 'service_planned' }),
        { type: 'service_updated', data: { serviceId: health.id, type: 'Health', fields: ['spl_ActionPlan'] } },
        {
          type: 'service_status_changed',
          data: { serviceId: health.id, type: 'Health', from: 'planned', to: 'active' },
        },
        {
          type: 'service_updated',
          data: { serviceId: health.id, type: 'Health', fields: ['spl_PlannedEndDate', 'spl_ActualEndDate'] },
        },
        {
          type: 'service_status_changed',
          data: { serviceId: health.id, type: 'Health', from: 'active', to: 'completed' },
        },
      ]);
      expect(JSON.stringify(events)).not.toContain('GP on Monday');
    });

    it('refuses bad services with every problem, and writes nothing', async () => {
      const caseId = await newCase();
      const post = (who: Session, body: object) => call(who, 'POST', `/cases/${caseId}/services`, body);
      const bad = await post(as.worker, {
        type: 'Housing',
        language: 'ro',
        fields: { spl_Type: 'Health', spl_ActualEndDate: '2099-01-01', spl_PlannedEndDate: 'soon', vic_Foo: 'x' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.errors.map((e: { field: string }) => e.field)).toEqual([
        'type',
        'spl_Type',
        'spl_ActualEndDate',
        'vic_Foo',
        'spl_PlannedEndDate',
        'language',
      ]);
      for (const language of [undefined, 'xx']) {
        const res = await post(as.worker, { type: 'Interpreter', language });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.details.errors[0].field).toBe('language');
      }
      const unknownProvider = await post(as.worker, { type: 'Shelter', providerAgencyId: 'no-such-agency' });
      expect(unknownProvider.json().error).toMatchObject({ id: 'unknown_agency' });
      expect((await post(as.investigator, { type: 'Legal' })).statusCode).toBe(403);
      expect((await post(as.outsider, { type: 'Legal' })).statusCode).toBe(403);
      expect((await call(as.worker, 'GET', `/cases/${caseId}/services`)).json()).toEqual([]);

      const shelter = (await post(as.worker, { type: 'Shelter' })).json();
      const patch = (body: object) => call(as.worker, 'PATCH', `/cases/${caseId}/services/${shelter.id}`, body);
      expect((await patch({})).statusCode).toBe(400);
      expect((await patch({ language: 'ro' })).statusCode).toBe(400);
      expect((await patch({ status: 'active', providerAgencyId: 'no-such-agency' })).statusCode).toBe(400);
      expect((await call(as.worker, 'PATCH', `/cases/${caseId}/services/nope`, { status: 'active' })).statusCode).toBe(
        404,
      );
      expect((await call(as.worker, 'GET', `/cases/${caseId}/services`)).json()[0].status).toBe('planned');
    });
  });

  describe('in-country referrals', () => {
    const offer = (caseId: string, body: object = {}, who: Session = as.worker) =>
      call(who, 'POST', `/cases/${caseId}/referrals`, {
        toAgencyId: receiver.agencyId,
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

      await grantSharing(caseId, [outsider.agencyId]);
      expect((await offer(caseId)).json().error.id).toBe('consent_required');
      expect((await call(as.worker, 'GET', `/cases/${caseId}/referrals`)).json()).toEqual([]);
      const denied = await audit(`case:${caseId}`);
      expect(denied.filter((a) => a.action === 'referral.offer').map((a) => a.outcome)).toEqual(['denied', 'denied']);

      // An override on a legal basis counts.
      const override = await call(as.supervisor, 'POST', `/cases/${caseId}/consents/overrides`, {
        purpose: 'sharing_in_country',
        scope: { agencies: [receiver.agencyId] },
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
      await grantSharing(caseId, [receiver.agencyId]);
      const offered = await offer(caseId);
      expect(offered.statusCode, offered.body).toBe(201);
      const referral = offered.json();
      expect(referral).toMatchObject({
        caseId,
        fromAgencyId: worker.agencyId,
        toAgencyId: receiver.agencyId,
        status: 'offered',
        services: ['Shelter', 'Interpreter'],
        sharedFields: ['prs_FirstName', 'prs_MiddleName', 'prs_SecondName', 'prs_MobilePhone'],
        reason: 'Needs a shelter place in Rome',
        offeredBy: `user:${worker.id}`,
        statusChangedBy: null,
      });
      expect(referral.caseReference).toMatch(/^IT-2026-\d{6}$/);
      expect((await offer(caseId)).json().error.id).toBe('referral_exists');

      // Offered is not shared yet.
      expect((await call(as.receiver, 'GET', `/cases/${caseId}`)).statusCode).toBe(403);
      const inbox = (await call(as.receiver, 'GET', '/referrals?direction=incoming&status=offered')).json();
      // Newest first; the receiver also holds the offer of the override test.
      expect(inbox.total).toBe(2);
      expect(inbox.referrals[0]).toEqual(referral);
      const page = (await call(as.receiver, 'GET', '/referrals?limit=1&offset=1')).json();
      expect(page.total).toBe(2);
      expect(page.referrals[0].id).not.toBe(referral.id);
      expect((await call(as.receiver, 'GET', '/referrals?status=accepted')).json().total).toBe(0);
      expect((await call(as.receiver, 'GET', '/referrals?status=gone')).statusCode).toBe(400);
      expect((await call(as.outsider, 'GET', '/referrals')).json()).toEqual({ total: 0, referrals: [] });
      const sent = (await call(as.worker, 'GET', '/referrals?direction=outgoing')).json();
      expect(sent.referrals.map((r: { id: string }) => r.id)).toContain(referral.id);
      expect((await call(as.worker, 'GET', '/referrals?direction=incoming')).json().referrals).toEqual([]);
      expect((await call(as.investigator, 'GET', '/referrals')).statusCode).toBe(403);

      // Only the receiving agency answers.
      expect((await act(as.worker, referral.id, 'accept')).statusCode).toBe(403);
      expect((await act(as.outsider, referral.id, 'accept')).statusCode).toBe(403);
      const accepted = await act(as.receiver, referral.id, 'accept');
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(accepted.json()).toMatchObject({ status: 'accepted', statusChangedBy: `user:${receiver.id}` });
      expect((await act(as.receiver, referral.id, 'accept')).json().error.id).toBe('referral_not_offered');
      expect((await act(as.receiver, referral.id, 'decline', 'Full')).json().error.id).toBe('referral_not_offered');

      // The receiver reads the case, the shared fields of the identity and nothing else, and changes nothing.
      expect((await call(as.receiver, 'GET', `/cases/${caseId}`)).statusCode).toBe(200);
      const identity = await readIdentity(as.receiver, caseId);
      expect(identity.statusCode, identity.body).toBe(200);
      expect(identity.json().fields).toEqual({
        prs_FirstName: 'Ana',
        prs_SecondName: 'Rusu',
        prs_MobilePhone: '+37369000111',
      });
      expect(Object.keys((await readIdentity(as.worker, caseId)).json().fields)).toContain('prs_IdentityNumber');
      expect(
        (await call(as.receiver, 'PATCH', `/cases/${caseId}`, { victim: { vic_AgeWhenTrafficked: 26 } })).statusCode,
      ).toBe(403);
      expect(
        (await call(as.receiver, 'POST', `/cases/${caseId}/transitions`, { to: 'closed', reason: 'x' })).statusCode,
      ).toBe(403);
      // …but gives the care it was asked for.
      const shelter = await call(as.receiver, 'POST', `/cases/${caseId}/services`, { type: 'Shelter' });
      expect(shelter.statusCode, shelter.body).toBe(201);
      expect((await call(as.receiver, 'GET', `/cases/${caseId}/services`)).statusCode).toBe(200);
      expect((await call(as.outsider, 'GET', `/cases/${caseId}`)).statusCode).toBe(403);

      const disclosures = (await call(as.worker, 'GET', `/cases/${caseId}/disclosures`)).json();
      expect(disclosures.map((d: { kind: string; actor: string }) => [d.kind, d.actor])).toEqual([
        ['share', `user:${worker.id}`],
        ['view', `user:${receiver.id}`],
        ['view', `user:${worker.id}`],
      ]);
      expect(disclosures[0]).toMatchObject({
        agencyId: worker.agencyId,
        recipient: `agency:${receiver.agencyId}`,
        purpose: 'case_management',
        fields: referral.sharedFields,
      });
      expect(disclosures[1]).toMatchObject({ agencyId: receiver.agencyId, fields: expect.any(Array) });
      expect(disclosures[1].fields.sort()).toEqual(['prs_FirstName', 'prs_MobilePhone', 'prs_SecondName']);

      // Revoking is the referring agency's; afterwards the receiver reads nothing.
      expect((await act(as.receiver, referral.id, 'revoke', 'Done')).statusCode).toBe(403);
      expect((await act(as.worker, referral.id, 'revoke', ' ')).statusCode).toBe(400);
      const revoked = await act(as.worker, referral.id, 'revoke', 'The survivor moved to another region');
      expect(revoked.statusCode, revoked.body).toBe(200);
      expect(revoked.json()).toMatchObject({
        status: 'revoked',
        statusChangedBy: `user:${worker.id}`,
        statusReason: 'The survivor moved to another region',
      });
      expect((await call(as.receiver, 'GET', `/cases/${caseId}`)).statusCode).toBe(403);
      expect((await readIdentity(as.receiver, caseId)).statusCode).toBe(403);
      expect((await call(as.receiver, 'GET', `/cases/${caseId}/referrals`)).statusCode).toBe(403);
      expect((await call(as.receiver, 'POST', `/cases/${caseId}/services`, { type: 'Legal' })).statusCode).toBe(403);
      expect((await act(as.worker, referral.id, 'revoke', 'Again')).json().error.id).toBe('referral_closed');

      const steps = (await timeline(caseId)).filter((e) => e.type.startsWith('referral_'));
      expect(steps).toEqual([
        {
          type: 'referral_offered',
          data: {
            referralId: referral.id,
            toAgencyId: receiver.agencyId,
            services: ['Shelter', 'Interpreter'],
            sharedFields: referral.sharedFields,
            consent: 'consent',
            consentId: expect.any(String),
          },
        },
        { type: 'referral_accepted', data: { referralId: referral.id, toAgencyId: receiver.agencyId } },
        {
          type: 'referral_revoked',
          data: {
            referralId: referral.id,
            toAgencyId: receiver.agencyId,
            previousStatus: 'accepted',
            reason: 'The survivor moved to another region',
          },
        },
      ]);
      const trail = await audit(`referral:${referral.id}`);
      expect(trail.map((a) => [a.action, a.outcome, a.actor])).toEqual([
        ['referral.offer', 'success', `user:${worker.id}`],
        ['referral.respond', 'denied', `user:${worker.id}`],
        ['referral.respond', 'denied', `user:${outsider.id}`],
        ['referral.accept', 'success', `user:${receiver.id}`],
        ['referral.revoke', 'success', `user:${worker.id}`],
      ]);
    });

    it('refuses bad referrals with a clear reason, and writes nothing', async () => {
      const caseId = await newCase();
      await grantSharing(caseId, []);
      const own = await offer(caseId, { toAgencyId: worker.agencyId });
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
      expect((await offer(caseId, {}, as.outsider)).statusCode).toBe(403);
      expect((await call(as.worker, 'GET', `/cases/${caseId}/referrals`)).json()).toEqual([]);
      expect(await eventsOf(caseId, 'referral_offered')).toEqual([]);
      for (const step of ['accept', 'decline', 'revoke'] as const) {
        expect((await act(as.receiver, 'no-such-referral', step, 'x')).statusCode).toBe(404);
      }
    });

    it('declines with a reason, ends referrals when consent is withdrawn, and shows a receiver only its own', async () => {
      const caseId = await newCase();
      const consentId = await grantSharing(caseId, [receiver.agencyId, outsider.agencyId]);
      const first = (await offer(caseId, { sharedFields: ['prs_FirstName'] })).json();
      expect((await act(as.receiver, first.id, 'decline', ' ')).statusCode).toBe(400);
      const declined = await act(as.receiver, first.id, 'decline', 'No shelter place until September');
      expect(declined.json()).toMatchObject({
        status: 'declined',
        statusChangedBy: `user:${receiver.id}`,
        statusReason: 'No shelter place until September',
      });
      expect((await act(as.worker, first.id, 'revoke', 'Too late')).json().error.id).toBe('referral_closed');
      expect(await eventsOf(caseId, 'referral_declined')).toEqual([
        { referralId: first.id, toAgencyId: receiver.agencyId, reason: 'No shelter place until September' },
      ]);

      // A new offer after a decline; withdrawing consent before the answer ends the open offers.
      const withdrawn = (await offer(caseId, { sharedFields: ['prs_FirstName'] })).json();
      const other = (await offer(caseId, { toAgencyId: outsider.agencyId })).json();
      await call(as.worker, 'POST', `/cases/${caseId}/consents/${consentId}/withdraw`, { reason: 'Survivor asked' });
      const refused = await act(as.receiver, withdrawn.id, 'accept');
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.id).toBe('referral_not_offered');
      expect(
        (await eventsOf(caseId, 'referral_revoked')).map((e) => (e as { referralId: string }).referralId).sort(),
      ).toEqual([withdrawn.id, other.id].sort());
      expect((await call(as.receiver, 'GET', `/cases/${caseId}`)).statusCode).toBe(403);

      await grantSharing(caseId, [receiver.agencyId, outsider.agencyId]);
      const second = (await offer(caseId, { sharedFields: ['prs_FirstName'] })).json();
      expect((await act(as.receiver, second.id, 'accept')).json().status).toBe('accepted');
      expect((await readIdentity(as.receiver, caseId)).json().fields).toEqual({ prs_FirstName: 'Ana' });
      const receiverTimeline = (await call(as.receiver, 'GET', `/cases/${caseId}/timeline`)).json();
      const offeredTo = receiverTimeline
        .filter((e: { type: string }) => e.type.startsWith('referral_'))
        .map((e: { data: { toAgencyId: string } }) => e.data.toAgencyId);
      expect(offeredTo.length).toBeGreaterThan(0);
      expect(offeredTo.every((agency: string) => agency === receiver.agencyId)).toBe(true);
      const seen = (await call(as.receiver, 'GET', `/cases/${caseId}/referrals`)).json();
      expect(seen.map((r: { id: string }) => r.id)).toEqual([second.id, withdrawn.id, first.id]);
      const all = (await call(as.worker, 'GET', `/cases/${caseId}/referrals`)).json();
      expect(all.map((r: { id: string }) => r.id)).toEqual([second.id, other.id, withdrawn.id, first.id]);

      // Consent withdrawn after acceptance ends the receiver's access at once.
      const standing = (await call(as.worker, 'GET', `/cases/${caseId}/consents`)).json();
      const latest = standing.filter((c: { withdrawnAt: string | null }) => c.withdrawnAt === null).at(-1);
      await call(as.worker, 'POST', `/cases/${caseId}/consents/${latest.id}/withdraw`, { reason: 'Survivor asked' });
      expect((await call(as.receiver, 'GET', `/cases/${caseId}`)).statusCode).toBe(403);
      expect((await readIdentity(as.receiver, caseId)).statusCode).toBe(403);
    });
  });
});
