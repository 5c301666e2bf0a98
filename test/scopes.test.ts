// Grants narrowed to own cases and to a team (issue 14 item 7): teams made by a node administrator, roles granted
// with a reach, the case list and case reads limited to what a grant reaches, and reassignment by a supervisor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reach, Role } from '../src/shared/policy.ts';
import { buildSurvivor } from './factories.ts';
import { buildUser, createTestNode, requestAs, signIn, type TestNode } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';
let node: TestNode;
let agencyId: string;
let admin: Record<string, string>;
let counter = 0;

beforeAll(async () => {
  node = await createTestNode();
  const nodeAdmin = await buildUser(node.services, 'node_admin', { nodeWide: true });
  agencyId = nodeAdmin.agencyId;
  admin = (await signIn(node.app, nodeAdmin)).headers;
});

afterAll(async () => {
  await node?.close();
});

/** A user of the agency with one role at a reach, signed in. */
async function member(role: Role, reach: Reach = 'agency', team?: string) {
  counter++;
  const email = `${role}.${reach}.${counter}@example.org`;
  const created = await requestAs(node, admin, 'POST', '/api/users', {
    email,
    displayName: `Test ${role}`,
    password: PASSWORD,
    roles: [{ role, agency: agencyId, reach, ...(team ? { team } : {}) }],
  });
  expect(created.statusCode, created.body).toBe(201);
  const user = created.json().user as { id: string; roles: object[] };
  const session = await signIn(node.app, {
    email,
    password: PASSWORD,
    totpSecret: created.json().totp.secret,
  } as never);
  return { id: user.id, roles: user.roles, headers: session.headers };
}

const openCase = async (headers: Record<string, string>) => {
  const opened = await requestAs(node, headers, 'POST', '/api/cases', {
    survivor: buildSurvivor({ prs_FirstName: 'Maria' }),
  });
  expect(opened.statusCode, opened.body).toBe(201);
  return opened.json().id as string;
};

const listed = async (headers: Record<string, string>) => {
  const list = await requestAs(node, headers, 'GET', '/api/cases?limit=200');
  expect(list.statusCode, list.body).toBe(200);
  return (list.json().cases as { id: string }[]).map((c) => c.id).sort();
};

describe('teams', () => {
  it('are made and filled by a node administrator, with members of the agency only', async () => {
    const made = await requestAs(node, admin, 'POST', '/api/teams', { agency: agencyId, name: 'North' });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ agencyId, name: 'North', members: [] });
    const again = await requestAs(node, admin, 'POST', '/api/teams', { agency: agencyId, name: 'north' });
    expect([again.statusCode, again.json().error.id]).toEqual([409, 'team_exists']);

    const worker = await member('case_worker');
    const added = await requestAs(node, admin, 'POST', `/api/teams/${made.json().id}/members`, { user: worker.id });
    expect(added.json().members).toEqual([worker.id]);
    const stranger = await buildUser(node.services, 'case_worker');
    const refused = await requestAs(node, admin, 'POST', `/api/teams/${made.json().id}/members`, {
      user: stranger.id,
    });
    expect([refused.statusCode, refused.json().error.id]).toEqual([409, 'not_in_agency']);
    const removed = await requestAs(node, admin, 'DELETE', `/api/teams/${made.json().id}/members/${worker.id}`);
    expect(removed.json().members).toEqual([]);
    expect((await requestAs(node, admin, 'GET', '/api/teams')).json().map((t: { name: string }) => t.name)).toContain(
      'North',
    );
    // A case worker may neither make nor see teams.
    expect(
      (await requestAs(node, worker.headers, 'POST', '/api/teams', { agency: agencyId, name: 'X' })).statusCode,
    ).toBe(403);
    expect((await requestAs(node, worker.headers, 'GET', '/api/teams')).statusCode).toBe(403);
    const recorded = await node.services.db.query<{ action: string }>(
      'select action from audit_log where resource = $1 and outcome = $2 order by seq',
      [`team:${made.json().id}`, 'success'],
    );
    expect(recorded.map((r) => r.action)).toEqual(['team.create', 'team.add_member', 'team.remove_member']);
  });

  it('refuse a team grant without a team of the agency, and a narrowed grant without an agency', async () => {
    const noTeam = await requestAs(node, admin, 'POST', '/api/users', {
      email: 'no.team@example.org',
      displayName: 'No team',
      password: PASSWORD,
      roles: [{ role: 'supervisor', agency: agencyId, reach: 'team' }],
    });
    expect(noTeam.statusCode).toBe(400);
    const nodeWide = await requestAs(node, admin, 'POST', '/api/users', {
      email: 'node.own@example.org',
      displayName: 'Node own',
      password: PASSWORD,
      roles: [{ role: 'case_worker', agency: null, reach: 'own' }],
    });
    expect(nodeWide.statusCode).toBe(400);
  });
});

