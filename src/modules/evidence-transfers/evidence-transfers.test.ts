import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCase, contextOf } from '../../../test/factories.ts';
import { createPeeredNodes, deliverQueued, soon, urlOf } from '../../../test/federation.ts';
import { buildUser, requestAs, signIn, type TestNode, type TestUser } from '../../../test/helpers.ts';
import { operatorContext } from '../../app/operations.ts';
import type { Role } from '../../shared/policy.ts';
import type { RequestContext } from '../audit/index.ts';
import { PERMISSION_REQUEST, TRANSFER_ACCEPTED } from './evidence-transfers.inbound.ts';
import * as repo from './evidence-transfers.repository.ts';

const ctx = operatorContext('test');
type Headers = Record<string, string>;
/** node-md provides the evidence, node-ro receives it, node-it is where node-ro would send it on. */
let md: TestNode;
let ro: TestNode;
let it_: TestNode;
let mdUser: TestUser;
let roUser: TestUser;
let mdHeaders: Headers;
let roHeaders: Headers;
let mdCase: string;
let roCase: string;
/** The evidence module's routes are called over HTTP: they close the connection after an unread upload. */
let roUrl: string;

const ctxOf = (user: TestUser, role: Role = 'investigator'): RequestContext => contextOf(user, role);

async function newCase(node: TestNode, user: TestUser): Promise<string> {
  return (await buildCase(node.services, ctxOf(user))).id;
}

async function addItem(handlingCode: string, content: Buffer = randomBytes(2000), title = `Item ${handlingCode}`) {
  const fields = { title, handlingCode, fileName: `${title}.bin`, mediaType: 'application/octet-stream' };
  return md.services.evidence.add(ctxOf(mdUser), mdCase, fields, Readable.from([content]));
}

beforeAll(async () => {
  [md, ro, it_] = await createPeeredNodes(['node-md', 'MD'], ['node-ro', 'RO'], ['node-it', 'IT']);
  roUrl = urlOf(ro);
  mdUser = await buildUser(md.services, 'investigator');
  roUser = await buildUser(ro.services, 'investigator');
  mdHeaders = (await signIn(md.app, mdUser)).headers;
  roHeaders = (await signIn(ro.app, roUser)).headers;
  mdCase = await newCase(md, mdUser);
  roCase = await newCase(ro, roUser);
});

afterAll(async () => {
  await md?.close();
  await ro?.close();
  await it_?.close();
});

const call = requestAs;

/** Delivers what every node has queued, twice over, so that answers to answers arrive too. */
const exchange = () => deliverQueued([md, ro, it_], 2);

async function send(itemIds: string[], to = 'node-ro') {
  const sent = await call(md, mdHeaders, 'POST', '/api/evidence/transfers', { to, itemIds, ref: 'RO-2026-17' });
  expect(sent.statusCode, sent.body).toBe(201);
  await exchange();
  return sent.json().transferId as string;
}

const accept = (transferId: string, caseId = roCase) =>
  call(ro, roHeaders, 'POST', `/api/evidence/transfers/${transferId}/accept`, { caseId });

const custodyOf = async (node: TestNode, itemId: string) =>
  (await node.services.db.query<{ event: string; reason: string }>(
    'select event, reason from evidence_events where item_id = $1 order by log_index',
    [itemId],
  )) as { event: string; reason: string }[];

