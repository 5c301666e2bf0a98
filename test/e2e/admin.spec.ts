import { BASE_URL } from './environment.ts';
import { type DemoUser, demoUser, expect, seriousViolations, signIn, submitPassword, test, totp } from './fixtures.ts';

// The second test reads, as the oversight body, the audit record of what the first one did.
test.describe.configure({ mode: 'serial' });

const suffix = Date.now().toString(36);
const agencyName = `Centro Ascolto Latina ${suffix}`;
const worker: DemoUser = {
  email: `nadia.costa.${suffix}@node-it.example`,
  password: 'first-password-for-nadia',
  displayName: `Nadia Costa ${suffix}`,
  role: 'case_worker',
  totpSecret: '', // read from the page, where the node shows it once
};
let adminId = '';
let workerId = '';

/** The TOTP time step now: the node takes each code once, so a user's next sign-in needs a later step. */
const timeStep = () => Math.floor(Date.now() / 30_000);

test('the node administrator adds an agency and a case worker, hands over a key and then a new one, disables the account and enables it again', async ({
  page,
  browser,
}) => {
  // Up to one TOTP time step of waiting, on top of four sign-ins.
  test.setTimeout(180_000);
  // The only test that signs in the demo administrator, whose codes the node accepts once per time step.
  await signIn(page, demoUser('node_admin'));
  adminId = ((await (await page.request.get('/api/session')).json()) as { user: { id: string } }).user.id;
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Administration' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Administration' })).toBeFocused();
  await expect(page).toHaveTitle('Administration · Passage');

  const agencies = page.getByRole('table', { name: /agencies on this node/ });
  await expect(agencies.getByRole('row', { name: /Casa Aurora/ })).toContainText('Non-governmental organisation');
  const agencyForm = page.getByRole('form', { name: 'Add an agency' });
  const agencyNameField = agencyForm.getByLabel('Name of the agency');
  await agencyNameField.fill('Casa Aurora');
  await expect(agencyForm.getByLabel('Country code')).toHaveValue('IT');
  await agencyForm.getByLabel('Type of agency').selectOption({ label: 'Non-governmental organisation' });
  await agencyForm.getByRole('button', { name: 'Add agency' }).click();
  await expect(agencyForm.getByRole('alert')).toHaveText('There is already an agency with this name.');
  await expect(agencyNameField).toBeFocused();
  await expect(agencyNameField).toHaveAttribute('aria-invalid', 'true');

  await agencyNameField.fill(agencyName);
  await agencyForm.getByRole('button', { name: 'Add agency' }).click();
  await expect(agencyForm.getByRole('status')).toContainText(agencyName);
  await expect(agencyForm.getByRole('alert')).toHaveCount(0);
  await expect(agencies.getByRole('row', { name: new RegExp(agencyName) })).toContainText(
    'Italy (IT)Non-governmental organisation',
  );

  const userForm = page.getByRole('form', { name: 'Add a user' });
  await userForm.getByLabel('Email address').fill(worker.email);
  await userForm.getByLabel('Full name').fill(worker.displayName);
  await userForm.getByLabel('First password').fill('too short');
  await userForm.getByLabel('Role', { exact: true }).selectOption({ label: 'Case worker' });
  await userForm.getByLabel('Agency', { exact: true }).selectOption({ label: agencyName });
  await userForm.getByRole('button', { name: 'Add user' }).click();
  await expect(userForm.getByRole('alert')).toHaveText('The first password needs at least 12 characters.');
  await expect(userForm.getByLabel('First password')).toBeFocused();
  await userForm.getByLabel('First password').fill(worker.password);
  const created = page.waitForResponse((response) => response.url().endsWith('/api/users') && response.ok());
  await userForm.getByRole('button', { name: 'Add user' }).click();
  workerId = ((await (await created).json()) as { user: { id: string } }).user.id;

  const key = page.getByRole('region', { name: /Authenticator key for/ });
  await expect(key.getByRole('heading', { name: /Authenticator key for/ })).toBeFocused();
  await expect(key).toContainText('This key is shown only once.');
  worker.totpSecret = ((await key.locator('code.secret').textContent()) ?? '').replace(/\s/g, '');
  expect(worker.totpSecret).toMatch(/^[A-Z2-7]{16,}$/);
  const users = page.getByRole('table', { name: /accounts on this node/ });
  const row = users.getByRole('row', { name: new RegExp(worker.displayName) });
  await expect(row).toContainText(`Case worker · ${agencyName}`);
  await expect(row).toContainText('Active');
  expect(await seriousViolations(page)).toEqual([]);

  // The new case worker sets up the key and signs in; the menu offers no administration or audit trail.
  const workerContext = await browser.newContext({ baseURL: BASE_URL, locale: 'en-GB' });
  const workerPage = await workerContext.newPage();
  await signIn(workerPage, worker);
  const workerMenu = workerPage.getByRole('navigation', { name: 'Main menu' });
  await expect(workerMenu.getByRole('link', { name: 'Cases' })).toBeVisible();
  await expect(workerMenu.getByRole('link', { name: 'Administration' })).toHaveCount(0);
  await expect(workerMenu.getByRole('link', { name: 'Audit' })).toHaveCount(0);
  await workerPage.goto('/admin');
  await expect(workerPage.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();

  await key.getByRole('button', { name: 'I have copied the key' }).click();
  await expect(key).toHaveCount(0);
  await expect(userForm.getByRole('heading', { name: 'Add a user' })).toBeFocused();

  // The key is lost: Cancel changes nothing; the confirmation issues a new key, shown once, and signs the worker out.
  const firstSecret = worker.totpSecret;
  const newKey = row.getByRole('button', { name: `New sign-in key ${worker.displayName}` });
  await newKey.click();
  const resetDialog = page.getByRole('dialog', { name: 'Issue a new sign-in key?' });
  await expect(resetDialog).toContainText(worker.displayName);
  await expect(resetDialog).toContainText('The old key stops working at once');
  await expect(resetDialog).toContainText('is signed out of any session still open');
  await expect(resetDialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);
  await resetDialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(resetDialog).toBeHidden();
  await expect(newKey).toBeFocused();
  await expect(key).toHaveCount(0);
  await newKey.click();
  await resetDialog.getByRole('button', { name: 'Issue a new key' }).click();
  await expect(resetDialog).toBeHidden();
  await expect(key.getByRole('heading', { name: /Authenticator key for/ })).toBeFocused();
  await expect(key).toContainText('The old key no longer works');
  await expect(key).toContainText('This key is shown only once.');
  worker.totpSecret = ((await key.locator('code.secret').textContent()) ?? '').replace(/\s/g, '');
  expect(worker.totpSecret).toMatch(/^[A-Z2-7]{16,}$/);
  expect(worker.totpSecret).not.toBe(firstSecret);
  await expect(row).toContainText('Active');

  await workerPage.goto('/');
  await expect(workerPage.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await submitPassword(workerPage, worker);
  const code = workerPage.getByLabel('6-digit code');
  await code.fill(await totp({ ...worker, totpSecret: firstSecret }));
  await workerPage.getByRole('button', { name: 'Continue' }).click();
  await expect(workerPage.getByRole('alert')).toContainText('This code did not work.');
  await code.fill(await totp(worker));
  await workerPage.getByRole('button', { name: 'Continue' }).click();
  await expect(workerPage.getByRole('heading', { level: 1, name: 'Your work' })).toBeVisible();
  const lastSignIn = timeStep();

  await key.getByRole('button', { name: 'I have copied the key' }).click();
  await expect(key).toHaveCount(0);
  await expect(userForm.getByRole('heading', { name: 'Add a user' })).toBeFocused();

  // Escape leaves the account as it was and gives the focus back; the confirmation then disables it.
  const disable = row.getByRole('button', { name: `Disable ${worker.displayName}` });
  await disable.click();
  const dialog = page.getByRole('dialog', { name: 'Disable this account?' });
  await expect(dialog).toContainText(`${worker.displayName}`);
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(disable).toBeFocused();
  await expect(row).toContainText('Active');
  await page.keyboard.press('Enter');
  await dialog.getByRole('button', { name: 'Disable the account' }).click();
  await expect(dialog).toBeHidden();
  const notice = page.getByRole('status').filter({ hasText: 'has been disabled' });
  await expect(notice).toContainText(worker.displayName);
  await expect(notice).toBeFocused();
  await expect(row).toContainText('Disabled on');
  await expect(disable).toHaveCount(0);

  // Disabling ended the case worker's session.
  await workerPage.reload();
  await expect(workerPage.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();

  // Enabled again, the account signs in with the key it has.
  const enable = row.getByRole('button', { name: `Enable ${worker.displayName}` });
  await enable.click();
  const enabled = page.getByRole('status').filter({ hasText: 'has been enabled again' });
  await expect(enabled).toContainText(worker.displayName);
  await expect(enabled).toBeFocused();
  await expect(row).toContainText('Active');
  await expect(enable).toHaveCount(0);
  await expect(disable).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await expect.poll(timeStep, { timeout: 35_000, intervals: [1_000] }).toBeGreaterThan(lastSignIn);
  await signIn(workerPage, worker);
  await workerContext.close();

  await page.getByLabel('Language').selectOption('ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('heading', { level: 1, name: 'الإدارة' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('the oversight body finds the administrator’s user.create record, and the chain intact', async ({ page }) => {
  await signIn(page, demoUser('oversight'));
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit' })).toBeFocused();

  const search = page.getByRole('form', { name: 'Search the trail' });
  await search.getByRole('radio', { name: 'Oversight' }).check();
  await search.getByLabel('Action', { exact: true }).fill('user.create');
  await search.getByLabel('Actor', { exact: true }).fill(`user:${adminId}`);
  await search.getByRole('button', { name: 'Show records' }).click();

  await expect(page.getByRole('status').filter({ hasText: 'this search' })).toHaveText('1 record matches this search.');
  const records = page.getByRole('table', { name: 'Audit trail: 1 record, oldest first' }).getByRole('row');
  await expect(records).toHaveCount(2);
  await expect(records.nth(1)).toContainText(`user:${adminId}user.createuser:${workerId}—Succeeded`);

  await page.getByRole('button', { name: 'Verify the chain' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'chain' })).toHaveText(
    /^The chain is intact: \d+ records checked\.$/,
  );
});
