/**
 * Evidence handed over between nodes: a second node started in this test process (node-md-tr, on a port of its own,
 * peered both ways with the demo node node-it) sends an evidence item of one of its cases to node-it, through its
 * services. In node-it's UI the investigator finds the transfer, reads its items after giving a purpose, verifies and
 * accepts it into a case of node-it (a wrong case reference is refused beside its field), sees the items accepted
 * with a link to the case, and asks the provider for permission to use the H1 item in court.
 */
import { Readable } from 'node:stream';
import type { APIRequestContext, Page } from '@playwright/test';
import type { RunningNode } from '../../src/app/node.ts';
import type { RequestContext } from '../../src/modules/audit/index.ts';
import { buildCase, buildSurvivor, contextOf } from '../factories.ts';
import { buildUser } from '../helpers.ts';
import { demoUser, expect, openSection, seriousViolations, signIn, test } from './fixtures.ts';
import { apiSession, peerWithDemoNode, startNodeBeside, unpeerFromDemoNode } from './peering.ts';

// Its own id, so that this spec and peers.spec.ts or mla.spec.ts never trip over one another's peer.
const PROVIDER = 'node-md-tr';
const PROVIDER_NAME = 'Passage Moldova';
const TITLE = `Bank statement of the recruiter ${Date.now()}`;

let moldova: RunningNode;
let admin: APIRequestContext;
let transferId = '';
/** A second transfer, which node-it's investigator declines. */
let declinedId = '';
/** node-md-tr's investigator, who sends the evidence. */
let sender: RequestContext;

/** A case of node-it opened over the API with the browser's own session; its reference. */
async function openCaseOnNodeIt(page: Page): Promise<string> {
  const session = (await (await page.request.get('/api/session')).json()) as { csrfToken: string };
  const created = await page.request.post('/api/cases', {
    data: { reportedAt: '2026-03-01', survivor: buildSurvivor(), confirmEmpty: true },
    headers: { 'x-csrf-token': session.csrfToken },
  });
  expect(created.ok(), await created.text()).toBe(true);
  return ((await created.json()) as { reference: string }).reference;
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  moldova = await startNodeBeside(PROVIDER, 'MD', PROVIDER_NAME);
  admin = await apiSession(demoUser('node_admin'));
  await peerWithDemoNode(admin, moldova);

  // node-md-tr's investigator hands an item of one of its cases over to node-it.
  sender = contextOf(await buildUser(moldova.services, 'investigator'), 'investigator');
  const investigator = sender;
  const found = await buildCase(moldova.services, investigator);
  const item = await moldova.services.evidence.add(
    investigator,
    found.id,
    {
      title: TITLE,
      handlingCode: 'H1',
      fileName: 'statement.txt',
      mediaType: 'text/plain',
      description: 'Payments to the recruiting agency, March 2026',
    },
    Readable.from([Buffer.from('Bank statement of the recruiter, March 2026\n')]),
  );
  ({ transferId } = await moldova.services.transfers.send(investigator, {
    to: 'node-it',
    itemIds: [item.id],
    context: { kind: 'case', ref: 'MD-2026-17' },
  }));
  const unwanted = await moldova.services.evidence.add(
    investigator,
    found.id,
    { title: 'Photo of the workers’ lodgings', handlingCode: 'H0', fileName: 'lodgings.txt', mediaType: 'text/plain' },
    Readable.from([Buffer.from('not a photo\n')]),
  );
  ({ transferId: declinedId } = await moldova.services.transfers.send(investigator, {
    to: 'node-it',
    itemIds: [unwanted.id],
    context: { kind: 'case', ref: 'MD-2026-18' },
  }));
});

test.afterAll(async () => {
  await unpeerFromDemoNode(admin, PROVIDER);
  await admin?.dispose();
  await moldova?.close();
});

