import type { Page } from '@playwright/test';
import { BASE_URL } from './environment.ts';
import { demoUser, expect, seriousViolations, signIn, test } from './fixtures.ts';

/** Opens a section of the case page (its own address), and the form behind a button in it when `form` is given. */
async function openSection(page: Page, name: string, form?: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Case sections' }).getByRole('link', { name, exact: true }).click();
  if (form) await page.getByRole('button', { name: form, exact: true }).click();
}

// "Ana's passage", step 3: the first report of a worker found in a labour inspection in Latina (fictional people).
test('a case worker records Ana’s first report, finds it by a Cyrillic spelling, reveals her identity for a purpose, identifies her and records her consent', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, demoUser('case_worker'));
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Cases' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Cases' })).toBeFocused();
  await page.getByRole('link', { name: 'New first report' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New first report' })).toBeFocused();
  await expect(page).toHaveTitle('New first report · Passage');

  // The essentials come first, in the order an interview goes.
  const form = page.getByRole('form', { name: 'New first report' });
  await form.getByLabel('First name').fill('Ana');
  await form.getByLabel('Last name').fill('Rusu');
  await form.getByLabel('Date of birth').fill('1999-03-14');
  await form.getByLabel('Gender').selectOption({ label: 'Feminine' });
  await form.getByLabel('Citizenship').selectOption({ label: 'Moldova' });
  await form.getByLabel('Language', { exact: true }).selectOption({ label: 'Romanian' });
  await form.getByLabel('Needs an interpreter for this language').check();
  const phone = form.getByLabel('Mobile phone');
  await phone.fill('69 000 111');
  await form.getByLabel('Trafficking status').selectOption({ label: 'Possible victim of trafficking' });
  await form.getByRole('group', { name: 'Type of exploitation' }).getByLabel('Forced labour').check();
  const control = form.getByRole('group', { name: 'Methods of control' });
  for (const method of ['Debt bondage', 'Takes earnings', 'Withholds documents']) {
    await control.getByLabel(method).check();
  }
  await form.getByLabel('Place of exploitation').fill('Latina');
  await form.getByLabel('Country of exploitation').selectOption({ label: 'Italy' });
  await form
    .getByLabel('Short note')
    .fill('Found during a labour inspection with ten other workers. Passport kept by the employer, wages withheld.');
  await form.getByRole('button', { name: 'Record the first report' }).click();

  // A number without its country code is refused by the node; the field says why and takes the focus.
  await expect(form.getByRole('alert')).toHaveText('Some details were not accepted. Check the fields marked below.');
  await expect(phone).toBeFocused();
  await expect(phone).toHaveAttribute('aria-invalid', 'true');
  await expect(phone).toHaveAccessibleDescription(/Enter the number with its country code/);
  expect(await seriousViolations(page)).toEqual([]);
  await phone.fill('+373 69 000 111');
  await form.getByRole('button', { name: 'Record the first report' }).click();

  // The reference is wrapped in Unicode isolate marks, so that it keeps its direction inside right-to-left text.
  const heading = page.getByRole('heading', { level: 1, name: /^Case \u2068IT-\d{4}-\d{6}\u2069$/ });
  await expect(heading).toBeFocused();
  const reference = ((await heading.textContent()) ?? '').replace(/^Case /, '').replace(/[\u2068\u2069]/g, '');
  await expect(page.getByRole('status').filter({ hasText: 'has been recorded as case' })).toContainText(reference);
  const stages = page.locator('.stage-bar li');
  await expect(stages).toHaveCount(9);
  await expect(page.locator('.stage-bar [aria-current="step"]')).toHaveText('Reported');
  // Nothing identifying on the case page until someone says why they need it.
  await expect(page.getByRole('main')).not.toContainText('Rusu');
  const facts = page.getByRole('region', { name: 'What is known' });
  await expect(facts).toContainText('Forced labour');
  await expect(facts).toContainText('Debt bondage, Takes earnings, Withholds documents');
  await expect(facts).toContainText('Exploitation: Latina, Italy');

  // Back at the list, a Cyrillic spelling of her name finds the case.
  await page.getByRole('link', { name: 'Back to the cases' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Cases' })).toBeFocused();
  // The search is folded below the case list (issue 15).
  await page.getByText("Find a survivor's case by name, document, phone or birth date").click();
  const search = page.getByRole('form', { name: "Find a survivor's case" });
  await search.getByLabel('Name').fill('Ана Русу');
  const searched = page.waitForRequest((request) => request.url().endsWith('/api/cases/search'));
  await search.getByRole('button', { name: 'Search' }).click();
  const request = await searched;
  expect(request.method()).toBe('POST');
  expect(request.url()).not.toContain('%D0');
  expect(request.postDataJSON()).toEqual({ name: 'Ана Русу' });
  const hits = page.getByRole('table', { name: /^Search result/ });
  const hit = hits.getByRole('row', { name: new RegExp(reference) });
  await expect(hit).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /matche?s? this search/ })).toBeVisible();
  await hit.getByRole('link', { name: reference }).click();
  await expect(heading).toBeFocused();

  // The identity is shown only for a stated purpose, and the view is logged.
  await openSection(page, 'Identity');
  const identity = page.getByRole('region', { name: 'Identity' });
  await identity.getByRole('button', { name: 'Show the identity' }).click();
  await expect(identity.getByRole('alert')).toContainText('Choose why you need to see the identity.');
  const purpose = identity.getByLabel('Why are you viewing this?');
  await expect(purpose).toBeFocused();
  await purpose.selectOption({ label: 'Case management' });
  await identity.getByRole('button', { name: 'Show the identity' }).click();
  const logged = identity.getByText('This view has been recorded in the disclosure log.');
  await expect(logged).toBeFocused();
  await expect(logged).toContainText('Case management');
  await expect(identity.getByRole('definition').filter({ hasText: 'Rusu' })).toBeVisible();
  await expect(identity).toContainText('+37369000111');
  await expect(identity).toContainText('14 Mar 1999');
  await identity.getByRole('button', { name: 'Hide the identity' }).click();
  await expect(identity).not.toContainText('Rusu');
  await expect(identity.getByLabel('Why are you viewing this?')).toBeFocused();
  await openSection(page, 'History');
  const log = page.getByRole('region', { name: 'Disclosure log' });
  await expect(log.getByRole('row', { name: /Case management/ })).toContainText('you');
  await expect(log.getByRole('row', { name: /Case management/ })).toContainText('Viewed');
  await openSection(page, 'Summary');

  // Identification: the stage moves with a reason, which the timeline keeps.
  const stage = page.getByRole('region', { name: 'Stage', exact: true });
  await expect(stage.getByRole('button')).toHaveText(['Move to Identification', 'Ask to close the case']);
  await stage.getByRole('button', { name: 'Move to Identification' }).click();
  const reason = stage.getByLabel('Reason');
  await expect(reason).toBeFocused();
  await stage.getByRole('button', { name: 'Move the case' }).click();
  await expect(stage.getByRole('alert')).toHaveText('Give a reason. It is kept in the case timeline.');
  await reason.fill('Interview with an interpreter at the inspectorate');
  await stage.getByRole('button', { name: 'Move the case' }).click();
  await expect(stage.getByRole('status')).toHaveText('The case is now in the stage Identification.');
  await expect(stage.getByRole('status')).toBeFocused();
  await expect(page.locator('.stage-bar [aria-current="step"]')).toHaveText('Identification');
  await expect(stage.getByRole('button')).toHaveText(['Move to Protection and assistance', 'Ask to close the case']);
  const times = page.getByRole('table', { name: 'Stages in the order the case went through them' });
  await expect(times.getByRole('row')).toHaveCount(3);
  await expect(times.getByRole('row').last()).toHaveText(/^Identification.+Current stageless than a minute$/);
  await openSection(page, 'History');
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await expect(timeline.getByRole('listitem')).toHaveCount(5);
  await expect(timeline.getByRole('listitem').nth(0)).toContainText('First report recorded.');
  await expect(timeline.getByRole('listitem').nth(1)).toContainText('Comment:');
  await expect(timeline.getByRole('listitem').nth(2)).toContainText('Place added: Exploitation.');
  await expect(timeline.getByRole('listitem').nth(3)).toContainText('Identity viewed for the purpose Case management.');
  await expect(timeline.getByRole('listitem').nth(4)).toContainText(
    'Moved from Reported to Identification.Interview with an interpreter at the inspectorate',
  );

  // With the interpreter, Ana consents to services in Italy.
  await openSection(page, 'Consent', 'Record consent');
  const consent = page.getByRole('region', { name: 'Consent' });
  const record = consent.getByRole('form', { name: 'Record a consent decision' });
  await record.getByLabel('Purpose').selectOption({ label: 'Services in this country' });
  await record.getByLabel('The survivor gives consent').check();
  await record.getByLabel('Countries').fill('it');
  await record.getByLabel('How the survivor was informed and answered').selectOption({
    label: 'Spoken, with an interpreter',
  });
  await expect(record.getByLabel('Language the survivor was informed in')).toHaveValue('ron');
  await record.getByRole('button', { name: 'Record the decision' }).click();
  await expect(record.getByRole('status')).toHaveText('The consent for Services in this country has been recorded.');
  const row = consent.getByRole('row', { name: /Services in this country/ });
  await expect(row).toContainText('Given');
  await expect(row).toContainText('countries: Italy · any agency');
  await expect(row).toContainText('Spoken, with an interpreterin Romanian');
  await expect(row).toContainText('In force');
  await openSection(page, 'History');
  await expect(timeline.getByRole('listitem').last()).toContainText('Consent given for: Services in this country.');

  // Risk: threats to her family in Moldova make it high, and a high risk needs a safety plan.
  await openSection(page, 'Risk & safety', 'Assess risk');
  const risk = page.getByRole('form', { name: 'Assess the risk' });
  const answers: [string, string][] = [
    ['Is the person in immediate danger?', 'No'],
    ["Has the person's family been threatened?", 'Yes'],
    ['Does the trafficker know where the person is?', 'Unknown'],
    ['Is the person still in contact with the trafficker?', 'No'],
    ['Is the person under 18?', 'No'],
    ['Has the person been trafficked before?', 'No'],
    ['Is the person held by a debt?', 'Yes'],
    ['Is the person without a safe place to stay?', 'No'],
    ["Have the person's documents been taken away?", 'Yes'],
    ["What is the person's immigration status?", 'Irregular'],
    ['Is the person pregnant?', 'No'],
    ['Does the person have a serious health condition?', 'No'],
  ];
  for (const [question, answer] of answers) {
    await risk.getByRole('group', { name: question }).getByLabel(answer, { exact: true }).check();
  }
  await risk.getByRole('button', { name: 'Save the assessment' }).click();
  await expect(risk.getByRole('alert')).toHaveText('Answer every question. If you do not know, choose Unknown.');
  const last = risk.getByRole('group', { name: 'Is the person dependent on drugs or alcohol?' });
  await expect(last.getByLabel('Yes', { exact: true })).toBeFocused();
  await last.getByLabel('No', { exact: true }).check();
  await expect(risk.getByText(/^High risk, 33 points\. Why:$/)).toBeVisible();
  await expect(risk).toContainText(
    "Has the person's family been threatened?: Yes (+12 points) This answer makes the risk high on its own.",
  );
  await risk
    .getByLabel('Safety plan')
    .fill('Stays at the shelter; the Moldovan police are asked to protect her family.');
  await risk.getByRole('button', { name: 'Save the assessment' }).click();
  await expect(risk.getByRole('status')).toHaveText('The assessment has been saved.');
  const assessed = page.getByRole('region', { name: 'Risk assessment' });
  await expect(assessed.getByText('High risk · score 33 points')).toBeVisible();
  await expect(assessed).toContainText('Stays at the shelter');

  // Services: an interpreter for Romanian, started at once.
  await openSection(page, 'Services & referrals', 'Add a service');
  const plan = page.getByRole('form', { name: 'Plan a service' });
  await plan.getByLabel('Service', { exact: true }).selectOption({ label: 'Interpreter' });
  await plan.getByRole('button', { name: 'Plan the service' }).click();
  await expect(plan.getByRole('alert')).toHaveText('Choose the language the interpreter is needed for.');
  await plan.getByLabel('Language', { exact: true }).selectOption({ label: 'Romanian' });
  await plan.getByRole('button', { name: 'Plan the service' }).click();
  await expect(plan.getByRole('status')).toHaveText('The service Interpreter has been planned.');
  const services = page.getByRole('table', { name: '1 service, oldest first' });
  await expect(services.getByRole('row').last()).toContainText('Interpreter (Romanian)');
  await services.getByRole('button', { name: 'Start Interpreter' }).click();
  await expect(services.getByRole('row').last()).toContainText('Under way');
  await openSection(page, 'History');
  await expect(timeline.getByRole('listitem').filter({ hasText: 'Risk assessed' })).toContainText(
    'Risk assessed: High risk, 33 points.',
  );
  await expect(timeline.getByRole('listitem').last()).toContainText('Service Interpreter: Under way.');
  expect(await seriousViolations(page)).toEqual([]);
});

