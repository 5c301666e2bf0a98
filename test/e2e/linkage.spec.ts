/**
 * Linkage across nodes: the demo node (node-it) and a second owner (node-ro-lk), with a linkage unit (node-eu-lk),
 * started in this test process and peered all ways. node-it's administrator makes the group and installs the secret in
 * the UI (a mistake refused beside its field; the fingerprint shown, never the secret), node-ro-lk installs the same
 * secret through its services, both submit the same survivor (with her linkage consent), and the unit's match reaches
 * node-it as an alert, which the demo case worker confirms with a reason and follows up. No page shows a name.
 */
import { randomBytes } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import type { RunningNode } from '../../src/app/node.ts';
import { operatorContext } from '../../src/app/operations.ts';
import type { LinkageAlert, LinkageGroup } from '../../src/modules/linkage-network/index.ts';
import { secretFingerprint } from '../../src/modules/linkage-network/index.ts';
import { contextOf } from '../factories.ts';
import { peerAllWays, soon } from '../federation.ts';
import { buildUser } from '../helpers.ts';
import { demoUser, expect, seriousViolations, signIn, test } from './fixtures.ts';
import { apiSession, peerWithDemoNode, startNodeBeside, unpeerFromDemoNode } from './peering.ts';

// Ids of their own, so that this spec never trips over the peers the other federation specs add and remove.
const OWNER = 'node-ro-lk';
const UNIT = 'node-eu-lk';
const SECRET = randomBytes(32).toString('base64');
const GROUP = `Balkan route ${Date.now()}`;
const ANA_IT = {
  prs_FirstName: 'Ana',
  prs_SecondName: 'Russu',
  prs_Birthdate: '1999-03-14',
  prs_Gender: 'Feminine',
  prs_Citizenship: ['MD'],
  psg_PlaceOfBirth: 'Chișinău',
};
const ANA_RO = { ...ANA_IT, prs_FirstName: 'Анна', prs_SecondName: 'Русу', psg_PlaceOfBirth: 'Кишинэу' };

const op = operatorContext('test');
let romania: RunningNode;
let unit: RunningNode;
let admin: APIRequestContext;
let worker: APIRequestContext;
let caseId = '';
let caseReference = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  romania = await startNodeBeside(OWNER, 'RO', 'Passage România');
  unit = await startNodeBeside(UNIT, 'BE', 'Passage EU hub');
  admin = await apiSession(demoUser('node_admin'));
  await peerWithDemoNode(admin, romania, unit);
  await peerAllWays([romania, unit]);

  // Ana's case on node-it, in the demo case worker's agency, with her consent to linkage.
  worker = await apiSession(demoUser('case_worker'));
  const opened = await worker.post('/api/cases', { data: { reportedAt: '2026-03-01', survivor: ANA_IT } });
  expect(opened.ok(), await opened.text()).toBe(true);
  ({ id: caseId, reference: caseReference } = (await opened.json()) as { id: string; reference: string });
  const consent = await worker.post(`/api/cases/${caseId}/consents`, {
    data: { purpose: 'linkage', decision: 'granted', method: 'written', language: 'ro' },
  });
  expect(consent.ok(), await consent.text()).toBe(true);

  // The same Ana on node-ro-lk, in Cyrillic, with her consent too.
  const ctx = contextOf(await buildUser(romania.services, 'case_worker'), 'case_worker');
  const created = await romania.services.cases.create(ctx, { reportedAt: '2026-02-01', survivor: ANA_RO });
  await romania.services.survivors.recordConsent(ctx, created.id, {
    purpose: 'linkage',
    decision: 'granted',
    method: 'written',
    language: 'ro',
  });
});

test.afterAll(async () => {
  await unpeerFromDemoNode(admin, OWNER, UNIT);
  await admin?.dispose();
  await worker?.dispose();
  await romania?.close();
  await unit?.close();
});

