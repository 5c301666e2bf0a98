/**
 * The case page in sections (issue 15 item 3): one request loads it, the summary stays on top, each section has its
 * own address, forms open from their buttons, people are named (not `user:<id>`), and a case seen through a referral
 * says what was shared and what stays with the agency that holds it.
 */
import type { APIRequestContext, Page } from '@playwright/test';
import { demoUser, expect, seriousViolations, signIn, test } from './fixtures.ts';
import { apiSession } from './peering.ts';

interface Agency {
  id: string;
  name: string;
}

/** A case of the caller's agency, with consent to share it with another agency and a referral there, over the API. */
async function referredCase(
  holder: APIRequestContext,
  to: string,
): Promise<{ id: string; reference: string; referral: string }> {
  const created = await holder.post('/api/cases', {
    data: { reportedAt: '2026-06-12', survivor: { prs_FirstName: 'Vasile', prs_MobilePhone: '+373 69 000 333' } },
  });
  expect(created.status(), await created.text()).toBe(201);
  const found = (await created.json()) as { id: string; reference: string };
  const agencies = (await (await holder.get('/api/agencies')).json()) as Agency[];
  const receiver = agencies.find((agency) => agency.name === to);
  if (!receiver) throw new Error(`The demo node has no agency ${to}`);
  const consent = await holder.post(`/api/cases/${found.id}/consents`, {
    data: {
      purpose: 'sharing_in_country',
      decision: 'granted',
      scope: { agencies: [receiver.id] },
      method: 'written',
      language: 'ro',
    },
  });
  expect(consent.status(), await consent.text()).toBe(201);
  const refused = await holder.post(`/api/cases/${found.id}/consents`, {
    data: { purpose: 'research', decision: 'refused', scope: {}, method: 'written', language: 'ro' },
  });
  expect(refused.status(), await refused.text()).toBe(201);
  const referral = await holder.post(`/api/cases/${found.id}/referrals`, {
    data: { toAgencyId: receiver.id, services: ['Shelter'], reason: 'Needs a safe place to stay.' },
  });
  expect(referral.status(), await referral.text()).toBe(201);
  return { ...found, referral: ((await referral.json()) as { id: string }).id };
}

/** The labour inspector as the case worker sees her: by name and agency (each in isolate marks). */
const NAMED = /Luca Bassi\u2069?, \u2068?Ispettorato del Lavoro di Latina/;

/** The API requests the page makes until the case's summary shows. */
async function requestsToLoad(page: Page, go: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const listen = (request: { url(): string }) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/api/')) seen.push(path);
  };
  page.on('request', listen);
  await go();
  await expect(page.getByTestId('case-summary')).toBeVisible();
  await page.waitForLoadState('networkidle');
  page.off('request', listen);
  return seen;
}

