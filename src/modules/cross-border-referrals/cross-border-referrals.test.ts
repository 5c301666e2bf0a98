import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverQueued } from '../../../test/federation.ts';
import { buildUser, signIn, type TestNode } from '../../../test/helpers.ts';
import { type ItalyAndMoldova, italyAndMoldova } from '../../../test/setups.ts';
import { operatorContext } from '../../app/operations.ts';
import { deriveEncryptionKey } from '../../lib/encryption-key.ts';
import { openSealed } from './sealed-fields.ts';

const ctx = operatorContext('test');
type Headers = Record<string, string>;

const SURVIVOR = {
  prs_FirstName: 'Ana',
  prs_SecondName: 'Rusu',
  prs_Birthdate: '1999-03-14',
  prs_MobilePhone: '+373 69 000 111',
  prs_Gender: 'Feminine',
};
/** Identity values that must never appear in clear in a stored message. */
const SECRETS = ['Ana', 'Rusu', '1999-03-14', '69 000 111'];
const SHARED = ['prs_FirstName', 'prs_SecondName', 'prs_Gender'];

let it_: TestNode;
let md: TestNode;
let itWorker: Headers;
let mdWorker: Headers;
let mdAgency: string;

let nodes: ItalyAndMoldova | undefined;

beforeAll(async () => {
  nodes = await italyAndMoldova({ it: 'case_worker', md: 'case_worker' });
  ({ it_, md, itHeaders: itWorker, mdHeaders: mdWorker, mdAgency } = nodes);
});

afterAll(() => nodes?.close());

const call = (node: TestNode, headers: Headers, method: 'GET' | 'POST', url: string, payload?: object) =>
  node.app.inject({ method, url: `/api${url}`, headers, ...(payload ? { payload } : {}) });
const sender = (method: 'GET' | 'POST', url: string, payload?: object) => call(it_, itWorker, method, url, payload);
const receiver = (method: 'GET' | 'POST', url: string, payload?: object) => call(md, mdWorker, method, url, payload);

/** node-it's offer reaches node-md, and node-md's answer comes back. */
const exchange = () => deliverQueued([it_, md, it_]);

