import { demoUser, expect, openSection, seriousViolations, signIn, submitPassword, test } from './fixtures.ts';

for (const language of ['en', 'ar']) {
  test(`the sign-in page has no serious accessibility violations (${language})`, async ({ page }) => {
    await page.goto('/');
    await page.getByLabel('Language').selectOption(language);
    await expect(page.locator('html')).toHaveAttribute('lang', language);
    expect(await seriousViolations(page)).toEqual([]);
  });
}

test('the code step and its error have no serious accessibility violations', async ({ page }) => {
  await page.goto('/');
  await submitPassword(page, demoUser('prosecutor'));
  await page.getByLabel('6-digit code').fill('12');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('the shell has no serious accessibility violations (en, then ar with the account menu open)', async ({ page }) => {
  const user = demoUser('oversight');
  await signIn(page, user);
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByRole('link', { name: 'Audit' }).click();
  await page.getByLabel('Language').selectOption('ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await page.getByRole('button', { name: user.displayName }).click();
  await expect(page.getByRole('button', { name: 'تسجيل الخروج' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('the case pages have no serious accessibility violations (en, then ar)', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, demoUser('supervisor'));
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Cases' }).click();
  // The search is folded below the case list (issue 15).
  await page.getByText("Find a survivor's case by name, document, phone or birth date").click();
  const search = page.getByRole('form', { name: "Find a survivor's case" });
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(search.getByRole('alert')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByRole('link', { name: 'New first report' }).click();
  const form = page.getByRole('form', { name: 'New first report' });
  await form.getByLabel('First name').fill('Mira');
  await form.getByLabel('Mobile phone').fill('12');
  await form.getByRole('button', { name: 'Record the first report' }).click();
  await expect(form.getByRole('alert')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await form.getByLabel('Mobile phone').fill('');
  await form.getByRole('button', { name: 'Record the first report' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Case / })).toBeFocused();

  await openSection(page, 'Identity');
  const identity = page.getByRole('region', { name: 'Identity' });
  await identity.getByLabel('Why are you viewing this?').selectOption({ label: 'Case management' });
  await identity.getByRole('button', { name: 'Show the identity' }).click();
  await expect(identity.getByText('This view has been recorded in the disclosure log.')).toBeVisible();
  await openSection(page, 'Summary');
  await page.getByRole('button', { name: 'Move to Identification' }).click();
  await expect(page.getByRole('form', { name: 'Move to Identification' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  // The case page has language fields of its own (the survivor's); the interface language is the banner's.
  await openSection(page, 'History');
  await page.getByRole('banner').getByLabel('Language').selectOption('ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('heading', { level: 2, name: 'سجل الإفصاحات' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
