import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.ts';
import { type ActionRow, type Cell, EXPECTED, type Expected, type PurposeCell } from './fixtures/policy-expected.ts';
import {
  ACTIONS,
  type Action,
  type Actor,
  actorRef,
  agenciesFor,
  assertCan,
  can,
  type Decision,
  type Membership,
  PURPOSES,
  type Purpose,
  ROLES,
  type Role,
  RULES,
  requiresSecondFactor,
} from './policy.ts';

const SECOND_FACTOR: Record<Role, boolean> = {
  case_worker: true,
  supervisor: true,
  investigator: true,
  prosecutor: true,
  reparations_officer: true,
  oversight: false,
  coordinator: false,
  node_admin: true,
};

const AGENCY = 'agency-a';
const OTHER_AGENCY = 'agency-b';
const MEMBERSHIPS = ['node', 'sameAgency', 'otherAgency'] as const;
type MembershipKind = (typeof MEMBERSHIPS)[number];

const membershipFor = (role: Role, kind: MembershipKind): Membership => ({
  role,
  agencyId: kind === 'node' ? null : kind === 'sameAgency' ? AGENCY : OTHER_AGENCY,
});

const user = (...memberships: Membership[]): Actor => ({ kind: 'user', userId: 'user-1', memberships });

const decision = (expected: Expected): Decision =>
  expected === 'allow' ? { allowed: true } : { allowed: false, reason: expected };

const isPurposeCell = (cell: Cell): cell is PurposeCell => !Array.isArray(cell);

/** Purposes to try for a cell: none, then every purpose, each marked as satisfying the action or not. */
function purposeVariants(row: ActionRow): { purpose: Purpose | undefined; valid: boolean }[] {
  if (!row.purposes) return [{ purpose: undefined, valid: false }];
  return [
    { purpose: undefined, valid: false },
    ...PURPOSES.map((purpose) => ({ purpose, valid: (row.purposes as readonly Purpose[]).includes(purpose) })),
  ];
}

/** What `assertCan` must do for a decision: nothing, or throw the matching 403. */
function assertOutcome(actor: Actor, action: Action, agencyId: string, purpose?: Purpose): string {
  try {
    assertCan(actor, action, { agencyId }, purpose);
    return 'allow';
  } catch (error) {
    if (!(error instanceof AppError) || error.status !== 403) throw error;
    return error.id;
  }
}

const cells = ACTIONS.flatMap((action) => ROLES.map((role) => ({ action, role })));

describe('the policy matrix', () => {
  it('covers exactly every role for every action, no more and no less', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ACTIONS].sort());
    for (const action of ACTIONS) {
      expect(Object.keys(EXPECTED[action]?.roles ?? {}).sort(), action).toEqual([...ROLES].sort());
    }
    expect(cells).toHaveLength(ROLES.length * ACTIONS.length);
  });

  it('states the purposes each action needs, as the rules do', () => {
    for (const action of ACTIONS) {
      const rule = RULES[action];
      const purposes = 'purposes' in rule ? rule.purposes : undefined;
      expect(EXPECTED[action]?.purposes ?? null, action).toEqual(purposes ?? null);
      for (const role of ROLES) {
        const cell = EXPECTED[action]?.roles[role];
        // A cell that distinguishes purposes only makes sense for an action that needs one.
        if (cell && isPurposeCell(cell)) expect(purposes, `${action} ${role}`).toBeDefined();
      }
    }
  });

  it.each(cells)('$action for $role', ({ action, role }) => {
    const row = EXPECTED[action];
    expect(row, `no row for ${action}`).toBeDefined();
    const cell = row?.roles[role];
    expect(cell, `no cell for ${action} × ${role}`).toBeDefined();
    if (!row || !cell) return;

    const expected: Record<string, Expected> = {};
    const actual: Record<string, Expected> = {};
    const thrown: Record<string, string> = {};
    const expectedThrown: Record<string, string> = {};
    for (const { purpose, valid } of purposeVariants(row)) {
      const triple = isPurposeCell(cell) ? (valid ? cell.withPurpose : cell.withoutPurpose) : cell;
      MEMBERSHIPS.forEach((kind, i) => {
        const label = `${kind} / purpose ${purpose ?? '(none)'}`;
        const want = triple[i] as Expected;
        const actor = user(membershipFor(role, kind));
        const got = can(actor, action, { agencyId: AGENCY }, purpose);
        expected[label] = want;
        actual[label] = got.allowed ? 'allow' : got.reason;
        expectedThrown[label] = want === 'allow' ? 'allow' : want === 'purpose' ? 'purpose_required' : 'forbidden';
        thrown[label] = assertOutcome(actor, action, AGENCY, purpose);
        expect(got, label).toEqual(decision(want));
      });
    }
    expect(actual).toEqual(expected);
    expect(thrown).toEqual(expectedThrown);
  });
});

