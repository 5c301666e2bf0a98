/**
 * Everything that can identify a person is sealed at rest (issue 14 item 3, docs/data-at-rest.md): a case with every
 * free-text field filled, its care, consent withdrawn with a reason, a referral, an MLA request with measures and a
 * legal classification, each with a distinctive value; then every file of the embedded database's data directory
 * (tables, indexes, write-ahead log) is scanned for each value. After a crypto-shred of the survivor, her fields read
 * as erased. And the upgrade step seals what a wave 1 node kept in clear.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealClearText } from '../src/app/seal-at-rest.ts';
import { buildApp } from '../src/app/server.ts';
import { createServices, type Services } from '../src/app/services.ts';
import { type Db, openPglite } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { loadKeys } from '../src/modules/key-custody/index.ts';
import { CALM } from './care-node.ts';
import { contextOf } from './factories.ts';
import { listen, peerAllWays, soon } from './federation.ts';
import { buildUser, createTestNode, filesUnder, type TestNode, tempDir, testConfig } from './helpers.ts';

/** The distinctive values entered, by where they went: none may be found in the database files. */
const ENTERED = {
  vulnerabilities: 'Quillowen debt to the recruiter',
  recruitment: 'Bar Zephyrine in Balti',
  incomingReferral: 'Referred by Father Ostrakov',
  street: 'Strada Vindeluce 44',
  city: 'Porto Sibillino',
  movementDescription: 'Crossed at dawn hidden in the Marculescu van',
  roleDetails: 'Drives the Fenwick minibus every Tuesday',
  comment: 'Spoke with her sister Ileana Brandusa',
  stageReason: 'Identified by inspector Calloway-Ruiz',
  closureReason: 'Moved to the Gelsomini safe house',
  safetyPlan: 'Stays at Via Orsolina 12 with code word tamarind',
  objectives: 'Rebuild contact with her son Tudorel',
  actionPlan: 'Meet lawyer Pervinca on Mondays',
  referralReason: 'Needs the Casa Lucerna bed in Rome',
  revokeReason: 'The Lucerna director Amabile refused',
  withdrawalReason: 'She fears her cousin Varvara reads the file',
  measure: 'Accounts of Agro Quintessa SRL held by Dorin Vlasceanu',
  classification: 'art. 601 c.p. (Nebbiolo-Strauss ring)',
  extensionReason: 'Awaiting the Trandafir Bank archive in Soroca',
  postponementReason: 'Witness Evdochia Munteanu is in hospital',
  refusalReason: 'Dual criminality fails for Cornelius Abernathy-Lisle',
  crossBorderReason: 'Her brother Radomir Kestrel waits at the border',
  transferDeclineReason: 'The recording names informant Lucrezia Varga',
  caseLabel: 'Met at the Zamfirescu bakery',
};

const dir = tempDir();
const dbDir = join(dir.path, 'db');
let db: Db;
let dbOpen = false;
let services: Services;
let peer: TestNode;
let node: { close(): Promise<void> };
let caseId: string;
let mlaId: string;
let xbId: string;
let transferId: string;
let people: {
  worker: ReturnType<typeof contextOf>;
  supervisor: ReturnType<typeof contextOf>;
  prosecutor: ReturnType<typeof contextOf>;
  receiverAgency: string;
};

async function open(): Promise<void> {
  db = await openPglite(dbDir);
  dbOpen = true;
  await migrate(db);
  const config = testConfig(dir.path, { PASSAGE_NODE_ID: 'node-rest', PASSAGE_COUNTRY: 'IT' });
  services = createServices(config, db, loadKeys(config), { failureDelayMs: 1 });
}

beforeAll(async () => {
  await open();
  const app = await buildApp(services, { logger: false });
  peer = await createTestNode({ PASSAGE_NODE_ID: 'node-peer', PASSAGE_COUNTRY: 'MD' });
  const [url, peerUrl] = [await listen({ app, services, close: async () => {} }), await listen(peer)];
  await peerAllWays([
    { url, services },
    { url: peerUrl, services: peer.services },
  ]);
  node = { close: () => app.close() };
  const worker = await buildUser(services, 'case_worker');
  const supervisor = await buildUser(services, 'supervisor', { agency: worker.agencyId });
  const prosecutor = await buildUser(services, 'prosecutor');
  const receiver = await buildUser(services, 'case_worker');
  people = {
    worker: contextOf(worker, 'case_worker'),
    supervisor: contextOf(supervisor, 'supervisor'),
    prosecutor: contextOf(prosecutor, 'prosecutor'),
    receiverAgency: receiver.agencyId,
  };
}, 300_000);

