import { demoUser, expect, seriousViolations, signIn, submitPassword, test } from './fixtures.ts';

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

  await page.getByRole('link', { name: 'Cases' }).click();
  await page.getByLabel('Language').selectOption('ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await page.getByRole('button', { name: user.displayName }).click();
  await expect(page.getByRole('button', { name: 'تسجيل الخروج' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