describe('scopes', () => {
  it('refuses an agency-scoped membership when the resource names no agency', () => {
    const admin = user({ role: 'node_admin', agencyId: AGENCY });
    expect(can(admin, 'user.create')).toEqual({ allowed: false, reason: 'scope' });
    expect(can(admin, 'user.create', { agencyId: null })).toEqual({ allowed: false, reason: 'scope' });
    expect(can(user({ role: 'node_admin', agencyId: null }), 'user.create', { agencyId: null })).toEqual({
      allowed: true,
    });
  });

  it('lets any of several memberships with the role grant the action', () => {
    const admin = user({ role: 'node_admin', agencyId: OTHER_AGENCY }, { role: 'node_admin', agencyId: AGENCY });
    expect(can(admin, 'user.disable', { agencyId: AGENCY })).toEqual({ allowed: true });
    expect(can(admin, 'user.disable', { agencyId: OTHER_AGENCY })).toEqual({ allowed: true });
    expect(can(admin, 'user.disable', { agencyId: 'agency-c' })).toEqual({ allowed: false, reason: 'scope' });
  });

  it('never lends the scope of one role to another role', () => {
    // Node-wide oversight and an agency-scoped administrator: the administrator role stays scoped to its agency.
    const actor = user({ role: 'oversight', agencyId: null }, { role: 'node_admin', agencyId: AGENCY });
    expect(can(actor, 'user.create', { agencyId: OTHER_AGENCY })).toEqual({ allowed: false, reason: 'scope' });
    expect(can(actor, 'agency.create')).toEqual({ allowed: false, reason: 'scope' });
    expect(can(actor, 'user.create', { agencyId: AGENCY })).toEqual({ allowed: true });
    expect(can(actor, 'audit.verify')).toEqual({ allowed: true });
  });

  it('denies a user without memberships everything', () => {
    for (const action of ACTIONS) {
      for (const purpose of [undefined, ...PURPOSES]) {
        expect(can(user(), action, { agencyId: AGENCY }, purpose), action).toEqual({ allowed: false, reason: 'role' });
      }
    }
  });
});