test('an investigator reads a received transfer for a purpose, verifies and accepts it into a case, and asks for permission', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signIn(page, demoUser('investigator'));
  const reference = await openCaseOnNodeIt(page);

  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Cooperation' }).click();
  await page.getByRole('link', { name: 'Evidence transfers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Evidence transfers' })).toBeFocused();
  await expect(page.getByRole('region', { name: 'Permission requests' })).toBeVisible();

  // The transfer is listed once node-md-tr's outbox has delivered it.
  const transfers = page.getByRole('region', { name: 'Transfers' });
  const row = transfers.getByRole('row', { name: new RegExp(transferId) });
  // The list asks the node again on its own (no button): the transfer shows within the refresh interval.
  await expect(row).toBeVisible({ timeout: 60_000 });
  await expect(row).toContainText('Waiting for a decision');
  await expect(row).toContainText('Case reference MD-2026-17');
  await expect(row).toContainText('1 item');
  expect(await seriousViolations(page)).toEqual([]);

  // The peer by its name, its node id as a hint.
  await expect(row).toContainText(PROVIDER);
  await row.getByRole('link', { name: `Evidence received from ${PROVIDER_NAME}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Evidence received from ${PROVIDER_NAME}` })).toBeFocused();
  const facts = page.locator('dl.facts');
  await expect(facts).toContainText('Waiting for a decision');
  await expect(facts).toContainText(PROVIDER);

  // The items show only once a purpose is given.
  const items = page.getByRole('region', { name: 'Items' });
  await expect(items).not.toContainText(TITLE);
  await items.getByRole('button', { name: 'Show the items' }).click();
  await expect(items.getByRole('alert')).toContainText('Choose why you need to read the items');
  await expect(items.getByLabel('Purpose')).toBeFocused();
  await items.getByLabel('Purpose').selectOption('investigation');
  await items.getByRole('button', { name: 'Show the items' }).click();
  await expect(items.getByText('Shown for the purpose Investigation.')).toBeFocused();
  const itemRow = items.getByRole('row', { name: new RegExp(TITLE) });
  await expect(itemRow).toContainText('statement.txt');
  await expect(itemRow).toContainText('text/plain');
  await expect(itemRow).toContainText("H1 – Not for court without the provider's permission");
  await expect(itemRow).toContainText(/[0-9a-f]{64}/);
  await expect(itemRow).toContainText(/\d+ custody events?/);
  expect(await seriousViolations(page)).toEqual([]);

  // A case reference this node does not know is refused beside its field; nothing is decided.
  const decision = page.getByRole('region', { name: 'Decision' });
  const accept = decision.getByRole('form', { name: 'Verify and accept' });
  await accept.getByLabel('Case reference').fill('XX-0000-000000');
  await accept.getByRole('button', { name: 'Verify and accept' }).click();
  await expect(accept.getByRole('alert')).toContainText('No case you may open has this reference');
  await expect(accept.getByLabel('Case reference')).toHaveAttribute('aria-invalid', 'true');
  await expect(accept.getByLabel('Case reference')).toBeFocused();

  await accept.getByLabel('Case reference').fill(reference);
  await accept.getByRole('button', { name: 'Verify and accept' }).click();
  await expect(page.getByRole('status').filter({ hasText: `1 item was added to case ${reference}` })).toBeFocused();
  await expect(decision).toBeHidden();
  await expect(facts).toContainText('Accepted');
  // The case it went into, by its reference (this investigator may read it).
  await expect(facts).toContainText(reference);
  await expect(itemRow.getByRole('link', { name: 'Open the case' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  // The H1 item may not go to court without the provider's leave: ask for it.
  const permission = page.getByRole('region', { name: 'Permission from the provider' });
  await permission.getByRole('button', { name: `Ask the provider for permission to use ${TITLE}` }).click();
  const ask = permission.getByRole('form', { name: `Ask ${PROVIDER} about ${TITLE}` });
  await expect(ask.getByRole('radio', { name: 'Use in court (evidence package)' })).toBeChecked();
  await ask.getByRole('button', { name: 'Send the request' }).click();
  await expect(ask.getByRole('alert')).toContainText('Give a reason');
  await expect(ask.getByLabel('Reason')).toBeFocused();
  await ask.getByLabel('Reason').fill('The prosecutor needs the statement for the trial of the recruiters.');
  await ask.getByRole('button', { name: 'Send the request' }).click();
  await expect(page.getByRole('status').filter({ hasText: `was sent to ${PROVIDER}` })).toBeFocused();
  await expect(permission).toContainText('Asked for: Use in court (evidence package) — Waiting for an answer');
  expect(await seriousViolations(page)).toEqual([]);

  // The case holds the item now, and the list shows the request among those this node asked.
  await itemRow.getByRole('link', { name: 'Open the case' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Case / })).toBeFocused();
  await openSection(page, 'Evidence');
  await expect(page.getByRole('region', { name: 'Evidence', exact: true })).toContainText(TITLE);
  await page.goto('/cooperation/transfers');
  const asked = page.getByRole('table', { name: /asked by this node/ });
  await expect(asked.getByRole('row', { name: /Use in court/ }).first()).toContainText(PROVIDER);

  // The second transfer is declined with a reason, after a confirmation.
  await page
    .getByRole('row', { name: new RegExp(declinedId) })
    .getByRole('link')
    .click();
  await page.getByLabel('Purpose').selectOption('investigation');
  await page.getByRole('button', { name: 'Show the items' }).click();
  await page.getByRole('button', { name: 'Decline', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Decline the evidence from ${PROVIDER}?` });
  await dialog.getByRole('button', { name: 'Decline the transfer' }).click();
  await expect(dialog.getByRole('alert')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await dialog.getByLabel('Reason').fill('The photo belongs to another investigation.');
  await dialog.getByRole('button', { name: 'Decline the transfer' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'The transfer was declined' })).toBeFocused();
  await expect(page.locator('dl.facts')).toContainText('The photo belongs to another investigation.');
  await expect
    .poll(
      async () =>
        (await moldova.services.transfers.list(sender, { direction: 'out' })).find((t) => t.id === declinedId)?.status,
      { timeout: 30_000 },
    )
    .toBe('declined');
});