test('a labour inspector refers a case to the NGO under the survivor’s consent; its case worker accepts it and reads only what was shared', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  await signIn(page, demoUser('investigator'));
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Cases' }).click();
  await page.getByRole('link', { name: 'New first report' }).click();
  const form = page.getByRole('form', { name: 'New first report' });
  await form.getByLabel('First name').fill('Ion');
  await form.getByLabel('Last name').fill('Ceban');
  await form.getByLabel('Mobile phone').fill('+373 69 000 222');
  await form.getByText('More details (optional)').click();
  await form.getByLabel('Identity document number').fill('B 7654321');
  await form.getByRole('button', { name: 'Record the first report' }).click();
  const heading = page.getByRole('heading', { level: 1, name: /^Case / });
  await expect(heading).toBeFocused();
  const reference = ((await heading.textContent()) ?? '').replace(/^Case /, '').replace(/[\u2068\u2069]/g, '');

  // Without consent to sharing within the country, the referral is refused.
  await openSection(page, 'Services & referrals', 'Refer to another agency');
  const refer = page.getByRole('form', { name: 'Refer to another agency' });
  await refer.getByLabel('To', { exact: true }).selectOption({ label: 'Casa Aurora' });
  await refer.getByRole('group', { name: 'Services asked for' }).getByLabel('Shelter').check();
  const shared = refer.getByRole('group', { name: 'Identity details shared' });
  await expect(shared.getByLabel('First name')).toBeChecked();
  await expect(shared.getByLabel('Identity document number')).not.toBeChecked();
  await refer.getByLabel('Why you refer the case').fill('Needs a safe place to stay tonight.');
  await refer.getByRole('button', { name: 'Send the referral' }).click();
  await expect(refer.getByRole('alert')).toContainText('has not consented to sharing their case with this agency');
  await expect(refer.getByLabel('To', { exact: true })).toBeFocused();

  await openSection(page, 'Consent', 'Record consent');
  const consent = page.getByRole('form', { name: 'Record a consent decision' });
  await consent.getByLabel('Purpose').selectOption({ label: 'Sharing information within this country' });
  await consent.getByLabel('The survivor gives consent').check();
  await consent.getByRole('group', { name: 'Agencies on this node' }).getByLabel('Casa Aurora').check();
  await consent.getByLabel('How the survivor was informed and answered').selectOption({ label: 'Written' });
  await consent.getByLabel('Language the survivor was informed in').selectOption({ label: 'Romanian' });
  await consent.getByRole('button', { name: 'Record the decision' }).click();
  await expect(consent.getByRole('status')).toContainText('has been recorded');
  await openSection(page, 'Services & referrals', 'Refer to another agency');
  await refer.getByLabel('To', { exact: true }).selectOption({ label: 'Casa Aurora' });
  await refer.getByRole('group', { name: 'Services asked for' }).getByLabel('Shelter').check();
  await refer.getByLabel('Why you refer the case').fill('Needs a safe place to stay tonight.');
  await refer.getByRole('button', { name: 'Send the referral' }).click();
  await expect(refer.getByRole('status')).toHaveText('The referral has been sent to Casa Aurora.');
  const referrals = page.getByRole('region', { name: 'Referrals', exact: true });
  await expect(referrals.getByRole('row', { name: /Casa Aurora/ })).toContainText('Waiting for an answer');

  // The NGO's case worker finds the offer on her home page, with the referrals from abroad, and accepts it there.
  const ngo = await browser.newContext({ baseURL: BASE_URL, locale: 'en-GB' });
  const worker = await ngo.newPage();
  await signIn(worker, demoUser('case_worker'));
  const inbox = worker.getByRole('region', { name: /Referrals waiting for your answer/ });
  const offer = inbox.getByRole('row', { name: new RegExp(reference) });
  await expect(offer).toContainText('Agency in this country');
  await offer.getByRole('button', { name: `Accept ${reference}` }).click();
  await expect(inbox.getByRole('status')).toHaveText(`You have accepted the referral of case ${reference}.`);
  await inbox.getByRole('link', { name: `Open case ${reference}` }).click();
  await expect(worker.getByRole('heading', { level: 1, name: /^Case / })).toBeFocused();
  await openSection(worker, 'Identity');
  const identity = worker.getByRole('region', { name: 'Identity' });
  await identity.getByLabel('Why are you viewing this?').selectOption({ label: 'Case management' });
  await identity.getByRole('button', { name: 'Show the identity' }).click();
  await expect(identity).toContainText('Ceban');
  await expect(identity).not.toContainText('7654321');
  expect(await seriousViolations(worker)).toEqual([]);
  await ngo.close();

  await page.reload();
  await expect(
    page.getByRole('region', { name: 'Referrals', exact: true }).getByRole('row', { name: /Casa Aurora/ }),
  ).toContainText('Accepted');
});
