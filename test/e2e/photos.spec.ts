import { randomPng } from '../../src/modules/survivors/photo-fixtures.ts';
import { demoUser, expect, openSection, seriousViolations, signIn, test } from './fixtures.ts';

// Photos are part of the survivor's identity: hidden until someone says why they need them, every view logged.
test('a case worker adds a photo of the survivor and sees it again only after giving a purpose', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, demoUser('case_worker'));
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Cases' }).click();
  await page.getByRole('link', { name: 'New first report' }).click();
  const form = page.getByRole('form', { name: 'New first report' });
  await form.getByLabel('First name').fill('Vera');
  await form.getByLabel('Last name').fill('Lungu');
  await form.getByRole('button', { name: 'Record the first report' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Case / })).toBeFocused();
  await openSection(page, 'Identity');

  const identity = page.getByRole('region', { name: 'Identity' });
  const reveal = async () => {
    await identity.getByLabel('Why are you viewing this?').selectOption({ label: 'Case management' });
    await identity.getByRole('button', { name: 'Show the identity' }).click();
  };
  // Before a purpose is given, the page asks the node for no photo at all.
  const photoRequests: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/identity/photos/')) photoRequests.push(request.url());
  });
  await expect(identity.getByRole('img')).toHaveCount(0);
  await reveal();
  const photos = identity.getByRole('region', { name: 'Photos' });
  await expect(photos).toContainText('No photos are on record.');

  // Not an image: the node reads the file's first bytes and refuses it, whatever its name says.
  const file = photos.getByLabel('Photo', { exact: true });
  await file.setInputFiles({ name: 'vera.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all') });
  await photos.getByRole('button', { name: 'Add the photo' }).click();
  await expect(photos.getByRole('alert')).toHaveText(
    'This is not a JPEG, PNG or WebP image. Choose a photo in one of these formats.',
  );
  await expect(file).toBeFocused();
  await expect(file).toHaveAttribute('aria-invalid', 'true');

  await file.setInputFiles({ name: 'vera.png', mimeType: 'image/png', buffer: randomPng(64) });
  await photos.getByRole('button', { name: 'Add the photo' }).click();
  await expect(photos.getByRole('status')).toHaveText(
    'The photo has been added, encrypted like the rest of the identity.',
  );
  const photo = photos.getByRole('img', { name: /^Photo 1 of the survivor, added on / });
  await expect(photo).toBeVisible();
  // Shown from the page's memory (a blob: URL, which the CSP allows for images), and decoded.
  await expect(photo).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
  expect(photoRequests).toEqual([]);
  expect(await seriousViolations(page)).toEqual([]);

  // Hidden with the identity; shown again only for a purpose, which the node records as a disclosure.
  await identity.getByRole('button', { name: 'Hide the identity' }).click();
  await expect(identity.getByRole('img')).toHaveCount(0);
  await reveal();
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
  expect(photoRequests).toHaveLength(1);
  expect(new URL(photoRequests[0] as string).searchParams.get('purpose')).toBe('case_management');

  // Deleting asks first; Cancel keeps the photo.
  await photos.getByRole('button', { name: 'Delete photo 1' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this photo?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(photo).toBeVisible();
  await photos.getByRole('button', { name: 'Delete photo 1' }).click();
  await dialog.getByRole('button', { name: 'Delete for good' }).click();
  await expect(photos.getByRole('status')).toHaveText(
    'The photo has been deleted. The deletion is kept in the case timeline.',
  );
  await expect(photos).toContainText('No photos are on record.');
  await expect(identity.getByRole('img')).toHaveCount(0);
  await openSection(page, 'History');
  const log = page.getByRole('region', { name: 'Disclosure log' });
  await expect(log.getByRole('row', { name: /Photo/ })).toContainText('Case management');
});
