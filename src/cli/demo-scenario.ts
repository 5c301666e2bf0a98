/**
 * Seeds the demo nodes with "Ana's passage" (../shared/design/SCENARIO.md) as far as Passage's capabilities reach,
 * through the same services the API uses, as the demo users would: a newcomer signs in and finds the story under way.
 * Fictional people only.
 */
import { Readable } from 'node:stream';
import { operatorContext } from '../app/operations.ts';
import type { RequestContext } from '../modules/audit/index.ts';
import { deliverNow } from '../modules/federation/index.ts';
import type { Role } from '../shared/policy.ts';
import type { DemoNode } from './demo.ts';

/** The request context of a node's demo user with `role` (the first one). */
function as(node: DemoNode, role: Role): RequestContext {
  const user = node.users.find((u) => u.role === role);
  if (!user) throw new Error(`${node.spec.nodeId} has no demo ${role}`);
  return { actor: { kind: 'user', userId: user.userId, memberships: user.memberships }, requestId: null };
}

const agencyOf = (ctx: RequestContext): string => {
  const agencyId = ctx.actor.kind === 'user' ? ctx.actor.memberships[0]?.agencyId : null;
  if (!agencyId) throw new Error('the demo user has no agency');
  return agencyId;
};

/** Step 1: the Romanian shelter's closed 2023 case of Ana, imported as a legacy HTCDS row. */
async function romania(ro: DemoNode): Promise<void> {
  // Bulk imports are run at the node's console.
  await ro.services.htcds.import(
    operatorContext('demo'),
    [
      {
        rowNumber: 2,
        fields: {
          psg_ReportedAt: '2023-04-11',
          prs_FirstName: 'Ana',
          prs_SecondName: 'Rusu',
          prs_Birthdate: '1999-03-14',
          prs_Citizenship: 'MD',
          prs_Gender: 'Feminine',
          vic_TraffickingStatus: 'ActualVictimOfTrafficking',
          vic_TypeOfExploitation: 'SexualExploitation',
          vic_TypeOfSexExploitation: 'Prostitution',
          cas_Status: 'Closed',
          cas_ReasonForCaseClosure: 'Returned home to Moldova',
          hte_Type: 'Exploitation',
          hte_Country: 'RO',
          hte_City: 'București',
        },
      },
    ],
    { agencyId: agencyOf(as(ro, 'case_worker')) },
  );
}

/** The recruiting agency, as node-md's police and node-it's labour inspector record it. */
export const RECRUITER = {
  person: { prs_FirstName: 'Agro Job Consult SRL', prs_MobilePhone: '+373 69 123 456' },
  fields: { per_RoleInProcess: ['RecruiterOrIntermediary'] },
};

/** Step 2: Moldovan police record the recruitment of another worker by the same agency. */
async function moldova(md: DemoNode): Promise<void> {
  await md.services.cases.create(as(md, 'investigator'), {
    reportedAt: '2026-05-20',
    survivor: { prs_FirstName: 'Maria', prs_SecondName: 'Ceban', prs_Citizenship: ['MD'], prs_Gender: 'Feminine' },
    victim: {
      vic_TraffickingStatus: 'PossibleVictimOfTrafficking',
      vic_MethodOfRecruitment: ['ThroughAnOnlineAdvertisement'],
    },
    movements: [{ hte_Type: 'Recruitment', hte_Country: 'MD', hte_City: 'Chișinău', hte_Date: '2026-03-02' }],
    perpetrators: [RECRUITER],
  });
}

/**
 * Step 3: the labour inspector's first report of Ana on node-it (the body of POST /api/cases). The acceptance test
 * sends the same report over the API, so that the demo shows what the scenario test proves.
 */
export const ANA_REPORT = {
  reportedAt: '2026-06-18',
  survivor: {
    prs_FirstName: 'Ana',
    prs_SecondName: 'Rusu',
    prs_Birthdate: '1999-03-14',
    prs_Gender: 'Feminine',
    prs_Citizenship: ['MD'],
    prs_PrimaryLanguage: 'ron',
    psg_InterpreterLanguage: 'ro',
    psg_ImmigrationStatus: 'IrregularMigrant',
  },
  victim: {
    vic_TraffickingStatus: 'PossibleVictimOfTrafficking',
    vic_TraffickingStatusDecisionMakingOrg: 'NonPoliceGovernmentalOrganization',
    vic_TypeOfExploitation: ['ForcedLabour'],
    vic_ForcedLabourIndustry: 'A_AgricultureForestryAndFishing',
    vic_MethodsOfControl: ['DebtBondage', 'TakesEarnings', 'ThreatensChildrenFamily'],
  },
  comment: 'Eleven farm workers found in a bunkhouse near Latina; passports kept by the employer, wages withheld.',
  movements: [
    { hte_Type: 'Recruitment', hte_Country: 'MD', hte_City: 'Chișinău', hte_Date: '2026-03-02' },
    { hte_Type: 'Exploitation', hte_Country: 'IT', hte_City: 'Latina', hte_Date: '2026-04-01' },
  ],
  perpetrators: [RECRUITER],
};

