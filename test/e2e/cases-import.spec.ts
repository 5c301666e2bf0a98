import { writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { demoUser, expect, openSection, seriousViolations, signIn, test } from './fixtures.ts';

const HEADER = 'psg_ReportedAt,prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,vic_TraffickingStatus,Colour';
/** Born after the report: the node refuses the row. */
const BAD = '2024-02-03,Vera,Lungu,2030-01-01,Feminine,ActualVictimOfTrafficking,green';

// Fictional people; a supervisor brings in cases that an outreach team collected in the HTCDS toolkit spreadsheet.
test('a supervisor imports an HTCDS spreadsheet, sees the rows it refuses, opens an imported case, corrects and erases its identity', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  // A name of this run only: the demo node keeps the cases of earlier runs.
  const firstName = `Ioana${Date.now().toString(36)}`;
  const good = `2024-02-01,${firstName},Rusu,1999-03-14,Feminine,ActualVictimOfTrafficking,blue`;
  const withBadRow = testInfo.outputPath('with-bad-row.csv');
  const valid = testInfo.outputPath('valid.csv');
  writeFileSync(withBadRow, `${[HEADER, good, BAD].join('\n')}\n`);
  writeFileSync(valid, `${[HEADER, good].join('\n')}\n`);

  await signIn(page, demoUser('supervisor'));
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Cases' }).click();
  await page.getByRole('link', { name: 'Import or download a spreadsheet' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'HTCDS spreadsheets' })).toBeFocused();
  await expect(page.getByRole('link', { name: 'Download HTCDS spreadsheet' })).toHaveAttribute(
    'href',
    /^\/api\/htcds\/export\?agencyId=\w+&format=xlsx$/,
  );

  // Without a file the form says what is missing.
  const form = page.getByRole('form', { name: 'Import cases' });
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(form.getByRole('alert')).toHaveText('Choose the spreadsheet to import (.xlsx or .csv).');
  await expect(form.getByLabel('Spreadsheet')).toBeFocused();

  // One bad row stops the whole file: the row, the column and the reason are shown, never the value.
  await form.getByLabel('Spreadsheet').setInputFiles(withBadRow);
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByRole('heading', { level: 3, name: 'Import result' })).toBeFocused();
  await expect(page.getByText('1 row has problems, so nothing was imported.')).toBeVisible();
  const problems = page.getByRole('table', { name: 'Problem in the file: row, column and reason' });
  await expect(problems.getByRole('row').nth(1)).toContainText('3prs_Birthdate');
  await expect(problems).not.toContainText('2030');
  await expect(page.getByRole('link', { name: /^IT-/ })).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);

  await form.getByLabel('Spreadsheet').setInputFiles(valid);
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByText('1 case was imported from 1 row.')).toBeVisible();
  await expect(
    page.getByText(/^These columns are not HTCDS fields, so their values were not imported: \W?Colour\W?\.$/),
  ).toBeVisible();
  const imported = page.getByRole('list').filter({ has: page.getByRole('link', { name: /^IT-/ }) });
  await expect(imported.getByRole('link')).toHaveCount(1);
  const reference = (await imported.getByRole('link').textContent()) ?? '';
  expect(await seriousViolations(page)).toEqual([]);

  await imported.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(`^Case \\W?${reference}`) })).toBeVisible();

  // The identity is corrected after it has been shown for a purpose.
  await openSection(page, 'Identity');
  const identity = page.getByRole('region', { name: 'Identity' });
  await identity.getByLabel('Why are you viewing this?').selectOption({ label: 'Case management' });
  await identity.getByRole('button', { name: 'Show the identity' }).click();
  await expect(identity.getByText(firstName)).toBeVisible();
  await identity.getByRole('button', { name: 'Edit the identity' }).click();
  const edit = identity.getByRole('form', { name: 'Edit the identity' });
  await expect(edit.getByLabel('First name')).toBeFocused();
  await edit.getByLabel('First name').fill(`${firstName}a`);
  await edit.getByRole('button', { name: 'Save the changes' }).click();
  await expect(identity.getByText('The identity has been changed.', { exact: false })).toBeFocused();
  await expect(identity.getByText(`${firstName}a`)).toBeVisible();

  // Erasure asks for the reason in a dialog, and cannot be undone.
  await identity.getByRole('button', { name: 'Erase the identity' }).click();
  const dialog = page.getByRole('dialog', { name: "Erase the survivor's identity?" });
  await expect(dialog.getByLabel('Reason')).toBeFocused();
  await dialog.getByRole('button', { name: 'Erase for good' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Give a reason. It is kept in the case timeline.');
  expect(await seriousViolations(page)).toEqual([]);
  await dialog.getByLabel('Reason').fill('The survivor asked for it in person.');
  await dialog.getByRole('button', { name: 'Erase for good' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(
    identity.getByText("The survivor's identity was erased at their request.", { exact: false }),
  ).toBeFocused();
  await expect(identity.getByText(`${firstName}a`)).toHaveCount(0);
});

/**
 * The toolkit's own template (vendor/htcds) with rows typed under its visible labels, as a case worker fills it in:
 * answers as the labels show them, a Case Owner, and the incoming and outgoing referral columns.
 */
async function toolkitFile(path: string, rows: Record<string, string>[]): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile('vendor/htcds/htcds-excel-spreadsheet-v2.0.xlsx');
  const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
  const columns = new Map<string, number>();
  sheet.getRow(2).eachCell((cell, column) => columns.set(String(cell.value), column));
  rows.forEach((values, i) => {
    const row = sheet.getRow(3 + i);
    for (const [label, value] of Object.entries(values)) row.getCell(columns.get(label) as number).value = value;
    row.commit();
  });
  await workbook.xlsx.writeFile(path);
}

test('a toolkit file with Case Owner and referral columns imports; labels are read, a wrong value gets a suggestion, the rejected rows download to fix', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const run = Date.now().toString(36);
  const path = testInfo.outputPath('toolkit.xlsx');
  await toolkitFile(path, [
    {
      'Case Owner': 'Maria Rossi',
      'First Name': `Amina${run}`,
      Gender: 'feminine',
      'Trafficking Status': 'Actual victim of trafficking',
      'Type of Exploitation': 'Forced Labour',
      Status: 'FollowUp',
      'Referring Organisation': 'Caritas Ambrosiana',
      'Referred Organisation': 'ASTRA Belgrade',
      'Referred Primary Case Worker': 'Ivana Petrović',
      'Reason for Outgoing Referral': 'Additional Services Required',
      'Outgoing Referral Date': '2024-02-20',
    },
    { 'First Name': `Joy${run}`, Gender: 'Feminine', 'Trafficking Status': 'Actual victim of traficking' },
  ]);

  await signIn(page, demoUser('supervisor'));
  await page.goto('/cases/import');
  const form = page.getByRole('form', { name: 'Import cases' });
  await form.getByLabel('Spreadsheet').setInputFiles(path);
  await form.getByRole('button', { name: 'Import' }).click();

  // The misspelt status is refused with the nearest valid value; the labels of the other row are accepted.
  await expect(page.getByText('1 row has problems, so nothing was imported.')).toBeVisible();
  const problems = page.getByRole('table', { name: 'Problem in the file: row, column and reason' });
  await expect(problems.getByRole('row')).toHaveCount(2);
  await expect(problems.getByRole('row').nth(1)).toContainText('4vic_TraffickingStatus');
  await expect(problems).toContainText('Did you mean ActualVictimOfTrafficking (Actual victim of trafficking)?');

  // The rejected rows come as a spreadsheet: the same columns, the row's values and why.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download the rejected rows (.xlsx)' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('rejected-rows.xlsx');
  const rejected = new ExcelJS.Workbook();
  await rejected.xlsx.readFile(await download.path());
  const sheet = rejected.worksheets[0] as ExcelJS.Worksheet;
  const header = (sheet.getRow(1).values as unknown[]).slice(1);
  expect(header).toContain('_import_error');
  expect(sheet.actualRowCount).toBe(3);
  expect(sheet.getRow(3).getCell(header.indexOf('prs_FirstName') + 1).value).toBe(`Joy${run}`);
  expect(String(sheet.getRow(3).getCell(header.indexOf('_import_error') + 1).value)).toContain('Did you mean');
  expect(await seriousViolations(page)).toEqual([]);

  // The valid row goes in, Case Owner and referral columns with it.
  await form.getByLabel('Import only the valid rows').check();
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByText('1 case was imported from 2 rows.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Download the rejected rows (.xlsx)' })).toBeVisible();

  // The same file again imports nothing twice.
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByText('No cases were imported from 2 rows.')).toBeVisible();
  await expect(page.getByText('1 row was imported before, so it was skipped:')).toBeVisible();
  await expect(page.getByRole('link', { name: /^Row 3: case \W?IT-/ })).toBeVisible();

  // The toolkit template as downloaded: the node says why nothing can be imported.
  await form.getByLabel('Spreadsheet').setInputFiles('vendor/htcds/htcds-excel-spreadsheet-v2.0.xlsx');
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(
    page.getByText(/no case under it: no row below the header has a value in an HTCDS column/),
  ).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
