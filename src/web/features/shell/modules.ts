import { RULES } from '../../../shared/policy.ts';
import type { RoleId, SessionUser } from '../../api.ts';

/** The work areas the shell already names; each becomes a real page when its module lands on the node. */
export const PLACEHOLDERS = ['evidence'] as const;

export type PlaceholderId = (typeof PLACEHOLDERS)[number];
export type PageId = 'cases' | 'cooperation' | 'linkage' | PlaceholderId | 'audit' | 'admin' | 'peers';

const holds = (user: SessionUser, roles: readonly RoleId[], nodeWide: boolean) =>
  user.roles.some((grant) => roles.includes(grant.role) && (!nodeWide || grant.agencyId === null));

/** As the policy's `case.read`: the roles that work cases, in their agencies or node-wide. */
const worksCases = (user: SessionUser) => holds(user, RULES['case.read'].roles, false);
/** Who works with other nodes: the roles that work cases, and those who set up joint teams or follow MLA clocks. */
const cooperates = (user: SessionUser) =>
  holds(user, [...RULES['case.read'].roles, ...RULES['jit.manage'].roles, ...RULES['mla.read'].roles], false);
/** Who reads linkage alerts on their agencies' cases (`linkage.alert_read`), or the node's groups (`linkage.read`). */
const links = (user: SessionUser) =>
  holds(user, RULES['linkage.alert_read'].roles, false) || holds(user, RULES['linkage.read'].roles, true);
/** As the policy's `audit.read`: oversight and node administrators, for the whole node. */
const readsAudit = (user: SessionUser) => holds(user, ['oversight', 'node_admin'], true);
/** Administrators of the whole node, or of some of its agencies (who manage those agencies' users). */
const administers = (user: SessionUser) => holds(user, ['node_admin'], false);
/** As the policy's `agency.create`: only administrators of the whole node add agencies. */
export const administersNode = (user: SessionUser) => holds(user, ['node_admin'], true);

/** The pages in the user's menu: the menu offers only what the user's roles allow. */
export function pagesFor(user: SessionUser): PageId[] {
  const pages: PageId[] = worksCases(user) ? ['cases', 'evidence'] : ['evidence'];
  if (cooperates(user)) pages.push('cooperation');
  if (links(user)) pages.push('linkage');
  if (readsAudit(user)) pages.push('audit');
  if (administers(user)) pages.push('admin');
  // As the policy's `peer.read` and `peer.manage`: the node's trust list is for administrators of the whole node.
  if (administersNode(user)) pages.push('peers');
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