describe('evidence transfers between nodes', () => {
  it("keeps the provider's grading on receipt, as it keeps the handling code", async () => {
    const fields = {
      title: 'Ledger',
      handlingCode: 'H1',
      sourceReliability: 'B',
      informationAccuracy: '2',
      fileName: 'ledger.bin',
      mediaType: 'application/octet-stream',
    };
    const item = await md.services.evidence.add(ctxOf(mdUser), mdCase, fields, Readable.from([randomBytes(500)]));
    const transferId = await send([item.id]);
    const detail = (
      await call(ro, roHeaders, 'GET', `/api/evidence/transfers/${transferId}?purpose=investigation`)
    ).json();
    expect(detail.items[0]).toMatchObject({ handlingCode: 'H1', sourceReliability: 'B', informationAccuracy: 2 });
    const accepted = await accept(transferId);
    expect(accepted.statusCode, accepted.body).toBe(200);
    const received = await ro.services.evidence.get(ctxOf(roUser), accepted.json().items[0].acceptedAs);
    expect(received).toMatchObject({ handlingCode: 'H1', sourceReliability: 'B', informationAccuracy: 2 });
  });

  it('hands items over with their custody; the receiver verifies and accepts them, and the sender learns it', async () => {
    const content = Buffer.from('Bank statement of the recruiter, March 2026\n');
    const item = await addItem('H0', content, 'Statement');
    const transferId = await send([item.id]);
    expect((await custodyOf(md, item.id)).map((e) => e.event)).toEqual(['collected', 'transferred']);
    expect((await custodyOf(md, item.id))[1]?.reason).toBe(`handed over to node-ro, transfer ${transferId}`);

    const listed = (await call(ro, roHeaders, 'GET', '/api/evidence/transfers?direction=in&contextKind=case')).json();
    expect(listed.transfers).toContainEqual(
      expect.objectContaining({ id: transferId, peer: 'node-md', status: 'pending', itemCount: 1 }),
    );
    expect((await call(ro, roHeaders, 'GET', `/api/evidence/transfers/${transferId}`)).statusCode).toBe(400);
    const detail = (
      await call(ro, roHeaders, 'GET', `/api/evidence/transfers/${transferId}?purpose=investigation`)
    ).json();
    expect(detail.items).toEqual([
      expect.objectContaining({ id: item.id, title: 'Statement', sha256: item.sha256, custodyEvents: 1 }),
    ]);
    expect(detail.checkpoint).toContain('passage/node-md/custody');

    const accepted = await accept(transferId);
    expect(accepted.statusCode, accepted.body).toBe(200);
    const localId = accepted.json().items[0].acceptedAs as string;
    expect(accepted.json()).toMatchObject({ status: 'accepted', caseId: roCase });
    const received = await ro.services.evidence.get(ctxOf(roUser), localId);
    expect(received).toMatchObject({ caseId: roCase, sha256: item.sha256, handlingCode: 'H0', title: 'Statement' });
    expect(await custodyOf(ro, localId)).toEqual([
      { event: 'received', reason: `received from node-md, transfer ${transferId}` },
    ]);
    const download = await fetch(`${roUrl}/api/evidence/${localId}/content?purpose=investigation`, {
      headers: roHeaders,
    });
    expect(Buffer.from(await download.arrayBuffer()).equals(content)).toBe(true);
    expect((await accept(transferId)).json().error.id).toBe('transfer_decided');

    await exchange();
    const [out] = (await call(md, mdHeaders, 'GET', '/api/evidence/transfers?direction=out')).json().transfers;
    expect(out).toMatchObject({ id: transferId, status: 'accepted' });
    expect((await custodyOf(md, item.id)).at(-1)).toEqual({
      event: 'transferred',
      reason: `received by node-ro, transfer ${transferId}`,
    });
  });

  it('names the other node and the case the transfer belongs to, the case only to whoever may read it', async () => {
    const item = await addItem('H0', randomBytes(300), 'Photo');
    const transferId = await send([item.id]);
    const mdRef = (await md.services.cases.get(ctxOf(mdUser), mdCase)).reference;
    const roRef = (await ro.services.cases.get(ctxOf(roUser), roCase)).reference;
    const [roName, mdName] = [
      (await md.services.peers.find('node-ro'))?.name,
      (await ro.services.peers.find('node-md'))?.name,
    ];
    expect([roName, mdName]).toEqual([expect.any(String), expect.any(String)]);
    const listed = async (node: TestNode, headers: Headers) =>
      (await call(node, headers, 'GET', '/api/evidence/transfers'))
        .json()
        .transfers.find((t: { id: string }) => t.id === transferId);
    // Sending side: the case the items came from.
    expect(await listed(md, mdHeaders)).toMatchObject({ peer: 'node-ro', peerName: roName, caseReference: mdRef });
    // Receiving side: no case until it is accepted, then the case it went into.
    expect(await listed(ro, roHeaders)).toMatchObject({ peer: 'node-md', peerName: mdName, caseReference: null });
    const accepted = await accept(transferId);
    expect(accepted.json()).toMatchObject({ peerName: mdName, caseReference: roRef });
    expect(await listed(ro, roHeaders)).toMatchObject({ caseReference: roRef });
    // An investigator of another agency here sees the transfer, not the reference of a case she may not read.
    const stranger = await buildUser(ro.services, 'investigator');
    const strangerHeaders = (await signIn(ro.app, stranger)).headers;
    expect(await listed(ro, strangerHeaders)).toMatchObject({ peerName: mdName, caseReference: null });
    const refusals = await ro.services.db.query<{ n: number }>(
      "select count(*)::int as n from audit_log where actor = $1 and outcome = 'denied'",
      [`user:${stranger.id}`],
    );
    expect(refusals[0]?.n).toBe(0);
  });

  it('refuses a tampered bundle — content, inclusion proof, checkpoint signature — and keeps it pending', async () => {
    const item = await addItem('H0');
    const transferId = await send([item.id]);
    const db = ro.services.db;
    const original = (await repo.findTransfer(db, transferId)) as repo.TransferRecord;
    const [content] = await repo.contentsOf(db, transferId);
    const problemsOf = async () => {
      const answer = await accept(transferId);
      expect(answer.statusCode).toBe(422);
      expect(answer.json().error.id).toBe('transfer_unverified');
      return (answer.json().error.details.problems as { check: string }[]).map((p) => p.check);
    };
    const setItems = (items: unknown) =>
      db.query('update evidence_transfers set items = $2 where id = $1', [transferId, JSON.stringify(items)]);
    const setCheckpoint = (note: string) =>
      db.query('update evidence_transfers set checkpoint = $2 where id = $1', [transferId, note]);

    const altered = Buffer.from(content as Uint8Array);
    altered[0] = (altered[0] as number) ^ 1;
    await db.query('update evidence_transfer_contents set content = $2 where transfer_id = $1', [transferId, altered]);
    expect(await problemsOf()).toEqual(['content']);
    await db.query('update evidence_transfer_contents set content = $2 where transfer_id = $1', [
      transferId,
      Buffer.from(content as Uint8Array),
    ]);

    const event = original.items[0]?.custody[0] as { proof: string[] };
    const forged = Buffer.alloc(32, 7).toString('base64');
    await setItems([{ ...original.items[0], custody: [{ ...event, proof: [forged, ...event.proof.slice(1)] }] }]);
    expect(await problemsOf()).toEqual(['inclusion_proof']);
    await setItems([{ ...original.items[0], sha256: 'a'.repeat(64) }]);
    expect(await problemsOf()).toEqual(expect.arrayContaining(['content', 'custody_entry']));
    await setItems(original.items);

    const lines = original.checkpoint.split('\n');
    const signatureLine = lines.at(-2) as string;
    const [prefix, signature] = [
      signatureLine.slice(0, signatureLine.lastIndexOf(' ') + 1),
      signatureLine.split(' ').at(-1),
    ];
    const bytes = Buffer.from(signature as string, 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
    await setCheckpoint([...lines.slice(0, -2), `${prefix}${bytes.toString('base64')}`, ''].join('\n'));
    expect(await problemsOf()).toEqual(['checkpoint', 'inclusion_proof']);
    // A checkpoint signed by another key (node-it's log, under node-md's name) does not pass either.
    const other = (await it_.services.custody.checkpoint()).note.replaceAll('node-it', 'node-md');
    await setCheckpoint(other);
    expect((await problemsOf())[0]).toBe('checkpoint');
    await setCheckpoint(original.checkpoint);

    expect((await repo.findTransfer(db, transferId))?.status).toBe('pending');
    const failures = await db.query(
      "select 1 from audit_log where action = 'evidence.transfer_verify' and outcome = 'failure' and resource = $1",
      [`transfer:${transferId}`],
    );
    expect(failures).toHaveLength(5);
    expect((await accept(transferId)).statusCode).toBe(200);
  });

  it('declines a transfer: the content is dropped and the sender learns why', async () => {
    const item = await addItem('H0');
    const transferId = await send([item.id]);
    const declined = await call(ro, roHeaders, 'POST', `/api/evidence/transfers/${transferId}/decline`, {
      reason: 'Not related to our case',
    });
    expect(declined.statusCode, declined.body).toBe(200);
    expect(await repo.contentsOf(ro.services.db, transferId)).toEqual([]);
    await exchange();
    const out = await repo.findTransfer(md.services.db, transferId);
    // The reason is held sealed (docs/data-at-rest.md) and shown opened to those who may read the transfer.
    expect(out).toMatchObject({ status: 'declined', declineReason: null, declineReasonSealed: expect.any(String) });
    const shown = (await md.services.transfers.list(ctxOf(mdUser), { direction: 'out' })).find(
      (t) => t.id === transferId,
    );
    expect(shown).toMatchObject({ status: 'declined', declineReason: 'Not related to our case' });
    expect((await custodyOf(md, item.id)).at(-1)?.reason).toBe(`declined by node-ro, transfer ${transferId}`);
  });

  it('refuses what would not fit in one message, and leaves nothing behind', async () => {
    const big = await addItem('H0', randomBytes(700 * 1024));
    const sent = await call(md, mdHeaders, 'POST', '/api/evidence/transfers', {
      to: 'node-ro',
      itemIds: [big.id],
      ref: 'x',
    });
    expect([sent.statusCode, sent.json().error.id]).toEqual([413, 'transfer_too_large']);
    expect((await custodyOf(md, big.id)).map((e) => e.event)).toEqual(['collected']);
  });

  it('writes the caller’s change in the transfer’s transaction: when it fails, nothing was sent', async () => {
    const item = await addItem('H0');
    const before = (await md.services.messages.history(ctx, { peer: 'node-ro' })).length;
    await expect(
      md.services.transfers.send(
        ctxOf(mdUser),
        { to: 'node-ro', itemIds: [item.id], context: { kind: 'mla', ref: '01JAAAAAAAAAAAAAAAAAAAAAAA' } },
        async () => {
          throw new Error('the MLA step failed');
        },
      ),
    ).rejects.toThrow('the MLA step failed');
    expect((await md.services.messages.history(ctx, { peer: 'node-ro' })).length).toBe(before);
    expect((await custodyOf(md, item.id)).map((e) => e.event)).toEqual(['collected']);
    expect(await repo.listTransfers(md.services.db, { contextKind: 'mla' })).toEqual([]);
  });

  it('refuses a stranger to transfers, and an item the caller may not download', async () => {
    const caseWorker = (await signIn(ro.app, await buildUser(ro.services, 'case_worker'))).headers;
    expect((await call(ro, caseWorker, 'GET', '/api/evidence/transfers')).statusCode).toBe(403);
    const item = await addItem('H0');
    const outsider = (await signIn(md.app, await buildUser(md.services, 'investigator'))).headers;
    const sent = await call(md, outsider, 'POST', '/api/evidence/transfers', {
      to: 'node-ro',
      itemIds: [item.id],
      ref: 'x',
    });
    expect(sent.statusCode).toBe(403);
  });

  it('refuses answers and requests about transfers the sender is not part of', async () => {
    const forge = async (from: TestNode, to: string, type: string, body: Record<string, unknown>) => {
      const message = await from.services.db.transaction((tx) => from.services.messages.enqueue(tx, to, type, body));
      await from.services.messages.deliverDue(soon());
      return (await from.services.messages.history(ctx, { peer: to })).find((m) => m.id === message.id)?.reason;
    };
    expect(await forge(it_, 'node-md', TRANSFER_ACCEPTED, { transferId: '01JAAAAAAAAAAAAAAAAAAAAAAA' })).toBe(
      'message_refused',
    );
    const item = await addItem('H1');
    const request = { requestId: '01JBBBBBBBBBBBBBBBBBBBBBBB', purpose: 'court', reason: 'trial' };
    // The item was never sent to node-it.
    expect(
      await forge(it_, 'node-md', PERMISSION_REQUEST, { ...request, itemRef: { node: 'node-md', id: item.id } }),
    ).toBe('message_refused');
  });
});

describe('handling codes that travel', () => {
  let h1: string;
  let h2: string;
  const exportCase = async () => {
    const response = await fetch(`${roUrl}/api/cases/${roCase}/evidence/package`, { headers: roHeaders });
    const body = Buffer.from(await response.arrayBuffer());
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body,
      json: () => JSON.parse(`${body}`),
    };
  };
  const forward = (itemId: string) =>
    call(ro, roHeaders, 'POST', '/api/evidence/transfers', { to: 'node-it', itemIds: [itemId], ref: 'IT-1' });
  const ask = (itemId: string, purpose: string) =>
    call(ro, roHeaders, 'POST', `/api/evidence/${itemId}/permission-requests`, { purpose, reason: 'For the trial' });
  async function decide(granted: boolean) {
    const incoming = (
      await call(md, mdHeaders, 'GET', '/api/evidence/permission-requests?direction=in&status=pending')
    ).json().requests;
    expect(incoming).toHaveLength(1);
    const decided = await call(md, mdHeaders, 'POST', `/api/evidence/permission-requests/${incoming[0].id}/decide`, {
      granted,
      reason: granted ? 'Granted for the trial' : 'The source would be exposed',
    });
    expect(decided.statusCode, decided.body).toBe(200);
    await exchange();
  }

  beforeAll(async () => {
    roCase = await newCase(ro, roUser);
    const [a, b] = [await addItem('H1'), await addItem('H2')];
    const transferId = await send([a.id, b.id]);
    const accepted = (await accept(transferId)).json();
    [h1, h2] = accepted.items.map((i: { acceptedAs: string }) => i.acceptedAs);
  });

  it('does not send on an H2 item, nor a working copy of it; an H1 item may go on', async () => {
    expect((await forward(h2 as string)).json().error.id).toBe('handling_no_forwarding');
    const copy = await ro.services.evidence.derive(
      ctxOf(roUser),
      h2 as string,
      { transformation: 'redaction', handlingCode: 'H0', fileName: 'redacted.bin' },
      Readable.from([Buffer.from('redacted')]),
    );
    expect((await forward(copy.id)).json().error.id).toBe('handling_no_forwarding');
    expect((await forward(h1 as string)).statusCode).toBe(201);
  });

  it('keeps H1 and H2 items out of an evidence package until the provider grants permission', async () => {
    expect((await exportCase()).json().error.id).toBe('handling_no_forwarding');
    expect((await ask(h1 as string, 'forwarding')).json().error.id).toBe('permission_not_needed');

    expect((await ask(h2 as string, 'court')).statusCode).toBe(201);
    await exchange();
    await decide(true);
    expect((await exportCase()).json().error.id).toBe('handling_permission_required');

    expect((await ask(h1 as string, 'court')).statusCode).toBe(201);
    await exchange();
    await decide(false);
    const out = (await call(ro, roHeaders, 'GET', '/api/evidence/permission-requests?direction=out')).json().requests;
    expect(out.map((r: { status: string }) => r.status)).toEqual(['refused', 'granted']);
    expect(out.map((r: { reason: string; decisionReason: string }) => [r.reason, r.decisionReason])).toEqual([
      ['For the trial', 'The source would be exposed'],
      ['For the trial', 'Granted for the trial'],
    ]);
    expect((await exportCase()).json().error.id).toBe('handling_permission_required');

    expect((await ask(h1 as string, 'court')).statusCode).toBe(201);
    await exchange();
    await decide(true);
    const exported = await exportCase();
    expect([exported.status, exported.type]).toEqual([200, 'application/zip']);
  });

  it('asks permission only about items received from another node', async () => {
    const own = (await ro.services.evidence.list(ctxOf(roUser), roCase)).find((i) => !i.source?.startsWith('node-'));
    const local =
      own ??
      (await ro.services.evidence.add(
        ctxOf(roUser),
        roCase,
        {
          title: 'Own',
          handlingCode: 'H1',
          fileName: 'own.txt',
          mediaType: 'text/plain',
        },
        Readable.from([Buffer.from('own')]),
      ));
    expect((await ask(local.id, 'court')).json().error.id).toBe('evidence_not_received');
  });
});
