/**
 * The resources test/api-surface.test.ts calls the API on, made the way the product makes them (through the API, or a
 * service where the API would need more ceremony): agency A's case and what hangs off it, and the cooperation with a
 * real peered node (node-other, in Moldova) that MLA requests, JITs, evidence transfers and their permission
 * requests, and cross-border referrals need. Each id goes into `ids` under the name of the path parameter it fills.
 */
import { expect } from 'vitest';
import { randomPng } from '../src/modules/survivors/photo-fixtures.ts';
import { buildCase, buildSurvivor, contextOf } from './factories.ts';
import { deliverQueued, listen, peerAllWays } from './federation.ts';
import { buildUser, signIn, type TestNode } from './helpers.ts';

type Headers = Record<string, string>;

/** A survivor as a first report names her. */
const NAMED = buildSurvivor({ prs_FirstName: 'Ana' });

/** The node id and country of the peer; the test node is node-test, in Italy. */
export const PEER = { nodeId: 'node-other', country: 'MD' } as const;

function upload(fields: Record<string, string>, file: { name: string; type: string; content: Uint8Array }) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(file.content)], { type: file.type }), file.name);
  return form;
}

async function ok<T = { id: string }>(
  answer: Promise<{ statusCode: number; body: string; json(): unknown }>,
  status = 201,
): Promise<T> {
  const res = await answer;
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as T;
}

/**
 * Builds every resource into `ids` (which already holds agencyA and agencyB). Both nodes listen on loopback and
 * become peers; the node's messages to the peer are delivered, and the peer's answers come back.
 */
