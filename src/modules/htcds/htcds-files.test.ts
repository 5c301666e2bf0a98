import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCaseSheet, SheetError } from './htcds-files.ts';
import { writeCaseSheet } from './htcds-sheet-writer.ts';

const toolkit = resolve(import.meta.dirname, '../../../vendor/htcds');
const template = join(toolkit, 'htcds-excel-spreadsheet-v2.0.xlsx');
const xlsform = join(toolkit, 'htcds_xlsform.xlsx');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'passage-sheets-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const columns = [
  'prs_FirstName',
  'prs_Birthdate',
  'prs_MobilePhone',
  'prs_MailingLatitude',
  'con_Consent',
  'vic_TypeOfExploitation',
  'psg_Aliases',
  'cas_IncomingReferralDetails',
];

const cases = [
  {
    prs_FirstName: '  Ana María ',
    prs_Birthdate: new Date(Date.UTC(1990, 4, 6)),
    prs_MobilePhone: '+39 06 1234 5678',
    prs_MailingLatitude: 41.9,
    con_Consent: true,
    vic_TypeOfExploitation: ['ForcedLabour', 'SexualExploitation'],
    psg_Aliases: ['Ana', 'Анна'],
    cas_IncomingReferralDetails: '=HYPERLINK("http://example.org","click")',
  },
  { prs_FirstName: 'Bo', prs_Birthdate: null, vic_TypeOfExploitation: [], cas_IncomingReferralDetails: undefined },
];

async function* slowly<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

async function expectSheetError(promise: Promise<unknown>, id: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SheetError);
  expect(error).toMatchObject({ id, status: 400 });
}

/** Writes a sheet with exceljs, the way Excel, KoBoToolbox or a person would leave it. */
async function workbook(path: string, rows: unknown[][]): Promise<string> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Data');
  for (const row of rows) sheet.addRow(row);
  await book.xlsx.writeFile(path);
  return path;
}

describe('writeCaseSheet and readCaseSheet', () => {
  it('round-trips an xlsx file with the toolkit layout', async () => {
    const path = join(dir, 'cases.xlsx');
    expect(await writeCaseSheet(path, columns, slowly(cases), 'xlsx')).toBe(2);
    expect(readdirSync(dir)).toEqual(['cases.xlsx']);

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const sheet = book.worksheets[0];
    expect(sheet?.getRow(1).hidden).toBe(true);
    expect(sheet?.getRow(1).getCell(1).value).toBe('prs_FirstName');
    expect(sheet?.getRow(2).getCell(1).value).toBe('First Name');
    expect(sheet?.getRow(2).getCell(7).value).toBe('Other names used');

    const progress: number[][] = [];
    const read = await readCaseSheet(path, (done, total) => progress.push([done, total]));
    expect(progress.at(-1)?.[0]).toBe(progress.at(-1)?.[1]);
    expect(read).toMatchObject({ format: 'htcds', columns, unknownColumns: [], renamedColumns: [] });
    expect(read.rows).toEqual([
      {
        rowNumber: 3,
        fields: {
          prs_FirstName: 'Ana María',
          prs_Birthdate: '1990-05-06',
          prs_MobilePhone: '+39 06 1234 5678',
          prs_MailingLatitude: 41.9,
          con_Consent: true,
          vic_TypeOfExploitation: 'ForcedLabour;SexualExploitation',
          psg_Aliases: 'Ana;Анна',
          cas_IncomingReferralDetails: '=HYPERLINK("http://example.org","click")',
        },
      },
      { rowNumber: 4, fields: { prs_FirstName: 'Bo' } },
    ]);
  });

  it('round-trips a csv file, keeping cells Excel would run as formulas inert', async () => {
    const path = join(dir, 'cases.csv');
    expect(await writeCaseSheet(path, columns, cases, 'csv')).toBe(2);
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith(`\uFEFF${columns.join(',')}\n`)).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""http://example.org"",""click"")"`);
    expect(text).toContain(',+39 06 1234 5678,');

    const read = await readCaseSheet(path);
    expect(read).toMatchObject({ format: 'htcds', columns, unknownColumns: [] });
    expect(read.rows).toEqual([
      {
        rowNumber: 2,
        fields: {
          prs_FirstName: 'Ana María',
          prs_Birthdate: '1990-05-06',
          prs_MobilePhone: '+39 06 1234 5678',
          prs_MailingLatitude: '41.9',
          con_Consent: 'true',
          vic_TypeOfExploitation: 'ForcedLabour;SexualExploitation',
          psg_Aliases: 'Ana;Анна',
          cas_IncomingReferralDetails: '=HYPERLINK("http://example.org","click")',
        },
      },
      { rowNumber: 3, fields: { prs_FirstName: 'Bo' } },
    ]);
  });

  it('leaves no file behind, and an earlier file untouched, when writing fails', async () => {
    const path = join(dir, 'cases.xlsx');
    writeFileSync(path, 'earlier export');
    async function* failing() {
      yield cases[0] ?? {};
      throw new Error('database went away');
    }
    await expect(writeCaseSheet(path, columns, failing(), 'xlsx')).rejects.toThrow('database went away');
    await expect(writeCaseSheet(path, columns, failing(), 'csv')).rejects.toThrow('database went away');
    await expectSheetError(
      writeCaseSheet(path, columns, [{ prs_FirstName: { first: 'Ana' } }], 'csv'),
      'sheet_bad_value',
    );
    expect(readdirSync(dir)).toEqual(['cases.xlsx']);
    expect(readFileSync(path, 'utf8')).toBe('earlier export');
    for (const format of ['xlsx', 'csv'] as const) {
      await expect(writeCaseSheet(join(dir, 'missing', 'cases'), columns, cases, format)).rejects.toThrow('ENOENT');
    }
  });
});

