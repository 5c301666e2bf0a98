import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, createTestNode, signIn, type TestNode, tempDir } from '../../../test/helpers.ts';
import type { RequestContext } from '../audit/index.ts';
import { readCaseSheet } from './htcds-files.ts';
import { editDistance, nearestValue, standardValue } from './htcds-values.ts';

const TEMPLATE = 'vendor/htcds/htcds-excel-spreadsheet-v2.0.xlsx';
const XLSFORM = 'vendor/htcds/htcds_xlsform.xlsx';

/**
 * The toolkit's own template with rows filled in as a case worker would, by the visible labels of row 2 (the hidden
 * names of row 1 do not match them everywhere, and one is missing).
 */
async function fillTemplate(path: string, rows: Record<string, unknown>[]): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(TEMPLATE);
  const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
  const labels = new Map<string, number>();
  sheet.getRow(2).eachCell((cell, column) => labels.set(String(cell.value), column));
  rows.forEach((values, i) => {
    const row = sheet.getRow(3 + i);
    for (const [label, value] of Object.entries(values)) {
      const column = labels.get(label);
      if (column === undefined) throw new Error(`no column labelled ${label}`);
      const cell = row.getCell(column);
      cell.value = value as ExcelJS.CellValue;
      // As Excel formats a date typed into a cell.
      if (value instanceof Date) cell.numFmt = 'yyyy-mm-dd';
    }
    row.commit();
  });
  await workbook.xlsx.writeFile(path);
}

/** A real toolkit row: case owner, incoming and outgoing referral filled, answers typed as the labels show them. */
const AMINA = {
  'Case Owner': 'Maria Rossi',
  'First Name': 'Amina',
  'Second Name': 'Diallo',
  Gender: 'feminine',
  Birthdate: new Date('1998-04-02T00:00:00Z'),
  'Trafficking Status': 'Actual victim of trafficking',
  'Type of Exploitation': 'Forced Labour; sexual exploitation',
  Status: 'FollowUp',
  'Referring Organisation': 'Caritas Ambrosiana',
  'Incoming Referral Date': new Date('2024-01-15T00:00:00Z'),
  'Referring Primary Case Worker': 'Giulia Bianchi',
  'Referred Organisation': 'ASTRA Belgrade',
  'Referred Primary Case Worker': 'Ivana Petrović',
  'Reason for Outgoing Referral': 'Additional Services Required',
  'Outgoing Referral Date': '2024-02-20',
  'Outgoing Referral Details': 'Shelter and legal aid near the family',
};
const JOY = { 'First Name': 'Joy', Gender: 'Feminine', 'Trafficking Status': 'Actual victim of traficking' };

/** A multipart/form-data body as a browser's FormData sends it. */
async function multipart(content: Uint8Array<ArrayBuffer>, filename: string) {
  const form = new FormData();
  form.append('file', new Blob([content]), filename);
  const request = new Request('http://passage.test/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    contentType: request.headers.get('content-type') as string,
  };
}

