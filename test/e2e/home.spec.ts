/**
 * Home is the work queue (issue 15): the demo case worker finds a referral from another agency of the node waiting
 * for her, with the sender's reason, and answers it from there; her menu offers no MLA or JIT pages, and the page she
 * is refused by address names the roles that could open it, without "Try again"; a supervisor and a prosecutor each
 * get the groups their roles can have, with empty states that say what will appear. The MLA deadline a prosecutor sees
 * comes from another node: home-mla.spec.ts.
 */
import type { APIRequestContext } from '@playwright/test';
import { demoUser, expect, seriousViolations, signIn, test } from './fixtures.ts';
import { apiSession } from './peering.ts';

const SENDER = 'Ispettorato del Lavoro di Latina';
const REASON = `Needs a shelter place near Latina (${Date.now()})`;

let investigator: APIRequestContext;
let reference = '';

test.beforeAll(async () => {
  test.setTimeout(120_000);
  // The labour inspectorate's investigator refers a case to the case worker's agency (Casa Aurora).
  investigator = await apiSession(demoUser('investigator'));
  const agencies = (await (await investigator.get('/api/agencies')).json()) as { id: string; name: string }[];
  const ngo = agencies.find((agency) => agency.name === 'Casa Aurora')?.id as string;
  const created = await investigator.post('/api/cases', {
    data: { reportedAt: '2026-06-10', survivor: { prs_FirstName: 'Ana', prs_Gender: 'Feminine' } },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id, reference: ref } = (await created.json()) as { id: string; reference: string };
  reference = ref;
  const consent = await investigator.post(`/api/cases/${id}/consents`, {
    data: {
      purpose: 'sharing_in_country',
      decision: 'granted',
      scope: { agencies: [ngo] },
      method: 'written',
      language: 'it',
    },
  });
  expect(consent.status(), await consent.text()).toBe(201);
  const referral = await investigator.post(`/api/cases/${id}/referrals`, {
    data: { toAgencyId: ngo, services: ['Shelter'], reason: REASON },
  });
  expect(referral.status(), await referral.text()).toBe(201);
});

test.afterAll(async () => {
  await investigator?.dispose();
});

test('a case worker finds a referral waiting on her home page, reads the reason and accepts it there', async ({
  page,
}) => {
  await signIn(page, demoUser('case_worker'));
  await expect(page.getByRole('heading', { level: 1, name: 'Your work' })).toBeVisible();
  const menu = page.getByRole('navigation', { name: 'Main menu' });
  // The menu counts what waits, read out in words.
  await expect(menu.getByRole('link', { name: /^Home \d+ waiting$/ })).toBeVisible();

  const referrals = page.getByRole('region', { name: /Referrals waiting for your answer/ });
  const row = referrals.getByRole('row', { name: new RegExp(reference) });
  await expect(row).toContainText(SENDER);
  await expect(row).toContainText('Agency in this country');
  await expect(row).toContainText(REASON);
  // The groups her roles can have, each saying what will appear when it is empty.
  await expect(page.getByRole('region', { name: /Your open cases/ })).toBeVisible();
  await expect(page.getByRole('region', { name: /Risk reassessments due/ })).toBeVisible();
  await expect(page.getByRole('region', { name: /MLA deadlines/ })).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);

  await row.getByRole('button', { name: `Accept ${reference}` }).click();
  await expect(page.getByText(`You have accepted the referral of case ${reference}.`)).toBeVisible();
  await expect(referrals.getByRole('row', { name: new RegExp(reference) })).toHaveCount(0);
  await page.getByRole('link', { name: `Open case ${reference}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(reference) })).toBeVisible();
});

test('a case worker’s menu has no MLA, JIT or Evidence entries; an address she may not open names the roles', async ({
  page,
}) => {
  await signIn(page, demoUser('case_worker'));
  const menu = page.getByRole('navigation', { name: 'Main menu' });
  await expect(menu.getByRole('link', { name: /^Cases/ })).toBeVisible();
  await expect(menu.getByRole('link', { name: /^Evidence/ })).toHaveCount(0);
  await menu.getByRole('link', { name: /^Cooperation/ }).click();
  const parts = page.getByRole('main').getByRole('list');
  await expect(parts.getByRole('link', { name: 'Cross-border referrals' })).toBeVisible();
  await expect(parts.getByRole('link', { name: 'Legal assistance requests' })).toHaveCount(0);
  await expect(parts.getByRole('link', { name: 'Joint investigation teams' })).toHaveCount(0);

  await page.goto('/cooperation/mla');
  const refusal = page.getByRole('alert');
  await expect(refusal).toContainText('Your roles do not allow this.');
  await expect(refusal).toContainText('Only these roles can do it: Investigator, Prosecutor, National coordinator.');
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
});

test('a supervisor has the referrals, alerts, reassessments and cases groups, and no MLA deadlines', async ({
  page,
}) => {
  await signIn(page, demoUser('supervisor'));
  await expect(page.getByRole('heading', { level: 1, name: 'Your work' })).toBeVisible();
  for (const group of [
    'Referrals waiting for your answer',
    'Linkage alerts to decide',
    'Risk reassessments due',
    'Your open cases',
  ]) {
    await expect(page.getByRole('region', { name: new RegExp(group) })).toBeVisible();
  }
  await expect(page.getByRole('region', { name: /MLA deadlines/ })).toHaveCount(0);
  await expect(page.getByText(/No linkage alert is open\./)).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('a prosecutor has the MLA deadlines and her cases, and no referrals to answer', async ({ page }) => {
  await signIn(page, demoUser('prosecutor'));
  await expect(page.getByRole('region', { name: /MLA deadlines/ })).toBeVisible();
  await expect(page.getByRole('region', { name: /Your open cases/ })).toBeVisible();
  await expect(page.getByRole('region', { name: /Referrals waiting for your answer/ })).toHaveCount(0);
  const menu = page.getByRole('navigation', { name: 'Main menu' });
  await menu.getByRole('link', { name: /^Cooperation/ }).click();
  await expect(page.getByRole('main').getByRole('link', { name: 'Legal assistance requests' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