describe('a case worker limited to her own cases', () => {
  it('opens cases, sees only hers in the list, and cannot read the others; a reassignment gives her one', async () => {
    const colleague = await member('case_worker');
    const own = await member('case_worker', 'own');
    expect(own.roles).toEqual([expect.objectContaining({ role: 'case_worker', agencyId, reach: 'own', teamId: null })]);
    const hers = await openCase(own.headers);
    const theirs = await openCase(colleague.headers);

    expect(await listed(own.headers)).toEqual([hers]);
    expect((await listed(colleague.headers)).includes(hers)).toBe(true);
    expect((await requestAs(node, own.headers, 'GET', `/api/cases/${hers}`)).statusCode).toBe(200);
    expect((await requestAs(node, own.headers, 'GET', `/api/cases/${theirs}`)).statusCode).toBe(403);

    // A case worker may not reassign; a supervisor of the agency may, to a user of the agency only.
    const supervisor = await member('supervisor');
    const assign = (headers: Record<string, string>, userId: string) =>
      requestAs(node, headers, 'POST', `/api/cases/${theirs}/assignment`, { userId });
    expect((await assign(colleague.headers, own.id)).statusCode).toBe(403);
    const outsider = await buildUser(node.services, 'case_worker');
    const wrong = await assign(supervisor.headers, outsider.id);
    expect([wrong.statusCode, wrong.json().error.id]).toEqual([409, 'not_assignable']);
    const assignees = await requestAs(node, supervisor.headers, 'GET', `/api/cases/${theirs}/assignees`);
    expect(assignees.json().map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining([own.id, colleague.id]));
    expect(assignees.json().map((a: { id: string }) => a.id)).not.toContain(outsider.id);
    expect((await requestAs(node, colleague.headers, 'GET', `/api/cases/${theirs}/assignees`)).statusCode).toBe(403);
    const moved = await assign(supervisor.headers, own.id);
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().ownerId).toBe(own.id);

    expect(await listed(own.headers)).toEqual([hers, theirs].sort());
    expect((await requestAs(node, own.headers, 'GET', `/api/cases/${theirs}`)).statusCode).toBe(200);
    const timeline = await requestAs(node, supervisor.headers, 'GET', `/api/cases/${theirs}/timeline`);
    expect(timeline.json().at(-1)).toMatchObject({ type: 'assigned', data: { to: `user:${own.id}` } });
    const [recorded] = await node.services.db.query<{ n: number }>(
      `select count(*)::int as n from audit_log where action = 'case.assign' and resource = $1 and outcome = 'success'`,
      [`case:${theirs}`],
    );
    expect(recorded?.n).toBe(1);
  });
});

