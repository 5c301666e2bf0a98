import { demoUser, expect, signIn, test } from './fixtures.ts';

test('moves between the modules by keyboard, focusing each page heading', async ({ page }) => {
  await signIn(page, demoUser('supervisor'));
  const navigation = page.getByRole('navigation', { name: 'Main menu' });

  for (const [name, path] of [
    ['Cases', '/cases'],
    ['Cooperation', '/cooperation'],
    ['Linkage', '/linkage'],
  ] as const) {
    const link = navigation.getByRole('link', { name });
    await link.focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(path);
    await expect(page.getByRole('heading', { level: 1, name })).toBeFocused();
    await expect(link).toHaveAttribute('aria-current', 'page');
    await expect(page).toHaveTitle(`${name} · Passage`);
  }

  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: 'Cooperation' })).toBeFocused();
  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  // A supervisor's roles open neither the audit trail nor the administration, not even by their address.
  await expect(navigation.getByRole('link', { name: 'Audit' })).toHaveCount(0);
  await page.goto('/audit');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
});

test('offers a skip link as the first keyboard stop', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Email address')).toBeFocused();
});

test('switches to Arabic, right to left, and remembers the choice', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Language').selectOption('ar');

  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  await expect(page.getByRole('heading', { level: 1, name: 'تسجيل الدخول' })).toBeVisible();
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByLabel('اللغة')).toHaveValue('ar');
  await page.getByLabel('اللغة').selectOption('en');
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
});

test.describe('for a browser set to French', () => {
  test.use({ locale: 'fr-FR' });

  test('starts in French', async ({ page }) => {
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await expect(page.getByRole('heading', { level: 1, name: 'Connexion' })).toBeVisible();
  });
});