test('the node administrator makes a group, installs its secret and submits, seeing only the fingerprint', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signIn(page, demoUser('node_admin'));
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Linkage' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Linkage' })).toBeFocused();
  const groups = page.getByRole('region', { name: 'Linkage groups' });
  // An administrator of the whole node works no case: no alerts inbox.
  await expect(page.getByRole('region', { name: 'Alerts on your cases' })).toHaveCount(0);

  const form = page.getByRole('form', { name: 'New linkage group' });
  await form.getByRole('button', { name: 'Create the group' }).click();
  await expect(form.getByRole('alert')).toHaveText('Give the group a name.');
  await expect(form.getByLabel('Name')).toBeFocused();
  await form.getByLabel('Name').fill(GROUP);
  await form.getByLabel('Linkage unit', { exact: true }).selectOption(UNIT);
  await form.getByRole('checkbox', { name: 'This node (node-it)' }).check();
  await form.getByRole('button', { name: 'Create the group' }).click();
  await expect(form.getByRole('alert')).toHaveText('Choose at least two data owners.');
  await expect(form.getByRole('checkbox', { name: 'This node (node-it)' })).toBeFocused();
  await form.getByRole('checkbox', { name: new RegExp(OWNER) }).check();
  expect(await seriousViolations(page)).toEqual([]);
  await form.getByRole('button', { name: 'Create the group' }).click();
  await expect(groups.getByRole('status')).toHaveText(`The group ${GROUP} was created and announced to its members.`);
  const row = groups.getByRole('row', { name: new RegExp(GROUP) });
  await expect(row).toContainText('Data owner');
  await expect(row).toContainText(UNIT);
  await expect(row).toContainText('Not installed');

  // The secret: a short one is refused beside the field; the right one is sent once and never shown.
  await row.getByRole('button', { name: `Install the secret ${GROUP}` }).click();
  const secretForm = page.getByRole('form', { name: `Install the secret of ${GROUP}` });
  const secret = secretForm.getByLabel('Secret (base64)');
  await expect(secret).toBeFocused();
  await expect(secret).toHaveAttribute('type', 'password');
  await expect(secretForm).toContainText('It never goes to the linkage unit');
  await secret.fill(randomBytes(16).toString('base64'));
  await secretForm.getByRole('button', { name: 'Install' }).click();
  await expect(secretForm.getByRole('alert')).toHaveText('The secret is too short: it must be at least 32 bytes.');
  await expect(secret).toHaveAttribute('aria-invalid', 'true');
  await secret.fill(SECRET);
  await secretForm.getByRole('button', { name: 'Install' }).click();
  const fingerprint = secretFingerprint(Buffer.from(SECRET, 'base64'));
  await expect(groups.getByRole('status')).toContainText(`Its fingerprint is ${fingerprint}`);
  await expect(secretForm).toHaveCount(0);
  await expect(row).toContainText(fingerprint);
  await expect(row).toContainText('Installed');
  expect(await page.content()).not.toContain(SECRET);
  expect(await seriousViolations(page)).toEqual([]);

  // The other owner and the unit have the group once node-it's outbox has delivered its announcement.
  const listed = (await (await admin.get('/api/linkage/groups')).json()) as LinkageGroup[];
  const groupId = listed.find((group) => group.name === GROUP)?.id ?? '';
  expect(listed.find((group) => group.id === groupId)?.secret).toEqual({
    installedAt: expect.any(String),
    fingerprint,
  });
  for (const node of [romania, unit]) {
    await expect.poll(async () => (await node.services.linkage.list(op)).map((group) => group.id)).toContain(groupId);
  }
  await romania.services.linkage.installSecret(op, groupId, SECRET);
  expect((await romania.services.linkage.submit(op, groupId)).sent).toBe(1);

  await row.getByRole('button', { name: `Submit ${GROUP}` }).click();
  await expect(groups.getByRole('status')).toHaveText(
    `Sent to the unit of ${GROUP}: 1 new or changed, 0 unchanged, 0 withdrawn.`,
  );

  // The unit matches node-it's encoding on arrival and tells both owners.
  await expect
    .poll(
      async () => {
        await unit.services.messages.deliverDue(soon());
        const alerts = (await (await worker.get('/api/linkage/alerts')).json()) as LinkageAlert[];
        return alerts.filter((alert) => alert.caseId === caseId).map((alert) => alert.otherNode);
      },
      { timeout: 60_000 },
    )
    .toContain(OWNER);
});