describe('sharing a resource with other agencies', () => {
  const THIRD_AGENCY = 'agency-c';
  const shared = { agencyId: OTHER_AGENCY, sharedWith: [AGENCY] };

  it('lets an agency in sharedWith read the resource and give care, but not change the case', () => {
    const worker = user({ role: 'case_worker', agencyId: AGENCY });
    expect(can(worker, 'case.read', shared)).toEqual({ allowed: true });
    expect(can(worker, 'consent.read', shared)).toEqual({ allowed: true });
    expect(can(worker, 'case.update', shared)).toEqual({ allowed: false, reason: 'scope' });
    expect(can(worker, 'consent.record', shared)).toEqual({ allowed: true });
    expect(can(worker, 'care.read', shared)).toEqual({ allowed: true });
    expect(can(worker, 'case.transition', shared)).toEqual({ allowed: false, reason: 'scope' });
    expect(() => assertCan(worker, 'case.read', shared)).not.toThrow();
    // Without sharing, the same membership is out of scope.
    expect(can(worker, 'case.read', { agencyId: OTHER_AGENCY })).toEqual({ allowed: false, reason: 'scope' });
    expect(can(worker, 'case.read', { agencyId: OTHER_AGENCY, sharedWith: [] })).toEqual({
      allowed: false,
      reason: 'scope',
    });
  });

  it('still asks for a purpose and a role allowed by the rule', () => {
    const worker = user({ role: 'case_worker', agencyId: AGENCY });
    expect(can(worker, 'survivor.read_identity', shared, 'case_management')).toEqual({ allowed: true });
    expect(can(worker, 'survivor.read_identity', shared)).toEqual({ allowed: false, reason: 'purpose' });
    expect(can(worker, 'survivor.erase', shared)).toEqual({ allowed: false, reason: 'role' });
    const coordinator = user({ role: 'coordinator', agencyId: AGENCY });
    expect(can(coordinator, 'case.read', shared)).toEqual({ allowed: false, reason: 'role' });
  });

  it('refuses a membership whose agency is neither the owner nor in sharedWith', () => {
    const worker = user({ role: 'case_worker', agencyId: THIRD_AGENCY });
    expect(can(worker, 'case.read', shared)).toEqual({ allowed: false, reason: 'scope' });
    expect(can(worker, 'case.read', { agencyId: OTHER_AGENCY, sharedWith: [AGENCY, 'agency-d'] })).toEqual({
      allowed: false,
      reason: 'scope',
    });
    expect(() => assertCan(worker, 'case.read', shared)).toThrow(expect.objectContaining({ id: 'forbidden' }));
    // The owning agency keeps its access.
    expect(can(user({ role: 'case_worker', agencyId: OTHER_AGENCY }), 'case.read', shared)).toEqual({ allowed: true });
  });

  it('gives the receivers of a referral none of the evidence', () => {
    const worker = user({ role: 'case_worker', agencyId: AGENCY });
    expect(can(worker, 'case.read', shared)).toEqual({ allowed: true });
    for (const action of ['evidence.read', 'evidence.add', 'evidence.derive', 'evidence.export'] as const) {
      expect(can(user({ role: 'supervisor', agencyId: AGENCY }), action, shared), action).toEqual({
        allowed: false,
        reason: 'scope',
      });
    }
    expect(can(worker, 'evidence.download', shared, 'case_management')).toEqual({ allowed: false, reason: 'scope' });
  });

  it('does not help with node-scoped actions', () => {
    const oversight = user({ role: 'oversight', agencyId: AGENCY });
    const onlyShared = { sharedWith: [AGENCY] };
    const ownedAndShared = { agencyId: AGENCY, sharedWith: [AGENCY] };
    for (const resource of [onlyShared, shared, ownedAndShared]) {
      expect(can(oversight, 'audit.verify', resource)).toEqual({ allowed: false, reason: 'scope' });
      expect(can(oversight, 'audit.read', resource, 'oversight')).toEqual({ allowed: false, reason: 'scope' });
      expect(can(user({ role: 'node_admin', agencyId: AGENCY }), 'agency.create', resource)).toEqual({
        allowed: false,
        reason: 'scope',
      });
    }
  });
});

