import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { verifyBag } from '../../src/modules/evidence/index.ts';
import { demoUser, expect, openSection, seriousViolations, signIn, test } from './fixtures.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Opens a new case with the least a first report needs, and returns its page's evidence panel. */
async function openNewCase(page: Page) {
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Cases' }).click();
  await page.getByRole('link', { name: 'New first report' }).click();
  const form = page.getByRole('form', { name: 'New first report' });
  await form.getByLabel('First name').fill('Ioana');
  await form.getByRole('button', { name: 'Record the first report' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Case / })).toBeFocused();
  await openSection(page, 'Evidence');
  return page.getByRole('region', { name: 'Evidence', exact: true });
}

/**
 * Slows the browser's uploads down (Chromium's network emulation), so that the progress bar can be seen between its
 * start and its end; on the loopback interface a file of a few megabytes would otherwise arrive at once.
 */
async function throttleUploads(page: Page, bytesPerSecond: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
  return () =>
    cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
}

// "Ana's passage", step 6: an investigator collects a photo of the employer's ledger as evidence (fictional data).
test('an investigator adds evidence with a progress bar, checks its hash and custody, makes a redacted copy and downloads the original', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const user = demoUser('investigator');
  await signIn(page, user);
  const panel = await openNewCase(page);
  await expect(panel.getByText('No evidence has been added to this case yet.')).toBeVisible();

  // Nothing is sent while the form misses what the node needs; every field at fault says why, the first has the focus.
  const form = panel.getByRole('form', { name: 'Add evidence' });
  await form.getByRole('button', { name: 'Add the evidence' }).click();
  await expect(form.getByRole('alert')).toHaveText('Some details were not accepted. Check the fields marked below.');
  const fileInput = form.getByLabel('File', { exact: true });
  await expect(fileInput).toBeFocused();
  await expect(fileInput).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Title', { exact: true })).toHaveAccessibleDescription('Fill in this field.');
  await expect(form.getByRole('group', { name: 'Handling code' })).toContainText('Choose a handling code.');
  expect(await seriousViolations(page)).toEqual([]);

  const original = Buffer.concat([
    Buffer.from('\xff\xd8\xff\xe0 ledger page 14', 'latin1'),
    randomBytes(3 * 1024 * 1024),
  ]);
  const originalHash = sha256(original);
  const title = 'Ledger page 14, wages withheld';
  await fileInput.setInputFiles({ name: 'ledger-14.jpg', mimeType: 'image/jpeg', buffer: original });
  await form.getByLabel('Title', { exact: true }).fill(title);
  await form.getByLabel('Type').selectOption({ label: 'Photo' });
  await form.getByLabel('Collected by').fill('Labour inspectorate, Latina');
  await form.getByRole('group', { name: 'Handling code' }).getByLabel('H2 – No onward sharing').check();
  await form.getByLabel('Source reliability').selectOption({ label: 'B – Source mostly reliable' });
  await form.getByLabel('Information accuracy').selectOption({ label: '2 – Known personally to the source' });

  // The bar fills as the file goes out, and stays full once the node has stored it.
  const unthrottle = await throttleUploads(page, 1024 * 1024);
  await form.getByRole('button', { name: 'Add the evidence' }).click();
  const bar = form.getByRole('progressbar', { name: 'Upload progress' });
  const done = () => bar.evaluate((element) => (element as HTMLProgressElement).position);
  await expect.poll(done, { intervals: [50] }).toBeGreaterThan(0);
  expect(await done()).toBeLessThan(1);
  await expect(form.getByRole('status')).toHaveText(`\u2068${title}\u2069 has been added to the evidence.`, {
    timeout: 30_000,
  });
  expect(await done()).toBe(1);
  await unthrottle();

  // Listed with its hash (the start of it on sight, the whole value one click away), handling code and grading.
  const item = panel
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { level: 3, name: title, exact: true }) });
  await expect(item).toContainText('ledger-14.jpg');
  await expect(item).toContainText(`${originalHash.slice(0, 12)}…`);
  await item.getByText('Full hashes').click();
  await expect(item.getByText(originalHash, { exact: true })).toBeVisible();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await item.getByRole('button', { name: 'Copy the SHA-256' }).click();
  await expect(item.getByRole('status')).toHaveText('The SHA-256 has been copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(originalHash);
  await expect(item).toContainText('H2 – No onward sharing');
  await expect(item).toContainText('B – Source mostly reliable');
  await expect(item).toContainText('2 – Known personally to the source');

  // Its custody history starts with the collection, by the investigator, at the first index the node gave it.
  await item.getByRole('button', { name: `Show the custody history ${title}` }).click();
  const custody = item.getByRole('table', { name: new RegExp(`^1 custody event of ${title}`) });
  await expect(custody.getByRole('row', { name: /Collected/ })).toContainText(`${user.displayName}`);
  await expect(
    custody
      .getByRole('row', { name: /Collected/ })
      .getByRole('cell')
      .first(),
  ).toHaveText(/^\d+$/);
  expect(await seriousViolations(page)).toEqual([]);

  // A redacted working copy is a new item that names its original; the original stays as it was.
  await item.getByRole('button', { name: `Create a working copy ${title}` }).click();
  const copyForm = item.getByRole('form', { name: `Working copy of \u2068${title}\u2069` });
  const redacted = Buffer.from('ledger page 14 with the names of other workers blacked out');
  await copyForm.getByLabel('File of the working copy').setInputFiles({
    name: 'ledger-14-redacted.jpg',
    mimeType: 'image/jpeg',
    buffer: redacted,
  });
  await copyForm.getByLabel(/^Redaction/).check();
  await copyForm.getByLabel('Note', { exact: true }).fill('Names of the other workers blacked out');
  await copyForm.getByRole('button', { name: 'Add the working copy' }).click();
  await expect(copyForm.getByRole('status')).toContainText('has been added to the evidence.');
  const copy = panel
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { level: 3, name: `${title} (redaction) Working copy`, exact: true }) });
  await expect(copy).toContainText('Working copy');
  await expect(copy).toContainText(`${sha256(redacted).slice(0, 12)}…`);
  await expect(copy.getByRole('link', { name: title })).toHaveAttribute('href', /^#evidence-/);
  await expect(copy).toContainText(`Redaction · ${title}`);
  await expect(copy).toContainText(`${originalHash.slice(0, 12)}…`);
  await copy.getByRole('button', { name: `Show the custody history ${title} (redaction)` }).click();
  await expect(copy.getByRole('row', { name: /Working copy made/ })).toContainText(
    'Redaction of the item with SHA-256',
  );

  // A download needs a stated purpose; the bytes are the original's, and the access joins its custody history.
  await expect(item.getByRole('link', { name: /^Download/ })).toHaveCount(0);
  await panel.getByLabel('Why do you need the files?').selectOption({ label: 'Investigation' });
  const downloading = page.waitForEvent('download');
  await item.getByRole('link', { name: 'Download ledger-14.jpg' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('ledger-14.jpg');
  expect(sha256(await readFile(await download.path()))).toBe(originalHash);
  await item.getByRole('button', { name: `Hide the custody history ${title}` }).click();
  await item.getByRole('button', { name: `Show the custody history ${title}` }).click();
  const accessed = item.getByRole('row', { name: /Accessed/ });
  await expect(accessed).toContainText('Investigation');

  // The investigator exports the evidence package; it verifies offline.
  const exporting = page.waitForEvent('download');
  await panel.getByRole('link', { name: 'Export the evidence package' }).click();
  const bag = await exporting;
  expect(bag.suggestedFilename()).toMatch(/^[A-Z]{2}-\d{4}-\d{6}-evidence\.zip$/);
  const report = await verifyBag(await bag.path());
  expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  expect(report.counts).toMatchObject({ payloadFiles: 2, items: 2 });
  expect(await seriousViolations(page)).toEqual([]);

  // In Arabic, right to left, the panel is still free of serious accessibility problems.
  await page.getByRole('banner').getByLabel('Language').selectOption('ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('heading', { level: 2, name: 'الأدلة' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('a field the node refuses is marked next to its control, and nothing is added', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, demoUser('supervisor'));
  const panel = await openNewCase(page);
  const form = panel.getByRole('form', { name: 'Add evidence' });
  await form.getByLabel('File', { exact: true }).setInputFiles({
    name: 'statement.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('statement'),
  });
  await form.getByLabel('Title', { exact: true }).fill('Statement');
  await form.getByRole('group', { name: 'Handling code' }).getByLabel(/^H0/).check();
  // A date the browser accepts but the node refuses: collection cannot lie in the future.
  await form.getByLabel('Collected on').fill('2999-01-01T10:00');
  await form.getByRole('button', { name: 'Add the evidence' }).click();
  await expect(form.getByRole('alert')).toHaveText('Some details were not accepted. Check the fields marked below.');
  const collectedAt = form.getByLabel('Collected on');
  await expect(collectedAt).toBeFocused();
  await expect(collectedAt).toHaveAccessibleDescription(/Enter a date and time that is not in the future\./);
  await expect(panel.getByText('No evidence has been added to this case yet.')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