test('the case page: sections at their own address, the summary on top, forms behind buttons, one request to load', async ({
  page,
}) => {
  test.setTimeout(150_000);
  // A supervisor of the NGO: she reads risk and evidence, and assesses risk.
  const supervisor = demoUser('supervisor');
  const api = await apiSession(supervisor);
  const found = await referredCase(api, 'Ispettorato del Lavoro di Latina');
  await api.dispose();
  await signIn(page, supervisor);

  const base = `/cases/${found.id}`;
  // A full load of the address: the shell's own requests (node, sign-in options, session, the menu's counts), the
  // agencies, and for the case itself the overview alone, where it took one request per panel before.
  const loaded = await requestsToLoad(page, () => page.goto(base));
  expect(loaded.filter((path) => path.startsWith(`/api/cases/${found.id}`))).toEqual([`/api${base}/overview`]);
  expect(loaded.length, loaded.join('\n')).toBeLessThanOrEqual(6);
  // Opened from the case list, as a case worker does: at most five requests.
  await page.getByRole('link', { name: 'Back to the cases' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Cases' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  const opened = await requestsToLoad(page, () => page.getByRole('link', { name: found.reference }).first().click());
  expect(opened.length, opened.join('\n')).toBeLessThanOrEqual(5);
  expect(opened).toContain(`/api${base}/overview`);

  const summary = page.getByTestId('case-summary');
  await expect(summary.locator('[data-part="stage"]')).toContainText('Reported');
  await expect(summary.locator('[data-part="risk"]')).toHaveText('Not assessed yet');
  // No risk assessed and no MLA request: no clock runs on the case yet, and the summary says so in words.
  await expect(summary.locator('[data-part="deadline"]')).toHaveText('None due');
  await expect(summary.locator('[data-part="consent"]')).toContainText('Sharing information within this country');
  await expect(summary.locator('[data-part="referrals"]')).toHaveText('1 in the country, 0 across borders');
  await expect(summary.locator('[data-part="evidence"]')).toHaveText('none');

  const sections = page.getByRole('navigation', { name: 'Case sections' });
  await expect(sections.getByRole('link', { name: 'Summary' })).toHaveAttribute('aria-current', 'page');
  await sections.getByRole('link', { name: 'Risk & safety' }).click();
  await expect(page).toHaveURL(new RegExp(`${base}/risk$`));
  await expect(sections.getByRole('link', { name: 'Risk & safety' })).toHaveAttribute('aria-current', 'page');
  // The questionnaire stays closed until asked for.
  await expect(page.getByRole('button', { name: 'Save the assessment' })).toHaveCount(0);
  const open = page.getByRole('button', { name: 'Assess risk' });
  await expect(open).toHaveAttribute('aria-expanded', 'false');
  await open.click();
  await expect(open).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('button', { name: 'Save the assessment' })).toBeVisible();

  // The address keeps the section: reloading (or a shared link) opens it again, and Back returns to the one before.
  await page.reload();
  await expect(sections.getByRole('link', { name: 'Risk & safety' })).toHaveAttribute('aria-current', 'page');
  await sections.getByRole('link', { name: 'Consent' }).click();
  await expect(page).toHaveURL(new RegExp(`${base}/consent$`));
  const consents = page.getByRole('table', { name: /consent records?, oldest first/ });
  // A refused consent has nothing to withdraw.
  await expect(consents.getByRole('row').filter({ hasText: 'Refused' }).getByRole('button')).toHaveCount(0);
  await expect(
    consents
      .getByRole('row')
      .filter({ hasText: 'Given' })
      .getByRole('button', { name: /Withdraw/ }),
  ).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`${base}/risk$`));
  expect(await seriousViolations(page)).toEqual([]);

  // At a phone's width the page does not scroll sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(base);
  await expect(summary).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test('a case seen through a referral says what was shared and what stays with its agency, and names people', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const inspectorApi = await apiSession(demoUser('investigator'));
  const found = await referredCase(inspectorApi, 'Casa Aurora');
  await inspectorApi.dispose();
  const worker = demoUser('case_worker');
  const workerApi = await apiSession(worker);
  const accepted = await workerApi.post(`/api/referrals/${found.referral}/accept`);
  expect(accepted.status(), await accepted.text()).toBe(200);
  await workerApi.dispose();

  await signIn(page, worker);
  await page.goto(`/cases/${found.id}`);
  const banner = page.getByRole('note');
  // Names are wrapped in Unicode isolate marks, so that they keep their direction inside right-to-left text.
  await expect(banner).toContainText(
    /Ispettorato del Lavoro di Latina\u2069? holds this case and referred it to your agency\./,
  );
  await expect(banner).toContainText('record consent');
  await expect(banner).toContainText(/These stay with \u2068?Ispettorato del Lavoro di Latina\u2069?:/);
  await expect(banner).toContainText('its evidence');
  await expect(banner).toContainText('move it to another stage or close it');
  const sections = page.getByRole('navigation', { name: 'Case sections' });
  await expect(sections.getByRole('link', { name: 'Evidence' })).toHaveCount(0);

  // People by name and agency, never by `user:<id>`.
  await sections.getByRole('link', { name: 'History' }).click();
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await expect(timeline.getByRole('listitem').first()).toContainText(NAMED);
  await expect(timeline).not.toContainText('user:');
  await sections.getByRole('link', { name: 'Consent' }).click();
  const consent = page.getByRole('region', { name: 'Consent', exact: true });
  await expect(consent).toContainText(NAMED);
  await expect(consent).not.toContainText('user:');
  expect(await seriousViolations(page)).toEqual([]);
});
