import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadEvidence } from '../../../test/factories.ts';
import { createPeeredNodes, deliverQueued, soon } from '../../../test/federation.ts';
import { buildUser, requestAs, signIn, type TestNode } from '../../../test/helpers.ts';
import { operatorContext } from '../../app/operations.ts';
import { JIT_ENTRY } from './jit.inbound.ts';

const ctx = operatorContext('test');
/** node-md and node-ro are the parties; node-it is a peer of both but never a party. */
let md: TestNode;
let ro: TestNode;
let it_: TestNode;
type Headers = Record<string, string>;
let mdInvestigator: Headers;
let roCoordinator: Headers;
let roInvestigator: Headers;
let roProsecutor: Headers;
let roOutsider: Headers;
let roAgency: string;
let mdAgencyName: string;
let mdAgency: string;

const DAY_MS = 24 * 60 * 60 * 1000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);

beforeAll(async () => {
  [md, ro, it_] = await createPeeredNodes(['node-md', 'MD'], ['node-ro', 'RO'], ['node-it', 'IT']);
  const investigator = await buildUser(md.services, 'investigator');
  mdAgency = investigator.agencyId;
  mdAgencyName = (
    await md.services.db.query<{ name: string }>('select name from agencies where id = $1', [investigator.agencyId])
  )[0]?.name as string;
  mdInvestigator = (await signIn(md.app, investigator)).headers;
  roCoordinator = (await signIn(ro.app, await buildUser(ro.services, 'coordinator', { nodeWide: true }))).headers;
  const roUser = await buildUser(ro.services, 'investigator');
  roAgency = roUser.agencyId;
  roInvestigator = (await signIn(ro.app, roUser)).headers;
  roProsecutor = (await signIn(ro.app, await buildUser(ro.services, 'prosecutor', { agency: roAgency }))).headers;
  roOutsider = (await signIn(ro.app, await buildUser(ro.services, 'investigator'))).headers;
});

afterAll(async () => {
  await md?.close();
  await ro?.close();
  await it_?.close();
});

const call = requestAs;

/** Delivers what every node has queued, twice over, so that answers to answers arrive too. */
const exchange = () => deliverQueued([md, ro, it_], 2);

async function newJit(over: object = {}) {
  const created = await call(md, mdInvestigator, 'POST', '/api/jits', {
    name: 'Operation Vineyard',
    purpose: 'Recruitment of farm workers from Moldova to Romania by deception',
    parties: ['node-ro'],
    startsOn: day(0),
    endsOn: day(90),
    agencyIds: [mdAgency],
    ...over,
  });
  expect(created.statusCode, created.body).toBe(201);
  await exchange();
  return created.json() as { id: string; parties: string[]; members: { node: string; agency: string }[] };
}

/** Sends a message of the JIT type as `from` would, signed by it, and returns the receipt's status and reason. */
async function forge(from: TestNode, to: string, body: Record<string, unknown>) {
  const message = await from.services.db.transaction((tx) => from.services.messages.enqueue(tx, to, JIT_ENTRY, body));
  await from.services.messages.deliverDue(soon());
  const sent = (await from.services.messages.history(ctx, { peer: to })).find((m) => m.id === message.id);
  return { status: sent?.status, reason: sent?.reason };
}

const entryFrom = (node: string, jitId: string, over: object = {}) => ({
  jitId,
  entry: {
    id: ulid(),
    node,
    author: { name: 'Someone', agency: null },
    at: new Date().toISOString(),
    kind: 'message',
    data: { text: 'forged' },
    ...over,
  },
});

