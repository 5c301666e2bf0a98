import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildUser, createTestNode, signIn, type TestNode, tempDir } from '../../../test/helpers.ts';
import { MAX_UPLOAD_BYTES } from './htcds.routes.ts';
import { readCaseSheet } from './htcds-files.ts';
import { writeCaseSheet } from './htcds-sheet-writer.ts';

const HEADER = 'psg_ReportedAt,prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,vic_TraffickingStatus,Colour';
const ANA = '2024-02-01,Ana,Rusu,1999-03-14,Feminine,ActualVictimOfTrafficking,blue';
const ION = '2024-02-02,Ion,Popa,1988-11-02,Masculine,PossibleVictimOfTrafficking,red';
/** Born after the report: rejected. */
const BAD = '2024-02-03,Vera,Lungu,2030-01-01,Feminine,ActualVictimOfTrafficking,green';
const csv = (...rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`;

/** A multipart/form-data body as a browser's FormData sends it. */
async function multipart(content: string | Uint8Array<ArrayBuffer>, filename = 'cases.csv', field = 'file') {
  const form = new FormData();
  form.append(field, new Blob([content]), filename);
  const request = new Request('http://passage.test/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    contentType: request.headers.get('content-type') as string,
  };
}

const uploadsLeft = () => readdirSync(tmpdir()).filter((name) => name.startsWith('passage-import-')).length;

describe('HTCDS import and export over HTTP', () => {
  let node: TestNode;
  let agencyId: string;
  let supervisor: Awaited<ReturnType<typeof signIn>>;
  let worker: Awaited<ReturnType<typeof signIn>>;
  const files = tempDir('passage-htcds-routes-');

  beforeAll(async () => {
    node = await createTestNode();
    const user = await buildUser(node.services, 'supervisor');
    agencyId = user.agencyId;
    supervisor = await signIn(node.app, user);
    worker = await signIn(node.app, await buildUser(node.services, 'case_worker', { agency: agencyId }));
  });
  afterAll(async () => {
    await node.close();
    files.remove();
  });

  const count = async () =>
    Number((await node.services.db.query<{ n: bigint }>('select count(*) as n from cases'))[0]?.n);

  async function upload(
    content: string | Uint8Array<ArrayBuffer>,
    query: string,
    options: { headers?: Record<string, string>; filename?: string } = {},
  ) {
    const body = await multipart(content, options.filename);
    return node.app.inject({
      method: 'POST',
      url: `/api/htcds/imports?${query}`,
      headers: { ...(options.headers ?? supervisor.headers), 'content-type': body.contentType },
      payload: body.payload,
    });
  }

  it('imports a CSV upload for a supervisor of the agency, and warns about unknown columns', async () => {
    const before = uploadsLeft();
    const response = await upload(csv(ANA, ION), `agencyId=${agencyId}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      format: 'htcds',
      rows: 2,
      imported: 2,
      rejected: [],
      unknownColumns: ['Colour'],
      renamedColumns: [],
    });
    expect(response.json().references).toHaveLength(2);
    expect(uploadsLeft()).toBe(before);
  });

  it('imports nothing when a row is not valid, and names its row and column (never the value)', async () => {
    const before = await count();
    const response = await upload(csv(ANA, BAD), `agencyId=${agencyId}`);
    expect(response.statusCode).toBe(422);
    const { error } = response.json();
    expect(error.id).toBe('import_rejected');
    expect(error.details.rejected).toEqual([{ row: 3, column: 'prs_Birthdate', reason: expect.any(String) }]);
    expect(response.body).not.toContain('Vera');
    expect(response.body).not.toContain('2030-01-01');
    expect(await count()).toBe(before);
  });

  it('imports the valid rows with partial=true and reports the others', async () => {
    const before = await count();
    // LIA is new; ANA went in with the first upload and is skipped, not imported twice.
    const LIA = '2024-02-04,Lia,Ceban,2001-07-09,Feminine,PossibleVictimOfTrafficking,grey';
    const response = await upload(csv(ANA, BAD, LIA), `agencyId=${agencyId}&partial=true`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      imported: 1,
      rejected: [{ row: 3, column: 'prs_Birthdate' }],
      alreadyImported: [{ row: 2, reference: expect.stringMatching(/^IT-2024-/) }],
    });
    expect(await count()).toBe(before + 1);
  });

  it('imports an xlsx workbook in the toolkit layout', async () => {
    const path = join(files.path, 'cases.xlsx');
    await writeCaseSheet(
      path,
      ['prs_FirstName', 'prs_Gender', 'vic_TraffickingStatus'],
      [{ prs_FirstName: 'Olena', prs_Gender: 'Feminine', vic_TraffickingStatus: 'ActualVictimOfTrafficking' }],
      'xlsx',
    );
    const response = await upload(readFileSync(path), `agencyId=${agencyId}`, { filename: 'cases.xlsx' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ format: 'htcds', imported: 1 });
  });

  it('refuses a file that is not a spreadsheet with a clear 400', async () => {
    const response = await upload('\u0000\u0001 not a sheet', `agencyId=${agencyId}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.id).toBe('sheet_not_spreadsheet');
  });

  it('refuses a file over the size limit with 413 and keeps nothing of it', async () => {
    const before = uploadsLeft();
    const response = await upload(new Uint8Array(MAX_UPLOAD_BYTES + 1), `agencyId=${agencyId}`);
    expect(response.statusCode, response.body).toBe(413);
    expect(response.json().error.id).toBe('file_too_large');
    expect(uploadsLeft()).toBe(before);
  });

  it('needs the CSRF token, a multipart body, a file and an agency', async () => {
    const noCsrf = await upload(csv(ANA), `agencyId=${agencyId}`, { headers: { cookie: supervisor.cookie } });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.id).toBe('csrf_invalid');
    const json = await node.app.inject({
      method: 'POST',
      url: `/api/htcds/imports?agencyId=${agencyId}`,
      headers: supervisor.headers,
      payload: { file: '/etc/passwd' },
    });
    expect(json.statusCode).toBe(415);
    const form = new FormData();
    form.append('note', 'no file here');
    const request = new Request('http://passage.test/', { method: 'POST', body: form });
    const noFile = await node.app.inject({
      method: 'POST',
      url: `/api/htcds/imports?agencyId=${agencyId}`,
      headers: { ...supervisor.headers, 'content-type': request.headers.get('content-type') as string },
      payload: Buffer.from(await request.arrayBuffer()),
    });
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json().error.id).toBe('file_missing');
    const noAgency = await upload(csv(ANA), '');
    expect(noAgency.statusCode).toBe(400);
    expect(noAgency.json().error.id).toBe('invalid_request');
  });

  it('lets only supervisors of the agency import', async () => {
    const before = await count();
    const response = await upload(csv(ANA), `agencyId=${agencyId}`, { headers: worker.headers });
    expect(response.statusCode).toBe(403);
    const other = await buildUser(node.services, 'supervisor');
    const elsewhere = await upload(csv(ANA), `agencyId=${agencyId}`, {
      headers: (await signIn(node.app, other)).headers,
    });
    expect(elsewhere.statusCode).toBe(403);
    expect(await count()).toBe(before);
  });

  it('exports the agency as a CSV download without identity fields unless a purpose is given', async () => {
    const plain = await node.app.inject({
      method: 'GET',
      url: `/api/htcds/export?agencyId=${agencyId}&format=csv`,
      headers: supervisor.headers,
    });
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(plain.headers['content-disposition']).toMatch(/^attachment; filename="htcds-\w+-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(plain.headers['cache-control']).toBe('no-store');
    const header = plain.body.replace(/^\uFEFF/, '').split(/\r?\n/)[0] as string;
    expect(header.split(',')).toEqual(expect.arrayContaining(['psg_CaseReference', 'prs_Gender']));
    expect(header).not.toContain('prs_FirstName');
    expect(plain.body).not.toContain('Rusu');

    const disclosures = async () =>
      Number((await node.services.db.query<{ n: bigint }>('select count(*) as n from disclosures'))[0]?.n);
    const before = await disclosures();
    const revealed = await node.app.inject({
      method: 'GET',
      url: `/api/htcds/export?agencyId=${agencyId}&format=csv&purpose=case_management`,
      headers: supervisor.headers,
    });
    expect(revealed.statusCode).toBe(200);
    expect(revealed.body).toContain('prs_FirstName');
    expect(revealed.body).toContain('Rusu');
    expect(await disclosures()).toBe(before + (await count()));
  });

  it('exports an xlsx workbook that reads back, and leaves no file behind', async () => {
    const response = await node.app.inject({
      method: 'GET',
      url: `/api/htcds/export?agencyId=${agencyId}`,
      headers: supervisor.headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const path = join(files.path, 'download.xlsx');
    writeFileSync(path, response.rawPayload);
    const sheet = await readCaseSheet(path);
    expect(sheet.rows).toHaveLength(await count());
    await vi.waitFor(() =>
      expect(readdirSync(tmpdir()).filter((name) => name.startsWith('passage-export-'))).toEqual([]),
    );
  });

  it('lets a case worker export nothing', async () => {
    const response = await node.app.inject({
      method: 'GET',
      url: `/api/htcds/export?agencyId=${agencyId}`,
      headers: worker.headers,
    });
    expect(response.statusCode).toBe(403);
  });
});
