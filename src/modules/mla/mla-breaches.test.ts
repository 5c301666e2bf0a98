// A breach of an MLA clock stays a breach on both nodes when an extension or a postponement is granted after it
// (issue 14): in the clock, in the alerts and in the count of breaches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverQueued } from '../../../test/federation.ts';
import { requestAs, type TestNode } from '../../../test/helpers.ts';
import { type ItalyAndMoldova, italyAndMoldova } from '../../../test/setups.ts';
import { operatorContext } from '../../app/operations.ts';
import { breachCount, DAY_MS } from '../../shared/mla-clocks.ts';

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
  measures: [{ type: 'bank_records' }],
  persons: [{ name: 'Ion Rusu', role: 'suspect' }],
  offence: { legalClassification: 'art. 601 c.p.', summary: 'Recruitment of farm workers by deception.' },
};

const issuer = (method: 'GET' | 'POST', url: string, payload?: object) =>
  requestAs(it_, itHeaders, method, url, payload);
const executor = (method: 'GET' | 'POST', url: string, payload?: object) =>
  requestAs(md, mdHeaders, method, url, payload);
const exchange = () => deliverQueued([it_, md]);

/** Moves a recorded date of a request back by `days` on both nodes, as if that step had happened that long ago. */
async function backdate(id: string, column: 'sent_at' | 'received_at' | 'decided_at', days: number) {
  for (const node of [it_, md]) {
    await node.services.db.query(
      `update mla_requests set ${column} = ${column} - $2::float8 * interval '1 day' where id = $1`,
      [id, days],
    );
  }
}

async function sentRequest(): Promise<string> {
  const created = await issuer('POST', '/api/mla', DRAFT);
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  expect((await issuer('POST', `/api/mla/${id}/send`)).statusCode).toBe(200);
  await exchange();
  return id;
}

const clockOf = async (node: TestNode, id: string, name: string) =>
  (await node.services.mla.get(ctx, id)).clocks.find((c) => c.name === name);

describe('a breached MLA clock', () => {
  it('stays breached on both nodes when the decision period is extended after its due date', async () => {
    const id = await sentRequest();
    // Received 32.9 days ago: the decision (30 days) is three days late, counting the day begun.
    await backdate(id, 'sent_at', 32.9);
    await backdate(id, 'received_at', 32.9);
    for (const node of [it_, md]) expect((await clockOf(node, id, 'decision'))?.state).toBe('breached');

    expect((await executor('POST', `/api/mla/${id}/acknowledge`)).statusCode).toBe(200);
    const extended = await executor('POST', `/api/mla/${id}/extend`, { days: 20, reason: 'Bank records abroad.' });
    expect(extended.statusCode, extended.body).toBe(200);
    await exchange();

    for (const node of [it_, md]) {
      const decision = await clockOf(node, id, 'decision');
      // The extended period runs again, and the breach before it is kept.
      expect(decision?.state).not.toBe('breached');
      expect(decision?.breach).toMatchObject({ days: 3, dueMoved: true });
      const request = (await node.services.mla.get(ctx, id)).extension;
      expect(decision?.breach?.until).toBe(request?.at);
      const alerts = (await node.services.mla.alerts(ctx)).filter((a) => a.requestId === id);
      expect(alerts.map((a) => [a.clock.name, a.clock.breach?.dueMoved])).toEqual([
        ['acknowledgement', false],
        ['decision', true],
      ]);
      expect(breachCount(alerts.map((a) => a.clock))).toBe(2);
    }
    // The API presents the breach too.
    const read = await issuer('GET', `/api/mla/${id}`);
    expect(read.json().clocks.find((c: { name: string }) => c.name === 'decision').breach).toMatchObject({
      days: 3,
      dueMoved: true,
    });
    const alerts = await issuer('GET', '/api/mla/alerts');
    expect(alerts.json().some((a: { requestId: string; clock: { breach: unknown } }) => a.requestId === id)).toBe(true);
  });

  it('stays breached on both nodes when the execution is postponed after its due date', async () => {
    const id = await sentRequest();
    for (const step of ['acknowledge', 'recognise']) {
      expect((await executor('POST', `/api/mla/${id}/${step}`)).statusCode).toBe(200);
    }
    await exchange();
    // Recognised 94.9 days ago: the execution (90 days) is five days late, counting the day begun.
    await backdate(id, 'decided_at', 94.9);
    for (const node of [it_, md]) expect((await clockOf(node, id, 'execution'))?.state).toBe('breached');

    const until = new Date(Date.now() + 30 * DAY_MS).toISOString().slice(0, 10);
    const postponed = await executor('POST', `/api/mla/${id}/postpone`, { until, reason: 'Witness abroad.' });
    expect(postponed.statusCode, postponed.body).toBe(200);
    await exchange();
    // A second postponement does not replace the first breach.
    const later = new Date(Date.now() + 60 * DAY_MS).toISOString().slice(0, 10);
    expect((await executor('POST', `/api/mla/${id}/postpone`, { until: later, reason: 'Again.' })).statusCode).toBe(
      200,
    );
    await exchange();

    const breaches = [];
    for (const node of [it_, md]) {
      const execution = await clockOf(node, id, 'execution');
      expect(execution?.state).toBe('running');
      expect(execution?.breach).toMatchObject({ days: 5, dueMoved: true });
      breaches.push(execution?.breach);
    }
    expect(breaches[0]).toEqual(breaches[1]);
  });
});