describe('a forgiving import', () => {
  let node: TestNode;
  let agencyId: string;
  let supervisor: RequestContext;
  let session: Awaited<ReturnType<typeof signIn>>;
  const files = tempDir('passage-htcds-forgiving-');

  beforeAll(async () => {
    node = await createTestNode();
    const user = await buildUser(node.services, 'supervisor');
    agencyId = user.agencyId;
    supervisor = {
      actor: { kind: 'user', userId: user.id, memberships: [{ role: 'supervisor', agencyId }] },
      requestId: null,
    };
    session = await signIn(node.app, user);
  });
  afterAll(async () => {
    await node.close();
    files.remove();
  });

  async function post(url: string, path: string) {
    const body = await multipart(readFileSync(path), path.split('/').at(-1) as string);
    return node.app.inject({
      method: 'POST',
      url,
      headers: { ...session.headers, 'content-type': body.contentType },
      payload: body.payload,
    });
  }

  it('reads labels and value names in any case, and suggests the nearest value for the others', () => {
    expect(standardValue('vic_TypeOfExploitation', 'Forced Labour;SEXUAL exploitation')).toBe(
      'ForcedLabour;SexualExploitation',
    );
    expect(standardValue('cas_Status', 'Follow-up')).toBe('FollowUp');
    expect(standardValue('prs_Gender', 'non conforming')).toBe('NonConforming');
    // Not a listed value: left as it is, for the case parser to refuse.
    expect(standardValue('prs_Gender', 'Woman')).toBe('Woman');
    expect(standardValue('prs_FirstName', 'forced labour')).toBe('forced labour');
    expect(editDistance('traficking', 'trafficking')).toBe(1);
    expect(nearestValue('vic_TraffickingStatus', 'actual victim of traficking')?.name).toBe(
      'ActualVictimOfTrafficking',
    );
    // A date cell that lost its format holds Excel's day number.
    expect(standardValue('prs_Birthdate', 35887)).toBe('1998-04-02');
  });

  it('imports rows sent twice at the same moment once: the import that comes second is undone, never a 500', async () => {
    const path = join(files.path, 'twice.xlsx');
    await fillTemplate(path, [{ 'First Name': 'Leila', 'Second Name': 'Haddad', Gender: 'Feminine' }]);
    const { rows } = await readCaseSheet(path);
    // An agency of its own, so that the other tests' counts of imported rows stay theirs.
    const other = await buildUser(node.services, 'supervisor');
    const ctx: RequestContext = {
      actor: { kind: 'user', userId: other.id, memberships: [{ role: 'supervisor', agencyId: other.agencyId }] },
      requestId: null,
    };
    const options = { agencyId: other.agencyId };
    const outcomes = await Promise.allSettled([
      node.services.htcds.import(ctx, rows, options),
      node.services.htcds.import(ctx, rows, options),
    ]);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ id: 'import_overtaken', status: 409 });
    }
    const imported = outcomes.flatMap((o) => (o.status === 'fulfilled' ? o.value.references : []));
    expect(imported).toHaveLength(1);
  });

  it('says precisely why the toolkit template as downloaded, and the toolkit form, import nothing', async () => {
    const empty = await readCaseSheet(TEMPLATE);
    await expect(node.services.htcds.import(supervisor, empty.rows, { agencyId })).rejects.toMatchObject({
      id: 'import_no_rows',
      status: 422,
      message: expect.stringContaining('Fill in one row per case, from the row after the header (row 3'),
    });
    await expect(readCaseSheet(XLSFORM)).rejects.toMatchObject({
      id: 'sheet_is_form',
      message: expect.stringContaining('not its answers'),
    });
  });

  it('imports a toolkit file with case owner and referral columns, keeps them, and exports them back', async () => {
    const path = join(files.path, 'toolkit.xlsx');
    await fillTemplate(path, [AMINA]);
    const response = await post(`/api/htcds/imports?agencyId=${agencyId}`, path);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ rows: 1, imported: 1, rejected: [], alreadyImported: [] });
    const [reference] = response.json().references as string[];

    const [summary] = (await node.services.cases.list(supervisor, { reference, limit: 5, offset: 0 })).cases;
    const imported = await node.services.cases.get(supervisor, summary?.id as string);
    expect(imported).toMatchObject({
      victim: {
        vic_TraffickingStatus: 'ActualVictimOfTrafficking',
        vic_TypeOfExploitation: ['ForcedLabour', 'SexualExploitation'],
      },
      details: { cas_ReferringOrganisation: 'Caritas Ambrosiana', cas_IncomingReferralDate: '2024-01-15' },
      survivor: { attributes: { prs_Gender: 'Feminine' } },
    });

    const exported = await node.services.htcds.export(supervisor, { agencyId });
    expect(exported.rows.find((row) => row.psg_CaseReference === reference)).toMatchObject({
      cas_Status: 'FollowUp',
      cas_CaseOwner: 'Maria Rossi',
      cas_ReferringPrimaryCaseWorker: 'Giulia Bianchi',
      cas_ReferredOrganisation: 'ASTRA Belgrade',
      cas_ReferredPrimaryCaseWorker: 'Ivana Petrović',
      cas_ReasonForOutgoingReferral: 'AdditionalServicesRequired',
      cas_OutgoingReferralDate: '2024-02-20',
      cas_OutgoingReferralDetails: 'Shelter and legal aid near the family',
    });
  });

  it('gives the rejected rows as a spreadsheet to fix, and imports the fixed file without duplicating', async () => {
    const path = join(files.path, 'two.xlsx');
    await fillTemplate(path, [{ ...AMINA, 'First Name': 'Salma', Status: 'Follow Up' }, JOY]);
    const refused = await post(`/api/htcds/imports?agencyId=${agencyId}`, path);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details.rejected).toEqual([
      {
        row: 4,
        column: 'vic_TraffickingStatus',
        reason: expect.stringMatching(/Did you mean ActualVictimOfTrafficking \(Actual victim of trafficking\)\?$/),
      },
    ]);
    expect(refused.body).not.toContain('traficking');

    const partial = await post(`/api/htcds/imports?agencyId=${agencyId}&partial=true`, path);
    expect(partial.json()).toMatchObject({ imported: 1, rejected: [{ row: 4 }] });

    const download = await post(`/api/htcds/imports/rejected?agencyId=${agencyId}`, path);
    expect(download.statusCode, download.body).toBe(200);
    expect(download.headers['content-disposition']).toContain('rejected-rows.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(download.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(expect.arrayContaining(['prs_FirstName', 'vic_TraffickingStatus', '_import_error']));
    // Salma went in: only Joy's row is there, with her values and why it was refused.
    expect(sheet.actualRowCount).toBe(3);
    const joy = sheet.getRow(3);
    const cell = (name: string) => joy.getCell(header.indexOf(name) + 1);
    expect(cell('prs_FirstName').value).toBe('Joy');
    expect(String(cell('_import_error').value)).toMatch(/^Row 4: vic_TraffickingStatus: .*Did you mean/);

    cell('vic_TraffickingStatus').value = 'Actual victim of trafficking';
    const fixed = join(files.path, 'fixed.xlsx');
    await workbook.xlsx.writeFile(fixed);
    const again = await post(`/api/htcds/imports?agencyId=${agencyId}`, fixed);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ imported: 1, rejected: [], unknownColumns: [] });

    // The first file again: Salma is there already, Joy's row is still wrong.
    const original = await post(`/api/htcds/imports?agencyId=${agencyId}&partial=true`, path);
    expect(original.json()).toMatchObject({
      imported: 0,
      alreadyImported: [{ row: 3, reference: partial.json().references[0] }],
    });
    const count = await node.services.db.query<{ n: number }>(
      'select count(*)::int as n from htcds_import_rows where agency_id = $1',
      [agencyId],
    );
    expect(count[0]?.n).toBe(3);
  });
});
