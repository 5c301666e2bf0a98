/**
 * The node administrator peers the demo node (node-it) with a second node, node-md, started in this test process on a
 * port of its own: a wrong fingerprint is refused beside its field, the right one adds the peer, node-md's signed
 * receipts refuse a ping and then, once node-md trusts the demo node too, accept one; both show in the message
 * history; and the peer is suspended, activated and removed.
 */
import type { RunningNode } from '../../src/app/node.ts';
import { operatorContext } from '../../src/app/operations.ts';
import { BASE_URL } from './environment.ts';
import { demoUser, expect, seriousViolations, signIn, test } from './fixtures.ts';
import { startNodeBeside } from './peering.ts';

/** node-md as the page names it: its name between Unicode isolate marks, so that it keeps its direction in any language. */
const MOLDOVA = '\u2068Passage Moldova\u2069 (node-md)';

let moldova: RunningNode;

test.beforeAll(async () => {
  // PGlite takes a few seconds to create and migrate the second node's database.
  test.setTimeout(120_000);
  moldova = await startNodeBeside('node-md', 'MD', 'Passage Moldova');
});

test.afterAll(async () => {
  await moldova?.close();
});

test('the node administrator adds a peer by its fingerprint, pings it, suspends, activates and removes it', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const wrongFingerprint = `SHA256:${'A'.repeat(43)}`;
  const fingerprint = moldova.services.peers.fingerprint;

  await signIn(page, demoUser('node_admin'));
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Peers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Peers' })).toBeFocused();
  await expect(page).toHaveTitle('Peers · Passage');

  // This node's own fingerprint, as the other administrator is to hear it.
  const identity = page.getByRole('region', { name: 'This node', exact: true });
  const document = (await (await page.request.get('/.well-known/passage-node')).json()) as { keys: { kid: string }[] };
  const ownFingerprint = document.keys[0]?.kid ?? '';
  await expect(identity.locator('code.fingerprint')).toHaveText(ownFingerprint);
  await expect(identity).toContainText('read this fingerprint out to them through another channel');
  await expect(page.getByText('This node has no peers yet.')).toBeVisible();

  // A fingerprint that is not node-md's: refused beside the field, which takes the focus; nothing is added.
  const form = page.getByRole('form', { name: 'Add a peer' });
  const address = form.getByLabel('Address of the node');
  const fingerprintField = form.getByLabel('Fingerprint of its key');
  await address.fill(moldova.url);
  await fingerprintField.fill('SHA256:too-short');
  await form.getByRole('button', { name: 'Add peer' }).click();
  await expect(fingerprintField).toBeFocused();
  await expect(fingerprintField).toHaveAccessibleDescription(/This is not a key fingerprint/);
  await fingerprintField.fill(wrongFingerprint);
  await form.getByRole('button', { name: 'Add peer' }).click();
  await expect(fingerprintField).toHaveAccessibleDescription(
    /The node at this address has no key with this fingerprint/,
  );
  await expect(fingerprintField).toHaveAttribute('aria-invalid', 'true');
  await expect(fingerprintField).toBeFocused();
  await expect(address).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('This node has no peers yet.')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  await fingerprintField.fill(fingerprint);
  await form.getByRole('button', { name: 'Add peer' }).click();
  await expect(form.getByRole('status')).toContainText(`${MOLDOVA} is now a peer of this node.`);
  await expect(fingerprintField).not.toHaveAttribute('aria-invalid', 'true');
  await expect(fingerprintField).toHaveValue('');
  const peers = page.getByRole('table', { name: '1 peer of this node' });
  const row = peers.getByRole('row', { name: /node-md/ });
  await expect(row).toContainText('Passage Moldova');
  await expect(row).toContainText('Moldova (MD)');
  await expect(row).toContainText(moldova.url);
  await expect(row).toContainText(fingerprint);
  await expect(row).toContainText('Active');

  // node-md does not know the demo node yet: its signed receipt refuses the ping, and says why.
  const ping = row.getByRole('button', { name: 'Ping node-md' });
  const outcome = page.getByRole('status').filter({ hasText: 'the ping' });
  await ping.click();
  await expect(outcome).toHaveText(
    `${MOLDOVA} refused the ping. The peer does not know this node: its administrator must add this node as a peer.`,
  );
  await expect(ping).toBeFocused();

  // node-md's administrator adds the demo node in turn, with the fingerprint read out to them; the ping is accepted.
  await moldova.services.peers.add(operatorContext('test'), { url: BASE_URL, fingerprint: ownFingerprint });
  await ping.click();
  await expect(outcome).toContainText(`${MOLDOVA} accepted the ping: its signed receipt came back in `);
  await expect(outcome).toHaveText(/ came back in [\d,]+ ms\.$/);
  await expect(ping).toBeFocused();

  // Both pings are on record, newest first, each with node-md's signed receipt; the type is named in words.
  const history = page.getByRole('region', { name: 'Message history' });
  // The other node by its name, its id beside it as a hint.
  const pings = history.getByRole('row', { name: /^Sent Passage Moldova node-md Connection check passage\.ping/ });
  await expect(pings).toHaveCount(2);
  await expect(pings.first()).toContainText('Accepted');
  await expect(pings.first()).toContainText('Held');
  await expect(pings.last()).toContainText('Rejected');
  await expect(pings.last()).toContainText('The peer does not know this node');
  await expect(pings.last()).toContainText('Held');
  await history.getByLabel('Peer').selectOption('node-md');
  await expect(history.getByRole('table', { name: '2 messages, newest first' })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  // Suspended, node-md cannot be pinged; the outcome takes the focus from the button that changed.
  await row.getByRole('button', { name: 'Suspend node-md' }).click();
  const notice = page.getByRole('status').filter({ hasText: 'is suspended' });
  await expect(notice).toHaveText(
    `${MOLDOVA} is suspended: its messages are refused and nothing is sent to it until you activate it again.`,
  );
  await expect(notice).toBeFocused();
  await expect(row).toContainText('Suspended on');
  await expect(row.getByRole('button', { name: 'Ping node-md' })).toHaveCount(0);
  await row.getByRole('button', { name: 'Activate node-md' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'is active again' })).toBeFocused();
  await expect(row).toContainText('Active');
  await expect(row.getByRole('button', { name: 'Ping node-md' })).toBeVisible();

  // The page in Arabic runs right to left; fingerprints and addresses keep their order.
  await page.getByRole('banner').getByLabel('Language').selectOption('ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('heading', { level: 1, name: 'العقد الشريكة' })).toBeVisible();
  await expect(page.locator('td code.fingerprint')).toHaveAttribute('dir', 'ltr');
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('banner').getByLabel('اللغة').selectOption('en');
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');

  // Removal asks first; Escape changes nothing and gives the focus back.
  const remove = row.getByRole('button', { name: 'Remove node-md' });
  await remove.click();
  const dialog = page.getByRole('dialog', { name: 'Remove this peer?' });
  await expect(dialog).toContainText(`${MOLDOVA} will no longer be trusted`);
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(remove).toBeFocused();
  await remove.click();
  await dialog.getByRole('button', { name: 'Remove the peer' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'has been removed' })).toBeFocused();
  await expect(page.getByText('This node has no peers yet.')).toBeVisible();
  // The exchange stays on record after the peer has gone.
  await expect(pings).toHaveCount(2);
});