describe('readCaseSheet on the toolkit template', () => {
  it('reads data rows added to a copy of the real template, trusting visible labels', async () => {
    const path = join(dir, 'toolkit.xlsx');
    copyFileSync(template, path);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const sheet = book.worksheets[0];
    if (!sheet) throw new Error('the template has no sheet');
    // Find columns by their visible label, as a person filling in the template does.
    const byLabel = new Map<string, number>();
    sheet.getRow(2).eachCell((cell, column) => byLabel.set(String(cell.value), column));
    const fill = (row: number, label: string, value: ExcelJS.CellValue) => {
      const column = byLabel.get(label);
      if (column === undefined) throw new Error(`no column labelled ${label}`);
      const cell = sheet.getRow(row).getCell(column);
      cell.value = value;
      if (value instanceof Date) cell.numFmt = 'dd/mm/yyyy'; // as Excel formats a cell when a date is typed in
    };
    fill(3, 'First Name', 'Ana');
    fill(3, 'Birthdate', new Date(Date.UTC(1990, 4, 6)));
    fill(3, 'Type of Exploitation', 'ForcedLabour;SexualExploitation');
    fill(3, 'Mailing Street', 'Via Roma 1');
    fill(3, 'Mailing Country', 'IT');
    fill(3, 'Trafficking Status Decision Making Organization', 'NGO');
    fill(3, 'Reason for Outgoing Referral', 'Other');
    fill(5, 'First Name', { richText: [{ text: 'Bo' }, { text: 'ris', font: { bold: true } }] });
    fill(5, 'Email', { text: 'boris@example.org', hyperlink: 'mailto:boris@example.org' });
    await book.xlsx.writeFile(path);

    const read = await readCaseSheet(path);
    expect(read.format).toBe('htcds');
    expect(read.unknownColumns).toEqual([]);
    expect(read.columns).toHaveLength(38);
    expect(read.rows).toEqual([
      {
        rowNumber: 3,
        fields: {
          prs_FirstName: 'Ana',
          prs_Birthdate: new Date(Date.UTC(1990, 4, 6)),
          vic_TypeOfExploitation: 'ForcedLabour;SexualExploitation',
          prs_MailingStreet: 'Via Roma 1',
          prs_MailingCountry: 'IT',
          vic_TraffickingStatusDecisionMakingOrg: 'NGO',
          cas_ReasonForOutgoingReferral: 'Other',
        },
      },
      { rowNumber: 5, fields: { prs_FirstName: 'Boris', prs_Email: 'boris@example.org' } },
    ]);
    // The template's hidden names disagree with its labels for these columns.
    expect(read.renamedColumns).toEqual([
      { column: 'N', header: 'prs_MailingCity', label: 'Mailing Street', field: 'prs_MailingStreet' },
      { column: 'O', header: 'prs_MailingCountry', label: 'Mailing City', field: 'prs_MailingCity' },
      { column: 'Q', header: 'prs_MailingStreet', label: 'Mailing Zip/Postal Code', field: 'prs_MailingPostalCode' },
      { column: 'R', header: 'prs_MailingPostalCode', label: 'Mailing Country', field: 'prs_MailingCountry' },
      {
        column: 'T',
        header: 'vic_TraffickinStatusDecisionMakingOrg',
        label: 'Trafficking Status Decision Making Organization',
        field: 'vic_TraffickingStatusDecisionMakingOrg',
      },
      { column: 'AJ', header: '', label: 'Reason for Outgoing Referral', field: 'cas_ReasonForOutgoingReferral' },
    ]);
  });
});

