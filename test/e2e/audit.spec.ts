import type { Page } from '@playwright/test';
import { demoUser, expect, seriousViolations, signIn, test } from './fixtures.ts';

// The oversight user signs in without an authenticator code, so these tests may share that user.
async function openAudit(page: Page) {
  await signIn(page, demoUser('oversight'));
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit' })).toBeFocused();
  return page.getByRole('form', { name: 'Search the trail' });
}

test('asks why the trail is read, and records each search with its purpose', async ({ page }) => {
  const search = await openAudit(page);
  const session = (await (await page.request.get('/api/session')).json()) as { user: { id: string } };
  await search.getByRole('button', { name: 'Show records' }).click();
  await expect(search.getByRole('alert')).toHaveText('Choose why you are reading the audit trail.');
  const firstPurpose = search.getByRole('radio', { name: 'Oversight' });
  await expect(firstPurpose).toBeFocused();
  await expect(firstPurpose).toHaveAttribute('aria-invalid', 'true');

  await search.getByRole('radio', { name: 'Node administration' }).check();
  await search.getByLabel('Action', { exact: true }).fill('audit.read');
  await search.getByLabel('Actor', { exact: true }).fill(`user:${session.user.id}`);
  await search.getByRole('button', { name: 'Show records' }).click();
  await expect(search.getByRole('alert')).toHaveCount(0);
  // The refused attempt never reached the node; this search did, and is in the trail it reads.
  const records = page.getByRole('table', { name: /^Audit trail: \d+ records?, oldest first$/ });
  const last = records.getByRole('row').last();
  await expect(last).toContainText(`user:${session.user.id}audit.read—Node administrationSucceeded`);
  const time = last.locator('time');
  expect(Date.parse((await time.getAttribute('datetime')) ?? '')).not.toBeNaN();
  await expect(time).not.toHaveText(/T\d\d:/);

  await page.getByRole('button', { name: 'Verify the chain' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'chain' })).toHaveText(
    /^The chain is intact: \d+ records checked\.$/,
  );
});

test('offers the next records when an answer fills a whole page', async ({ page }) => {
  const search = await openAudit(page);
  // The demo trail is short, so the node's answers are replaced by pages of copies of its first record: a full page
  // of 100, then three more.
  const queries: string[] = [];
  let sample: object | undefined;
  await page.route(/\/api\/audit\?/, async (route) => {
    const params = new URL(route.request().url()).searchParams;
    queries.push(params.toString());
    const response = await route.fetch();
    sample ??= ((await response.json()) as object[])[0];
    const after = Number(params.get('afterSeq') ?? 0);
    const json = Array.from({ length: after ? 3 : 100 }, (_, index) => ({ ...sample, seq: after + index + 1 }));
    await route.fulfill({ response, json });
  });
  await search.getByRole('radio', { name: 'Oversight' }).check();
  await search.getByRole('button', { name: 'Show records' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'more may follow' })).toHaveText(
    'The first 100 records are shown; more may follow.',
  );

  await page.getByRole('button', { name: 'Show the next 100 records' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'this search' })).toHaveText(
    '103 records match this search.',
  );
  expect(queries).toEqual(['limit=100&purpose=oversight', 'limit=100&purpose=oversight&afterSeq=100']);
  await expect(page.getByRole('button', { name: 'Show the next 100 records' })).toHaveCount(0);
  await expect(page.getByRole('table', { name: /^Audit trail:/ }).getByRole('row')).toHaveCount(104);
});

const words = {
  en: { verify: 'Verify the chain', integrity: 'Integrity of the trail' },
  ar: { verify: 'التحقق من السلسلة', integrity: 'سلامة السجل' },
};

for (const language of ['en', 'ar'] as const) {
  test(`the audit page has no serious accessibility violations (${language})`, async ({ page }) => {
    await openAudit(page);
    await page.getByLabel('Language').selectOption(language);
    await expect(page.locator('html')).toHaveAttribute('lang', language);
    const search = page.getByRole('form'); // its name is now in the chosen language
    await search.getByRole('button').click();
    await expect(search.getByRole('alert')).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);

    await search.getByRole('radio').first().check();
    await search.getByRole('button').click();
    await expect(page.getByRole('table')).toBeVisible();
    await page.getByRole('button', { name: words[language].verify }).click();
    const integrity = page.getByRole('region', { name: words[language].integrity });
    await expect(integrity.getByRole('status')).not.toBeEmpty();
    expect(await seriousViolations(page)).toEqual([]);
  });
}
