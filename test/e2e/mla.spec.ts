/**
 * A legal assistance request from the demo node (node-it) to a second node started in this test process on a port of
 * its own, peered both ways: node-it's investigator drafts it in the UI (a mistake is refused beside its field), sends
 * it, and sees its clocks; the other node acknowledges and recognises it through its services, and node-it's page
 * shows each step, the clocks met or running, and the history naming the other node. The persons concerned show only
 * after a purpose is given.
 */
import type { APIRequestContext } from '@playwright/test';
import type { RunningNode } from '../../src/app/node.ts';
import type { RequestContext } from '../../src/modules/audit/index.ts';
import { contextOf } from '../factories.ts';
import { buildUser } from '../helpers.ts';
import { demoUser, expect, seriousViolations, signIn, test } from './fixtures.ts';
import { apiSession, peerWithDemoNode, startNodeBeside, unpeerFromDemoNode } from './peering.ts';

// Its own id, so that this spec and peers.spec.ts (which adds and removes node-md) never trip over one another's peer.
const EXECUTOR = 'node-md-mla';

let moldova: RunningNode;
let admin: APIRequestContext;
let investigator: RequestContext;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  moldova = await startNodeBeside(EXECUTOR, 'MD', 'Passage Moldova');
  admin = await apiSession(demoUser('node_admin'));
  await peerWithDemoNode(admin, moldova);
  investigator = contextOf(await buildUser(moldova.services, 'investigator'), 'investigator');
});

test.afterAll(async () => {
  await unpeerFromDemoNode(admin, EXECUTOR);
  await admin?.dispose();
  await moldova?.close();
});

