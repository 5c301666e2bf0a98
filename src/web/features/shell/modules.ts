import { type Action, ROLES, type Role, RULES } from '../../../shared/policy.ts';
import type { SessionUser } from '../../api.ts';

export type PageId = 'cases' | 'cooperation' | 'linkage' | 'audit' | 'admin' | 'peers';

/**
 * Whether one of the user's grants holds a role of `action`'s rule (any of them with `nodeWide: false`; only a grant
 * for the whole node with `nodeWide: true`). The menu and the pages ask the same rules the server decides with
 * (src/shared/policy.ts), so that they offer only what the server would allow; the server still decides each request.
 */
export const mayDo = (user: SessionUser, action: Action, nodeWide = false) =>
  user.roles.some(
    (grant) =>
      (RULES[action].roles as readonly string[]).includes(grant.role) && (!nodeWide || grant.agencyId === null),
  );

/** The parts of the work with other countries' nodes, each under /cooperation/<part>, and the rules that open them. */
export const COOPERATION_PARTS = ['referrals', 'mla', 'jit', 'transfers'] as const;
export type CooperationPart = (typeof COOPERATION_PARTS)[number];
const PART_RULES: Record<CooperationPart, readonly Action[]> = {
  // Received referrals are answered by `referral.respond`; sent ones are read with the case (`case.read`).
  referrals: ['referral.respond', 'case.read'],
  mla: ['mla.read'],
  jit: ['jit.read', 'jit.manage'],
  transfers: ['evidence.transfer'],
};

/** The cooperation parts the user's roles open: a case worker has referrals, not MLA requests or joint teams. */
export const cooperationPartsFor = (user: SessionUser): CooperationPart[] =>
  COOPERATION_PARTS.filter((part) => PART_RULES[part].some((action) => mayDo(user, action)));

/** The roles that open a cooperation part, for a refusal that says whom to ask. */
export const rolesFor = (part: CooperationPart): Role[] =>
  ROLES.filter((role) => PART_RULES[part].some((action) => (RULES[action].roles as readonly string[]).includes(role)));

/** Who reads linkage alerts on their agencies' cases (`linkage.alert_read`), or the node's groups (`linkage.read`). */
const links = (user: SessionUser) => mayDo(user, 'linkage.alert_read') || mayDo(user, 'linkage.read', true);
/** As the policy's `agency.create`: only administrators of the whole node add agencies. */
export const administersNode = (user: SessionUser) => mayDo(user, 'agency.create', true);

/** The pages in the user's menu: the menu offers only what the user's roles allow. */
export function pagesFor(user: SessionUser): PageId[] {
  const pages: PageId[] = [];
  if (mayDo(user, 'case.read')) pages.push('cases');
  if (cooperationPartsFor(user).length > 0) pages.push('cooperation');
  if (links(user)) pages.push('linkage');
  // As the policy's `audit.read`: oversight and node administrators, for the whole node.
  if (mayDo(user, 'audit.read', true)) pages.push('audit');
  // Administrators of the whole node, or of some of its agencies (who manage those agencies' users).
  if (mayDo(user, 'user.list')) pages.push('admin');
  // As the policy's `peer.read` and `peer.manage`: the node's trust list is for administrators of the whole node.
  if (mayDo(user, 'peer.read', true)) pages.push('peers');
  return pages;
}

export const pagePath = (page: PageId) => `/${page}`;

/** Pages with pages of their own below them (`/cases/new`, `/cases/<id>`, `/cooperation/mla/<id>`, `/linkage/alerts/<id>`). */
const SECTIONS: readonly PageId[] = ['cases', 'cooperation', 'linkage'];

export function pageAt(path: string, user: SessionUser): PageId | null {
  return (
    pagesFor(user).find(
      (page) => pagePath(page) === path || (SECTIONS.includes(page) && path.startsWith(`${pagePath(page)}/`)),
    ) ?? null
  );
}
