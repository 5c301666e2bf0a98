import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALM } from '../../../test/care-node.ts';
import { buildUser, createTestNode, signIn, type TestNode, type TestUser } from '../../../test/helpers.ts';

type Session = Awaited<ReturnType<typeof signIn>>;
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

describe('the case list to work from', () => {
  let node: TestNode;
  let worker: TestUser;
  let other: TestUser;
  let supervisor: TestUser;
  let as: Record<'worker' | 'other' | 'supervisor', Session>;

  const call = (who: Session, method: Method, url: string, payload?: unknown) =>
    node.app.inject({ method, url: `/api${url}`, headers: who.headers, ...(payload ? { payload } : {}) });
  const open = async (who: Session, name: string) => {
    const res = await call(who, 'POST', '/cases', { reportedAt: '2026-06-10', survivor: { prs_FirstName: name } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; reference: string };
  };
  const list = async (who: Session, query = '') => {
    const res = await call(who, 'GET', `/cases?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { total: number; nextCursor: string | null; cases: Record<string, unknown>[] };
  };

  beforeAll(async () => {
    node = await createTestNode();
    worker = await buildUser(node.services, 'case_worker');
    other = await buildUser(node.services, 'case_worker', { agency: worker.agencyId });
    supervisor = await buildUser(node.services, 'supervisor', { agency: worker.agencyId });
    as = {
      worker: await signIn(node.app, worker),
      other: await signIn(node.app, other),
      supervisor: await signIn(node.app, supervisor),
    };
  });
  afterAll(() => node.close());

  it('refuses a first report with nothing in it unless it says so, and takes a note or a phone alone', async () => {
    const empty = await call(as.worker, 'POST', '/cases', { survivor: { prs_Gender: 'Feminine' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.id).toBe('empty_first_report');
    const blank = await call(as.worker, 'POST', '/cases', { survivor: { prs_FirstName: '  ' }, comment: ' ' });
    expect(blank.json().error.id).toBe('empty_first_report');
    for (const payload of [
      { survivor: {}, comment: 'Met at the bus station' },
      { survivor: { prs_MobilePhone: '+39 333 000 111' } },
      { survivor: {}, confirmEmpty: true },
    ]) {
      const res = await call(as.worker, 'POST', '/cases', payload);
      expect(res.statusCode, res.body).toBe(201);
    }
  });

  it('shows each row with its assignee, risk, next deadline, last activity and label; "mine" keeps hers', async () => {
    const mine = await open(as.worker, 'Maria');
    const theirs = await open(as.other, 'Elena');
    const assessed = await call(as.worker, 'POST', `/cases/${mine.id}/risk-assessments`, {
      answers: { ...CALM, debt_bondage: 'yes' },
    });
    expect(assessed.statusCode, assessed.body).toBe(201);
    const labelled = await call(as.worker, 'PUT', `/cases/${mine.id}/label`, { label: '  Bus station, March ' });
    expect(labelled.statusCode, labelled.body).toBe(204);
    const tooLong = await call(as.worker, 'PUT', `/cases/${mine.id}/label`, { label: 'x'.repeat(61) });
    expect(tooLong.statusCode).toBe(400);

    const page = await list(as.supervisor);
    const row = page.cases.find((c) => c.id === mine.id);
    expect(row).toMatchObject({
      reference: mine.reference,
      assignedTo: { id: worker.id, name: 'Test case_worker' },
      risk: 'medium',
      nextDeadline: { kind: 'risk_reassessment' },
      label: 'Bus station, March',
      referredBy: null,
    });
    // A medium risk is looked at again a month after its assessment.
    const { nextDeadline, lastActivity } = row as { nextDeadline: { at: string }; lastActivity: string };
    const due = Date.parse(nextDeadline.at) - Date.parse(lastActivity);
    expect(Math.round(due / 86_400_000)).toBe(30);
    expect(page.cases.find((c) => c.id === theirs.id)).toMatchObject({ risk: null, nextDeadline: null, label: null });
    // The label is sealed at rest: the database holds no clear text of it.
    const stored = await node.services.db.query<{ label_sealed: string }>(
      'select label_sealed from cases where id = $1',
      [mine.id],
    );
    expect(stored[0]?.label_sealed).not.toContain('Bus station');

    const onlyMine = await list(as.worker, 'mine=true');
    expect(onlyMine.cases.map((c) => c.id)).toContain(mine.id);
    expect(onlyMine.cases.map((c) => c.id)).not.toContain(theirs.id);
    expect(onlyMine.cases.every((c) => (c.assignedTo as { id: string }).id === worker.id)).toBe(true);

    const byRisk = await list(as.supervisor, 'sort=risk');
    expect(byRisk.cases[0]?.id).toBe(mine.id);
    const byDeadline = await list(as.supervisor, 'sort=nextDeadline');
    expect(byDeadline.cases[0]?.id).toBe(mine.id);
    expect(byDeadline.cases.at(-1)?.nextDeadline).toBeNull();
  });

  it('pages by cursor in every order, stable when cases are added between pages', async () => {
    for (let i = 0; i < 5; i++) await open(as.worker, `Person ${i}`);
    for (const sort of ['lastActivity', 'reference', 'risk', 'nextDeadline']) {
      const all = await list(as.supervisor, `sort=${sort}&limit=200`);
      const seen: string[] = [];
      let page = await list(as.supervisor, `sort=${sort}&limit=3`);
      seen.push(...page.cases.map((c) => c.id as string));
      await open(as.worker, `Added while paging ${sort}`);
      while (page.nextCursor) {
        page = await list(as.supervisor, `sort=${sort}&limit=3&cursor=${page.nextCursor}`);
        seen.push(...page.cases.map((c) => c.id as string));
      }
      // Every case of the first read once, in its order; the case added meanwhile comes in or not, never twice.
      const before = new Set(all.cases.map((c) => c.id as string));
      expect(seen.filter((id) => before.has(id))).toEqual(all.cases.map((c) => c.id));
      expect(new Set(seen).size).toBe(seen.length);
    }
    const byReference = await list(as.supervisor, 'sort=reference&dir=asc&limit=200');
    const references = byReference.cases.map((c) => c.reference as string);
    expect(references).toEqual([...references].sort());
    const mismatch = await call(as.supervisor, 'GET', `/cases?sort=reference&cursor=${byReference.nextCursor ?? 'x'}`);
    expect(mismatch.statusCode).toBe(400);
  });

  it('keeps each user her own saved filters', async () => {
    const saved = await call(as.worker, 'POST', '/cases/filters', {
      name: 'My risky cases',
      filter: { mine: true, sort: 'risk' },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const id = saved.json().id;
    expect((await call(as.worker, 'GET', '/cases/filters')).json()).toMatchObject([
      { id, name: 'My risky cases', filter: { mine: true, sort: 'risk' } },
    ]);
    expect((await call(as.other, 'GET', '/cases/filters')).json()).toEqual([]);
    expect((await call(as.other, 'DELETE', `/cases/filters/${id}`)).statusCode).toBe(404);
    expect((await call(as.worker, 'DELETE', `/cases/filters/${id}`)).statusCode).toBe(204);
    expect((await call(as.worker, 'GET', '/cases/filters')).json()).toEqual([]);
  });

  it('lets a supervisor void a case created in error: gone from lists, search and reads, kept in the audit trail', async () => {
    const created = await open(as.worker, 'Mistake');
    const refused = await call(as.worker, 'POST', `/cases/${created.id}/void`, { reason: 'Created in error' });
    expect(refused.statusCode).toBe(403);
    const voided = await call(as.supervisor, 'POST', `/cases/${created.id}/void`, { reason: 'Created in error' });
    expect(voided.statusCode, voided.body).toBe(204);

    expect((await list(as.supervisor, 'limit=200')).cases.map((c) => c.id)).not.toContain(created.id);
    const found = await call(as.supervisor, 'POST', '/cases/search', { name: 'Mistake' });
    expect(found.json().map((h: { caseId: string }) => h.caseId)).not.toContain(created.id);
    for (const who of [as.worker, as.supervisor]) {
      expect((await call(who, 'GET', `/cases/${created.id}`)).statusCode).toBe(404);
    }
    expect((await call(as.supervisor, 'POST', `/cases/${created.id}/void`, { reason: 'Again' })).statusCode).toBe(404);

    const trail = await node.services.db.query<{ action: string }>(
      "select action from audit_log where resource = $1 and outcome = 'success' order by seq",
      [`case:${created.id}`],
    );
    expect(trail.map((r) => r.action)).toEqual(expect.arrayContaining(['case.create', 'case.void']));
    const events = await node.services.db.query<{ type: string; data: Record<string, unknown> }>(
      'select type, data from case_events where case_id = $1 order by seq',
      [created.id],
    );
    expect(events.at(-1)?.type).toBe('voided');
    expect(JSON.stringify(events.at(-1)?.data)).not.toContain('Created in error');
  });
});