test('an investigator drafts and sends a request, and follows the other node acknowledging and recognising it', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const classification = `art. 601 c.p. ${Date.now()}`;

  await signIn(page, demoUser('investigator'));
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Cooperation' }).click();
  await page.getByRole('link', { name: 'Legal assistance requests' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Legal assistance requests' })).toBeFocused();
  await expect(page.getByRole('region', { name: 'Deadlines to watch' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByRole('link', { name: 'New request' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New legal assistance request' })).toBeFocused();
  const form = page.getByRole('form', { name: 'The request' });
  await form.getByLabel('Executing node').fill(EXECUTOR);
  const issuing = form.getByRole('group', { name: 'Issuing authority' });
  await issuing.getByLabel('Name').fill('Procura della Repubblica di Latina');
  await issuing.getByLabel('Country').fill('IT');
  const executing = form.getByRole('group', { name: 'Executing authority' });
  await executing.getByLabel('Name').fill('Procuratura Generală');
  await executing.getByLabel('Country').fill('md');
  await form.getByLabel('Legal classification').fill(classification);
  await form.getByLabel('Summary of the facts').fill('Recruitment of farm workers by deception.');

  // No measure chosen: refused beside the measures, which take the focus.
  await form.getByRole('button', { name: 'Save the draft' }).click();
  await expect(form.getByRole('alert')).toHaveText('Choose at least one measure.');
  const bankRecords = form.getByRole('checkbox', { name: 'Bank records' });
  await expect(bankRecords).toBeFocused();
  await expect(bankRecords).toHaveAttribute('aria-invalid', 'true');
  await bankRecords.check();
  await form.getByLabel('What exactly is asked (Bank records), optional').fill('Statements of the recruiting agency');
  await form.getByRole('button', { name: 'Add a person' }).click();
  const person = form.getByRole('group', { name: 'Person 1' });
  await expect(person.getByLabel('Name')).toBeFocused();
  await person.getByLabel('Name').fill('Ion Rusu');
  await person.getByLabel('Role').selectOption('suspect');
  expect(await seriousViolations(page)).toEqual([]);
  await form.getByRole('button', { name: 'Save the draft' }).click();

  // The draft's page: nothing has left the node yet.
  const heading = page.getByRole('heading', { level: 1, name: `Request to ${EXECUTOR}` });
  await expect(heading).toBeFocused();
  const facts = page.locator('dl.facts');
  await expect(facts).toContainText('Draft');
  // What a measure asks for exactly may name persons: the page shows its type, the rest comes with the persons.
  await expect(facts).toContainText('Bank records');
  await expect(facts).not.toContainText('Statements of the recruiting agency');
  await expect(page.getByText('The deadlines start when the executing node receives the request.')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByRole('button', { name: `Send to ${EXECUTOR}` }).click();
  const dialog = page.getByRole('dialog', { name: `Send this request to ${EXECUTOR}?` });
  await dialog.getByRole('button', { name: `Send to ${EXECUTOR}` }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'The request was sent' })).toBeFocused();
  await expect(facts).toContainText('Sent');
  const clocks = page.getByRole('table', { name: 'Statutory deadlines of this request' });
  await expect(clocks.getByRole('row', { name: /^Acknowledgement/ })).toContainText(/\d+ days left/);
  await expect(clocks.getByRole('row', { name: /^Decision/ })).toContainText(/\d+ days left/);
  await expect(page.getByRole('region', { name: 'Next steps' })).toContainText(
    'There is no step for this node to take now.',
  );
  const id = page.url().split('/').pop() ?? '';

  // The other node has the request once its outbox delivery has run; it acknowledges it.
  await expect
    .poll(async () => (await moldova.services.mla.list(investigator, { side: 'executing' })).requests.map((r) => r.id))
    .toContain(id);
  await moldova.services.mla.act(investigator, id, 'acknowledge');
  // The page asks for the request again on its own (no button): the step shows within the refresh interval.
  await expect(facts).toContainText('Acknowledged', { timeout: 60_000 });
  await expect(clocks.getByRole('row', { name: /^Acknowledgement/ })).toContainText('met');

  await moldova.services.mla.act(investigator, id, 'recognise');
  await expect(facts).toContainText('Recognised', { timeout: 60_000 });
  await expect(clocks.getByRole('row', { name: /^Decision/ })).toContainText('met');
  await expect(clocks.getByRole('row', { name: /^Execution/ })).toContainText(/\d+ days left/);
  const history = page.getByRole('table', { name: /steps, oldest first/ });
  // The other node's steps name it by its name, not its id.
  await expect(history.getByRole('row', { name: /Receipt acknowledged/ })).toContainText('Node Passage Moldova');
  await expect(history.getByRole('row', { name: /Recognised/ })).toContainText('Node Passage Moldova');
  await expect(history.getByRole('row', { name: /Drafted/ })).toContainText('You');

  // The persons concerned show only once a purpose is given.
  const persons = page.getByRole('region', { name: 'Persons concerned and facts' });
  await expect(persons).not.toContainText('Ion Rusu');
  await persons.getByRole('button', { name: 'Show' }).click();
  await expect(persons.getByRole('alert')).toContainText('Choose why you need to read the persons concerned');
  await persons.getByLabel('Purpose').selectOption('investigation');
  await persons.getByRole('button', { name: 'Show' }).click();
  await expect(persons.getByText('Shown for the purpose Investigation.')).toBeFocused();
  await expect(persons.getByRole('row', { name: /Ion Rusu/ })).toContainText('Suspect');
  await expect(persons).toContainText('Recruitment of farm workers by deception.');
  await expect(persons).toContainText('Bank records — Statements of the recruiting agency');
  expect(await seriousViolations(page)).toEqual([]);

  // The list shows the request with its state and clocks, issued by this node.
  await page.getByRole('link', { name: 'All legal assistance requests' }).click();
  const filters = page.getByRole('form', { name: 'Filter the requests' });
  await filters.getByLabel('Side').selectOption('issuing');
  await filters.getByLabel('State').selectOption('recognised');
  await filters.getByRole('button', { name: 'Show' }).click();
  const row = page.getByRole('row', { name: new RegExp(classification.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
  await expect(row).toContainText('Issued by this node');
  await expect(row).toContainText(EXECUTOR);
  await expect(row).toContainText('Recognised');
  await expect(row).toContainText(/Execution: \d+ days left/);
  expect(await seriousViolations(page)).toEqual([]);
});
