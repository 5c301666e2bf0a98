import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextOf } from '../../../test/factories.ts';
import { createPeeredNodes, deliverQueued } from '../../../test/federation.ts';
import { buildUser, requestAs, signIn, type TestNode } from '../../../test/helpers.ts';
import { operatorContext } from '../../app/operations.ts';
import type { Role } from '../../shared/policy.ts';
import type { RequestContext } from '../audit/index.ts';
import type { LinkageAlert } from './linkage-network.schema.ts';
import { secretFingerprint } from './linkage-network.service.ts';

/** Three owners (node-it, node-md, node-ro) and one linkage unit (node-eu), peered over real HTTP on loopback. */
const op = operatorContext('test');
let it_: TestNode;
let md: TestNode;
let ro: TestNode;
let eu: TestNode;
const owners = () => [it_, md, ro];
type Headers = Record<string, string>;
let admin: Headers;
let itWorker: Headers;
let mdWorker: Headers;
let roOutsider: Headers;
const workers = new Map<TestNode, RequestContext>();
const SECRET = randomBytes(32).toString('base64');

/** A user of a new agency of the node, as a request context (for setting cases up) and as signed-in headers. */
async function worker(node: TestNode, role: Role = 'case_worker') {
  const user = await buildUser(node.services, role);
  return { ctx: contextOf(user, role), headers: (await signIn(node.app, user)).headers as Headers };
}

beforeAll(async () => {
  [it_, md, ro, eu] = await createPeeredNodes(
    ['node-it', 'IT'],
    ['node-md', 'MD'],
    ['node-ro', 'RO'],
    ['node-eu', 'BE'],
  );
  admin = (await signIn(it_.app, await buildUser(it_.services, 'node_admin', { nodeWide: true }))).headers;
  for (const node of owners()) {
    const w = await worker(node);
    workers.set(node, w.ctx);
    if (node === it_) itWorker = w.headers;
    if (node === md) mdWorker = w.headers;
  }
  roOutsider = (await worker(ro)).headers;
}, 60_000);

afterAll(async () => {
  for (const node of [it_, md, ro, eu]) await node?.close();
});

/** Delivers what every node has queued, a few rounds over, so that answers to answers (matches) arrive too. */
const exchange = () => deliverQueued([it_, md, ro, eu], 3);

const call = requestAs;

const ANA_RO = {
  prs_FirstName: 'Анна',
  prs_SecondName: 'Русу',
  prs_Birthdate: '1999-03-14',
  prs_Gender: 'Feminine',
  prs_Citizenship: ['MD'],
  psg_PlaceOfBirth: 'Кишинэу',
};
const ANA_IT = { ...ANA_RO, prs_FirstName: 'Ana', prs_SecondName: 'Russu', psg_PlaceOfBirth: 'Chișinău' };
const OTHER = {
  prs_FirstName: 'Maria',
  prs_SecondName: 'Popescu',
  prs_Birthdate: '1990-07-02',
  prs_Gender: 'Feminine',
  prs_Citizenship: ['RO'],
};
const PHONE_IT = '+39 333 123 4567';
const PHONE_MD = '+393331234567';

async function newCase(node: TestNode, survivor: object, options: { consent?: boolean; perpetrator?: object } = {}) {
  const ctx = workers.get(node) as RequestContext;
  const created = await node.services.cases.create(ctx, {
    reportedAt: '2026-03-01',
    survivor: survivor as Record<string, string>,
    ...(options.perpetrator ? { perpetrators: [{ person: options.perpetrator as Record<string, string> }] } : {}),
  });
  if (options.consent !== false) {
    await node.services.survivors.recordConsent(ctx, created.id, {
      purpose: 'linkage',
      decision: 'granted',
      method: 'written',
      language: 'ro',
    });
  }
  return created.id;
}

/** The alerts the case worker of the node's agency sees. */
const alertsOf = (node: TestNode) => node.services.linkage.alerts.list(workers.get(node) as RequestContext);