describe('readCaseSheet on XLSForm submissions', () => {
  const koboHeader = [
    'start',
    'end',
    'group_person/prs_First_Name',
    'group_person/prs_Birthdate',
    'group_victim/vic_TypeOfExploitation',
    'group_victim/vic_TypeOfExploitation/ForcedLabour',
    'group_victim/vic_TypeOfExploitation/SexualExploitation',
    'group_victim/vic_Methods_of_Control',
    'con_Consent',
    'favourite_colour',
    '__version__',
    'meta/instanceID',
    '_id',
    '_uuid',
    '_submission_time',
    '_index',
  ];

  it('reads a KoBoToolbox xlsx export: group paths, space-separated choices, metadata', async () => {
    const path = await workbook(join(dir, 'kobo.xlsx'), [
      koboHeader,
      [
        new Date(),
        new Date(),
        'Ana',
        new Date(Date.UTC(1990, 4, 6)),
        'ForcedLabour SexualExploitation',
        1,
        1,
        'DebtBondage',
        'TRUE',
        'blue',
        'vSmt4GQA3C9uBMLPEVfgND',
        'uuid:0f3c1a2b-1111-4a2b-9c3d-000000000001',
        101,
        '0f3c1a2b-1111-4a2b-9c3d-000000000001',
        '2026-01-02T10:00:00',
        1,
      ],
      [null, null, null, null, null, 0, 0, null, null, null, 'v', 'uuid:x', 102, 'x', null, 2],
    ]);
    const read = await readCaseSheet(path);
    expect(read).toMatchObject({
      format: 'xlsform',
      columns: ['prs_FirstName', 'prs_Birthdate', 'vic_TypeOfExploitation', 'vic_MethodsOfControl', 'con_Consent'],
      unknownColumns: ['favourite_colour'],
      renamedColumns: [],
    });
    expect(read.rows).toEqual([
      {
        rowNumber: 2,
        externalId: '0f3c1a2b-1111-4a2b-9c3d-000000000001',
        fields: {
          prs_FirstName: 'Ana',
          prs_Birthdate: new Date(Date.UTC(1990, 4, 6)),
          vic_TypeOfExploitation: 'ForcedLabour;SexualExploitation',
          vic_MethodsOfControl: 'DebtBondage',
          con_Consent: 'TRUE',
        },
      },
    ]);
  });

  it('reads an ODK Central csv export with ";" and rebuilds multi-selects from per-choice columns', async () => {
    const path = join(dir, 'odk.csv');
    const lines = [
      'SubmissionDate;KEY;person-prs_First_Name;victim-vic_TypeOfExploitation-ForcedLabour;victim-vic_TypeOfExploitation-Servitude;meta-instanceID',
      '2026-01-02;uuid:aaa;"Ana";1;1;uuid:bbb',
      '',
      '2026-01-03;uuid:ccc;Bo;0;1;',
    ];
    writeFileSync(path, `${lines.join('\r\n')}\r\n`);
    const read = await readCaseSheet(path);
    expect(read).toMatchObject({ format: 'xlsform', columns: ['prs_FirstName', 'vic_TypeOfExploitation'] });
    expect(read.rows).toEqual([
      {
        rowNumber: 2,
        externalId: 'bbb',
        fields: { prs_FirstName: 'Ana', vic_TypeOfExploitation: 'ForcedLabour;Servitude' },
      },
      { rowNumber: 4, externalId: 'ccc', fields: { prs_FirstName: 'Bo', vic_TypeOfExploitation: 'Servitude' } },
    ]);
  });

  it('turns every select_multiple answer of the toolkit form into the ";" form', async () => {
    const form = new ExcelJS.Workbook();
    await form.xlsx.readFile(xlsform);
    const names: string[] = [];
    form.getWorksheet('survey')?.eachRow((row) => {
      if (String(row.getCell(1).value).startsWith('select_multiple ')) names.push(String(row.getCell(2).value));
    });
    expect(names.length).toBeGreaterThan(3);
    const path = join(dir, 'form.csv');
    writeFileSync(path, `_uuid,${names.join(',')}\nu1,${names.map(() => ' Other  Choice2 ').join(',')}\n`);
    const read = await readCaseSheet(path);
    expect(read.unknownColumns).toEqual([]);
    expect(Object.values(read.rows[0]?.fields ?? {})).toEqual(names.map(() => 'Other;Choice2'));
  });
});

