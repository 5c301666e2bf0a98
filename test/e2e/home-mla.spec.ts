/**
 * The MLA deadline on a prosecutor's home page (issue 15): a second node started in this test process sends node-it an
 * urgent request, whose acknowledgement is due within a day, so it is due soon from the moment it arrives; node-it's
 * prosecutor finds it among her MLA deadlines, counted in the menu, and opens the request from there. (Named
 * *-mla.spec.ts so that it runs with the other specs that peer a node with the demo node, one at a time.)
 */
import type { APIRequestContext } from '@playwright/test';
import type { RunningNode } from '../../src/app/node.ts';
import { contextOf } from '../factories.ts';
import { buildUser } from '../helpers.ts';
import { demoUser, expect, seriousViolations, signIn, test } from './fixtures.ts';
import { apiSession, peerWithDemoNode, startNodeBeside, unpeerFromDemoNode } from './peering.ts';

const ISSUER = 'node-md-home';
const ISSUER_NAME = 'Passage Moldova (home)';

let moldova: RunningNode;
let admin: APIRequestContext;
let requestId = '';

test.beforeAll(async () => {
  test.setTimeout(180_000);
  moldova = await startNodeBeside(ISSUER, 'MD', ISSUER_NAME);
  admin = await apiSession(demoUser('node_admin'));
  await peerWithDemoNode(admin, moldova);
  const prosecutor = contextOf(await buildUser(moldova.services, 'prosecutor'), 'prosecutor');
  const draft = await moldova.services.mla.create(prosecutor, {
    executingNode: 'node-it',
    urgent: true,
    issuingAuthority: { name: 'Procuratura Generală', country: 'MD' },
    executingAuthority: { name: 'Procura della Repubblica di Latina', country: 'IT' },
    measures: [{ type: 'bank_records' }],
    persons: [{ name: 'Ion Rusu', role: 'suspect' }],
    offence: { legalClassification: 'art. 165 CP RM', summary: 'Recruitment of farm workers by deception.' },
  });
  requestId = draft.id;
  await moldova.services.mla.send(prosecutor, requestId);
});

test.afterAll(async () => {
  await unpeerFromDemoNode(admin, ISSUER);
  await admin?.dispose();
  await moldova?.close();
});

test('a prosecutor finds an urgent request’s acknowledgement deadline on her home page and opens the request', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, demoUser('prosecutor'));
  const deadlines = page.getByRole('region', { name: /MLA deadlines/ });
  // The other node's name is isolated for right-to-left languages (U+2068 … U+2069 around it).
  const entry = deadlines.getByRole('link', {
    name: new RegExp(`^Request from \\W?${ISSUER_NAME.replace(/[()]/g, '\\$&')}\\W?: Acknowledgement deadline$`),
  });
  // The request arrives when the other node's outbox delivery runs; the home page asks again while it is shown.
  await expect(entry).toBeVisible({ timeout: 60_000 });
  await expect(deadlines.getByText(/^Due /).first()).toBeVisible();
  const menu = page.getByRole('navigation', { name: 'Main menu' });
  await expect(menu.getByRole('link', { name: /^Cooperation \d+ waiting$/ })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await entry.click();
  await expect(page).toHaveURL(`/cooperation/mla/${requestId}`);
  await expect(page.getByRole('heading', { level: 1, name: `Request from ${ISSUER}` })).toBeVisible();
});
