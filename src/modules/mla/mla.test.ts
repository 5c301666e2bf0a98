import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadEvidence } from '../../../test/factories.ts';
import { deliverQueued, soon, urlOf } from '../../../test/federation.ts';
import { buildUser, requestAs, signIn, type TestNode } from '../../../test/helpers.ts';
import { type ItalyAndMoldova, italyAndMoldova } from '../../../test/setups.ts';
import { operatorContext, runOperation } from '../../app/operations.ts';
import { DAY_MS } from '../../shared/mla-clocks.ts';
import { MLA_UPDATE } from './mla.inbound.ts';

const ctx = operatorContext('test');
let it_: TestNode;
let md: TestNode;
let itHeaders: Record<string, string>;
let mdHeaders: Record<string, string>;

let nodes: ItalyAndMoldova | undefined;

beforeAll(async () => {
  nodes = await italyAndMoldova({ it: 'prosecutor', md: 'investigator' });
  ({ it_, md, itHeaders, mdHeaders } = nodes);
});

afterAll(() => nodes?.close());

const DRAFT = {
  executingNode: 'node-md',
  issuingAuthority: { name: 'Procura della Repubblica di Latina', country: 'IT' },
  executingAuthority: { name: 'Procuratura Generală', country: 'MD' },
  measures: [{ type: 'bank_records', description: 'Statements of the recruiting agency, 2024-2026' }],
  persons: [{ name: 'Ion Rusu', role: 'suspect' }],
  offence: { legalClassification: 'art. 601 c.p.', summary: 'Recruitment of farm workers by deception.' },
};

const call = requestAs;
const issuer = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  call(it_, itHeaders, method, url, payload);
const executor = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  call(md, mdHeaders, method, url, payload);

/** Delivers what each node has queued, so that the other applies it. */
const exchange = () => deliverQueued([it_, md]);

async function sentRequest(over: object = {}): Promise<string> {
  const created = await issuer('POST', '/api/mla', { ...DRAFT, ...over });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  expect((await issuer('POST', `/api/mla/${id}/send`)).statusCode).toBe(200);
  await exchange();
  return id;
}