afterAll(async () => {
  await node?.close();
  await peer?.close();
  if (dbOpen) await db.close();
  dir.remove();
});

describe('data at rest', () => {
  it('keeps every value entered out of the database files, and shows it to those who may read it', {
    timeout: 300_000,
  }, async () => {
    const { worker, prosecutor } = people;
    const created = await services.cases.create(worker, {
      survivor: { prs_Gender: 'Feminine', prs_FirstName: 'Marisol' },
      victim: {
        vic_TraffickingStatus: 'PossibleVictimOfTrafficking',
        vic_DetailsOfVulnerabilities: ENTERED.vulnerabilities,
        vic_LocationOfRecruitment: ENTERED.recruitment,
      },
      details: { cas_IncomingReferralDetails: ENTERED.incomingReferral },
      movements: [
        {
          hte_Type: 'Transit',
          hte_Country: 'RO',
          hte_Street: ENTERED.street,
          hte_City: ENTERED.city,
          hte_Description: ENTERED.movementDescription,
        },
      ],
      perpetrators: [{ person: { prs_Gender: 'Masculine' }, fields: { per_RoleDetails: ENTERED.roleDetails } }],
      comment: ENTERED.comment,
    });
    caseId = created.id;
    const exchange = async () => {
      await services.messages.deliverDue(soon());
      await peer.services.messages.deliverDue(soon());
    };
    // A cross-border referral of her case to the peer, revoked with a reason: sealed under her data key.
    await services.survivors.recordConsent(worker, caseId, {
      purpose: 'sharing_cross_border',
      decision: 'granted',
      scope: { agencies: [], countries: ['MD'], purposes: ['protection'] },
      method: 'written',
      language: 'ro',
    });
    const xb = await services.crossBorder.offer(worker, caseId, {
      to: 'node-peer',
      kind: 'referral',
      purpose: 'protection',
      fields: ['prs_Gender'],
    });
    xbId = xb.id;
    await exchange();
    await services.crossBorder.revoke(worker, xbId, ENTERED.crossBorderReason);
    await exchange();
    // An evidence transfer from the peer, declined here with a reason: sealed under the evidence exchange key.
    const sender = contextOf(await buildUser(peer.services, 'investigator'), 'investigator');
    const source = await peer.services.cases.create(sender, { survivor: { prs_FirstName: 'Doina' } });
    const file = { title: 'Call recording', handlingCode: 'H0', fileName: 'call.txt', mediaType: 'text/plain' };
    const item = await peer.services.evidence.add(sender, source.id, file, Readable.from([Buffer.from('call\n')]));
    const sent = await peer.services.transfers.send(sender, {
      to: 'node-rest',
      itemIds: [item.id],
      context: { kind: 'case', ref: 'MD-2026-1' },
    });
    transferId = sent.transferId;
    await exchange();
    await services.transfers.decline(prosecutor, transferId, { reason: ENTERED.transferDeclineReason });
    await services.cases.transition(worker, caseId, 'identification', ENTERED.stageReason);
    await services.cases.setLabel(worker, caseId, ENTERED.caseLabel);
    await services.cases.transition(worker, caseId, 'closed', ENTERED.closureReason);
    await services.care.assessRisk(worker, caseId, { answers: CALM, safetyPlan: ENTERED.safetyPlan });
    await services.care.planService(worker, caseId, {
      type: 'Shelter',
      fields: { spl_Objectives: ENTERED.objectives, spl_ActionPlan: ENTERED.actionPlan },
    });
    const consent = await services.survivors.recordConsent(worker, caseId, {
      purpose: 'sharing_in_country',
      decision: 'granted',
      scope: { agencies: [people.receiverAgency], purposes: ['services'] },
      method: 'written',
      language: 'ro',
    });
    const referral = await services.referrals.offerReferral(worker, caseId, {
      toAgencyId: people.receiverAgency,
      services: ['Shelter'],
      purpose: 'services',
      reason: ENTERED.referralReason,
    });
    await services.referrals.revokeReferral(worker, referral.id, ENTERED.revokeReason);
    await services.survivors.withdrawConsent(worker, caseId, consent.id, ENTERED.withdrawalReason);
    const request = await services.mla.create(prosecutor, {
      executingNode: 'node-peer',
      issuingAuthority: { name: 'Procura della Repubblica di Latina', country: 'IT' },
      executingAuthority: { name: 'Procuratura Generală', country: 'MD' },
      measures: [{ type: 'bank_records', description: ENTERED.measure }],
      persons: [{ name: 'Ion Rusu', role: 'suspect' }],
      offence: { legalClassification: ENTERED.classification, summary: 'Recruitment by deception.' },
    });
    mlaId = request.id;
    // Its procedure: the peer executes it, extending the decision period and postponing the execution with reasons,
    // which reach this node as updates (the inbound path); a request the peer sends here is refused with grounds by
    // this node (the local path). Each reason is sealed here, in the request and in its history.
    const executor = contextOf(await buildUser(peer.services, 'investigator'), 'investigator');
    await services.mla.send(prosecutor, mlaId);
    await exchange();
    const steps: [Parameters<Services['mla']['act']>[2], Parameters<Services['mla']['act']>[3]][] = [
      ['acknowledge', {}],
      ['extend', { extensionDays: 10, reason: ENTERED.extensionReason }],
      ['recognise', {}],
      ['start_execution', {}],
      ['postpone', { postponedUntil: '2099-01-31', reason: ENTERED.postponementReason }],
    ];
    for (const [action, details] of steps) {
      await peer.services.mla.act(executor, mlaId, action, details);
      await exchange();
    }
    const peerProsecutor = contextOf(await buildUser(peer.services, 'prosecutor'), 'prosecutor');
    const incoming = await peer.services.mla.create(peerProsecutor, {
      executingNode: 'node-rest',
      issuingAuthority: { name: 'Procuratura Generală', country: 'MD' },
      executingAuthority: { name: 'Procura della Repubblica di Latina', country: 'IT' },
      measures: [{ type: 'witness_hearing' }],
      persons: [{ name: 'Vasile Ceban', role: 'witness' }],
      offence: { legalClassification: 'art. 165 CP', summary: 'Recruitment for forced labour.' },
    });
    await peer.services.mla.send(peerProsecutor, incoming.id);
    await exchange();
    await services.mla.act(prosecutor, incoming.id, 'acknowledge');
    await services.mla.act(prosecutor, incoming.id, 'refuse', { reason: ENTERED.refusalReason });

    // Those who may read it see it opened.
    const view = await services.cases.get(worker, caseId);
    expect(view.victim).toMatchObject({ vic_DetailsOfVulnerabilities: ENTERED.vulnerabilities });
    expect(view.details).toMatchObject({ cas_IncomingReferralDetails: ENTERED.incomingReferral });
    expect(view.movements[0]?.fields).toMatchObject({ hte_City: ENTERED.city, hte_Country: 'RO' });
    expect(view.perpetrators[0]?.fields).toEqual({ per_RoleDetails: ENTERED.roleDetails });
    expect(view.closureRequest?.reason).toBe(ENTERED.closureReason);
    expect(view.erasedFields).toEqual([]);
    const row = await services.cases.list(worker, { reference: view.reference, limit: 1 });
    expect(row.cases[0]?.label).toBe(ENTERED.caseLabel);
    const timeline = await services.cases.timeline(worker, caseId);
    expect(timeline.map((e) => e.data.reason).filter(Boolean)).toEqual(
      expect.arrayContaining([ENTERED.stageReason, ENTERED.closureReason, ENTERED.revokeReason]),
    );
    const [assessment] = await services.care.riskHistory(worker, caseId);
    expect(assessment?.safetyPlan).toBe(ENTERED.safetyPlan);
    const [plan] = await services.care.services(worker, caseId);
    expect(plan?.fields).toMatchObject({ spl_Objectives: ENTERED.objectives, spl_ActionPlan: ENTERED.actionPlan });
    const [shown] = await services.referrals.caseReferrals(worker, caseId);
    expect(shown).toMatchObject({ reason: ENTERED.referralReason, statusReason: ENTERED.revokeReason });
    const withdrawn = (await services.survivors.consents(worker, caseId)).find((c) => c.withdrawnAt);
    expect(withdrawn?.withdrawalReason).toBe(ENTERED.withdrawalReason);
    expect((await services.crossBorder.get(worker, xbId)).statusReason).toBe(ENTERED.crossBorderReason);
    const [declined] = await services.transfers.list(prosecutor, { direction: 'in' });
    expect(declined).toMatchObject({
      id: transferId,
      status: 'declined',
      declineReason: ENTERED.transferDeclineReason,
    });

    // An MLA list, or a read without a purpose, never shows the measures' descriptions; a purpose does.
    const listed = await services.mla.list(prosecutor);
    expect(listed.requests.find((r) => r.id === mlaId)).toMatchObject({
      measures: [{ type: 'bank_records' }],
      legalClassification: ENTERED.classification,
    });
    expect(JSON.stringify(listed)).not.toContain(ENTERED.measure);
    expect(JSON.stringify(await services.mla.get(prosecutor, mlaId))).not.toContain(ENTERED.measure);
    const withPurpose = await services.mla.get(prosecutor, mlaId, 'investigation');
    expect(withPurpose.measures).toEqual([{ type: 'bank_records', description: ENTERED.measure }]);
    // The reasons of its procedure are shown to those who read the request, opened, in the request and its history.
    const executed = await services.mla.get(prosecutor, mlaId);
    expect(executed.extension?.reason).toBe(ENTERED.extensionReason);
    expect(executed.postponement?.reason).toBe(ENTERED.postponementReason);
    expect(executed.history?.map((h) => h.reason)).toEqual(
      expect.arrayContaining([ENTERED.extensionReason, ENTERED.postponementReason]),
    );
    expect((await services.mla.list(prosecutor)).requests.find((r) => r.id === mlaId)?.extension?.reason).toBe(
      ENTERED.extensionReason,
    );
    const refused = await services.mla.get(prosecutor, incoming.id);
    expect(refused.state).toBe('refused');
    expect(refused.history?.map((h) => h.reason)).toContain(ENTERED.refusalReason);

    await db.query('checkpoint');
    await node.close();
    await db.close();
    dbOpen = false;

    const needles = Object.values(ENTERED).flatMap((value) => [
      Buffer.from(value, 'utf8'),
      Buffer.from(value.toLowerCase(), 'utf8'),
    ]);
    let scanned = 0;
    for (const file of filesUnder(dbDir)) {
      const bytes = readFileSync(file);
      scanned += bytes.length;
      for (const needle of needles) expect(bytes.includes(needle), `"${needle}" in ${file}`).toBe(false);
    }
    expect(scanned).toBeGreaterThan(10_000_000);
    // The scan can find what is stored in clear: the case's picklist value is there.
    const all = Buffer.concat([...filesUnder(dbDir)].map((file) => readFileSync(file)));
    expect(all.includes(Buffer.from('PossibleVictimOfTrafficking'))).toBe(true);
  });

  it("reads the survivor's sealed fields as erased once her identity is shredded", { timeout: 300_000 }, async () => {
    await open();
    const { worker, supervisor } = people;
    await services.survivors.erase(supervisor, caseId, 'The survivor asked');

    const view = await services.cases.get(worker, caseId);
    expect(view.victim).toEqual({ vic_TraffickingStatus: 'PossibleVictimOfTrafficking' });
    expect(view.details).toEqual({});
    expect(view.movements[0]?.fields).toEqual({ hte_Type: 'Transit', hte_Country: 'RO' });
    expect(view.perpetrators[0]?.fields).toEqual({});
    expect(view.erasedFields).toEqual(
      expect.arrayContaining([
        'vic_DetailsOfVulnerabilities',
        'vic_LocationOfRecruitment',
        'cas_IncomingReferralDetails',
        'hte_Street',
        'hte_City',
        'hte_Description',
        'per_RoleDetails',
      ]),
    );
    expect(view.closureRequest).toEqual({ requestedBy: expect.any(String), reason: '' });
    const timeline = await services.cases.timeline(worker, caseId);
    const reasons = timeline.filter((e) => e.type !== 'identity_erased' && ('reason' in e.data || e.data.reasonErased));
    expect(reasons.length).toBeGreaterThanOrEqual(3);
    for (const event of reasons) expect(event.data).toMatchObject({ reasonErased: true });
    expect(timeline.find((e) => e.type === 'comment')?.data).toEqual({ erased: true });
    const [assessment] = await services.care.riskHistory(worker, caseId);
    expect(assessment).toMatchObject({ safetyPlan: null, erasedFields: ['safety_plan'] });
    const [plan] = await services.care.services(worker, caseId);
    expect(plan?.fields).toEqual({});
    expect(plan?.erasedFields.sort()).toEqual(['spl_ActionPlan', 'spl_Objectives']);
    const [referral] = await services.referrals.caseReferrals(worker, caseId);
    expect(referral).toMatchObject({ reason: null, statusReason: null });
    const consent = (await services.survivors.consents(worker, caseId)).find((c) => c.withdrawnAt);
    expect(consent?.withdrawalReason).toBeNull();
    // The referral's reason was hers: erased with her key. The transfer's belongs to the exchange and stays.
    expect((await services.crossBorder.get(worker, xbId)).statusReason).toBeNull();
    const [declined] = await services.transfers.list(people.prosecutor, { direction: 'in' });
    expect(declined?.declineReason).toBe(ENTERED.transferDeclineReason);
    // A new free-text field cannot be sealed under a key that is gone.
    await expect(
      services.cases.update(worker, caseId, { victim: { vic_DetailsOfVulnerabilities: 'new text' } }),
    ).rejects.toMatchObject({ id: 'identity_erased', status: 410 });
    await db.close();
    dbOpen = false;
  });

  it('seals on upgrade what a wave 1 node kept in clear, once', { timeout: 300_000 }, async () => {
    await open();
    const { worker, prosecutor } = people;
    const other = await services.cases.create(worker, { survivor: { prs_Gender: 'Feminine', prs_FirstName: 'Ana' } });
    await services.care.assessRisk(worker, other.id, { answers: CALM });
    const [assessment] = await services.care.riskHistory(worker, other.id);
    // What wave 1 wrote: the same columns, in clear.
    await db.query(
      `update cases set victim = victim || '{"vic_DetailsOfVulnerabilities": "wave one debt"}',
         closure_requested_by = 'user:someone', closure_reason = 'wave one closure' where id = $1`,
      [other.id],
    );
    await db.query(`insert into case_events (case_id, actor, type, data) values ($1, 'user:x', 'stage_changed', $2)`, [
      other.id,
      JSON.stringify({ from: 'reported', to: 'identification', reason: 'wave one reason' }),
    ]);
    await db.query('update risk_assessments set safety_plan = $2 where id = $1', [assessment?.id, 'wave one plan']);
    await db.query(
      `update mla_requests set measures = $2, legal_classification = 'wave one art.', measures_sealed = null,
         classification_sealed = null where id = $1`,
      [mlaId, JSON.stringify([{ type: 'bank_records', description: 'wave one measure' }])],
    );

    await db.query(
      `update mla_requests set extension_reason = 'wave one extension', extension_reason_sealed = null,
         postponement_reason = 'wave one postponement', postponement_reason_sealed = null where id = $1`,
      [mlaId],
    );
    await db.query(
      `update mla_history set reason = 'wave one step', reason_sealed = null
       where request_id = $1 and seq = (select max(seq) from mla_history where request_id = $1)`,
      [mlaId],
    );

    // A cross-border referral of the erased survivor and a declined transfer, with their reasons in clear.
    await db.query(
      "update cross_border_referrals set status_reason = 'wave one referral', status_reason_sealed = null",
      [],
    );
    await db.query(
      "update evidence_transfers set decline_reason = 'wave one decline', decline_reason_sealed = null",
      [],
    );

    // Four rows of wave 1's free text, the request's reasons, one history entry, the referral and the transfer.
    expect(await sealClearText(services)).toBe(8);
    expect(await sealClearText(services)).toBe(0);

    const view = await services.cases.get(worker, other.id);
    expect(view.victim).toMatchObject({ vic_DetailsOfVulnerabilities: 'wave one debt' });
    expect(view.closureRequest?.reason).toBe('wave one closure');
    const timeline = await services.cases.timeline(worker, other.id);
    expect(timeline.map((e) => e.data.reason)).toContain('wave one reason');
    expect((await services.care.riskHistory(worker, other.id))[0]?.safetyPlan).toBe('wave one plan');
    const request = await services.mla.get(prosecutor, mlaId, 'investigation');
    expect(request).toMatchObject({
      measures: [{ type: 'bank_records', description: 'wave one measure' }],
      legalClassification: 'wave one art.',
      extension: { reason: 'wave one extension' },
      postponement: { reason: 'wave one postponement' },
    });
    expect(request.history?.at(-1)?.reason).toBe('wave one step');
    // The referral's survivor was erased: her reason is dropped, not sealed. The transfer's is sealed and opens.
    expect((await services.crossBorder.get(worker, xbId)).statusReason).toBeNull();
    expect((await services.transfers.list(prosecutor, { direction: 'in' }))[0]?.declineReason).toBe('wave one decline');
    const [exchanges] = await db.query<{ clear: string }>(
      `select concat((select string_agg(status_reason, '') from cross_border_referrals),
         (select string_agg(decline_reason, '') from evidence_transfers)) as clear`,
    );
    expect(exchanges?.clear).toBe('');
    // The clear columns are empty.
    const [row] = await db.query<{ clear: string }>(
      `select concat(c.victim::text, c.closure_reason, r.safety_plan, m.measures::text, m.legal_classification) as clear
       from cases c, risk_assessments r, mla_requests m where c.id = $1 and r.case_id = c.id and m.id = $2`,
      [other.id, mlaId],
    );
    expect(row?.clear).not.toMatch(/wave one/);
    const [mla] = await db.query<{ clear: string }>(
      `select concat(m.extension_reason, m.postponement_reason, string_agg(h.reason, ' ')) as clear
       from mla_requests m join mla_history h on h.request_id = m.id where m.id = $1
       group by m.extension_reason, m.postponement_reason`,
      [mlaId],
    );
    expect(mla?.clear).toBe('');
    const events = await db.query<{ data: object }>('select data from case_events where case_id = $1', [other.id]);
    expect(JSON.stringify(events)).not.toContain('wave one');
  });

  it("seals the erasure's own reason under the node data key, shows it in the history, and seals wave 1's", {
    timeout: 300_000,
  }, async () => {
    if (!dbOpen) await open();
    const { worker, supervisor } = people;
    const erasureReason = 'Asked by her lawyer Ottavina Brezoianu-Castellane';
    const wave1Reason = 'Wave one erasure asked by Radegonda Pellizzari';
    const erased = await services.cases.create(worker, {
      survivor: { prs_Gender: 'Feminine', prs_FirstName: 'Ilinca' },
    });
    await services.survivors.erase(supervisor, erased.id, erasureReason);
    const reasonsOf = async () =>
      (await services.cases.timeline(supervisor, erased.id)).filter((e) => e.type === 'identity_erased');
    expect((await reasonsOf()).map((e) => e.data)).toEqual([{ reason: erasureReason }]);
    // An erasure recorded by wave 1, its reason in clear: the upgrade step seals it (the survivor's key is gone).
    await db.query(
      `insert into case_events (case_id, actor, type, data) values ($1, 'user:x', 'identity_erased', $2)`,
      [erased.id, JSON.stringify({ reason: wave1Reason })],
    );
    expect(await sealClearText(services)).toBe(1);
    expect(await sealClearText(services)).toBe(0);
    expect((await reasonsOf()).map((e) => e.data.reason)).toEqual([erasureReason, wave1Reason]);
    const stored = await db.query<{ data: object }>('select data from case_events where case_id = $1', [erased.id]);
    expect(JSON.stringify(stored)).not.toMatch(/Brezoianu|Pellizzari/);

    // The new reason is nowhere in the database files (the wave 1 one may linger in a dead row until a vacuum).
    await db.query('checkpoint');
    await db.close();
    dbOpen = false;
    const needles = [erasureReason, erasureReason.toLowerCase()].map((text) => Buffer.from(text, 'utf8'));
    for (const file of filesUnder(dbDir)) {
      const bytes = readFileSync(file);
      for (const needle of needles) expect(bytes.includes(needle), `"${needle}" in ${file}`).toBe(false);
    }
  });
});
