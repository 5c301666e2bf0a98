/**
 * A joint investigation team between the demo node (node-it) and a second node started in this test process on a port
 * of its own, peered both ways: node-it's investigator sets the team up in the UI (a mistake is refused beside its
 * field), opens its shared space for a stated purpose, writes a message, adds a task and marks it done; the other node
 * names an agency and writes through its services, and node-it's timeline shows both with their node. The
 * investigator names another agency of node-it.
 */
import type { APIRequestContext } from '@playwright/test';
import type { RunningNode } from '../../src/app/node.ts';
import { operatorContext } from '../../src/app/operations.ts';
import type { RequestContext } from '../../src/modules/audit/index.ts';
import { contextOf } from '../factories.ts';
import { demoUser, expect, seriousViolations, signIn, test } from './fixtures.ts';
import { apiSession, peerWithDemoNode, startNodeBeside, unpeerFromDemoNode } from './peering.ts';

// Its own id, so that this spec and the others that peer a second node (peers.spec.ts adds and removes node-md) never
// trip over one another's peer or message history.
const PARTNER = 'node-md-jit';
const PARTNER_AGENCY = 'Centrul pentru Combaterea Traficului de Persoane';
const INSPECTORATE = 'Ispettorato del Lavoro di Latina';
const PROSECUTION = 'Procura della Repubblica di Latina';

/** A value inside a sentence, as the page isolates it so that it keeps its direction in any language. */
const isolated = (value: string) => `\u2068${value}\u2069`;

let partner: RunningNode;
let admin: APIRequestContext;
let partnerAgency = '';
let partnerInvestigator: RequestContext;

test.beforeAll(async () => {
  // PGlite takes a few seconds to create and migrate the second node's database.
  test.setTimeout(180_000);
  partner = await startNodeBeside(PARTNER, 'MD', 'Passage Moldova');
  admin = await apiSession(demoUser('node_admin'));
  await peerWithDemoNode(admin, partner);
  const operator = operatorContext('test');

  partnerAgency = (
    await partner.services.users.createAgency(operator, {
      name: PARTNER_AGENCY,
      country: 'MD',
      orgType: 'LawEnforcement',
    })
  ).id;
  const { user } = await partner.services.users.createUser(operator, {
    email: `investigator.${Date.now()}@node-md.example`,
    displayName: 'Ion Rotaru',
    password: 'a long demo password for the test',
    roles: [{ role: 'investigator', agency: partnerAgency }],
  });
  partnerInvestigator = contextOf({ id: user.id, agencyId: partnerAgency }, 'investigator');
});

test.afterAll(async () => {
  await unpeerFromDemoNode(admin, PARTNER);
  await admin?.dispose();
  await partner?.close();
});

