// The reaches narrower than an agency (own cases, a team) against the expectations written in
// fixtures/policy-expected-reach.ts, and the reach of an actor for lists.
import { describe, expect, it } from 'vitest';
import { EXPECTED_REACH } from './fixtures/policy-expected-reach.ts';
import { ACTIONS, type Actor, agenciesFor, can, type Membership, ROLES, type Role, RULES, reachFor } from './policy.ts';

const AGENCY = 'agency-a';
const OTHER_AGENCY = 'agency-b';
const user = (...memberships: Membership[]): Actor => ({ kind: 'user', userId: 'user-1', memberships });

describe('reaches narrower than an agency: own cases and teams', () => {
  const TEAM = 'team-a';
  const own = (role: Role): Membership => ({ role, agencyId: AGENCY, reach: 'own' });
  const team = (role: Role): Membership => ({ role, agencyId: AGENCY, reach: 'team', teamId: TEAM });
  const assignedToMe = { agencyId: AGENCY, assignedTo: 'user-1', assignedTeams: ['team-b'] };
  const assignedToTeamMate = { agencyId: AGENCY, assignedTo: 'user-2', assignedTeams: [TEAM] };
  const assignedElsewhere = { agencyId: AGENCY, assignedTo: 'user-3', assignedTeams: ['team-b'] };
  const agencyActions = ACTIONS.filter((action) => RULES[action].scope === 'agency');
  const reachCells = agencyActions.flatMap((action) => ROLES.map((role) => ({ action, role })));

  it('has an expectation for every role of every rule of scope agency, and for no other rule', () => {
    expect(Object.keys(EXPECTED_REACH).sort()).toEqual([...agencyActions].sort());
    for (const action of agencyActions)
      expect(Object.keys(EXPECTED_REACH[action] ?? {}).sort()).toEqual([...ROLES].sort());
  });

  it.each(reachCells)('$action for $role, own and team', ({ action, role }) => {
    const want = EXPECTED_REACH[action]?.[role];
    expect(want).toBeDefined();
    const rule = RULES[action];
    const purpose = 'purposes' in rule ? rule.purposes[0] : undefined;
    const got = [
      can(user(own(role)), action, assignedToMe, purpose),
      can(user(own(role)), action, assignedToTeamMate, purpose),
      can(user(team(role)), action, assignedToTeamMate, purpose),
      can(user(team(role)), action, assignedElsewhere, purpose),
    ].map((d) => (d.allowed ? 'allow' : d.reason));
    expect(got).toEqual(want);
    if (purpose) {
      // Without a purpose, what would be allowed asks for one; the rest is refused as before.
      const bare = can(user(own(role)), action, assignedToMe);
      expect(bare.allowed ? 'allow' : bare.reason).toBe(want?.[0] === 'allow' ? 'purpose' : want?.[0]);
    }
  });

  it('keeps the meaning of every existing grant: no reach is the whole agency, and a resource without assignee is fine', () => {
    const worker = user({ role: 'case_worker', agencyId: AGENCY });
    for (const resource of [{ agencyId: AGENCY }, assignedElsewhere, { ...assignedElsewhere, assignedTo: null }]) {
      expect(can(worker, 'case.read', resource)).toEqual({ allowed: true });
    }
    expect(
      can(user({ role: 'case_worker', agencyId: AGENCY, reach: 'agency' }), 'case.update', assignedElsewhere),
    ).toEqual({
      allowed: true,
    });
  });

  it('reaches nothing in another agency, nor a resource that names no assignee', () => {
    const elsewhere = { agencyId: OTHER_AGENCY, assignedTo: 'user-1', assignedTeams: [TEAM] };
    expect(can(user(own('case_worker')), 'case.read', elsewhere)).toEqual({ allowed: false, reason: 'scope' });
    expect(can(user(team('supervisor')), 'case.read', elsewhere)).toEqual({ allowed: false, reason: 'scope' });
    expect(can(user(own('case_worker')), 'case.read', { agencyId: AGENCY })).toEqual({
      allowed: false,
      reason: 'scope',
    });
    expect(can(user(team('supervisor')), 'case.read', { agencyId: AGENCY })).toEqual({
      allowed: false,
      reason: 'scope',
    });
    // A team membership reaches the holder's own cases too.
    expect(can(user(team('supervisor')), 'case.approve_closure', assignedToMe)).toEqual({ allowed: true });
  });

  it('does not narrow rules of scope any or node, and gives narrowed memberships nothing their agency received', () => {
    expect(can(user(own('investigator')), 'mla.read')).toEqual({ allowed: true });
    expect(can(user({ role: 'node_admin', agencyId: AGENCY, reach: 'own' }), 'agency.create')).toEqual({
      allowed: false,
      reason: 'scope',
    });
    const received = { agencyId: OTHER_AGENCY, sharedWith: [AGENCY], assignedTo: 'user-1' };
    expect(can(user(own('case_worker')), 'case.read', received)).toEqual({ allowed: false, reason: 'scope' });
    expect(can(user({ role: 'case_worker', agencyId: AGENCY }), 'case.read', received)).toEqual({ allowed: true });
  });

  it('lets the widest of several memberships decide', () => {
    const actor = user(own('case_worker'), { role: 'supervisor', agencyId: AGENCY });
    expect(can(actor, 'case.read', assignedElsewhere)).toEqual({ allowed: true });
    expect(can(actor, 'consent.record', assignedElsewhere)).toEqual({ allowed: true });
    const onlyOwn = user(own('case_worker'), { role: 'oversight', agencyId: AGENCY });
    expect(can(onlyOwn, 'case.update', assignedElsewhere)).toEqual({ allowed: false, reason: 'scope' });
  });

  it('says where an actor reaches, for lists: whole agencies, teams and own cases apart', () => {
    const actor = user(
      own('case_worker'),
      { role: 'case_worker', agencyId: OTHER_AGENCY, reach: 'team', teamId: 'team-b' },
      { role: 'supervisor', agencyId: 'agency-c' },
      { role: 'case_worker', agencyId: 'agency-c', reach: 'own' },
    );
    expect(reachFor(actor, 'case.read')).toEqual({
      agencies: ['agency-c'],
      teams: [{ agencyId: OTHER_AGENCY, teamId: 'team-b' }],
      own: [AGENCY, OTHER_AGENCY],
    });
    // agenciesFor names only the agencies reached whole: a narrowed membership lists nothing of its agency's.
    expect(agenciesFor(actor, 'case.read')).toEqual(['agency-c']);
    expect(reachFor(user({ role: 'case_worker', agencyId: null }), 'case.read')).toBeNull();
    expect(reachFor(user(own('coordinator')), 'case.read')).toEqual({ agencies: [], teams: [], own: [] });
  });
});
