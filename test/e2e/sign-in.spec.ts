import { demoUser, expect, signIn, submitPassword, test, totp } from './fixtures.ts';

test('signs in with a password and an authenticator code, then shows the shell', async ({ page, request }) => {
  const user = demoUser('case_worker');
  const node = (await (await request.get('/api/node')).json()) as { nodeName: string };
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await submitPassword(page, user);

  const code = page.getByLabel('6-digit code');
  await expect(page.getByRole('heading', { level: 1, name: 'Confirm it is you' })).toBeVisible();
  await expect(code).toBeFocused();
  await code.fill(await totp(user));
  await code.press('Enter');

  await expect(page.getByRole('heading', { level: 1, name: 'Your work' })).toBeFocused();
  await expect(page.getByRole('banner')).toContainText(node.nodeName);
  const navigation = page.getByRole('navigation', { name: 'Main menu' });
  for (const module of ['Home', 'Cases', 'Cooperation', 'Linkage']) {
    await expect(navigation.getByRole('link', { name: module })).toBeVisible();
  }
  // A case worker neither administers the node nor reads its audit trail.
  for (const module of ['Administration', 'Audit']) {
    await expect(navigation.getByRole('link', { name: module })).toHaveCount(0);
  }
  const account = page.getByRole('button', { name: user.displayName });
  await expect(account).toHaveAttribute('aria-expanded', 'false');
  await account.click();
  await expect(page.getByText('Signed in as')).toContainText(user.email);
  await expect(page.getByRole('list', { name: 'Your role' })).toContainText('Case worker');
  await page.keyboard.press('Escape');
  await expect(account).toHaveAttribute('aria-expanded', 'false');
  await expect(account).toBeFocused();
});

test('offers the organisation sign-in when the node has one', async ({ page }) => {
  await page.route('/api/auth/options', (route) =>
    route.fulfill({ json: { oidc: { label: 'Ministry ID', url: '/api/auth/oidc/start' } } }),
  );
  await page.goto('/');
  // The label is wrapped in Unicode isolate marks so that it keeps its direction inside right-to-left sentences.
  const link = page.getByRole('link', { name: /Ministry ID/ });
  await expect(link).toHaveText(/^Sign in with .Ministry ID.$/);
  await expect(link).toHaveAttribute('href', '/api/auth/oidc/start');
});

test('says so when the email address or password is wrong', async ({ page }) => {
  const user = demoUser('coordinator');
  await page.goto('/');
  await submitPassword(page, user, `${user.password}-wrong`);

  await expect(page.getByRole('alert')).toHaveText(
    'The email address or password is not correct. Please check them and try again.',
  );
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
});

test('asks for the code again when it is wrong', async ({ page }) => {
  const user = demoUser('investigator');
  await page.goto('/');
  await submitPassword(page, user);
  const code = page.getByLabel('6-digit code');
  const right = await totp(user);
  const wrong = right.replace(/^\d/, (digit) => String((Number(digit) + 5) % 10));
  await code.fill(wrong);
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('alert')).toContainText('This code did not work.');
  await expect(code).toBeFocused();
  await expect(code).toHaveValue('');
  await code.fill(right);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your work' })).toBeVisible();
});

test('signs out, and the session is gone for good', async ({ page }) => {
  const user = demoUser('reparations_officer');
  await signIn(page, user);
  await page.getByRole('button', { name: user.displayName }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeFocused();
  await expect(page.getByRole('status')).toContainText('You have signed out.');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main menu' })).toHaveCount(0);
});