describe('joint investigation teams across three nodes', () => {
  let jitId: string;

  it('sends the agreement to the parties only; a party reads nothing until it names its agencies', async () => {
    const jit = await newJit();
    jitId = jit.id;
    expect(jit.parties).toEqual(['node-md', 'node-ro']);
    expect(jit.members).toEqual([expect.objectContaining({ node: 'node-md', agency: mdAgencyName })]);

    const listed = (await call(ro, roCoordinator, 'GET', '/api/jits')).json();
    expect(listed).toEqual([
      expect.objectContaining({ id: jitId, createdByNode: 'node-md', agencyIds: [], members: jit.members }),
    ]);
    expect((await call(ro, roInvestigator, 'GET', `/api/jits/${jitId}?purpose=investigation`)).statusCode).toBe(403);
    expect((await call(ro, roInvestigator, 'GET', '/api/jits')).json()).toEqual([]);
    // A coordinator sets the JIT up but does not read its shared space.
    expect((await call(ro, roCoordinator, 'GET', `/api/jits/${jitId}?purpose=investigation`)).statusCode).toBe(403);

    const named = await call(ro, roCoordinator, 'POST', `/api/jits/${jitId}/agencies`, { agencyId: roAgency });
    expect(named.statusCode, named.body).toBe(200);
    expect(named.json().agencyIds).toEqual([roAgency]);
    const again = await call(ro, roCoordinator, 'POST', `/api/jits/${jitId}/agencies`, { agencyId: roAgency });
    expect(again.json().error.id).toBe('jit_member_exists');
    await exchange();
    const seen = (await call(md, mdInvestigator, 'GET', `/api/jits/${jitId}?purpose=investigation`)).json();
    expect(seen.members.map((m: { node: string }) => m.node)).toEqual(['node-md', 'node-ro']);
  });

  it('carries the handling code and grading of an entry to every party, H0 ungraded by default', async () => {
    const { id: jitId } = await newJit({ name: 'Operation Ledger' });
    await call(ro, roCoordinator, 'POST', `/api/jits/${jitId}/agencies`, { agencyId: roAgency });
    const graded = await call(md, mdInvestigator, 'POST', `/api/jits/${jitId}/messages`, {
      text: 'An informant names the driver; not for court yet.',
      handlingCode: 'H1',
      sourceReliability: 'C',
      informationAccuracy: 3,
    });
    expect(graded.statusCode, graded.body).toBe(201);
    const task = await call(md, mdInvestigator, 'POST', `/api/jits/${jitId}/tasks`, { title: 'Check the informant' });
    await exchange();
    const there = (await call(ro, roInvestigator, 'GET', `/api/jits/${jitId}?purpose=investigation`)).json();
    const byId = (id: string) => there.timeline.find((e: { id: string }) => e.id === id);
    expect(byId(graded.json().id)).toMatchObject({
      handlingCode: 'H1',
      sourceReliability: 'C',
      informationAccuracy: 3,
    });
    expect(byId(task.json().id)).toMatchObject({
      handlingCode: 'H0',
      sourceReliability: null,
      informationAccuracy: null,
    });
    const wrong = await call(md, mdInvestigator, 'POST', `/api/jits/${jitId}/messages`, {
      text: 'x',
      handlingCode: 'H9',
    });
    expect(wrong.statusCode).toBe(400);
  });

  it('shows the same timeline, tasks and authors on both parties', async () => {
    const post = async (node: TestNode, headers: Headers, path: string, payload?: object) => {
      const response = await call(node, headers, 'POST', `/api/jits/${jitId}${path}`, payload);
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    };
    await post(md, mdInvestigator, '/messages', { text: 'Bank records of the recruiter attached next week.' });
    await post(ro, roInvestigator, '/messages', { text: 'We identified two more workers in Constanța.' });
    const task = await post(md, mdInvestigator, '/tasks', {
      title: 'Hear the driver',
      assignedNode: 'node-ro',
      due: day(14),
    });
    const stranger = await call(md, mdInvestigator, 'POST', `/api/jits/${jitId}/tasks`, {
      title: 'x',
      assignedNode: 'node-it',
    });
    expect(stranger.json().error.id).toBe('jit_party_unknown');
    await exchange();
    await post(ro, roProsecutor, `/tasks/${task.id}/done`);
    const twice = await call(ro, roInvestigator, 'POST', `/api/jits/${jitId}/tasks/${task.id}/done`);
    expect(twice.json().error.id).toBe('jit_task_done');
    await exchange();

    const mdSpace = (await call(md, mdInvestigator, 'GET', `/api/jits/${jitId}?purpose=investigation`)).json();
    const roSpace = (await call(ro, roProsecutor, 'GET', `/api/jits/${jitId}?purpose=prosecution`)).json();
    expect(mdSpace.timeline).toEqual(roSpace.timeline);
    expect(mdSpace.timeline.map((e: { kind: string }) => e.kind)).toEqual([
      'member',
      'member',
      'message',
      'message',
      'task',
      'task_done',
    ]);
    expect(mdSpace.tasks).toEqual(roSpace.tasks);
    expect(mdSpace.tasks).toEqual([
      expect.objectContaining({
        id: task.id,
        title: 'Hear the driver',
        status: 'done',
        assignedNode: 'node-ro',
        done: expect.objectContaining({
          node: 'node-ro',
          author: { name: 'Test prosecutor', agency: expect.any(String) },
        }),
      }),
    ]);
    expect(mdSpace.timeline[2].author).toEqual({ name: 'Test investigator', agency: mdAgencyName });

    // Stored encrypted on both sides; each read is audited with its purpose.
    for (const node of [md, ro]) {
      const rows = await node.services.db.query('select * from jit_entries where jit_id = $1', [jitId]);
      expect(JSON.stringify(rows)).not.toContain('Constanța');
    }
    const reads = await ro.services.db.query<{ purpose: string }>(
      "select purpose from audit_log where action = 'jit.read' and outcome = 'success' and resource = $1",
      [`jit:${jitId}`],
    );
    expect(reads).toEqual([{ purpose: 'prosecution' }]);
  });

  it('keeps users of agencies not taking part out, and asks for a purpose', async () => {
    expect((await call(ro, roOutsider, 'GET', `/api/jits/${jitId}?purpose=investigation`)).statusCode).toBe(403);
    const write = await call(ro, roOutsider, 'POST', `/api/jits/${jitId}/messages`, { text: 'hello' });
    expect(write.statusCode).toBe(403);
    expect((await call(ro, roInvestigator, 'GET', `/api/jits/${jitId}`)).statusCode).toBe(400);
    const worker = (await signIn(ro.app, await buildUser(ro.services, 'case_worker', { agency: roAgency }))).headers;
    expect((await call(ro, worker, 'GET', '/api/jits')).statusCode).toBe(403);
    expect((await call(ro, worker, 'GET', `/api/jits/${jitId}?purpose=investigation`)).statusCode).toBe(403);
    const denied = await ro.services.db.query(
      "select 1 from audit_log where action = 'jit.write' and outcome = 'denied' and resource = $1",
      [`jit:${jitId}`],
    );
    expect(denied).toHaveLength(1);
  });

  it('refuses entries from a node that is not a party, for an unknown JIT, or written as another party', async () => {
    expect(await forge(it_, 'node-md', entryFrom('node-it', jitId))).toEqual({
      status: 'rejected',
      reason: 'message_refused',
    });
    expect(await forge(md, 'node-it', entryFrom('node-md', jitId))).toEqual({
      status: 'rejected',
      reason: 'message_refused',
    });
    expect(await forge(ro, 'node-md', entryFrom('node-md', jitId))).toEqual({
      status: 'rejected',
      reason: 'message_refused',
    });
    const space = (await call(md, mdInvestigator, 'GET', `/api/jits/${jitId}?purpose=investigation`)).json();
    expect(JSON.stringify(space.timeline)).not.toContain('forged');
  });

  it('sends nothing of a JIT to a node that is not a party', async () => {
    const toOutsider = await md.services.messages.history(ctx, { peer: 'node-it' });
    const roToOutsider = await ro.services.messages.history(ctx, { peer: 'node-it' });
    // Only the forged entry of the test above, which node-it refused.
    expect(toOutsider.filter((m) => m.direction === 'out').map((m) => m.status)).toEqual(['rejected']);
    expect(roToOutsider).toEqual([]);
    expect(await it_.services.db.query('select id from jits')).toEqual([]);
    expect(await it_.services.db.query('select id from jit_entries')).toEqual([]);
  });

  it('refuses anything after the end date, here and from the other party', async () => {
    const jit = await newJit({ endsOn: day(0) });
    for (const node of [md, ro]) {
      await node.services.db.query(
        'update jits set ends_on = current_date - 1, starts_on = current_date - 10 where id = $1',
        [jit.id],
      );
    }
    const late = await call(ro, roCoordinator, 'POST', `/api/jits/${jit.id}/agencies`, { agencyId: roAgency });
    expect(late.json().error.id).toBe('jit_ended');
    expect(await forge(ro, 'node-md', entryFrom('node-ro', jit.id))).toEqual({
      status: 'rejected',
      reason: 'message_refused',
    });
    const past = await call(md, mdInvestigator, 'POST', '/api/jits', {
      name: 'Old',
      purpose: 'x',
      parties: ['node-ro'],
      startsOn: day(-20),
      endsOn: day(-10),
      agencyIds: [mdAgency],
    });
    expect(past.statusCode).toBe(400);
  });

  it('refuses bad agreements: unknown peers, this node as a party, dates out of order', async () => {
    const base = { name: 'X', purpose: 'Y', startsOn: day(0), endsOn: day(10), agencyIds: [mdAgency] };
    const post = (payload: object) => call(md, mdInvestigator, 'POST', '/api/jits', payload);
    expect((await post({ ...base, parties: ['node-fr'] })).json().error.id).toBe('peer_unknown');
    expect((await post({ ...base, parties: ['node-md'] })).statusCode).toBe(400);
    expect((await post({ ...base, parties: ['node-ro'], endsOn: day(-1) })).statusCode).toBe(400);
    // An investigator sets up JITs only for their own agency.
    expect((await post({ ...base, parties: ['node-ro'], agencyIds: [roAgency] })).statusCode).toBe(403);
  });
});