async function newCase(): Promise<string> {
  const res = await sender('POST', '/cases', { reportedAt: '2026-06-10', survivor: SURVIVOR });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** Consent to sharing across borders; for protection unless the scope names other purposes. */
async function consent(caseId: string, scope: object): Promise<string> {
  const res = await sender('POST', `/cases/${caseId}/consents`, {
    purpose: 'sharing_cross_border',
    decision: 'granted',
    scope: { purposes: ['protection'], ...scope },
    method: 'written',
    language: 'ro',
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function offered(kind: 'referral' | 'transfer' = 'referral') {
  const caseId = await newCase();
  const consentId = await consent(caseId, { countries: ['MD'], fields: SHARED });
  const res = await sender('POST', `/cases/${caseId}/cross-border-referrals`, {
    to: 'node-md',
    kind,
    purpose: 'protection',
    fields: ['prs_FirstName', 'prs_SecondName', 'prs_Gender'],
    note: 'Her mother in Chișinău needs protection.',
  });
  expect(res.statusCode, res.body).toBe(201);
  await exchange();
  return { caseId, consentId, id: res.json().id as string };
}

async function accepted(kind: 'referral' | 'transfer' = 'referral') {
  const ref = await offered(kind);
  const res = await receiver('POST', `/cross-border-referrals/${ref.id}/accept`, { agencyId: mdAgency });
  expect(res.statusCode, res.body).toBe(200);
  await exchange();
  return { ...ref, linkedCaseId: res.json().caseId as string };
}

/** The node's copy of the messages of a referral (stored encrypted at rest), as its history shows them. */
function storedJws(node: TestNode, conversationId: string) {
  return node.services.messages.history(ctx, { conversationId });
}
const bodyOf = (jws: string | undefined) =>
  JSON.parse(Buffer.from(jws?.split('.')[1] ?? '', 'base64url').toString()).body;

const timelineTypes = async (caseId: string) =>
  ((await sender('GET', `/cases/${caseId}/timeline`)).json() as { type: string }[]).map((e) => e.type);

describe('cross-border referrals between two nodes', () => {
  it('publishes an X25519 encryption key in the node document, and keeps the peer’s', async () => {
    const doc = (await md.app.inject({ method: 'GET', url: '/.well-known/passage-node' })).json();
    expect(doc.encryptionKey).toMatchObject({ kty: 'OKP', crv: 'X25519', use: 'enc' });
    const [peer] = await it_.services.db.query<{ encryption_key: { kid: string } }>(
      "select encryption_key from peers where node_id = 'node-md'",
    );
    expect(peer?.encryption_key.kid).toBe(doc.encryptionKey.kid);
  });

  it('refers a case: pending on the receiver, accepted into a linked case with only the fields sent', async () => {
    const { caseId, id } = await offered();
    const pending = (await receiver('GET', '/cross-border-referrals?direction=in&status=offered')).json();
    expect(pending.referrals.map((r: { id: string }) => r.id)).toContain(id);
    const inbound = (await receiver('GET', `/cross-border-referrals/${id}`)).json();
    expect(inbound).toMatchObject({
      direction: 'in',
      status: 'offered',
      peer: 'node-it',
      kind: 'referral',
      caseId: null,
    });
    expect(inbound.fields).toEqual(SHARED);
    const [row] = await md.services.db.query<{ sealed: string }>(
      'select sealed from cross_border_referrals where id = $1',
      [id],
    );
    expect(row?.sealed.split('.')).toHaveLength(5);

    const accept = await receiver('POST', `/cross-border-referrals/${id}/accept`, { agencyId: mdAgency });
    expect(accept.statusCode, accept.body).toBe(200);
    const linked = accept.json();
    expect(linked).toMatchObject({ status: 'accepted', agencyId: mdAgency });
    expect(linked.caseId).toBeTruthy();
    const identity = await receiver('POST', `/cases/${linked.caseId}/identity/read`, { purpose: 'case_management' });
    expect(identity.json().fields).toEqual({ prs_FirstName: 'Ana', prs_SecondName: 'Rusu' });
    const view = (await receiver('GET', `/cases/${linked.caseId}`)).json();
    expect(view.survivor.attributes).toEqual({ prs_Gender: 'Feminine' });

    await exchange();
    const sent = (await sender('GET', `/cross-border-referrals/${id}`)).json();
    expect(sent).toMatchObject({ direction: 'out', status: 'accepted', remoteCaseReference: linked.caseReference });
    expect(await timelineTypes(caseId)).toEqual(
      expect.arrayContaining(['referral_cross_border_offered', 'referral_cross_border_accepted']),
    );
    const disclosures = (await sender('GET', `/cases/${caseId}/disclosures`)).json();
    expect(disclosures).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'share', recipient: 'node:node-md', fields: SHARED })]),
    );

    // Neither node's copy of the messages holds an identity value in clear.
    for (const node of [it_, md]) {
      for (const message of await storedJws(node, id)) {
        const text = `${message.jws} ${Buffer.from(message.jws.split('.')[1] ?? '', 'base64url').toString()}`;
        for (const secret of SECRETS) expect(text).not.toContain(secret);
      }
    }
  });

  it('shows the signed messages of a case with their receipts, on both nodes, to those who work the case', async () => {
    const { caseId, id, linkedCaseId } = await accepted();
    const kinds = (res: { json: () => { messages: Record<string, unknown>[] } }) =>
      res.json().messages.map((m) => `${m.direction} ${m.type} ${m.status}`);
    const sent = await sender('GET', `/cases/${caseId}/messages`);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(kinds(sent)).toEqual(['in passage.referral.status accepted', 'out passage.referral.offer accepted']);
    // The other node by the name this node knows it by, beside its id.
    const peerName = (await it_.services.peers.find('node-md'))?.name;
    expect(peerName).toEqual(expect.any(String));
    // The referral lists name the other node and who offered it: here a person, there the sending node.
    const itName = (await md.services.peers.find('node-it'))?.name;
    expect(itName).toEqual(expect.any(String));
    const [listed] = (await sender('GET', `/cases/${caseId}/cross-border-referrals`)).json();
    expect(listed).toMatchObject({ peerName, offeredByName: 'Test case_worker' });
    const inbox = (await receiver('GET', '/cross-border-referrals?direction=in&limit=200')).json().referrals;
    expect(inbox.find((r: { id: string }) => r.id === id)).toMatchObject({ peerName: itName, offeredByName: itName });
    // The receiver's case list says who referred the linked case: the sending node, by its name.
    const linked = (await receiver('GET', `/cases/${linkedCaseId}`)).json();
    const rows = (await receiver('GET', `/cases?reference=${encodeURIComponent(linked.reference)}`)).json().cases;
    const referredBy = (list: { id: string; referredBy: string | null }[]) => list.map((r) => [r.id, r.referredBy]);
    expect(referredBy(rows)).toContainEqual([linkedCaseId, itName]);
    // The sender's own case is referred by no one.
    const own = (await sender('GET', `/cases/${caseId}`)).json();
    const ownRows = (await sender('GET', `/cases?reference=${encodeURIComponent(own.reference)}`)).json().cases;
    expect(referredBy(ownRows)).toContainEqual([caseId, null]);
    for (const message of sent.json().messages) {
      expect(message).toMatchObject({
        conversationId: id,
        peer: 'node-md',
        peerName,
        messageSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(message).not.toHaveProperty('jws');
    }
    // The sender holds the receiver's signed receipt for its offer.
    expect(sent.json().messages[1].receipt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sent.body).not.toContain('Rusu');
    const received = await receiver('GET', `/cases/${linkedCaseId}/messages`);
    expect(kinds(received)).toEqual(['out passage.referral.status accepted', 'in passage.referral.offer accepted']);

    // Not for a case worker of another agency, nor for a case without any.
    const stranger = (await signIn(it_.app, await buildUser(it_.services, 'case_worker'))).headers;
    expect((await call(it_, stranger, 'GET', `/cases/${caseId}/messages`)).statusCode).toBe(403);
    expect((await sender('GET', `/cases/${await newCase()}/messages`)).json()).toEqual({ messages: [] });
    expect((await sender('GET', '/cases/no-such-case/messages')).statusCode).toBe(404);
  });

  it('refuses fields the consent does not cover, naming them, and sends nothing', async () => {
    const caseId = await newCase();
    await consent(caseId, { countries: ['MD'], fields: SHARED, purposes: ['services'] });
    const before = await it_.services.db.query("select 1 from federation_messages where direction = 'out'");
    const res = await sender('POST', `/cases/${caseId}/cross-border-referrals`, {
      to: 'node-md',
      kind: 'referral',
      purpose: 'services',
      fields: ['prs_FirstName', 'prs_MobilePhone', 'prs_Birthdate'],
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({
      id: 'fields_not_covered',
      details: { fields: ['prs_MobilePhone', 'prs_Birthdate'] },
    });
    expect(res.body).not.toContain('69 000 111');
    const after = await it_.services.db.query("select 1 from federation_messages where direction = 'out'");
    expect(after).toHaveLength(before.length);
    expect((await sender('GET', `/cases/${caseId}/cross-border-referrals`)).json()).toEqual([]);
  });

  it('refuses a country the consent does not cover, and a case without cross-border consent', async () => {
    const caseId = await newCase();
    const body = { to: 'node-md', kind: 'referral', purpose: 'services', fields: ['prs_Gender'] };
    const none = await sender('POST', `/cases/${caseId}/cross-border-referrals`, body);
    expect([none.statusCode, none.json().error.id]).toEqual([403, 'consent_required']);
    await consent(caseId, { countries: ['RO'] });
    const elsewhere = await sender('POST', `/cases/${caseId}/cross-border-referrals`, body);
    expect([elsewhere.statusCode, elsewhere.json().error.id]).toEqual([403, 'consent_required']);
    const bad = await sender('POST', `/cases/${caseId}/cross-border-referrals`, { ...body, fields: ['per_Role'] });
    expect([bad.statusCode, bad.json().error.id]).toEqual([400, 'fields_invalid']);
  });

  it('refuses a peer that published no encryption key', async () => {
    const caseId = await newCase();
    await consent(caseId, { countries: ['MD'] });
    const db = it_.services.db;
    const [saved] = await db.query<{ encryption_key: object }>(
      "select encryption_key from peers where node_id = 'node-md'",
    );
    await db.query("update peers set encryption_key = null where node_id = 'node-md'");
    try {
      const res = await sender('POST', `/cases/${caseId}/cross-border-referrals`, {
        to: 'node-md',
        kind: 'referral',
        purpose: 'services',
        fields: ['prs_Gender'],
      });
      expect([res.statusCode, res.json().error.id]).toEqual([409, 'peer_encryption_key_missing']);
    } finally {
      await db.query("update peers set encryption_key = $1 where node_id = 'node-md'", [
        JSON.stringify(saved?.encryption_key),
      ]);
    }
  });

  it('transfers a case: on acceptance the sender records that ownership moved, and cannot revoke it', async () => {
    const { caseId, id } = await accepted('transfer');
    expect(await timelineTypes(caseId)).toContain('referral_cross_border_transferred');
    const revoke = await sender('POST', `/cross-border-referrals/${id}/revoke`, { reason: 'Changed our mind.' });
    expect([revoke.statusCode, revoke.json().error.id]).toEqual([409, 'referral_closed']);
  });

  it('declines an offer with a reason, and drops what it carried unread', async () => {
    const { id } = await offered();
    const res = await receiver('POST', `/cross-border-referrals/${id}/decline`, { reason: 'No shelter places.' });
    expect(res.json()).toMatchObject({ status: 'declined', statusReason: 'No shelter places.' });
    await exchange();
    expect((await sender('GET', `/cross-border-referrals/${id}`)).json()).toMatchObject({
      status: 'declined',
      statusReason: 'No shelter places.',
    });
    const offer = (await storedJws(md, id)).find((m) => m.type === 'passage.referral.offer');
    expect(bodyOf(offer?.jws).sealed).toMatch(/^redacted:sha256:[0-9a-f]{64}$/);
  });

  it('revokes an offer: the receiver can no longer accept it', async () => {
    const { id } = await offered();
    const res = await sender('POST', `/cross-border-referrals/${id}/revoke`, { reason: 'Sent by mistake.' });
    expect(res.json().status).toBe('revoked');
    await exchange();
    expect((await receiver('GET', `/cross-border-referrals/${id}`)).json().status).toBe('revoked');
    const accept = await receiver('POST', `/cross-border-referrals/${id}/accept`, { agencyId: mdAgency });
    expect([accept.statusCode, accept.json().error.id]).toEqual([409, 'referral_not_offered']);
  });

  it('carries status notes both ways, encrypted in transit', async () => {
    const { id } = await accepted();
    expect(
      (await sender('POST', `/cross-border-referrals/${id}/updates`, { text: 'Court date 3 July.' })).statusCode,
    ).toBe(201);
    await exchange();
    expect(
      (await receiver('POST', `/cross-border-referrals/${id}/updates`, { text: 'Family moved.' })).statusCode,
    ).toBe(201);
    await exchange();
    for (const side of [sender, receiver]) {
      const notes = (await side('GET', `/cross-border-referrals/${id}/updates`)).json();
      expect(notes.map((n: { node: string; text: string }) => [n.node, n.text])).toEqual([
        ['node-it', 'Court date 3 July.'],
        ['node-md', 'Family moved.'],
      ]);
    }
    // Names, not ids: a person of this node by name, the other node by the name this node knows it by.
    const mdName = (await it_.services.peers.find('node-md'))?.name;
    const notes = (await sender('GET', `/cross-border-referrals/${id}/updates`)).json();
    expect(notes.map((n: { nodeName: string; authorName: string }) => [n.nodeName, n.authorName])).toEqual([
      [null, 'Test case_worker'],
      [mdName, expect.not.stringMatching(/^(user|node):/)],
    ]);
    for (const message of await storedJws(it_, id)) expect(message.jws).not.toContain('Court');
  });

  it('withdraws a referral when a newer consent no longer covers the country; refuses unknown consent fields', async () => {
    const { caseId, id } = await offered();
    const unknown = await sender('POST', `/cases/${caseId}/consents`, {
      purpose: 'sharing_cross_border',
      decision: 'granted',
      scope: { fields: ['prs_Nickname'] },
      method: 'written',
      language: 'ro',
    });
    expect(unknown.statusCode).toBe(400);
    await consent(caseId, { countries: ['RO'] });
    expect((await sender('GET', `/cross-border-referrals/${id}`)).json().status).toBe('withdrawn');
    await exchange();
    expect((await receiver('GET', `/cross-border-referrals/${id}`)).json().status).toBe('erased');
    expect((await sender('GET', `/cross-border-referrals/${id}`)).json().status).toBe('erased');
  });

  it('propagates a consent withdrawal: the receiver crypto-shreds and confirms with a signed message', async () => {
    const { caseId, consentId, id, linkedCaseId } = await accepted();
    await receiver('POST', `/cross-border-referrals/${id}/updates`, { text: 'She is safe.' });
    await exchange();
    const before = (await storedJws(md, id)).find((m) => m.type === 'passage.referral.offer');
    const withdraw = await sender('POST', `/cases/${caseId}/consents/${consentId}/withdraw`, {
      reason: 'The survivor asked.',
    });
    expect(withdraw.statusCode, withdraw.body).toBe(200);
    expect((await sender('GET', `/cross-border-referrals/${id}`)).json().status).toBe('withdrawn');
    await exchange();

    expect((await sender('GET', `/cross-border-referrals/${id}`)).json()).toMatchObject({ status: 'erased' });
    expect(await timelineTypes(caseId)).toContain('referral_cross_border_erased');
    const [confirmation] = await it_.services.db.query<{ status: string }>(
      "select status from federation_messages where direction = 'in' and conversation_id = $1 and type = 'passage.referral.erased'",
      [id],
    );
    expect(confirmation?.status).toBe('accepted');

    expect((await receiver('GET', `/cross-border-referrals/${id}`)).json().status).toBe('erased');
    const identity = await receiver('POST', `/cases/${linkedCaseId}/identity/read`, { purpose: 'case_management' });
    expect([identity.statusCode, identity.json().error.id]).toEqual([410, 'identity_erased']);
    const notes = (await receiver('GET', `/cross-border-referrals/${id}/updates`)).json();
    expect(notes.every((n: { text: string | null }) => n.text === null)).toBe(true);

    // The stored offer keeps only the hash of what was received, which the signed receipt names.
    const history = await storedJws(md, id);
    const body = bodyOf(history.find((m) => m.type === 'passage.referral.offer')?.jws);
    const receipt = JSON.parse(Buffer.from(before?.receipt?.split('.')[1] ?? '', 'base64url').toString());
    expect(body.sealed).toBe(`redacted:sha256:${receipt.messageSha256}`);
    const key = deriveEncryptionKey(md.services.keys.signingKey);
    await expect(openSealed(body.sealed, key, id)).rejects.toThrow();
    const dump = JSON.stringify(history.map((m) => [m.jws, bodyOf(m.jws)]));
    for (const secret of [...SECRETS, 'She is safe']) expect(dump).not.toContain(secret);
  });
});