test('the case worker reviews the alert, confirms it with a reason and is shown how to follow it up', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const [alert] = ((await (await worker.get('/api/linkage/alerts')).json()) as LinkageAlert[]).filter(
    (candidate) => candidate.caseId === caseId,
  );
  expect(alert).toMatchObject({ kind: 're_trafficking', recordKind: 'survivor', status: 'open' });
  const ref = alert?.otherRef ?? '';

  await signIn(page, demoUser('case_worker'));
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Linkage' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Linkage' })).toBeFocused();
  const inbox = page.getByRole('region', { name: 'Alerts on your cases' });
  // A case worker does not see the node's groups.
  await expect(page.getByRole('region', { name: 'Linkage groups' })).toHaveCount(0);
  const row = inbox.getByRole('row', { name: new RegExp(ref) });
  await expect(row).toContainText('Possible re-trafficking');
  await expect(row).toContainText('Survivor');
  await expect(row).toContainText(OWNER);
  await expect(row).toContainText('Open');
  await expect(row.getByRole('link', { name: caseReference })).toHaveAttribute('href', `/cases/${caseId}`);
  for (const name of ['Ana', 'Russu', 'Анна']) await expect(page.getByRole('main')).not.toContainText(name);
  expect(await seriousViolations(page)).toEqual([]);

  await row.getByRole('link', { name: `Review the match with ${OWNER}, reference ${ref}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Linkage alert: Possible re-trafficking' })).toBeFocused();
  const decision = page.getByRole('form', { name: 'Your decision' });
  await decision.getByRole('button', { name: 'Record the decision' }).click();
  await expect(decision.getByRole('alert')).toHaveText('Choose whether to confirm or dismiss the alert.');
  await expect(decision.getByRole('radio', { name: 'Confirm: the match is plausible' })).toBeFocused();
  await decision.getByRole('radio', { name: 'Confirm: the match is plausible' }).check();
  await decision.getByLabel('Reason').fill('ok');
  await decision.getByRole('button', { name: 'Record the decision' }).click();
  await expect(decision.getByRole('alert')).toHaveText('Give the reason in at least 3 characters.');
  await expect(decision.getByLabel('Reason')).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);
  await decision.getByLabel('Reason').fill('Same birth date and place of birth; she reported a recruiter in Romania.');
  await decision.getByRole('button', { name: 'Record the decision' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The alert was confirmed.' })).toBeFocused();
  await expect(decision).toHaveCount(0);
  await expect(page.locator('dl.facts')).toContainText('Confirmed');
  await expect(page.locator('dl.facts')).toContainText('Same birth date and place of birth');
  const followUp = page.getByRole('region', { name: 'Follow it up' });
  await expect(followUp).toContainText(ref);
  await expect(followUp.getByRole('link', { name: `Refer the case to ${OWNER}` })).toHaveAttribute(
    'href',
    `/cases/${caseId}/cooperation`,
  );
  // Drafting a legal assistance request is for investigators and prosecutors.
  await expect(followUp.getByRole('link', { name: /legal assistance request/ })).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);

  // The case page lists the alert, decided, with a link to it.
  await followUp.getByRole('link', { name: `Refer the case to ${OWNER}` }).click();
  const onCase = page.getByRole('region', { name: 'Linkage alerts' });
  const caseRow = onCase.getByRole('row', { name: new RegExp(ref) });
  await expect(caseRow).toContainText('Confirmed');
  await expect(caseRow.getByRole('link', { name: /^Details/ })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});
