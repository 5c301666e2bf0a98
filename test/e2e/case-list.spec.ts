/**
 * The case list to work from and no accidental records (issue 15 items 2 and 6): the list first at 1366×900, "My
 * cases", sorting by column header, a label that tells rows apart, "Load more"; the new-case form asks before an
 * empty report and Enter does not send it; a supervisor voids a case created in error and it leaves the list.
 */
import type { APIRequestContext } from '@playwright/test';
import { demoUser, expect, signIn, test } from './fixtures.ts';
import { apiSession } from './peering.ts';

async function openCase(api: APIRequestContext, name: string): Promise<{ id: string; reference: string }> {
  const created = await api.post('/api/cases', {
    data: { reportedAt: '2026-06-12', survivor: { prs_FirstName: name } },
  });
  expect(created.status(), await created.text()).toBe(201);
  return (await created.json()) as { id: string; reference: string };
}

test('the case list: first on the page, my cases, sorting, labels and load more', async ({ page }) => {
  test.setTimeout(150_000);
  const worker = demoUser('case_worker');
  const api = await apiSession(worker);
  // Enough cases for more than one page of 20.
  for (let i = 0; i < 21; i++) await openCase(api, `Person ${i}`);
  // Opened last, it is the first row (the newest activity first).
  const labelled = await openCase(api, 'Irina');
  const label = await api.put(`/api/cases/${labelled.id}/label`, { data: { label: 'Bus station, March' } });
  expect(label.status(), await label.text()).toBe(204);
  await api.dispose();

  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page, worker);
  await page.goto('/cases');
  const table = page.getByRole('table');
  await expect(table).toBeVisible();
  // The list comes first: its table starts above the fold; the search is folded below it.
  const box = await table.boundingBox();
  expect(box?.y ?? 1000).toBeLessThan(900);
  await expect(page.getByText("Find a survivor's case by name, document, phone or birth date")).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toBeHidden();

  for (const column of ['Assigned to', 'Risk', 'Next deadline', 'Last activity', 'Agency (referred by)']) {
    await expect(table.getByRole('columnheader', { name: column })).toBeVisible();
  }
  const row = table.getByRole('row').filter({ hasText: labelled.reference });
  await expect(row).toContainText('Bus station, March');
  await expect(row).toContainText(worker.displayName);

  // My cases: every row is assigned to her.
  await page.getByRole('checkbox', { name: 'My cases only' }).check();
  await expect(page.getByRole('status').filter({ hasText: /Showing/ })).toBeVisible();
  const assignees = await table.locator('tbody tr td:nth-child(3)').allInnerTexts();
  expect(assignees.length).toBeGreaterThan(0);
  for (const name of assignees) expect(name).toBe(worker.displayName);

  // Sorting by a column header says its order (aria-sort).
  const byReference = table.getByRole('columnheader', { name: 'Reference' });
  await byReference.getByRole('button').click();
  await expect(byReference).toHaveAttribute('aria-sort', 'ascending');
  // The rows shown before stay until the sorted ones arrive.
  const shownReferences = async () =>
    (await table.locator('tbody th a').allInnerTexts()).map((text) => text.replace(/[\u2066-\u2069]/g, ''));
  await expect
    .poll(async () => {
      const shown = await shownReferences();
      return shown.join() === [...shown].sort().join();
    })
    .toBe(true);
  await byReference.getByRole('button').click();
  await expect(byReference).toHaveAttribute('aria-sort', 'descending');

  // Load more: the next page joins the rows already shown.
  const before = await table.locator('tbody tr').count();
  expect(before).toBe(20);
  await page.getByRole('button', { name: 'Load more cases' }).click();
  await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(before);
});

test('a first report with nothing in it asks first, and Enter in a field does not send it', async ({ page }) => {
  test.setTimeout(120_000);
  const worker = demoUser('case_worker');
  await signIn(page, worker);
  await page.goto('/cases/new');
  const firstName = page.getByRole('textbox', { name: 'First name' });
  await firstName.fill('Oxana');
  await firstName.press('Enter');
  await page.waitForTimeout(500);
  await expect(page).toHaveURL(/\/cases\/new$/);
  await firstName.fill('');

  await page.getByRole('button', { name: 'Record the first report' }).click();
  await expect(page.getByText('The report has no name, alias, phone or note.')).toBeVisible();
  await expect(page).toHaveURL(/\/cases\/new$/);
  await page.getByRole('checkbox', { name: /Open the case anyway/ }).check();
  await page.getByRole('button', { name: 'Record the first report' }).click();
  await expect(page).toHaveURL(/\/cases\/[0-9A-Z]{26}/);
});

test('a supervisor voids a case created in error, and it leaves the list', async ({ page }) => {
  test.setTimeout(120_000);
  const supervisor = demoUser('supervisor');
  const api = await apiSession(supervisor);
  const mistake = await openCase(api, 'Mistaken');
  await api.dispose();
  await signIn(page, supervisor);
  await page.goto(`/cases/${mistake.id}`);
  await page.getByRole('button', { name: 'Void this case' }).click();
  await expect(page.getByRole('textbox', { name: 'Reason' })).toHaveValue('Created in error');
  await page.getByRole('button', { name: 'Void the case' }).click();
  await expect(page).toHaveURL(/\/cases$/);
  await expect(page.getByRole('table')).toBeVisible();
  await expect(page.getByRole('link', { name: mistake.reference })).toHaveCount(0);
});