describe('MLA requests between two nodes', () => {
  it('names the case it serves by its reference, in the list and on its page', async () => {
    const session = (await issuer('GET', '/api/session')).json() as { user: { roles: { agencyId: string }[] } };
    const agency = session.user.roles[0]?.agencyId as string;
    const worker = (await signIn(it_.app, await buildUser(it_.services, 'case_worker', { agency }))).headers;
    const opened = await call(it_, worker, 'POST', '/api/cases', {
      reportedAt: '2026-06-10',
      survivor: { prs_FirstName: 'Ana' },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const created = await issuer('POST', '/api/mla', { ...DRAFT, caseId: opened.json().id });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().caseReference).toBe(opened.json().reference);
    const listed = (await issuer('GET', '/api/mla?side=issuing&state=draft')).json();
    const row = listed.requests.find((r: { id: string }) => r.id === created.json().id);
    expect(row.caseReference).toBe(opened.json().reference);
    expect((await issuer('POST', '/api/mla', DRAFT)).json().caseReference).toBeNull();
  });

  it('keeps the persons concerned encrypted and shows them only with a purpose, audited', async () => {
    const created = await issuer('POST', '/api/mla', DRAFT);
    expect(created.statusCode, created.body).toBe(201);
    const draft = created.json();
    expect(draft).toMatchObject({ side: 'issuing', state: 'draft', peer: 'node-md', persons: null, clocks: [] });
    const [row] = await it_.services.db.query<Record<string, string>>('select * from mla_requests where id = $1', [
      draft.id,
    ]);
    expect(JSON.stringify(row)).not.toContain('Rusu');
    expect(JSON.stringify(row)).not.toContain('deception');

    // Read without a purpose (no persons), then with one: each read leaves its record (issue 14, item 4).
    expect((await issuer('GET', `/api/mla/${draft.id}`)).json()).toMatchObject({ persons: null });
    const read = await issuer('GET', `/api/mla/${draft.id}?purpose=investigation`);
    expect(read.json()).toMatchObject({ persons: DRAFT.persons, factsSummary: DRAFT.offence.summary });
    const audit = await it_.services.db.query<{ action: string; purpose: string }>(
      'select action, purpose from audit_log where resource = $1 order by seq',
      [`mla:${draft.id}`],
    );
    expect(audit).toEqual([
      { action: 'mla.create', purpose: null },
      { action: 'mla.read', purpose: null },
      { action: 'mla.read_persons', purpose: 'investigation' },
    ]);

    const patched = await issuer('PATCH', `/api/mla/${draft.id}`, { urgent: true, persons: [] });
    expect(patched.json()).toMatchObject({ urgent: true });
    expect((await issuer('GET', `/api/mla/${draft.id}?purpose=prosecution`)).json().persons).toEqual([]);
  });

  it('sends the handling code and grading the issuer set, and the executing node keeps them', async () => {
    const id = await sentRequest({ handlingCode: 'H2', sourceReliability: 'A', informationAccuracy: 1 });
    const graded = { handlingCode: 'H2', sourceReliability: 'A', informationAccuracy: 1 };
    expect((await issuer('GET', `/api/mla/${id}`)).json()).toMatchObject(graded);
    expect((await executor('GET', `/api/mla/${id}`)).json()).toMatchObject(graded);
    const plain = await sentRequest();
    const ungraded = { handlingCode: 'H0', sourceReliability: null, informationAccuracy: null };
    expect((await executor('GET', `/api/mla/${plain}`)).json()).toMatchObject(ungraded);
  });

  it('refuses a request to a node that is not a peer, and users without an MLA role', async () => {
    const unknown = await issuer('POST', '/api/mla', { ...DRAFT, executingNode: 'node-ro' });
    expect(unknown.json().error.id).toBe('peer_unknown');
    const worker = (await signIn(it_.app, await buildUser(it_.services, 'case_worker'))).headers;
    expect((await call(it_, worker, 'POST', '/api/mla', DRAFT)).statusCode).toBe(403);
  });

  it('runs draft → sent → acknowledged → recognised → executing → executed → closed on both nodes', async () => {
    const id = await sentRequest();
    expect((await issuer('PATCH', `/api/mla/${id}`, { urgent: true })).json().error.id).toBe('mla_wrong_state');

    const received = (await executor('GET', `/api/mla/${id}?purpose=investigation`)).json();
    expect(received).toMatchObject({ side: 'executing', state: 'sent', peer: 'node-it', persons: DRAFT.persons });
    expect(received.receivedAt).not.toBeNull();
    expect(received.clocks.map((c: { name: string }) => c.name)).toEqual(['acknowledgement', 'decision']);

    // Out of order, or on the wrong side: refused, nothing changes.
    expect((await executor('POST', `/api/mla/${id}/recognise`)).json().error.id).toBe('mla_wrong_state');
    expect((await issuer('POST', `/api/mla/${id}/acknowledge`)).statusCode).toBe(409);

    expect((await executor('POST', `/api/mla/${id}/acknowledge`)).json().state).toBe('acknowledged');
    await exchange();
    const acknowledged = (await issuer('GET', `/api/mla/${id}`)).json();
    expect(acknowledged).toMatchObject({ state: 'acknowledged', receivedAt: received.receivedAt });
    expect(acknowledged.clocks[0]).toMatchObject({ name: 'acknowledgement', state: 'met' });

    const extension = { days: 20, reason: 'The bank answers slowly in August.' };
    expect((await executor('POST', `/api/mla/${id}/extend`, { ...extension, days: 31 })).statusCode).toBe(400);
    expect((await executor('POST', `/api/mla/${id}/extend`, { days: 5 })).statusCode).toBe(400);
    expect((await executor('POST', `/api/mla/${id}/extend`, extension)).json().extension).toMatchObject(extension);
    const again = await executor('POST', `/api/mla/${id}/extend`, { days: 5, reason: 'Once more.' });
    expect([again.statusCode, again.json().error.id]).toEqual([409, 'mla_already_extended']);

    for (const step of ['recognise', 'start-execution']) {
      expect((await executor('POST', `/api/mla/${id}/${step}`)).statusCode).toBe(200);
    }
    const executing = (await executor('GET', `/api/mla/${id}`)).json();
    const due = executing.clocks.find((c: { name: string }) => c.name === 'execution').due as string;
    const earlier = { until: new Date(Date.parse(due) - DAY_MS).toISOString().slice(0, 10), reason: 'Witness abroad.' };
    expect((await executor('POST', `/api/mla/${id}/postpone`, earlier)).statusCode).toBe(400);
    const later = {
      until: new Date(Date.parse(due) + 30 * DAY_MS).toISOString().slice(0, 10),
      reason: 'Witness abroad.',
    };
    expect((await executor('POST', `/api/mla/${id}/postpone`, later)).json().postponement).toMatchObject(later);
    expect((await executor('POST', `/api/mla/${id}/executed`)).json().state).toBe('executed');
    await exchange();

    const issuing = (await issuer('GET', `/api/mla/${id}`)).json();
    expect(issuing).toMatchObject({
      state: 'executed',
      decision: 'recognised',
      extension: { days: 20, reason: extension.reason },
      postponement: later,
    });
    const executed = (await executor('GET', `/api/mla/${id}`)).json();
    expect(issuing.clocks).toEqual(executed.clocks);
    expect(issuing.clocks.map((c: { state: string }) => c.state)).toEqual(['met', 'met', 'met']);
    expect(issuing.history.map((h: { action: string }) => h.action)).toEqual([
      'create',
      'send',
      'acknowledge',
      'extend',
      'recognise',
      'start_execution',
      'postpone',
      'executed',
    ]);
    expect(issuing.history[2].actor).toBe('node:node-md');
    // Named, not by id: the prosecutor by her name and agency, the other node by its name.
    expect(issuing.history[0]).toMatchObject({ actorName: 'Test prosecutor', actorAgency: expect.any(String) });
    expect(issuing.history[2]).toMatchObject({ actorName: 'Passage node-md', actorAgency: null });

    expect((await executor('POST', `/api/mla/${id}/close`)).statusCode).toBe(409);
    expect((await issuer('POST', `/api/mla/${id}/close`)).json().state).toBe('closed');
    await exchange();
    expect((await executor('GET', `/api/mla/${id}`)).json()).toMatchObject({ state: 'closed' });

    const listed = (await executor('GET', '/api/mla?side=executing&state=closed')).json();
    expect(listed.requests.map((r: { id: string }) => r.id)).toContain(id);
    expect(listed.requests.every((r: { persons: unknown }) => r.persons === null)).toBe(true);
  });

  it('refuses an update that does not fit the state machine, or for a request it does not hold', async () => {
    const id = await sentRequest();
    const forged = async (body: Record<string, unknown>) => {
      const message = await md.services.db.transaction((tx) =>
        md.services.messages.enqueue(tx, 'node-it', MLA_UPDATE, body, { conversationId: id }),
      );
      await md.services.messages.deliverDue(soon());
      const history = await md.services.messages.history(ctx, { peer: 'node-it' });
      return history.find((m) => m.id === message.id);
    };
    const at = new Date().toISOString();
    expect(await forged({ requestId: id, action: 'executed', state: 'executed', at })).toMatchObject({
      status: 'rejected',
      reason: 'message_refused',
    });
    // The right step, but claiming the wrong resulting state.
    expect(await forged({ requestId: id, action: 'acknowledge', state: 'recognised', at })).toMatchObject({
      status: 'rejected',
    });
    expect(await forged({ requestId: ulid(), action: 'acknowledge', state: 'acknowledged', at })).toMatchObject({
      status: 'rejected',
    });
    expect((await issuer('GET', `/api/mla/${id}`)).json()).toMatchObject({ state: 'sent', acknowledgedAt: null });
    // A refused request can be closed by the issuer.
    await executor('POST', `/api/mla/${id}/acknowledge`);
    expect((await executor('POST', `/api/mla/${id}/refuse`, {})).statusCode).toBe(400);
    expect((await executor('POST', `/api/mla/${id}/refuse`, { reason: 'Ne bis in idem.' })).json()).toMatchObject({
      state: 'refused',
      clocks: [{ state: 'met' }, { state: 'met' }],
    });
    await exchange();
    expect((await issuer('POST', `/api/mla/${id}/close`)).json().state).toBe('closed');
  });

  it('raises approaching and breached clocks as alerts on both nodes', async () => {
    const id = await sentRequest();
    const sentAt = Date.parse((await issuer('GET', `/api/mla/${id}`)).json().sentAt);
    const alertsAt = async (node: TestNode, days: number) =>
      (await node.services.mla.alerts(ctx, new Date(sentAt + days * DAY_MS))).filter((a) => a.requestId === id);

    for (const node of [it_, md]) {
      expect(await alertsAt(node, 4)).toEqual([]);
      expect((await alertsAt(node, 6)).map((a) => [a.clock.name, a.clock.state])).toEqual([
        ['acknowledgement', 'approaching'],
      ]);
      expect((await alertsAt(node, 8)).map((a) => [a.clock.name, a.clock.state])).toEqual([
        ['acknowledgement', 'breached'],
      ]);
      expect((await alertsAt(node, 29)).map((a) => [a.clock.name, a.clock.state])).toEqual([
        ['acknowledgement', 'breached'],
        ['decision', 'approaching'],
      ]);
    }
    expect((await alertsAt(md, 8))[0]).toMatchObject({ side: 'executing', peer: 'node-it', state: 'sent' });
    expect((await issuer('GET', '/api/mla/alerts')).statusCode).toBe(200);
  });

  it('shortens the clocks of an urgent request, and the execution to a requested deadline', async () => {
    const deadline = new Date(Date.now() + 20 * DAY_MS).toISOString().slice(0, 10);
    const id = await sentRequest({ urgent: true, requestedDeadline: deadline });
    for (const step of ['acknowledge', 'recognise']) await executor('POST', `/api/mla/${id}/${step}`);
    await exchange();
    for (const node of [it_, md]) {
      const request = await node.services.mla.get(ctx, id);
      const due = Object.fromEntries(request.clocks.map((c) => [c.name, Date.parse(c.due)]));
      const received = Date.parse(request.receivedAt as string);
      expect(due.acknowledgement).toBe(received + DAY_MS);
      expect(due.decision).toBe(received + 10 * DAY_MS);
      expect(new Date(due.execution as number).toISOString()).toBe(`${deadline}T23:59:59.999Z`);
    }
  });

  it('returns the evidence as a transfer, in the transaction of the transfer, and the issuer closes the request', async () => {
    const id = await sentRequest();
    for (const step of ['acknowledge', 'recognise', 'start-execution', 'executed']) {
      await executor('POST', `/api/mla/${id}/${step}`);
    }
    const item = await uploadEvidence(md, mdHeaders, 'Statement of account, 2024-2026');
    const transfersOf = async (node: TestNode, headers: Record<string, string>) =>
      (await call(node, headers, 'GET', `/api/evidence/transfers?contextKind=mla&contextRef=${id}`)).json().transfers;

    // The request changes state in the transfer's transaction: a transfer refused leaves it where it was.
    const unknown = await executor('POST', `/api/mla/${id}/return-evidence`, { itemIds: [item.id, ulid()] });
    expect([unknown.statusCode, unknown.json().error.id]).toEqual([404, 'not_found']);
    expect((await executor('GET', `/api/mla/${id}`)).json()).toMatchObject({
      state: 'executed',
      evidenceTransferId: null,
    });
    expect(await transfersOf(md, mdHeaders)).toEqual([]);

    const returned = await executor('POST', `/api/mla/${id}/return-evidence`, { itemIds: [item.id] });
    expect(returned.statusCode, returned.body).toBe(200);
    const transferId = returned.json().evidenceTransferId as string;
    expect(returned.json()).toMatchObject({ state: 'evidence_returned', evidenceTransferId: expect.any(String) });
    const context = { kind: 'mla', ref: id };
    expect(await transfersOf(md, mdHeaders)).toEqual([
      expect.objectContaining({ id: transferId, direction: 'out', peer: 'node-it', context, itemCount: 1 }),
    ]);
    const again = await executor('POST', `/api/mla/${id}/return-evidence`, { itemIds: [item.id] });
    expect([again.statusCode, again.json().error.id]).toEqual([409, 'mla_wrong_state']);
    await exchange();
    expect((await issuer('GET', `/api/mla/${id}`)).json()).toMatchObject({
      state: 'evidence_returned',
      evidenceTransferId: transferId,
    });

    // On the issuing node an investigator verifies the transfer and takes the evidence into a case.
    const itInvestigator = (await signIn(it_.app, await buildUser(it_.services, 'investigator'))).headers;
    expect(await transfersOf(it_, itInvestigator)).toEqual([
      expect.objectContaining({ id: transferId, direction: 'in', peer: 'node-md', context, status: 'pending' }),
    ]);
    const opened = await call(it_, itInvestigator, 'POST', '/api/cases', {
      survivor: { prs_Gender: 'Masculine' },
      confirmEmpty: true,
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const caseId = opened.json().id as string;
    const accepted = await call(it_, itInvestigator, 'POST', `/api/evidence/transfers/${transferId}/accept`, {
      caseId,
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'accepted', caseId });
    const kept = await (await fetch(`${urlOf(it_)}/api/cases/${caseId}/evidence`, { headers: itInvestigator })).json();
    expect(kept.items).toEqual([expect.objectContaining({ sha256: item.sha256, title: item.title })]);
    expect((await issuer('POST', `/api/mla/${id}/close`)).json().state).toBe('closed');

    const listed = (await runOperation(it_.services, 'mla.list', { side: 'issuing', state: 'closed' }, ctx)) as {
      requests: { id: string }[];
    };
    expect(listed.requests.map((r) => r.id)).toContain(id);
  });
});