describe('agenciesFor', () => {
  const THIRD_AGENCY = 'agency-c';

  it('is null for a node-wide membership with a role the rule allows', () => {
    expect(agenciesFor(user({ role: 'case_worker', agencyId: null }), 'case.read')).toBeNull();
    expect(agenciesFor(user({ role: 'supervisor', agencyId: null }), 'survivor.erase')).toBeNull();
    // A node-wide membership wins over agency-scoped ones.
    const actor = user({ role: 'investigator', agencyId: AGENCY }, { role: 'supervisor', agencyId: null });
    expect(agenciesFor(actor, 'case.create')).toBeNull();
  });

  it('lists the agencies of the memberships with an allowed role, once each', () => {
    const actor = user(
      { role: 'case_worker', agencyId: AGENCY },
      { role: 'supervisor', agencyId: OTHER_AGENCY },
      { role: 'investigator', agencyId: AGENCY },
      { role: 'supervisor', agencyId: AGENCY },
    );
    expect(agenciesFor(actor, 'case.read')?.sort()).toEqual([AGENCY, OTHER_AGENCY]);
    expect(agenciesFor(actor, 'case.approve_closure')?.sort()).toEqual([AGENCY, OTHER_AGENCY]);
    expect(agenciesFor(actor, 'case.create')?.sort()).toEqual([AGENCY, OTHER_AGENCY]);
  });

  it('ignores memberships of roles the rule does not allow, node-wide ones included', () => {
    const actor = user(
      { role: 'oversight', agencyId: null },
      { role: 'node_admin', agencyId: null },
      { role: 'investigator', agencyId: OTHER_AGENCY },
      { role: 'case_worker', agencyId: AGENCY },
      { role: 'coordinator', agencyId: THIRD_AGENCY },
    );
    expect(agenciesFor(actor, 'risk.assess')).toEqual([AGENCY]);
    expect(agenciesFor(actor, 'case.update')?.sort()).toEqual([AGENCY, OTHER_AGENCY]);
    expect(agenciesFor(actor, 'survivor.erase')).toEqual([]);
  });

  it('is an empty list for an actor without an allowed role', () => {
    expect(agenciesFor(user(), 'case.read')).toEqual([]);
    expect(agenciesFor(user({ role: 'coordinator', agencyId: null }), 'case.read')).toEqual([]);
    expect(agenciesFor(user({ role: 'reparations_officer', agencyId: AGENCY }), 'case.create')).toEqual([]);
  });

  it('is null for the console operator on administrative actions and reads, and empty on casework', () => {
    const operator: Actor = { kind: 'operator', name: 'root' };
    expect(agenciesFor(operator, 'user.list')).toBeNull();
    expect(agenciesFor(operator, 'htcds.export')).toBeNull();
    expect(agenciesFor(operator, 'case.read')).toBeNull();
    expect(agenciesFor(operator, 'case.create')).toEqual([]);
  });

  it('is an empty list for an anonymous actor, for every action', () => {
    for (const action of ACTIONS) expect(agenciesFor({ kind: 'anonymous' }, action), action).toEqual([]);
  });
});