test('an investigator sets up a team with another node and works in its shared space with the other party', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const name = `Operazione Serra ${Date.now()}`;
  const message = 'Interviews with the workers of the farm near Latina are scheduled for next week.';
  const task = 'Identify the recruiters in Chișinău';
  const endsOn = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);

  await signIn(page, demoUser('investigator'));
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Cooperation' }).click();
  await page.getByRole('link', { name: 'Joint investigation teams' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Joint investigation teams' })).toBeFocused();
  await expect(page).toHaveTitle('Joint investigation teams · Passage');
  expect(await seriousViolations(page)).toEqual([]);

  // Set up: a mistake is refused beside its field, which takes the focus; the investigator's agency is checked.
  const form = page.getByRole('form', { name: 'Set up a team' });
  await expect(form.getByRole('checkbox', { name: INSPECTORATE })).toBeChecked();
  await form.getByLabel('Name of the team').fill(name);
  await form
    .getByLabel('Purpose of the agreement')
    .fill('Labour exploitation of Moldovan workers in Lazio greenhouses.');
  await form.getByLabel('Other parties (node ids)').fill('node_md');
  await form.getByLabel('Last day').fill(endsOn);
  await form.getByRole('button', { name: 'Set up the team' }).click();
  const parties = form.getByLabel('Other parties (node ids)');
  await expect(form.getByRole('alert')).toHaveText(/A node id is made of lower-case letters, digits and hyphens/);
  await expect(parties).toBeFocused();
  await expect(parties).toHaveAttribute('aria-invalid', 'true');
  await parties.fill(PARTNER);
  await form.getByRole('button', { name: 'Set up the team' }).click();
  const created = page.getByRole('status').filter({ hasText: 'is set up' });
  await expect(created).toContainText(`The team ${isolated(name)} is set up`);
  await expect(created).toBeFocused();
  const row = page.getByRole('table', { name: /joint investigation teams?, newest first/ }).getByRole('row', { name });
  await expect(row).toContainText(PARTNER);
  await expect(row).toContainText('Active');

  // The team's page: the agreement, then the shared space once a purpose is given.
  await row.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeFocused();
  const agreement = page.getByRole('region', { name: 'Agreement' });
  await expect(agreement).toContainText(PARTNER);
  await expect(agreement.getByRole('table', { name: '1 agency taking part, by node' })).toContainText(INSPECTORATE);
  const purposeForm = page.getByRole('form', { name: 'Open the shared space' });
  await purposeForm.getByRole('button', { name: 'Open the shared space' }).click();
  await expect(purposeForm.getByRole('alert')).toHaveText('Choose why you open the shared space.');
  await expect(purposeForm.getByLabel('Purpose of this reading')).toBeFocused();
  await purposeForm.getByLabel('Purpose of this reading').selectOption('investigation');
  await purposeForm.getByRole('button', { name: 'Open the shared space' }).click();
  await expect(page.getByText('Shared space opened for Investigation; this reading is recorded.')).toBeFocused();
  const timeline = page.getByRole('list', { name: /entr(y|ies), oldest first/ });
  await expect(timeline.getByRole('listitem')).toHaveCount(1);
  await expect(timeline).toContainText(`${isolated(INSPECTORATE)} joined the team.`);
  expect(await seriousViolations(page)).toEqual([]);

  // A message to every party.
  const messageForm = page.getByRole('form', { name: 'Write to the team' });
  await messageForm.getByRole('button', { name: 'Send to every party' }).click();
  await expect(messageForm.getByRole('alert')).toHaveText('Write the message first.');
  await messageForm.getByLabel('Message').fill(message);
  await messageForm.getByRole('button', { name: 'Send to every party' }).click();
  await expect(messageForm.getByRole('status')).toHaveText(/Your message is on the timeline/);
  const ownMessage = timeline.getByRole('listitem').filter({ hasText: message });
  await expect(ownMessage).toContainText('Luca Bassi');
  await expect(ownMessage).toContainText(INSPECTORATE);
  await expect(ownMessage).toContainText('node-it (this node)');

  // A task for the other party, with a due date.
  const taskForm = page.getByRole('form', { name: 'Add a task' });
  await taskForm.getByLabel('Task').fill(task);
  await taskForm.getByLabel('Assigned to').selectOption(PARTNER);
  await taskForm.getByLabel('Due').fill(endsOn);
  await taskForm.getByRole('button', { name: 'Add the task' }).click();
  await expect(taskForm.getByRole('status')).toHaveText(`The task ${isolated(task)} is on the timeline.`);
  const tasks = page.getByRole('table', { name: '1 task, 1 open' });
  await expect(tasks.getByRole('row', { name: new RegExp(task) })).toContainText(PARTNER);
  await expect(timeline).toContainText(`Task added: ${isolated(task)}`);
  expect(await seriousViolations(page)).toEqual([]);

  // The other node receives the agreement, names an agency of its own and writes in the space through its services.
  const operator = operatorContext('test');
  let jitId = '';
  await expect
    .poll(
      async () => {
        jitId = (await partner.services.jits.list(operator)).find((jit) => jit.name === name)?.id ?? '';
        return jitId;
      },
      { timeout: 30_000 },
    )
    .not.toBe('');
  await partner.services.jits.addAgency(operator, jitId, partnerAgency);
  const reply = 'Two recruiters are known to us; we will send what we have on them.';
  await partner.services.jits.postMessage(partnerInvestigator, jitId, reply);

  // Back on node-it, after a reload: the space is asked for a purpose again and shows the other party's entries.
  await page.reload();
  await page.getByLabel('Purpose of this reading').selectOption('prosecution');
  await page.getByRole('button', { name: 'Open the shared space' }).click();
  await expect(page.getByText('Shared space opened for Prosecution; this reading is recorded.')).toBeFocused();
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(timeline.getByRole('listitem').filter({ hasText: reply })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  const partnerMessage = timeline.getByRole('listitem').filter({ hasText: reply });
  await expect(partnerMessage).toContainText('Ion Rotaru');
  await expect(partnerMessage).toContainText(PARTNER_AGENCY);
  await expect(partnerMessage).toContainText(PARTNER);
  await expect(timeline).toContainText(`${isolated(PARTNER_AGENCY)} joined the team.`);
  await expect(agreement.getByRole('table', { name: '2 agencies taking part, by node' })).toContainText(PARTNER_AGENCY);

  // The task is marked done after a confirmation; Escape first changes nothing.
  const done = tasks.getByRole('button', { name: new RegExp(`^Mark done\\s+${task}$`) });
  await done.click();
  const dialog = page.getByRole('dialog', { name: 'Mark this task done?' });
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(done).toBeFocused();
  await done.click();
  await dialog.getByRole('button', { name: 'Mark done' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'is done' })).toHaveText(`${isolated(task)} is done.`);
  await expect(page.getByRole('table', { name: '1 task, none open' })).toContainText('Done by Luca Bassi');
  await expect(timeline).toContainText(`Task done: ${isolated(task)}`);
  expect(await seriousViolations(page)).toEqual([]);

  // The investigator names another agency of node-it, which every party then sees taking part.
  const naming = page.getByRole('form', { name: 'Name an agency of this node' });
  await naming.getByLabel('Agency').selectOption({ label: PROSECUTION });
  await naming.getByRole('button', { name: 'Name the agency' }).click();
  await expect(naming.getByRole('status')).toHaveText(`${isolated(PROSECUTION)} now takes part in the team.`);
  await expect(agreement.getByRole('table', { name: '3 agencies taking part, by node' })).toContainText(PROSECUTION);
  await expect(timeline).toContainText(`${isolated(PROSECUTION)} joined the team.`);
  expect(await seriousViolations(page)).toEqual([]);
});