describe('readCaseSheet on files it cannot read', () => {
  it('refuses random bytes, a broken zip and an old .xls file', async () => {
    const random = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919 + 13) % 256));
    writeFileSync(join(dir, 'random.xlsx'), random);
    writeFileSync(join(dir, 'zip.xlsx'), Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), random]));
    writeFileSync(join(dir, 'old.xls'), Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), random]));
    for (const name of ['random.xlsx', 'zip.xlsx', 'old.xls']) {
      await expectSheetError(readCaseSheet(join(dir, name)), 'sheet_not_spreadsheet');
    }
  });

  it('refuses a csv or workbook without a header row of field names', async () => {
    writeFileSync(join(dir, 'plain.csv'), 'First name,Last name\nAna,Silva\n');
    writeFileSync(join(dir, 'empty.csv'), '');
    writeFileSync(join(dir, 'unclosed.csv'), 'prs_FirstName\n"Ana\n');
    await expectSheetError(readCaseSheet(join(dir, 'unclosed.csv')), 'sheet_not_spreadsheet');
    await workbook(join(dir, 'labels.xlsx'), [
      ['First Name', 'Birthdate'],
      ['Ana', '1990-05-06'],
    ]);
    for (const name of ['plain.csv', 'empty.csv', 'labels.xlsx']) {
      await expectSheetError(readCaseSheet(join(dir, name)), 'sheet_no_header');
    }
  });

  it('refuses a sheet with the same field in two columns', async () => {
    const path = join(dir, 'twice.csv');
    writeFileSync(path, 'prs_FirstName,grp/prs_FirstName\nAna,Ana\n');
    await expectSheetError(readCaseSheet(path), 'sheet_duplicate_column');
  });

  it('reads csv saved by older Excel in Windows-1252, with title rows above the header', async () => {
    const path = join(dir, 'ansi.csv');
    writeFileSync(path, Buffer.from('Cases of 2025\n\nprs_FirstName;prs_SecondName\nJosé;Müller\n', 'latin1'));
    const read = await readCaseSheet(path);
    expect(read.rows).toEqual([{ rowNumber: 4, fields: { prs_FirstName: 'José', prs_SecondName: 'Müller' } }]);
  });
});
