import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, createTestNode, signIn, type TestNode, type TestUser } from '../../../test/helpers.ts';
import { operatorContext } from '../../app/operations.ts';
import type { Queryable } from '../../db/client.ts';

type Session = Awaited<ReturnType<typeof signIn>>;

const ANA = {
  prs_FirstName: 'Ana',
  prs_SecondName: 'Rusu',
  prs_Birthdate: '1999-03-14',
  prs_Gender: 'Feminine',
  prs_Citizenship: ['MD'],
  prs_IdentityNumber: 'AB 1234567',
  prs_MobilePhone: '+373 69 000 111',
  prs_PrimaryLanguage: 'ron',
  psg_Aliases: ['Анна Русу'],
};

const FIRST_REPORT = {
  reportedAt: '2026-06-10',
  survivor: ANA,
  victim: {
    vic_TraffickingStatus: 'PossibleVictimOfTrafficking',
    vic_TypeOfExploitation: ['ForcedLabour'],
    vic_ForcedLabourIndustry: 'A_AgricultureForestryAndFishing',
    vic_MethodsOfControl: ['DebtBondage', 'TakesEarnings'],
  },
  comment: 'Found during a labour inspection in Latina.',
  movements: [{ hte_Type: 'Recruitment', hte_Country: 'MD', hte_City: 'Chișinău', hte_Date: '2026-03-02' }],
  perpetrators: [
    {
      person: { prs_FirstName: 'Agro Job Consult SRL', prs_MobilePhone: '+373 69 123 456' },
      fields: { per_RoleInProcess: ['RecruiterOrIntermediary'] },
    },
  ],
};

/** The database as text, one JSON line per row of every table: what a logical dump (pg_dump) would hold. */
async function logicalDump(db: Queryable): Promise<string> {
  const tables = await db.query<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
  );
  const lines: string[] = [];
  for (const { table_name } of tables) {
    const rows = await db.query<{ row: unknown }>(`select row_to_json(t)::text as row from "${table_name}" t`);
    for (const { row } of rows) lines.push(`${table_name} ${row}`);
  }
  return lines.join('\n');
}

/**
 * Every way an identity value could show up in plain text. Short names are looked for as JSON strings: a bare "Ana"
 * turns up by chance in base64 ciphertexts and password hashes, which cannot hold a quote.
 */
const PLAINTEXT = [
  '"Ana"',
  '"Rusu"',
  'Ana Rusu',
  'Анна',
  'Русу',
  '1999-03-14',
  'AB 1234567',
  'AB1234567',
  '+37369000111',
  '69 000 111',
];

