/**
 * A cross-border referral from the demo node (node-it) to a second node started in this test process on a port of its
 * own, peered both ways: a case with an identity and the survivor's consent to sharing with Moldova (some fields only)
 * is made over node-it's API; its case worker refers it in the UI, is refused for a field the consent does not cover
 * (named), then sends the covered fields; the other node accepts it into one of its agencies through its services, and
 * node-it's pages show it accepted, with the other node's case reference and the fields sent by name only.
 */
import type { APIRequestContext } from '@playwright/test';
import type { RunningNode } from '../../src/app/node.ts';
import { operatorContext } from '../../src/app/operations.ts';
import type { RequestContext } from '../../src/modules/audit/index.ts';
import { contextOf } from '../factories.ts';
import { demoUser, expect, openSection, seriousViolations, signIn, test } from './fixtures.ts';
import { apiSession, peerWithDemoNode, startNodeBeside, unpeerFromDemoNode } from './peering.ts';

// Its own id, so that this spec and the others that peer a second node (peers.spec.ts adds and removes node-md) never
// trip over one another's peer or message history.
const RECEIVER = 'node-md-xb';
const RECEIVER_NAME = 'Passage Moldova';
const RECEIVING_AGENCY = 'Centrul Național de Asistență și Protecție a Victimelor';
const COVERED = ['prs_FirstName', 'prs_SecondName', 'prs_Gender'];

let receiver: RunningNode;
let admin: APIRequestContext;
let supervisor: APIRequestContext;
let receiverAgency = '';
let receiverWorker: RequestContext;

test.beforeAll(async () => {
  // PGlite takes a few seconds to create and migrate the second node's database.
  test.setTimeout(180_000);
  receiver = await startNodeBeside(RECEIVER, 'MD', RECEIVER_NAME);
  admin = await apiSession(demoUser('node_admin'));
  await peerWithDemoNode(admin, receiver);
  const operator = operatorContext('test');

  receiverAgency = (
    await receiver.services.users.createAgency(operator, { name: RECEIVING_AGENCY, country: 'MD', orgType: 'NGO' })
  ).id;
  const { user } = await receiver.services.users.createUser(operator, {
    email: `case.worker.${Date.now()}@node-md-xb.example`,
    displayName: 'Elena Ciobanu',
    password: 'a long demo password for the test',
    roles: [{ role: 'case_worker', agency: receiverAgency }],
  });
  receiverWorker = contextOf({ id: user.id, agencyId: receiverAgency }, 'case_worker');
  supervisor = await apiSession(demoUser('supervisor'));
});

test.afterAll(async () => {
  await unpeerFromDemoNode(admin, RECEIVER);
  await admin?.dispose();
  await supervisor?.dispose();
  await receiver?.close();
});