describe('a supervisor limited to a team', () => {
  it("sees the cases assigned to the team's members and her own, and no others", async () => {
    const team = (await requestAs(node, admin, 'POST', '/api/teams', { agency: agencyId, name: 'South' })).json();
    const inTeam = await member('case_worker');
    const outside = await member('case_worker');
    await requestAs(node, admin, 'POST', `/api/teams/${team.id}/members`, { user: inTeam.id });
    const lead = await member('supervisor', 'team', 'South');
    expect(lead.roles).toEqual([expect.objectContaining({ reach: 'team', teamId: team.id, teamName: 'South' })]);

    const teamCase = await openCase(inTeam.headers);
    const otherCase = await openCase(outside.headers);
    const visible = await listed(lead.headers);
    expect(visible).toContain(teamCase);
    expect(visible).not.toContain(otherCase);
    expect((await requestAs(node, lead.headers, 'GET', `/api/cases/${teamCase}`)).statusCode).toBe(200);
    expect((await requestAs(node, lead.headers, 'GET', `/api/cases/${otherCase}`)).statusCode).toBe(403);

    // When the member leaves the team, her cases leave the supervisor's reach.
    await requestAs(node, admin, 'DELETE', `/api/teams/${team.id}/members/${inTeam.id}`);
    expect(await listed(lead.headers)).not.toContain(teamCase);
    expect((await requestAs(node, lead.headers, 'GET', `/api/cases/${teamCase}`)).statusCode).toBe(403);
  });
});

describe('lists of what other modules keep about cases, for a narrowed grant', () => {
  it('shows a case worker limited to her own cases the referrals of her cases, not refused and not the others', async () => {
    const receiving = (await buildUser(node.services, 'case_worker')).agencyId;
    const refer = async (headers: Record<string, string>) => {
      const caseId = await openCase(headers);
      const consent = await requestAs(node, headers, 'POST', `/api/cases/${caseId}/consents`, {
        purpose: 'sharing_in_country',
        decision: 'granted',
        scope: { agencies: [receiving] },
        method: 'verbal_with_interpreter',
        language: 'ro',
      });
      expect(consent.statusCode, consent.body).toBe(201);
      const offered = await requestAs(node, headers, 'POST', `/api/cases/${caseId}/referrals`, {
        toAgencyId: receiving,
        services: ['Shelter'],
        reason: 'Needs a shelter place',
      });
      expect(offered.statusCode, offered.body).toBe(201);
      return offered.json().id as string;
    };
    const own = await member('case_worker', 'own');
    const colleague = await member('case_worker');
    const hers = await refer(own.headers);
    const theirs = await refer(colleague.headers);
    const referrals = async (headers: Record<string, string>, direction: string) => {
      const res = await requestAs(node, headers, 'GET', `/api/referrals?direction=${direction}&limit=200`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().referrals as { id: string }[]).map((r) => r.id);
    };
    expect(await referrals(own.headers, 'outgoing')).toEqual([hers]);
    expect(await referrals(colleague.headers, 'outgoing')).toEqual(expect.arrayContaining([hers, theirs]));
    // What her agency receives is other agencies' cases: out of a narrowed grant's reach, an empty inbox.
    expect(await referrals(own.headers, 'incoming')).toEqual([]);
    // Linkage alerts: those on her cases (none yet), not a refusal.
    const alerts = await requestAs(node, own.headers, 'GET', '/api/linkage/alerts');
    expect(alerts.statusCode, alerts.body).toBe(200);
  });
});

describe('the session of a user with a team', () => {
  it('names her teams with their members, for the web app to tell what a team grant reaches', async () => {
    const team = (await requestAs(node, admin, 'POST', '/api/teams', { agency: agencyId, name: 'East' })).json();
    const worker = await member('case_worker');
    await requestAs(node, admin, 'POST', `/api/teams/${team.id}/members`, { user: worker.id });
    const lead = await member('supervisor', 'team', 'East');
    const session = await requestAs(node, lead.headers, 'GET', '/api/session');
    expect(session.statusCode, session.body).toBe(200);
    expect(session.json().user.teams).toEqual([{ id: team.id, agencyId, name: 'East', members: [worker.id] }]);
    // The member sees the team she is in; someone in no team, none.
    const mine = (await requestAs(node, worker.headers, 'GET', '/api/session')).json().user.teams;
    expect(mine.map((t: { id: string }) => t.id)).toEqual([team.id]);
    expect((await requestAs(node, admin, 'GET', '/api/session')).json().user.teams).toEqual([]);
  });
});