/** Steps 3, 4 and 6: Ana's case on node-it, identified, referred to the NGO, with her consent and the evidence. */
async function italy(it: DemoNode): Promise<string> {
  const inspector = as(it, 'investigator');
  const caseWorker = as(it, 'case_worker');
  const { cases, survivors, referrals, evidence } = it.services;
  const created = await cases.create(inspector, ANA_REPORT);
  await cases.transition(inspector, created.id, 'identification', 'Interview with interpreter');
  await cases.update(inspector, created.id, { victim: { vic_TraffickingStatus: 'ActualVictimOfTrafficking' } });

  const consent = (purpose: string, decision: string, scope: object = {}) =>
    survivors.recordConsent(inspector, created.id, {
      purpose,
      decision,
      scope,
      method: 'verbal_with_interpreter',
      language: 'ro',
    } as Parameters<typeof survivors.recordConsent>[2]);
  const ngo = agencyOf(caseWorker);
  await consent('sharing_in_country', 'granted', { agencies: [ngo] });
  await consent('services', 'granted', { countries: ['IT'] });
  await consent('sharing_cross_border', 'granted', { countries: ['MD'], purposes: ['protection'] });
  await consent('linkage', 'granted');
  await consent('research', 'refused');
  const referral = await referrals.offerReferral(inspector, created.id, {
    toAgencyId: ngo,
    services: ['Shelter', 'Health', 'Legal'],
    reason: 'Protection and care',
  });
  await referrals.acceptReferral(caseWorker, referral.id);

  const payslip = 'Busta paga aprile 2026 — ore lavorate 312, netto pagato EUR 0 (trattenuto per "debito").\n';
  await evidence.add(
    inspector,
    created.id,
    {
      title: 'Payslip, April 2026',
      fileName: 'payslip-2026-04.txt',
      mediaType: 'text/plain',
      collectedAt: '2026-06-18',
      collectedWhere: 'Latina',
      type: 'financial_record',
      handlingCode: 'H0',
    },
    Readable.from([Buffer.from(payslip)]),
  );
  return created.id;
}

/**
 * Step 7, as far as a newcomer should find it: a joint team of node-it and node-md with its first entries, an MLA
 * request for the agency's bank records that node-md has acknowledged and recognised (its execution clock runs), and
 * a cross-border referral of Ana's family that waits for node-md to accept it.
 */
async function cooperation(it: DemoNode, md: DemoNode, nodes: readonly DemoNode[], caseId: string): Promise<void> {
  const inspector = as(it, 'investigator');
  const jit = await it.services.jits.create(inspector, {
    name: 'JIT Latina–Chișinău',
    purpose: 'Recruitment by Agro Job Consult SRL for forced labour in Latina',
    parties: ['node-md'],
    startsOn: '2026-06-20',
    endsOn: '2027-06-19',
    agencyIds: [agencyOf(inspector)],
  });
  await it.services.jits.postMessage(
    inspector,
    jit.id,
    'Eleven workers found in Latina; the recruiter is in Chișinău.',
  );
  await deliverNow(nodes.map((n) => n.services));
  const police = as(md, 'investigator');
  await md.services.jits.addAgency(as(md, 'coordinator'), jit.id, agencyOf(police));
  await md.services.jits.postMessage(police, jit.id, 'We hold a complaint against the same agency from May 2026.');

  const request = await it.services.mla.create(inspector, {
    executingNode: 'node-md',
    caseId,
    issuingAuthority: { name: 'Procura della Repubblica di Latina', country: 'IT' },
    executingAuthority: { name: 'Procuratura pentru Combaterea Criminalității Organizate', country: 'MD' },
    measures: [{ type: 'bank_records', description: 'Accounts held by Agro Job Consult SRL, 2026-01 to 2026-06' }],
    persons: [{ name: 'Agro Job Consult SRL', role: 'account_holder' }],
    offence: {
      legalClassification: 'Art. 601 c.p. (tratta di persone); art. 603-bis c.p.',
      summary: 'Recruitment in Moldova for farm work in Latina; passports kept, wages withheld.',
    },
  } as Parameters<typeof it.services.mla.create>[1]);
  await it.services.mla.send(inspector, request.id);
  await deliverNow(nodes.map((n) => n.services));
  await md.services.mla.act(police, request.id, 'acknowledge');
  await md.services.mla.act(police, request.id, 'recognise');

  // Ana's family: a referral to node-md for protection, waiting for a Moldovan case worker to accept it.
  await it.services.crossBorder.offer(inspector, caseId, {
    to: 'node-md',
    kind: 'referral',
    purpose: 'protection',
    fields: ['prs_FirstName', 'prs_SecondName', 'vic_MethodsOfControl'],
    note: 'Threats against her family in Chișinău; please assess their protection needs.',
  });
  await deliverNow(nodes.map((n) => n.services));
}

/** Seeds the story on the three demo nodes (`node-it`, `node-md`, `node-ro`), which are peers already; call once. */
export async function seedScenario(nodes: readonly DemoNode[]): Promise<void> {
  const node = (id: string) => {
    const found = nodes.find((n) => n.spec.nodeId === id);
    if (!found) throw new Error(`no demo node ${id}`);
    return found;
  };
  await romania(node('node-ro'));
  await moldova(node('node-md'));
  const caseId = await italy(node('node-it'));
  await cooperation(node('node-it'), node('node-md'), nodes, caseId);
}