describe('actors other than users', () => {
  const resources = [{}, { agencyId: null }, { agencyId: AGENCY }, { agencyId: OTHER_AGENCY }];

  it('denies an anonymous actor every action, with any purpose and on any resource', () => {
    const anonymous: Actor = { kind: 'anonymous' };
    let checked = 0;
    for (const action of ACTIONS) {
      for (const resource of resources) {
        for (const purpose of [undefined, ...PURPOSES]) {
          expect(can(anonymous, action, resource, purpose), action).toEqual({ allowed: false, reason: 'role' });
          expect(() => assertCan(anonymous, action, resource, purpose)).toThrow(
            expect.objectContaining({ id: 'forbidden', status: 403 }),
          );
          checked++;
        }
      }
    }
    expect(checked).toBe(ACTIONS.length * resources.length * (PURPOSES.length + 1));
  });

  it('allows the console operator the administrative actions, on any agency', () => {
    const operator: Actor = { kind: 'operator', name: 'root' };
    const admin: Action[] = [
      'agency.list',
      'agency.create',
      'user.list',
      'user.create',
      'user.disable',
      'user.enable',
      'user.reset_second_factor',
      'audit.verify',
      'custody.read',
      'peer.read',
      'peer.manage',
    ];
    for (const action of admin) {
      for (const resource of resources) expect(can(operator, action, resource), action).toEqual({ allowed: true });
    }
    expect(can(operator, 'audit.read', {}, 'administration')).toEqual({ allowed: true });
    expect(can(operator, 'audit.read', {}, 'oversight')).toEqual({ allowed: true });
    expect(can(operator, 'audit.read')).toEqual({ allowed: false, reason: 'purpose' });
    expect(() => assertCan(operator, 'audit.read')).toThrow(
      expect.objectContaining({ id: 'purpose_required', status: 403 }),
    );
  });

  it("lets the console operator, who holds the node's keys, read cases, and identities only with a purpose", () => {
    const operator: Actor = { kind: 'operator', name: 'root' };
    const webAdmin = user({ role: 'node_admin', agencyId: null });
    expect(can(operator, 'case.read', { agencyId: AGENCY })).toEqual({ allowed: true });
    expect(can(webAdmin, 'case.read', { agencyId: AGENCY })).toEqual({ allowed: false, reason: 'role' });
    expect(can(operator, 'survivor.read_identity', { agencyId: AGENCY })).toEqual({
      allowed: false,
      reason: 'purpose',
    });
    expect(can(operator, 'survivor.read_identity', { agencyId: AGENCY }, 'administration')).toEqual({ allowed: true });
    expect(can(webAdmin, 'survivor.read_identity', { agencyId: AGENCY }, 'administration')).toEqual({
      allowed: false,
      reason: 'role',
    });
    expect(can(operator, 'htcds.export_identity', { agencyId: AGENCY }, 'administration')).toEqual({ allowed: true });
    expect(can(webAdmin, 'htcds.export_identity', { agencyId: AGENCY }, 'administration')).toEqual({
      allowed: false,
      reason: 'role',
    });
    // Casework stays with the agencies.
    expect(can(operator, 'case.create', { agencyId: AGENCY })).toEqual({ allowed: false, reason: 'role' });
    expect(can(operator, 'survivor.erase', { agencyId: AGENCY })).toEqual({ allowed: false, reason: 'role' });
  });

  it('lets the console operator add, list and export evidence, but not download it or make working copies', () => {
    const operator: Actor = { kind: 'operator', name: 'root' };
    const webAdmin = user({ role: 'node_admin', agencyId: null });
    for (const action of ['evidence.add', 'evidence.read', 'evidence.export'] as const) {
      expect(can(operator, action, { agencyId: AGENCY }), action).toEqual({ allowed: true });
      expect(can(webAdmin, action, { agencyId: AGENCY }), action).toEqual({ allowed: false, reason: 'role' });
    }
    expect(can(operator, 'evidence.download', { agencyId: AGENCY }, 'investigation')).toEqual({
      allowed: false,
      reason: 'role',
    });
    expect(can(operator, 'evidence.derive', { agencyId: AGENCY })).toEqual({ allowed: false, reason: 'role' });
  });

  it('names every kind of actor for the audit trail without personal data', () => {
    expect(actorRef({ kind: 'anonymous' })).toBe('anonymous');
    expect(actorRef({ kind: 'operator', name: 'root' })).toBe('operator:root');
    expect(actorRef(user({ role: 'case_worker', agencyId: AGENCY }))).toBe('user:user-1');
  });
});

describe('second factor', () => {
  it('has an expectation for every role', () => {
    expect(Object.keys(SECOND_FACTOR).sort()).toEqual([...ROLES].sort());
  });

  it.each(ROLES.map((role) => ({ role, needed: SECOND_FACTOR[role] })))(
    '$role needs a second factor: $needed',
    ({ role, needed }) => {
      expect(requiresSecondFactor([role])).toBe(needed);
    },
  );

  it('is needed when any one of several roles needs it, and not for no roles', () => {
    expect(requiresSecondFactor([])).toBe(false);
    expect(requiresSecondFactor(['coordinator', 'oversight'])).toBe(false);
    expect(requiresSecondFactor(['coordinator', 'case_worker'])).toBe(true);
    expect(requiresSecondFactor(['oversight', 'node_admin'])).toBe(true);
  });
});