/** Ana's case on node-it, of the demo case worker's agency. */
async function anasCase(): Promise<string> {
  const created = await supervisor.post('/api/cases', {
    data: {
      reportedAt: '2026-06-10',
      survivor: {
        prs_FirstName: 'Ana',
        prs_SecondName: 'Rusu',
        prs_Birthdate: '1999-03-14',
        prs_MobilePhone: '+373 69 000 111',
        prs_Gender: 'Feminine',
      },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

test('a case worker refers a case to another country within the survivor’s consent, and sees it accepted', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const caseId = await anasCase();

  await signIn(page, demoUser('case_worker'));
  await page.goto(`/cases/${caseId}/consent`);
  await page.getByRole('button', { name: 'Record consent', exact: true }).click();

  // Ana agrees to her first and last name and gender going to Moldova, and nothing else.
  const consent = page.getByRole('region', { name: 'Consent', exact: true });
  const record = consent.getByRole('form', { name: 'Record a consent decision' });
  await record.getByLabel('Purpose').selectOption({ label: 'Sharing with other countries' });
  await record.getByLabel('The survivor gives consent').check();
  await record.getByLabel('Countries').fill('md');
  await record.getByRole('group', { name: 'What the sharing may be used for' }).getByLabel('Protection').check();
  const covered = record.getByRole('group', { name: 'Fields that may be sent to another country' });
  for (const name of ['First name', 'Last name', 'Gender']) await covered.getByLabel(name, { exact: true }).check();
  await record.getByLabel('How the survivor was informed and answered').selectOption({ label: 'Written' });
  await record.getByLabel('Language the survivor was informed in').selectOption({ label: 'Romanian' });
  expect(await seriousViolations(page)).toEqual([]);
  await record.getByRole('button', { name: 'Record the decision' }).click();
  await expect(record.getByRole('status')).toHaveText(
    'The consent for Sharing with other countries has been recorded.',
  );
  await expect(consent.getByRole('row', { name: /Sharing with other countries/ })).toContainText(
    'only: First name, Last name, Gender',
  );

  await openSection(page, 'Cooperation');
  const panel = page.getByRole('region', { name: 'Refer to another country' });
  await expect(panel).toContainText('This case has not been referred to another country.');
  const form = panel.getByRole('form', { name: 'Refer this case to another country' });
  await form.getByLabel('Node to send to').selectOption(RECEIVER);
  await expect(form).toContainText(
    "The survivor's consent covers sharing with Moldova, only these fields: First name, Last name, Gender.",
  );
  await form.getByLabel('Purpose').selectOption('protection');
  const identity = form.getByRole('group', { name: 'Identity fields to send' });
  await identity.getByRole('checkbox', { name: 'First name' }).check();
  await identity.getByRole('checkbox', { name: 'Last name' }).check();
  await identity.getByRole('checkbox', { name: 'Date of birth' }).check();
  await form.getByRole('group', { name: 'Case fields to send' }).getByRole('checkbox', { name: 'Gender' }).check();
  await form.getByLabel('Note for the receiving node (optional)').fill('Her mother in Chișinău needs protection.');
  expect(await seriousViolations(page)).toEqual([]);

  // The date of birth is not covered: nothing leaves, and the form names the field.
  await form.getByRole('button', { name: 'Send the referral' }).click();
  await expect(form.getByRole('alert')).toHaveText(
    "The survivor's consent does not cover some of the fields you picked.",
  );
  await expect(form.getByRole('list', { name: /does not cover these fields/ })).toHaveText('Date of birth');
  await expect(identity.getByRole('checkbox', { name: 'First name' })).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);

  await identity.getByRole('checkbox', { name: 'Date of birth' }).uncheck();
  await form.getByRole('button', { name: 'Send the referral' }).click();
  await expect(form.getByRole('status')).toHaveText(`The referral was sent to ${RECEIVER}.`);
  const table = panel.getByRole('table', { name: /1 cross-border referral of this case/ });
  const row = table.getByRole('row', { name: new RegExp(`Referral to ${RECEIVER_NAME}`) });
  await expect(row).toContainText('Waiting for an answer');
  await expect(row).toContainText('3 fields');
  expect(await seriousViolations(page)).toEqual([]);

  // The other node has the offer once node-it's outbox delivered it; its case worker accepts it into an agency.
  const listed = await supervisor.get(`/api/cases/${caseId}/cross-border-referrals`);
  const [sent] = (await listed.json()) as { id: string }[];
  const id = sent?.id ?? '';
  await expect
    .poll(async () =>
      (
        await receiver.services.crossBorder.list(receiverWorker, { direction: 'in', limit: 50, offset: 0 })
      ).referrals.map((r) => r.id),
    )
    .toContain(id);
  const accepted = await receiver.services.crossBorder.accept(receiverWorker, id, receiverAgency);
  expect(accepted.fields).toEqual(COVERED);

  // Back on node-it the referral shows accepted once the answer came back.
  await expect(async () => {
    await page.reload();
    await expect(row).toContainText('Accepted', { timeout: 1000 });
  }).toPass({ timeout: 30_000 });

  // The case page lists the messages about the case with the other node, the offer with its signed receipt.
  const messages = page.getByRole('region', { name: 'Messages with other nodes' });
  const offer = messages.getByRole('row').filter({ hasText: 'passage.referral.offer' });
  await expect(offer).toContainText('Sent');
  await expect(offer).toContainText('Accepted');
  await expect(offer).toContainText('Held');
  await expect(messages.getByRole('row').filter({ hasText: 'passage.referral.status' })).toContainText('Received');
  await expect(messages).not.toContainText('Rusu');
  expect(await seriousViolations(page)).toEqual([]);

  await row.getByRole('link', { name: `Referral to ${RECEIVER_NAME}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Referral to ${RECEIVER_NAME}` })).toBeFocused();
  const facts = page.locator('dl.facts');
  await expect(facts).toContainText('Accepted');
  await expect(facts).toContainText(`Reference of the case at ${RECEIVER}`);
  await expect(facts).toContainText(accepted.caseReference ?? '');
  const fields = page.getByRole('region', { name: 'Fields shared' });
  await expect(fields).toContainText('First name');
  await expect(fields).not.toContainText('Ana');
  await expect(fields).not.toContainText('Rusu');

  // A status note goes to the other node.
  const notes = page.getByRole('region', { name: 'Status notes' });
  await notes.getByLabel('Note', { exact: true }).fill('Ana will travel on Monday.');
  await notes.getByRole('button', { name: 'Send the note' }).click();
  await expect(notes.getByRole('status')).toHaveText(`The note was sent to ${RECEIVER}.`);
  await expect(notes.getByRole('table', { name: /1 note/ })).toContainText('Ana will travel on Monday.');
  expect(await seriousViolations(page)).toEqual([]);

  // The list of sent referrals has it, accepted.
  await page.getByRole('link', { name: 'All cross-border referrals' }).click();
  const filters = page.getByRole('form', { name: 'Filter the referrals' });
  await filters.getByLabel('Direction').selectOption('out');
  await filters.getByLabel('Status').selectOption('accepted');
  await filters.getByRole('button', { name: 'Show' }).click();
  const listedRow = page.getByRole('row', { name: new RegExp(`Referral to ${RECEIVER_NAME}`) }).first();
  await expect(listedRow).toContainText('Accepted');
  await expect(listedRow).toContainText('Protection');
  expect(await seriousViolations(page)).toEqual([]);
});
