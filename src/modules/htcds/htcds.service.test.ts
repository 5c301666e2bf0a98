import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, createTestNode, type TestNode } from '../../../test/helpers.ts';
import { operatorContext } from '../../app/operations.ts';
import type { RequestContext } from '../audit/index.ts';
import type { ImportRow } from './htcds.service.ts';

const row = (rowNumber: number, fields: Record<string, unknown>): ImportRow => ({ rowNumber, fields });

const ANA_2023 = row(3, {
  psg_ReportedAt: '2023-05-10',
  prs_FirstName: 'Ana',
  prs_SecondName: 'Rusu',
  prs_Birthdate: new Date('1999-03-14T00:00:00Z'),
  prs_Citizenship: 'MD',
  prs_Gender: 'Feminine',
  vic_TraffickingStatus: 'ActualVictimOfTrafficking',
  vic_TypeOfExploitation: 'SexualExploitation',
  vic_MethodsOfControl: 'DebtBondage;PhysicalThreats',
  cas_Status: 'Closed',
  cas_ReasonForCaseClosure: 'Returned home to Moldova',
  cco_CaseComment: 'Identified at a shelter in Bucharest.',
  hte_Type: 'Exploitation',
  hte_Country: 'RO',
  hte_City: 'București',
});

describe('HTCDS import and export', () => {
  let node: TestNode;
  let agencyId: string;
  const operator = operatorContext('test');
  let supervisor: RequestContext;
  let worker: RequestContext;

  beforeAll(async () => {
    node = await createTestNode();
    const user = await buildUser(node.services, 'supervisor');
    agencyId = user.agencyId;
    supervisor = {
      actor: { kind: 'user', userId: user.id, memberships: [{ role: 'supervisor', agencyId }] },
      requestId: null,
    };
    worker = {
      actor: { kind: 'user', userId: 'w', memberships: [{ role: 'case_worker', agencyId }] },
      requestId: null,
    };
  });
  afterAll(() => node.close());

  const count = async () =>
    Number((await node.services.db.query<{ n: bigint }>('select count(*) as n from cases'))[0]?.n);

  it('imports a legacy closed case with its history, multi-selects and dates as a spreadsheet gives them', async () => {
    const result = await node.services.htcds.import(operator, [ANA_2023], { agencyId });
    expect(result).toMatchObject({ imported: 1, rejected: [] });
    // References carry the owning agency's country and the year of the report.
    expect(result.references[0]).toMatch(/^IT-2023-\d{6}$/);
    const [summary] = (
      await node.services.cases.list(supervisor, { reference: result.references[0], limit: 5, offset: 0 })
    ).cases;
    const imported = await node.services.cases.get(supervisor, summary?.id as string);
    expect(imported).toMatchObject({
      stage: 'closed',
      status: 'Closed',
      reportedAt: '2023-05-10',
      victim: {
        vic_MethodsOfControl: ['DebtBondage', 'PhysicalThreats'],
        vic_TypeOfExploitation: ['SexualExploitation'],
      },
      details: { cas_ReasonForCaseClosure: 'Returned home to Moldova' },
      survivor: { attributes: { prs_Citizenship: ['MD'], prs_Gender: 'Feminine' } },
    });
    expect(imported.movements[0]?.fields).toEqual({
      hte_Type: 'Exploitation',
      hte_Country: 'RO',
      hte_City: 'București',
    });
    const hits = await node.services.cases.search(supervisor, { name: 'Ana Rusu', birthDate: '1999-03-14' });
    expect(hits.map((h) => h.caseId)).toContain(imported.id);
  });

  it('imports nothing when a row fails, and names each row, column and reason', async () => {
    const before = await count();
    const rows = [
      row(2, { prs_FirstName: 'Ion', vic_TraffickingStatus: 'ActualVictimOfTrafficking' }),
      row(3, {
        prs_FirstName: 'Maria',
        prs_Birthdate: '1990-02-30',
        vic_TypeOfExploitation: 'Farming',
        cas_Status: 'Open',
      }),
      row(4, { prs_FirstName: 'Elena', hte_Country: 'Romania', hte_Type: 'Transit', x_Notes: 'n/a' }),
    ];
    const failure = node.services.htcds.import(operator, rows, { agencyId });
    await expect(failure).rejects.toMatchObject({
      id: 'import_rejected',
      status: 422,
      message: '2 of 3 rows are not valid; nothing was imported. Fix them, or import the valid rows only.',
    });
    const details = (await failure.catch((e) => e.details)) as { rejected: { row: number; column: string }[] };
    expect(details.rejected.map((r) => `${r.row}:${r.column}`).sort()).toEqual(
      ['3:cas_Status', '3:prs_Birthdate', '3:vic_TypeOfExploitation', '4:hte_Country', '4:x_Notes'].sort(),
    );
    expect(await count()).toBe(before);

    const partial = await node.services.htcds.import(operator, rows, { agencyId, partial: true });
    expect(partial.imported).toBe(1);
    expect(partial.rejected).toHaveLength(5);
    expect(await count()).toBe(before + 1);
  });

  it('lets supervisors and administrators import, not case workers; reports progress', async () => {
    await expect(node.services.htcds.import(worker, [ANA_2023], { agencyId })).rejects.toThrow(
      'Your roles do not allow this.',
    );
    const progress: string[] = [];
    // Other people than Ana, whose row was imported above and would be skipped as imported before.
    const others = ['Lia', 'Dora'].map((name, i) => row(4 + i, { ...ANA_2023.fields, prs_FirstName: name }));
    await node.services.htcds.import(supervisor, others, {
      agencyId,
      onProgress: (done, total) => progress.push(`${done}/${total}`),
    });
    expect(progress).toEqual(['1/2', '2/2']);
  });

  it('exports pseudonymous rows by default, identity only with a purpose and a disclosure record each', async () => {
    const plain = await node.services.htcds.export(supervisor, { agencyId });
    expect(plain.columns.slice(0, 2)).toEqual(['psg_CaseReference', 'psg_ReportedAt']);
    expect(plain.columns.indexOf('prs_Gender')).toBeLessThan(plain.columns.indexOf('vic_TraffickingStatus'));
    expect(plain.columns).not.toContain('prs_FirstName');
    expect(JSON.stringify(plain.rows)).not.toContain('Rusu');
    const disclosuresBefore = await node.services.db.query("select 1 from disclosures where kind = 'export'");
    expect(disclosuresBefore).toEqual([]);

    await expect(node.services.htcds.export(supervisor, { agencyId, purpose: 'statistics' })).rejects.toThrow(
      'State why you need this',
    );
    const full = await node.services.htcds.export(supervisor, { agencyId, purpose: 'case_management' });
    const ana = full.rows.find((r) => r.prs_SecondName === 'Rusu');
    expect(ana).toMatchObject({ prs_FirstName: 'Ana', prs_Birthdate: '1999-03-14', cas_Status: 'Closed' });
    const exported = await node.services.db.query<{ purpose: string }>(
      "select purpose from disclosures where kind = 'export'",
    );
    expect(exported.length).toBe(full.rows.filter((r) => r.prs_FirstName !== undefined).length);
    expect(exported.every((d) => d.purpose === 'case_management')).toBe(true);
  });
});