const submit = async (node: TestNode, groupId: string) => {
  const res = await node.app.inject({ method: 'POST', url: `/api/linkage/groups/${groupId}/submit`, headers: admin });
  // Only node-it has a signed-in administrator here; the others submit as their console operator.
  if (node === it_) {
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  return node.services.linkage.submit(op, groupId);
};

describe('linkage across three owners and a unit', () => {
  let groupId: string;
  const cases: Record<string, string> = {};

  it('announces a group to its members; the unit refuses the secret, owners show its fingerprint', async () => {
    const created = await call(it_, admin, 'POST', '/api/linkage/groups', {
      name: 'South-east route',
      unit: 'node-eu',
      owners: ['node-it', 'node-md', 'node-ro'],
      schema: 'both',
      perpetratorLegalBasis: 'Art. 12 of the regional cooperation agreement on trafficking',
    });
    expect(created.statusCode, created.body).toBe(201);
    groupId = created.json().id;
    await exchange();
    const [onEu] = await eu.services.linkage.list(op);
    expect(onEu).toMatchObject({ id: groupId, role: 'unit', threshold: 0.8, secret: null });
    expect(Object.keys(onEu?.schemaVersions ?? {})).toEqual(['survivor', 'perpetrator']);
    expect((await ro.services.linkage.list(op))[0]).toMatchObject({ id: groupId, role: 'owner' });

    const refused = await eu.app.inject({
      method: 'PUT',
      url: `/api/linkage/groups/${groupId}/secret`,
      payload: { secret: SECRET },
      headers: (await signIn(eu.app, await buildUser(eu.services, 'node_admin', { nodeWide: true }))).headers,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.id).toBe('linkage_unit_no_secret');
    expect(refused.body).not.toContain(SECRET);

    const short = await call(it_, admin, 'PUT', `/api/linkage/groups/${groupId}/secret`, {
      secret: randomBytes(16).toString('base64'),
    });
    expect(short.statusCode).toBe(400);
    const installed = await call(it_, admin, 'PUT', `/api/linkage/groups/${groupId}/secret`, { secret: SECRET });
    expect(installed.statusCode, installed.body).toBe(200);
    expect(installed.body).not.toContain(SECRET);
    const fingerprint = secretFingerprint(Buffer.from(SECRET, 'base64'));
    expect(installed.json().secret).toEqual({ installedAt: expect.any(String), fingerprint });
    for (const node of [md, ro]) await node.services.linkage.installSecret(op, groupId, SECRET);
    expect((await md.services.linkage.list(op))[0]?.secret?.fingerprint).toBe(fingerprint);
  });

  it('alerts both owners of Ana (Cyrillic and Latin, a typo) and of a shared recruiter phone', async () => {
    cases.anaRo = await newCase(ro, ANA_RO);
    cases.anaIt = await newCase(it_, ANA_IT, {
      perpetrator: { prs_FirstName: 'Ion', prs_SecondName: 'Vasile', prs_MobilePhone: PHONE_IT },
    });
    cases.other = await newCase(md, OTHER, {
      perpetrator: { prs_FirstName: 'Dorin', prs_SecondName: 'Ceban', prs_MobilePhone: PHONE_MD },
    });
    // The same Ana on node-md, but she did not consent to linkage: never submitted.
    cases.noConsent = await newCase(md, ANA_IT, { consent: false });

    // Each consent sent its case's records (survivor, perpetrator, phone) as it was recorded: a submit finds them sent.
    const encodingMessages = async (node: TestNode) =>
      (await node.services.messages.history(op, {})).filter((m) => m.type === 'passage.linkage.encodings').length;
    expect([await encodingMessages(it_), await encodingMessages(md), await encodingMessages(ro)]).toEqual([2, 2, 1]);
    expect(await submit(it_, groupId)).toMatchObject({ sent: 0, unchanged: 3, removed: 0 });
    expect(await submit(md, groupId)).toMatchObject({ sent: 0, unchanged: 3 });
    expect(await submit(ro, groupId)).toMatchObject({ sent: 0, unchanged: 1 });
    await exchange();

    const itAlerts = await alertsOf(it_);
    const roAlerts = await alertsOf(ro);
    const mdAlerts = await alertsOf(md);
    const reTrafficking = (list: LinkageAlert[]) => list.filter((a) => a.kind === 're_trafficking');
    expect(reTrafficking(itAlerts)).toEqual([
      expect.objectContaining({ caseId: cases.anaIt, otherNode: 'node-ro', recordKind: 'survivor', status: 'open' }),
    ]);
    expect(reTrafficking(roAlerts)).toEqual([expect.objectContaining({ caseId: cases.anaRo, otherNode: 'node-it' })]);
    expect(reTrafficking(itAlerts)[0]?.score).toBeGreaterThanOrEqual(0.8);
    expect(reTrafficking(mdAlerts)).toEqual([]);
    const shared = (list: LinkageAlert[]) => list.filter((a) => a.kind === 'shared_perpetrator');
    expect(shared(itAlerts)).toEqual([
      expect.objectContaining({ caseId: cases.anaIt, otherNode: 'node-md', recordKind: 'phone', score: 1 }),
    ]);
    expect(shared(mdAlerts)).toEqual([expect.objectContaining({ caseId: cases.other, otherNode: 'node-it' })]);

    const fromMd = await eu.services.db.query<{ kind: string }>(
      "select kind from linkage_encodings where owner = 'node-md' order by kind",
    );
    expect(fromMd.map((r) => r.kind)).toEqual(['perpetrator', 'phone', 'survivor']);
    const refs = await md.services.db.query<{ case_id: string }>('select case_id from linkage_refs');
    expect(refs.map((r) => r.case_id)).not.toContain(cases.noConsent);
  });

  it('sends nothing again that is unchanged; a new case is submitted alone and matched on arrival', async () => {
    expect(await submit(it_, groupId)).toEqual({ sent: 0, unchanged: 3, removed: 0, messages: 0 });
    await exchange();
    const before = (await alertsOf(it_)).length;
    // Sent when the survivor consented; a submit of the case finds nothing new.
    const late = await newCase(ro, { ...ANA_RO, prs_FirstName: 'Ana' });
    expect(await ro.services.linkage.submitCase(op, late)).toMatchObject({ sent: 0, unchanged: 1 });
    await exchange();
    const alerts = await alertsOf(it_);
    expect(alerts.length).toBe(before + 1);
    expect(
      (await ro.services.linkage.alerts.forCase(workers.get(ro) as RequestContext, late)).map((a) => a.otherNode),
    ).toEqual(['node-it']);
  });

  it('lets the case agency read, confirm and dismiss alerts with a reason; others may not', async () => {
    const listed = await call(it_, itWorker, 'GET', '/api/linkage/alerts?status=open');
    expect(listed.statusCode, listed.body).toBe(200);
    const alerts = listed.json() as { id: string; caseId: string; kind: string }[];
    expect(alerts.length).toBeGreaterThanOrEqual(2);
    const onCase = await call(it_, itWorker, 'GET', `/api/cases/${cases.anaIt}/linkage-alerts`);
    expect(onCase.json()).toHaveLength(alerts.length);
    expect((await call(it_, admin, 'GET', '/api/linkage/alerts')).statusCode).toBe(403);
    expect((await call(md, mdWorker, 'GET', `/api/cases/${cases.other}/linkage-alerts`)).json()).toHaveLength(1);

    const [first, second] = alerts;
    const one = await call(it_, itWorker, 'GET', `/api/linkage/alerts/${first?.id}`);
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toEqual(alerts[0]);
    expect((await call(it_, itWorker, 'GET', '/api/linkage/alerts/no-such-alert')).statusCode).toBe(404);
    const noReason = await call(it_, itWorker, 'POST', `/api/linkage/alerts/${first?.id}/confirm`, { reason: '' });
    expect(noReason.statusCode).toBe(400);
    const confirmed = await call(it_, itWorker, 'POST', `/api/linkage/alerts/${first?.id}/confirm`, {
      reason: 'Same survivor: follow up with a cross-border referral',
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({
      status: 'confirmed',
      reason: 'Same survivor: follow up with a cross-border referral',
      decidedBy: expect.stringMatching(/^user:/),
    });
    // Held sealed under the survivor's data key (docs/data-at-rest.md), never in clear.
    const [stored] = await it_.services.db.query<{ reason: string | null; sealed: string | null }>(
      'select reason, reason_sealed as sealed from linkage_alerts where id = $1',
      [first?.id],
    );
    expect(stored).toEqual({ reason: null, sealed: expect.any(String) });
    const again = await call(it_, itWorker, 'POST', `/api/linkage/alerts/${first?.id}/dismiss`, { reason: 'Not so' });
    expect(again.json().error.id).toBe('linkage_alert_decided');
    const dismissed = await call(it_, itWorker, 'POST', `/api/linkage/alerts/${second?.id}/dismiss`, {
      reason: 'Checked with node-ro: another person',
    });
    expect(dismissed.json().status).toBe('dismissed');
    expect((await call(it_, itWorker, 'GET', '/api/linkage/alerts?status=open')).json()).toHaveLength(
      alerts.length - 2,
    );

    const outsider = await call(ro, roOutsider, 'GET', `/api/cases/${cases.anaRo}/linkage-alerts`);
    expect(outsider.statusCode).toBe(403);
    expect((await call(ro, roOutsider, 'GET', '/api/linkage/alerts')).json()).toEqual([]);
    const roAlert = (
      await ro.services.linkage.alerts.forCase(workers.get(ro) as RequestContext, cases.anaRo as string)
    )[0];
    expect((await call(ro, roOutsider, 'GET', `/api/linkage/alerts/${roAlert?.id}`)).statusCode).toBe(403);
  });

  it('withdraws the reference as soon as consent no longer covers linkage', async () => {
    const ctx = workers.get(ro) as RequestContext;
    const [consent] = await ro.services.survivors.consents(ctx, cases.anaRo as string);
    await ro.services.survivors.withdrawConsent(ctx, cases.anaRo as string, consent?.id as string, 'Survivor asked');
    // The withdrawal itself took the reference back: the next submit has nothing to remove.
    expect(await submit(ro, groupId)).toMatchObject({ sent: 0, removed: 0 });
    await exchange();
    const left = await eu.services.db.query("select ref from linkage_encodings where owner = 'node-ro'");
    expect(left).toHaveLength(1);
  });

  it('lets no name, birth date or phone leave any node in clear', async () => {
    const clear = [
      'Анна',
      'Русу',
      'Russu',
      'Rusu',
      'Кишинэу',
      'Chișinău',
      'Chisinau',
      'Popescu',
      'Maria',
      'Vasile',
      'Dorin',
      'Ceban',
      '1999-03-14',
      '14.03.1999',
      '19990314',
      '1990-07-02',
      '19900702',
      '393331234567',
      '3331234567',
      '333 123 4567',
    ];
    const lower = ['ana', 'ion', 'rusu', 'anna', 'kishineu', 'chisinau', 'maria', 'ana rusu'];
    let bodies = 0;
    for (const node of [it_, md, ro, eu]) {
      const messages = await node.services.messages.history(op, { limit: 1000 });
      for (const m of messages.filter((row) => row.direction === 'out')) {
        const payload = JSON.parse(Buffer.from(m.jws.split('.')[1] as string, 'base64url').toString('utf8'));
        const json = JSON.stringify(payload.body);
        for (const value of clear) expect(json, `${m.type} from ${node.services.config.nodeId}`).not.toContain(value);
        // Without the random parts (references, CLKs, tokens), where short names could occur by chance.
        const words = JSON.stringify(payload.body, (k, v) => (['ref', 'clk', 'token'].includes(k) ? '' : v));
        for (const value of lower) expect(words.toLowerCase()).not.toMatch(new RegExp(`\\b${value}\\b`));
        bodies++;
      }
    }
    expect(bodies).toBeGreaterThan(10);
  });
});
