import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALM, type CareNode, openCareNode, SAFETY_PLAN, type Session } from '../../../test/care-node.ts';
import { picklistValues } from '../../shared/htcds.ts';

describe('care', () => {
  let c: CareNode;
  beforeAll(async () => {
    c = await openCareNode();
  });
  afterAll(() => c.node.close());
  const call: CareNode['call'] = (...args) => c.call(...args);
  const newCase = () => c.newCase();
  const timeline = (caseId: string) => c.timeline(caseId);
  const eventsOf = (caseId: string, type: string) => c.eventsOf(caseId, type);
  const audit = (resource: string) => c.audit(resource);

  describe('risk assessments', () => {
    it('describes the current instrument for the form', async () => {
      const res = await call(c.as.worker, 'GET', '/risk-instruments/current');
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
      expect((await c.node.app.inject({ method: 'GET', url: '/api/risk-instruments/current' })).statusCode).toBe(401);
    });

    it('scores, explains and keeps the history, each reassessment compared with the one before', async () => {
      const caseId = await newCase();
      const first = await call(c.as.worker, 'POST', `/cases/${caseId}/risk-assessments`, {
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
        assessedBy: `user:${c.worker.id}`,
        change: null,
      });

      const second = await call(c.as.supervisor, 'POST', `/cases/${caseId}/risk-assessments`, {
        instrument: 'passage-risk-v1',
        answers: { ...CALM, debt_bondage: 'yes', documents_confiscated: 'yes', immediate_danger: 'yes' },
        safetyPlan: SAFETY_PLAN,
      });
      expect(second.statusCode, second.body).toBe(201);
      expect(second.json()).toMatchObject({ level: 'high', score: 29, safetyPlan: SAFETY_PLAN });
      expect(second.json().change).toMatchObject({ levelChange: 'raised', scoreChange: 20 });

      const history = (await call(c.as.worker, 'GET', `/cases/${caseId}/risk-assessments`)).json();
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
      const trails = await c.node.services.db.query<{ row: string }>(
        `select row_to_json(e)::text as row from case_events e
         union all select row_to_json(a)::text from audit_log a`,
      );
      expect(trails.map((t) => t.row).join('\n')).not.toContain('Lucia');
    });

    it('refuses a high level without a safety plan, and stores nothing', async () => {
      const caseId = await newCase();
      const res = await call(c.as.worker, 'POST', `/cases/${caseId}/risk-assessments`, {
        answers: { ...CALM, threats_to_family: 'yes' },
        safetyPlan: '   ',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({
        id: 'safety_plan_required',
        details: { level: 'high', score: 12, questions: ['threats_to_family'] },
      });
      expect((await call(c.as.worker, 'GET', `/cases/${caseId}/risk-assessments`)).json()).toEqual([]);
      expect(await eventsOf(caseId, 'risk_assessed')).toEqual([]);
      expect((await audit(`case:${caseId}`)).filter((a) => a.action === 'risk.assess')).toEqual([]);
    });

    it('refuses unknown instruments, bad answers, and roles that do not assess', async () => {
      const caseId = await newCase();
      const post = (who: Session, body: object) => call(who, 'POST', `/cases/${caseId}/risk-assessments`, body);
      const unknown = await post(c.as.worker, { instrument: 'passage-risk-v9', answers: CALM });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.id).toBe('risk_assessment_invalid');
      expect(unknown.json().error.details.problems[0].code).toBe('unknown_instrument');
      const bad = await post(c.as.worker, { answers: { ...CALM, minor: 'maybe', shoe_size: '42', pregnancy: '' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.problems.map((p: { code: string }) => p.code)).toEqual([
        'invalid_answer',
        'missing_answer',
        'unknown_question',
      ]);
      expect((await post(c.as.worker, { answers: 'yes' })).statusCode).toBe(400);
      expect((await post(c.as.investigator, { answers: CALM })).statusCode).toBe(403);
      expect((await post(c.as.outsider, { answers: CALM })).statusCode).toBe(403);
      expect((await call(c.as.outsider, 'GET', `/cases/${caseId}/risk-assessments`)).statusCode).toBe(403);
      expect((await call(c.as.worker, 'POST', '/cases/nope/risk-assessments', { answers: CALM })).statusCode).toBe(404);
      expect((await call(c.as.worker, 'GET', `/cases/${caseId}/risk-assessments`)).json()).toEqual([]);
    });

    it('lets those who give care read the assessments and service plans, not the police who read the case', async () => {
      const caseId = await newCase();
      // The safety plan can say where she is: an investigator of the agency reads the case but not her care.
      expect((await call(c.as.investigator, 'GET', `/cases/${caseId}`)).statusCode).toBe(200);
      for (const part of ['risk-assessments', 'services']) {
        const refused = await call(c.as.investigator, 'GET', `/cases/${caseId}/${part}`);
        expect([refused.statusCode, refused.json().error.id], part).toEqual([403, 'forbidden']);
        expect((await call(c.as.supervisor, 'GET', `/cases/${caseId}/${part}`)).statusCode, part).toBe(200);
      }
      const refusals = (await audit(`case:${caseId}`)).filter((a) => a.outcome === 'denied');
      expect(refusals.map((a) => a.action)).toEqual(['care.read', 'care.read']);
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
      const created = await call(c.as.worker, 'POST', `/cases/${caseId}/services`, {
        type: 'Health',
        fields: { spl_Objectives: 'Medical check-up', spl_PlannedEndDate: '2099-01-31' },
        providerAgencyId: c.receiver.agencyId,
      });
      expect(created.statusCode, created.body).toBe(201);
      const health = created.json();
      expect(health).toMatchObject({
        caseId,
        type: 'Health',
        status: 'planned',
        fields: { spl_Objectives: 'Medical check-up', spl_PlannedEndDate: '2099-01-31' },
        providerAgencyId: c.receiver.agencyId,
        language: null,
        createdBy: `user:${c.worker.id}`,
      });
      const interpreter = await call(c.as.supervisor, 'POST', `/cases/${caseId}/services`, {
        type: 'Interpreter',
        language: 'RO',
        status: 'active',
      });
      expect(interpreter.statusCode, interpreter.body).toBe(201);
      expect(interpreter.json()).toMatchObject({ type: 'Interpreter', language: 'ro', status: 'active', fields: {} });

      const patch = (body: object) => call(c.as.worker, 'PATCH', `/cases/${caseId}/services/${health.id}`, body);
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

      const list = (await call(c.as.worker, 'GET', `/cases/${caseId}/services`)).json();
      expect(list.map((s: { type: string; status: string }) => [s.type, s.status])).toEqual([
        ['Health', 'completed'],
        ['Interpreter', 'active'],
      ]);
      const events = (await timeline(caseId)).filter((e) => e.type.startsWith('service_'));
      expect(events).toEqual([
        {
          type: 'service_planned',
          data: { serviceId: health.id, type: 'Health', status: 'planned', providerAgencyId: c.receiver.agencyId },
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
      const bad = await post(c.as.worker, {
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
        const res = await post(c.as.worker, { type: 'Interpreter', language });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.details.errors[0].field).toBe('language');
      }
      const unknownProvider = await post(c.as.worker, { type: 'Shelter', providerAgencyId: 'no-such-agency' });
      expect(unknownProvider.json().error).toMatchObject({ id: 'unknown_agency' });
      expect((await post(c.as.investigator, { type: 'Legal' })).statusCode).toBe(403);
      expect((await post(c.as.outsider, { type: 'Legal' })).statusCode).toBe(403);
      expect((await call(c.as.worker, 'GET', `/cases/${caseId}/services`)).json()).toEqual([]);

      const shelter = (await post(c.as.worker, { type: 'Shelter' })).json();
      const patch = (body: object) => call(c.as.worker, 'PATCH', `/cases/${caseId}/services/${shelter.id}`, body);
      expect((await patch({})).statusCode).toBe(400);
      expect((await patch({ language: 'ro' })).statusCode).toBe(400);
      expect((await patch({ status: 'active', providerAgencyId: 'no-such-agency' })).statusCode).toBe(400);
      expect(
        (await call(c.as.worker, 'PATCH', `/cases/${caseId}/services/nope`, { status: 'active' })).statusCode,
      ).toBe(404);
      expect((await call(c.as.worker, 'GET', `/cases/${caseId}/services`)).json()[0].status).toBe('planned');
    });
  });
});
