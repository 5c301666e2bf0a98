// The menu and the cooperation parts are computed from the policy's RULES and the session's roles: each role's menu
// is written out here by hand, so that a change of a rule that changes a menu shows in this test.
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/policy.ts';
import type { SessionUser } from '../../api.ts';
import { cooperationPartsFor, pageAt, pagesFor, rolesFor } from './modules.ts';

const userWith = (role: Role, agencyId: string | null = 'agency-a') =>
  ({
    id: 'u1',
    roles: [{ role, agencyId, agencyName: null, reach: 'agency', teamId: null, teamName: null }],
  }) as unknown as SessionUser;

describe('the role-aware menu', () => {
  it('gives each role only the pages its rules open', () => {
    expect(pagesFor(userWith('case_worker'))).toEqual(['cases', 'cooperation', 'linkage']);
    expect(pagesFor(userWith('prosecutor'))).toEqual(['cases', 'cooperation']);
    expect(pagesFor(userWith('coordinator', null))).toEqual(['cooperation', 'linkage']);
    expect(pagesFor(userWith('oversight', null))).toEqual(['audit']);
    expect(pagesFor(userWith('oversight'))).toEqual([]);
    expect(pagesFor(userWith('node_admin', null))).toEqual(['cooperation', 'linkage', 'audit', 'admin', 'peers']);
    expect(pagesFor(userWith('node_admin'))).toEqual(['cooperation', 'admin']);
  });

  it('opens a case worker the cross-border referrals only, not MLA requests, joint teams or transfers', () => {
    expect(cooperationPartsFor(userWith('case_worker'))).toEqual(['referrals']);
    expect(cooperationPartsFor(userWith('investigator'))).toEqual(['referrals', 'mla', 'jit', 'transfers']);
    expect(cooperationPartsFor(userWith('coordinator', null))).toEqual(['mla', 'jit']);
    expect(pageAt('/cooperation/mla/01ABC', userWith('case_worker'))).toBe('cooperation');
    expect(pageAt('/audit', userWith('case_worker'))).toBeNull();
  });

  it('names the roles that would open a part, for a refusal', () => {
    expect(rolesFor('mla')).toEqual(['investigator', 'prosecutor', 'coordinator']);
    expect(rolesFor('jit')).toEqual(['investigator', 'prosecutor', 'coordinator', 'node_admin']);
    expect(rolesFor('transfers')).toEqual(['investigator', 'prosecutor']);
  });
});