describe('evidence shared in a JIT', () => {
  it('records who sent what to whom in the transfer, and shows it to every party', async () => {
    const jit = await newJit();
    const named = await call(ro, roCoordinator, 'POST', `/api/jits/${jit.id}/agencies`, { agencyId: roAgency });
    expect(named.statusCode, named.body).toBe(200);
    const item = await uploadEvidence(md, mdInvestigator, 'Payslip of a worker, April 2026');
    const share = (payload: object) => call(md, mdInvestigator, 'POST', `/api/jits/${jit.id}/evidence`, payload);
    const transfersOf = async (node: TestNode, headers: Headers) =>
      (await call(node, headers, 'GET', `/api/evidence/transfers?contextKind=jit&contextRef=${jit.id}`)).json()
        .transfers;
    const evidenceIn = async (node: TestNode, headers: Headers) =>
      (await call(node, headers, 'GET', `/api/jits/${jit.id}?purpose=investigation`))
        .json()
        .timeline.filter((e: { kind: string }) => e.kind === 'evidence');

    const stranger = await share({ to: 'node-it', itemIds: [item.id] });
    expect([stranger.statusCode, stranger.json().error.id]).toEqual([400, 'jit_party_unknown']);
    // The entry is written in the transfer's transaction: a transfer refused leaves neither.
    const refused = await share({ to: 'node-ro', itemIds: [item.id, ulid()] });
    expect([refused.statusCode, refused.json().error.id]).toEqual([404, 'not_found']);
    expect(await evidenceIn(md, mdInvestigator)).toEqual([]);
    expect(await transfersOf(md, mdInvestigator)).toEqual([]);

    const shared = await share({ to: 'node-ro', itemIds: [item.id] });
    expect(shared.statusCode, shared.body).toBe(201);
    const entry = shared.json();
    expect(entry).toMatchObject({
      kind: 'evidence',
      node: 'node-md',
      author: { name: 'Test investigator', agency: mdAgencyName },
      data: { to: 'node-ro', count: 1, files: [item.fileName] },
    });
    const context = { kind: 'jit', ref: jit.id };
    const transferId = entry.data.transferId as string;
    expect(await transfersOf(md, mdInvestigator)).toEqual([
      expect.objectContaining({ id: transferId, direction: 'out', peer: 'node-ro', context, status: 'sent' }),
    ]);
    await exchange();

    expect(await transfersOf(ro, roInvestigator)).toEqual([
      expect.objectContaining({ id: transferId, direction: 'in', peer: 'node-md', context, status: 'pending' }),
    ]);
    const received = await call(
      ro,
      roInvestigator,
      'GET',
      `/api/evidence/transfers/${transferId}?purpose=investigation`,
    );
    expect(received.json().items).toEqual([expect.objectContaining({ id: item.id, sha256: item.sha256 })]);
    expect(await evidenceIn(md, mdInvestigator)).toEqual([entry]);
    expect(await evidenceIn(ro, roInvestigator)).toEqual([entry]);
  });

  it('refuses to share evidence this node does not hold', async () => {
    const jit = await newJit();
    const shared = await call(md, mdInvestigator, 'POST', `/api/jits/${jit.id}/evidence`, {
      to: 'node-ro',
      itemIds: ['x'],
    });
    expect([shared.statusCode, shared.json().error.id]).toEqual([404, 'not_found']);
  });
});