export async function buildResources(node: TestNode, other: TestNode, ids: Record<string, string>): Promise<void> {
  const A = ids.agencyA as string;
  const as = async (role: Parameters<typeof buildUser>[1], on: TestNode = node, agency?: string) => {
    const user = await buildUser(on.services, role, agency ? { agency } : {});
    return { user, ctx: contextOf(user, role), headers: (await signIn(on.app, user)).headers as Headers };
  };
  const call = (on: TestNode, headers: Headers, method: 'GET' | 'POST', url: string, payload?: object | FormData) =>
    on.app.inject({ method, url, headers, ...(payload ? { payload: payload as object } : {}) });

  const [nodeUrl, otherUrl] = await Promise.all([listen(node), listen(other)]);
  await peerAllWays([
    { url: nodeUrl, services: node.services },
    { url: otherUrl, services: other.services },
  ]);

  // Agency A's case, opened by its case worker.
  const worker = await as('case_worker', node, A);
  ids.caseId = (await buildCase(node.services, worker.ctx, { survivor: NAMED })).id;
  ids.workerId = worker.user.id;
  const target = await buildUser(node.services, 'oversight', { agency: A });
  ids.userId = target.id;
  ids.loginEmail = target.email;
  ids.loginPassword = target.password;
  const onCase = (method: 'GET' | 'POST', path: string, payload?: object | FormData, headers = worker.headers) =>
    call(node, headers, method, `/api/cases/${ids.caseId}${path}`, payload);

  ids.consentId = (
    await ok(
      onCase('POST', '/consents', {
        purpose: 'sharing_in_country',
        decision: 'granted',
        method: 'written',
        language: 'en',
        scope: { agencies: [ids.agencyB], purposes: ['services'] },
      }),
    )
  ).id;
  await ok(
    onCase('POST', '/consents', {
      purpose: 'sharing_cross_border',
      decision: 'granted',
      method: 'written',
      language: 'en',
      scope: { countries: [PEER.country], purposes: ['protection'], fields: ['prs_Gender'] },
    }),
  );
  ids.evidenceId = (
    await ok(
      onCase(
        'POST',
        '/evidence',
        upload(
          { title: 'Seized phone export', handlingCode: 'H0' },
          { name: 'item.txt', type: 'text/plain', content: Buffer.from('item\n') },
        ),
      ),
    )
  ).id;
  ids.referralId = (
    await ok(
      onCase('POST', '/referrals', {
        toAgencyId: ids.agencyB,
        services: ['Shelter'],
        reason: 'Needs a safe place',
        purpose: 'services',
      }),
    )
  ).id;
  ids.serviceId = (await ok(onCase('POST', '/services', { type: 'Shelter' }))).id;
  ids.photoId = (
    await ok(
      onCase('POST', '/identity/photos', upload({}, { name: 'photo.png', type: 'image/png', content: randomPng() })),
    )
  ).id;
  ids.crossBorderReferralId = (
    await ok(
      onCase('POST', '/cross-border-referrals', {
        to: PEER.nodeId,
        kind: 'referral',
        purpose: 'protection',
        fields: ['prs_Gender'],
      }),
    )
  ).id;

  // Two offers the peer makes to this node, not yet answered: one to accept, one to decline.
  const peerWorker = await as('case_worker', other);
  for (const name of ['xbAcceptId', 'xbDeclineId']) {
    const peerCase = await buildCase(other.services, peerWorker.ctx, { survivor: NAMED });
    await ok(
      call(other, peerWorker.headers, 'POST', `/api/cases/${peerCase.id}/consents`, {
        purpose: 'sharing_cross_border',
        decision: 'granted',
        method: 'written',
        language: 'ro',
        scope: { countries: ['IT'], purposes: ['protection'], fields: ['prs_Gender'] },
      }),
    );
    const offer = call(other, peerWorker.headers, 'POST', `/api/cases/${peerCase.id}/cross-border-referrals`, {
      to: 'node-test',
      kind: 'referral',
      purpose: 'protection',
      fields: ['prs_Gender'],
    });
    ids[name] = (await ok(offer)).id;
  }
  await deliverQueued([other, node]);

  // A team of agency A.
  const admin = await as('node_admin', node, A);
  ids.teamId = (await node.services.users.teams.create(admin.ctx, { agency: A, name: 'Day shift' })).id;

  // An MLA request to the peer, left a draft.
  const prosecutor = await as('prosecutor', node, A);
  ids.id = (
    await ok(
      call(node, prosecutor.headers, 'POST', '/api/mla', {
        executingNode: PEER.nodeId,
        issuingAuthority: { name: 'Procura della Repubblica di Latina', country: 'IT' },
        executingAuthority: { name: 'Procuratura Generală', country: PEER.country },
        measures: [{ type: 'bank_records' }],
        persons: [{ name: 'Ion Rusu', role: 'suspect' }],
        offence: { legalClassification: 'art. 601 c.p.', summary: 'Recruitment of farm workers by deception.' },
      }),
    )
  ).id;

  // A JIT with the peer, agency A taking part, and a task in it.
  const investigator = await as('investigator', node, A);
  ids.jitId = (
    await ok(
      call(node, investigator.headers, 'POST', '/api/jits', {
        name: 'Latina farms',
        purpose: 'Joint investigation of the recruitment of farm workers',
        parties: [PEER.nodeId],
        startsOn: '2026-01-01',
        endsOn: '2036-12-31',
        agencyIds: [A],
      }),
    )
  ).id;
  ids.taskId = (
    await ok(call(node, investigator.headers, 'POST', `/api/jits/${ids.jitId}/tasks`, { title: 'Bank records' }))
  ).id;

  // An item of agency A sent to the peer under H1 (no use in court without leave); the peer accepts it into a case
  // of its own and asks leave to use it in court: an incoming permission request about agency A's item.
  const restricted = await ok(
    onCase(
      'POST',
      '/evidence',
      upload(
        { title: 'Ledger of the agency', handlingCode: 'H1' },
        { name: 'ledger.txt', type: 'text/plain', content: Buffer.from('ledger\n') },
      ),
    ),
  );
  ids.transferId = (
    await ok<{ transferId: string }>(
      call(node, investigator.headers, 'POST', '/api/evidence/transfers', {
        to: PEER.nodeId,
        itemIds: [restricted.id],
        ref: 'LT-2026-7',
      }),
    )
  ).transferId;
  await deliverQueued([node, other, node]);
  const peerInvestigator = await as('investigator', other);
  const peerCase = await buildCase(other.services, peerInvestigator.ctx, { survivor: NAMED });
  const received = await ok<{ transfers: { id: string; direction: string }[] }>(
    call(other, peerInvestigator.headers, 'GET', '/api/evidence/transfers'),
    200,
  );
  const incoming = received.transfers.find((t) => t.direction === 'in');
  const accepted = await ok<{ items: { acceptedAs: string }[] }>(
    call(other, peerInvestigator.headers, 'POST', `/api/evidence/transfers/${incoming?.id}/accept`, {
      caseId: peerCase.id,
    }),
    200,
  );
  await ok(
    call(
      other,
      peerInvestigator.headers,
      'POST',
      `/api/evidence/${accepted.items[0]?.acceptedAs}/permission-requests`,
      {
        purpose: 'court',
        reason: 'The ledger is the core of the charge',
      },
    ),
  );
  await deliverQueued([other, node]);
  const requests = await node.services.transfers.permissions.list(investigator.ctx, { direction: 'in' });
  ids.requestId = requests[0]?.id as string;
  expect(ids.requestId).toBeDefined();
}