describe('cases', () => {
  let node: TestNode;
  let worker: TestUser;
  let supervisor: TestUser;
  let colleague: TestUser;
  let outsider: TestUser;
  let as: Record<'worker' | 'supervisor' | 'colleague' | 'outsider', Session>;

  const call = (who: Session, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    node.app.inject({ method, url: `/api${url}`, headers: who.headers, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    node = await createTestNode();
    worker = await buildUser(node.services, 'case_worker');
    supervisor = await buildUser(node.services, 'supervisor', { agency: worker.agencyId });
    colleague = await buildUser(node.services, 'supervisor', { agency: worker.agencyId });
    outsider = await buildUser(node.services, 'case_worker');
    as = {
      worker: await signIn(node.app, worker),
      supervisor: await signIn(node.app, supervisor),
      colleague: await signIn(node.app, colleague),
      outsider: await signIn(node.app, outsider),
    };
  });
  afterAll(() => node.close());

  async function newCase(payload: object = FIRST_REPORT) {
    const res = await call(as.worker, 'POST', '/cases', payload);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  it('records a first report and shows it without identity', async () => {
    const created = await newCase();
    expect(created.reference).toMatch(/^IT-2026-\d{6}$/);
    expect(created.agencyId).toBe(worker.agencyId);
    expect(created.stage).toBe('reported');
    expect(created.status).toBe('Active');
    expect(created.survivor.attributes).toEqual({
      prs_Gender: 'Feminine',
      prs_Citizenship: ['MD'],
      prs_PrimaryLanguage: 'ron',
    });
    expect(created.survivor.identityFields.sort()).toEqual(
      [
        'prs_Birthdate',
        'prs_FirstName',
        'prs_IdentityNumber',
        'prs_MobilePhone',
        'prs_SecondName',
        'psg_Aliases',
      ].sort(),
    );
    expect(created.movements[0].fields).toEqual({
      hte_Type: 'Recruitment',
      hte_Country: 'MD',
      hte_City: 'Chișinău',
      hte_Date: '2026-03-02',
    });
    expect(created.perpetrators[0].fields).toEqual({ per_RoleInProcess: ['RecruiterOrIntermediary'] });
    for (const value of PLAINTEXT) expect(JSON.stringify(created)).not.toContain(value);

    const read = await call(as.supervisor, 'GET', `/cases/${created.id}`);
    expect(read.json().reference).toBe(created.reference);
    expect((await call(as.outsider, 'GET', `/cases/${created.id}`)).statusCode).toBe(403);
  });

  it('refuses bad input with every problem and writes nothing', async () => {
    const before = (await call(as.worker, 'GET', '/cases')).json().total;
    const res = await call(as.worker, 'POST', '/cases', {
      reportedAt: '2026-06-10',
      survivor: { prs_FirstName: 'X', prs_Birthdate: '2026-07-01', prs_Citizenship: ['Moldova'], prs_Gender: 'F' },
      victim: { vic_TraffickingStatus: 'Maybe', vic_TraffickingStatusDecisionMakingOrg: 'Police' },
      movements: [{ hte_Country: 'MD' }],
      perpetrators: [{ person: { prs_MobilePhone: 'call me' } }],
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.details.errors.map((e: { field: string }) => e.field);
    expect(fields.sort()).toEqual(
      [
        'movements[0].hte_Type',
        'perpetrators[0].person.prs_MobilePhone',
        'survivor.prs_Birthdate',
        'survivor.prs_Citizenship',
        'survivor.prs_Gender',
        'victim.vic_TraffickingStatus',
      ].sort(),
    );
    expect(res.body).not.toContain('call me');
    expect((await call(as.worker, 'GET', '/cases')).json().total).toBe(before);

    const unknown = await call(as.worker, 'POST', '/cases', { survivor: { prs_ShoeSize: 42 } });
    expect(unknown.json().error.details.errors[0]).toEqual({
      field: 'survivor.prs_ShoeSize',
      reason: '"prs_ShoeSize" is not an HTCDS 2.0 field or a Passage extension.',
    });
  });

  it('reveals identity only with a purpose, and logs each disclosure', async () => {
    const { id } = await newCase();
    const noPurpose = await call(as.worker, 'POST', `/cases/${id}/identity/read`, {});
    expect(noPurpose.statusCode).toBe(400);
    const wrongPurpose = await call(as.worker, 'POST', `/cases/${id}/identity/read`, { purpose: 'statistics' });
    expect(wrongPurpose.json().error.id).toBe('purpose_required');
    const outsider = await call(as.outsider, 'POST', `/cases/${id}/identity/read`, { purpose: 'case_management' });
    expect(outsider.statusCode).toBe(403);

    const res = await call(as.worker, 'POST', `/cases/${id}/identity/read`, { purpose: 'case_management' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().fields).toMatchObject({
      prs_FirstName: 'Ana',
      prs_SecondName: 'Rusu',
      prs_Birthdate: '1999-03-14',
      prs_MobilePhone: '+37369000111',
      psg_Aliases: ['Анна Русу'],
    });
    const log = (await call(as.supervisor, 'GET', `/cases/${id}/disclosures`)).json();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ actor: `user:${worker.id}`, kind: 'view', purpose: 'case_management' });
    expect(log[0].fields).toContain('prs_FirstName');

    const audit = await node.services.db.query<{ action: string; outcome: string; purpose: string | null }>(
      "select action, outcome, purpose from audit_log where action = 'survivor.read_identity' order by seq",
    );
    // The request without a purpose fails schema validation before it reaches the policy.
    expect(audit.map((a) => a.outcome)).toEqual(['denied', 'denied', 'success']);
  });

  it('finds a survivor by a Cyrillic spelling, by document and phone, ranked, without decrypting', async () => {
    const { id } = await newCase();
    const search = (body: object) => call(as.worker, 'POST', '/cases/search', body);

    const decoy = await newCase({ survivor: { prs_FirstName: 'Anastasia', prs_SecondName: 'Rusnac' } });
    const scoreOf = (hits: { caseId: string; score: number }[], caseId: string) =>
      hits.find((h) => h.caseId === caseId)?.score ?? 0;

    const cyrillic = (await search({ name: 'Ана Русу' })).json();
    expect(scoreOf(cyrillic, id)).toBeGreaterThan(0.6);
    expect(scoreOf(cyrillic, id)).toBeGreaterThan(scoreOf(cyrillic, decoy.id));
    expect(cyrillic[0].score).toBe(scoreOf(cyrillic, id));
    const reversed = (await search({ name: 'rusu ana' })).json();
    expect(scoreOf(reversed, id)).toBe(scoreOf((await search({ name: 'Ana Rusu' })).json(), id));
    expect((await search({ document: 'ab-1234567' })).json().map((h: { caseId: string }) => h.caseId)).toContain(id);
    expect((await search({ phone: '0037369000111' })).json().map((h: { caseId: string }) => h.caseId)).toContain(id);
    const both = (await search({ name: 'Ana Rusu', birthDate: '14.03.1999' })).json();
    expect(scoreOf(both, id)).toBeGreaterThan(0.6);
    expect(scoreOf(both, decoy.id)).toBe(0);
    expect((await search({ birthDate: '1999-03-15' })).json()).toEqual([]);
    expect((await search({ phone: 'not a phone' })).statusCode).toBe(400);
    expect((await call(as.outsider, 'POST', '/cases/search', { name: 'Ana Rusu' })).json()).toEqual([]);
  });

  it('enforces the lifecycle, records why, and needs another supervisor to close', async () => {
    const { id } = await newCase();
    const move = (who: Session, to: string, reason = 'because') =>
      call(who, 'POST', `/cases/${id}/transitions`, { to, reason });
    const forbidden = await move(as.worker, 'trial');
    expect(forbidden.statusCode).toBe(409);
    expect(forbidden.json().error.message).toBe(
      'A case in stage "reported" cannot move to "trial". It can move to: identification, closed.',
    );
    expect((await move(as.worker, 'identification', 'Interview with interpreter')).json().stage).toBe('identification');
    expect((await move(as.worker, 'protection')).json().stage).toBe('protection');

    const requested = (await move(as.supervisor, 'closed', 'Survivor returned home')).json();
    expect(requested.stage).toBe('protection');
    expect(requested.closureRequest).toEqual({
      requestedBy: `user:${supervisor.id}`,
      reason: 'Survivor returned home',
    });
    const own = await call(as.supervisor, 'POST', `/cases/${id}/closure`, { approve: true });
    expect(own.json().error.id).toBe('same_person');
    expect((await call(as.worker, 'POST', `/cases/${id}/closure`, { approve: true })).statusCode).toBe(403);
    const closed = (await call(as.colleague, 'POST', `/cases/${id}/closure`, { approve: true })).json();
    expect(closed.stage).toBe('closed');
    expect(closed.status).toBe('Closed');
    expect(closed.details.cas_ReasonForCaseClosure).toBe('Survivor returned home');
    expect((await move(as.worker, 'reopened', 'Survivor came back')).json().nextStages).toContain('protection');

    const timeline = (await call(as.worker, 'GET', `/cases/${id}/timeline`)).json();
    expect(timeline.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'comment',
      'movement_added',
      'perpetrator_added',
      'stage_changed',
      'stage_changed',
      'closure_requested',
      'stage_changed',
      'stage_changed',
    ]);
    expect(timeline[4].data).toEqual({ from: 'reported', to: 'identification', reason: 'Interview with interpreter' });
    const stages = (await call(as.worker, 'GET', `/cases/${id}/stages`)).json();
    expect(stages.map((s: { stage: string }) => s.stage)).toEqual([
      'reported',
      'identification',
      'protection',
      'closed',
      'reopened',
    ]);
    expect(stages.at(-1).leftAt).toBeNull();
    expect(stages.every((s: { durationMs: number }) => s.durationMs >= 0)).toBe(true);
  });

  it('records trafficking status changes with the deciding organisation', async () => {
    const { id, version } = await newCase();
    const res = await call(as.worker, 'PATCH', `/cases/${id}`, {
      version,
      victim: { vic_TraffickingStatus: 'ActualVictimOfTrafficking', vic_TraffickingStatusDecisionMakingOrg: 'Other' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().victim.vic_TraffickingStatus).toBe('ActualVictimOfTrafficking');
    const stale = await call(as.worker, 'PATCH', `/cases/${id}`, { version, victim: { vic_AgeWhenTrafficked: 26 } });
    expect(stale.json().error.id).toBe('stale_case');
    const identityHere = await call(as.worker, 'PATCH', `/cases/${id}`, { survivor: { prs_FirstName: 'Maria' } });
    expect(identityHere.statusCode).toBe(400);
    const timeline = (await call(as.worker, 'GET', `/cases/${id}/timeline`)).json();
    expect(timeline.find((e: { type: string }) => e.type === 'trafficking_status').data).toEqual({
      vic_TraffickingStatus: 'ActualVictimOfTrafficking',
      vic_TraffickingStatusDecisionMakingOrg: 'Other',
    });
  });

  it('keeps consent decisions, withdrawals and overrides, and tells the survivor of an override', async () => {
    const { id } = await newCase();
    const grant = await call(as.worker, 'POST', `/cases/${id}/consents`, {
      purpose: 'sharing_cross_border',
      decision: 'granted',
      scope: { countries: ['md'], purposes: ['protection'] },
      method: 'verbal_with_interpreter',
      language: 'ro',
    });
    expect(grant.statusCode, grant.body).toBe(201);
    expect(grant.json()).toMatchObject({
      interpreter: true,
      scope: { countries: ['MD'], purposes: ['protection'] },
      recordedBy: `user:${worker.id}`,
    });
    await call(as.worker, 'POST', `/cases/${id}/consents`, {
      purpose: 'research',
      decision: 'refused',
      method: 'verbal_with_interpreter',
      language: 'ro',
    });
    expect(
      (
        await call(as.worker, 'POST', `/cases/${id}/consents`, {
          purpose: 'research',
          decision: 'granted',
          method: 'verbal',
          language: 'xx',
        })
      ).statusCode,
    ).toBe(400);

    expect(await node.services.survivors.coverage(id, 'sharing_cross_border', { country: 'MD' })).toMatchObject({
      covered: true,
      basis: 'consent',
    });
    expect(await node.services.survivors.coverage(id, 'sharing_cross_border', { country: 'RO' })).toEqual({
      covered: false,
    });
    expect(await node.services.survivors.coverage(id, 'research')).toEqual({ covered: false });

    const withdrawn = await call(as.worker, 'POST', `/cases/${id}/consents/${grant.json().id}/withdraw`, {
      reason: 'Survivor asked',
    });
    expect(withdrawn.json().withdrawalReason).toBe('Survivor asked');
    expect(await node.services.survivors.coverage(id, 'sharing_cross_border', { country: 'MD' })).toEqual({
      covered: false,
    });

    const overrideByWorker = await call(as.worker, 'POST', `/cases/${id}/consents/overrides`, {
      purpose: 'sharing_cross_border',
      scope: { purposes: ['prosecution'] },
      legalBasis: 'Court order 123/2026, art. 5',
    });
    expect(overrideByWorker.statusCode).toBe(403);
    const noBasis = await call(as.supervisor, 'POST', `/cases/${id}/consents/overrides`, {
      purpose: 'sharing_cross_border',
      legalBasis: ' ',
    });
    expect(noBasis.statusCode).toBe(400);
    const override = await call(as.supervisor, 'POST', `/cases/${id}/consents/overrides`, {
      purpose: 'sharing_cross_border',
      scope: { countries: ['MD'], purposes: ['prosecution'] },
      legalBasis: 'Court order 123/2026, art. 5',
    });
    expect(override.statusCode, override.body).toBe(201);
    expect(await node.services.survivors.coverage(id, 'sharing_cross_border', { country: 'MD' })).toMatchObject({
      covered: true,
      basis: 'override',
    });
    const notices = (await call(as.worker, 'GET', `/cases/${id}/notices`)).json();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      kind: 'consent_overridden',
      data: { legalBasis: 'Court order 123/2026, art. 5' },
    });
  });

  it('erases an identity for good: no plaintext in any dump, and nothing to decrypt afterwards', async () => {
    const { id, survivor } = await newCase();
    const before = await logicalDump(node.services.db);
    for (const value of PLAINTEXT) expect(before, value).not.toContain(value);
    expect(before).not.toContain('labour inspection');
    const comments = (await call(as.worker, 'GET', `/cases/${id}/timeline`)).json();
    expect(comments.find((e: { type: string }) => e.type === 'comment').data).toEqual({
      cco_CaseComment: 'Found during a labour inspection in Latina.',
    });
    const [person] = await node.services.db.query<{ wrapped_key: string; identity: Record<string, string> }>(
      'select wrapped_key, identity from persons where id = $1',
      [survivor.id],
    );
    expect(before).toContain(person?.wrapped_key);

    expect((await call(as.worker, 'POST', `/cases/${id}/identity/erase`, { reason: 'asked' })).statusCode).toBe(403);
    const erased = await call(as.supervisor, 'POST', `/cases/${id}/identity/erase`, { reason: 'The survivor asked' });
    expect(erased.statusCode, erased.body).toBe(204);

    const after = await logicalDump(node.services.db);
    expect(after).not.toContain(person?.wrapped_key);
    for (const ciphertext of Object.values(person?.identity ?? {})) expect(after).not.toContain(ciphertext);
    const tokens = await node.services.db.query('select 1 from person_tokens where person_id = $1', [survivor.id]);
    expect(tokens).toEqual([]);
    const read = await call(as.worker, 'POST', `/cases/${id}/identity/read`, { purpose: 'case_management' });
    expect(read.statusCode).toBe(410);
    const view = (await call(as.worker, 'GET', `/cases/${id}`)).json();
    expect(view.survivor).toMatchObject({ erased: true, identityFields: [] });
    // Comments were encrypted under the same data key: they went with it.
    expect(after).not.toContain('labour inspection');
    const timeline = (await call(as.worker, 'GET', `/cases/${id}/timeline`)).json();
    expect(timeline.find((e: { type: string }) => e.type === 'comment').data).toEqual({ erased: true });
    expect(view.victim.vic_TypeOfExploitation).toEqual(['ForcedLabour']);
    // The erasure's own reason is sealed under the node data key (hers is gone), and opened in the history.
    expect(after).not.toContain('The survivor asked');
    const history = (await call(as.supervisor, 'GET', `/cases/${id}/timeline`)).json();
    expect(history.find((e: { type: string }) => e.type === 'identity_erased').data).toEqual({
      reason: 'The survivor asked',
    });
  });

  it('changes identity fields and keeps the index in step', async () => {
    const { id } = await newCase();
    const res = await call(as.worker, 'PATCH', `/cases/${id}/identity`, {
      fields: { prs_SecondName: 'Ciobanu', prs_IdentityNumber: null },
    });
    expect(res.statusCode, res.body).toBe(200);
    const found = (await call(as.worker, 'POST', '/cases/search', { name: 'Ana Ciobanu' })).json();
    expect(found[0]).toMatchObject({ caseId: id });
    expect(
      (await call(as.worker, 'POST', '/cases/search', { document: 'AB1234567' }))
        .json()
        .map((h: { caseId: string }) => h.caseId),
    ).not.toContain(id);
    const notIdentity = await call(as.worker, 'PATCH', `/cases/${id}/identity`, {
      fields: { prs_Gender: 'Masculine' },
    });
    expect(notIdentity.statusCode).toBe(400);
  });

  it('makes the console operator name an agency, and node administrators do not record cases', async () => {
    const ctx = operatorContext('test');
    await expect(node.services.cases.create(ctx, { survivor: { prs_FirstName: 'Ion' } })).rejects.toThrow(
      'Say which agency',
    );
    await expect(
      node.services.cases.create(ctx, { agencyId: worker.agencyId, survivor: { prs_FirstName: 'Ion' } }),
    ).rejects.toThrow('Your roles do not allow this.');
  });
});
