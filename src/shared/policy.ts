import { AppError } from '../lib/errors.ts';

export const ROLES = [
  'case_worker',
  'supervisor',
  'investigator',
  'prosecutor',
  'reparations_officer',
  'oversight',
  'coordinator',
  'node_admin',
] as const;
export type Role = (typeof ROLES)[number];

/** Why protected data is touched. Every read of protected data names one, and the audit trail records it. */
export const PURPOSES = [
  'administration',
  'oversight',
  'case_management',
  'investigation',
  'prosecution',
  'reparations',
  'statistics',
] as const;
export type Purpose = (typeof PURPOSES)[number];

/**
 * How far a membership scoped to an agency reaches on the resources of that agency (after Primero's permission
 * levels): `agency`, all of them (the default, and the meaning of every grant made before reaches existed); `team`,
 * those assigned to a member of the membership's team, and the holder's own; `own`, only those assigned to the
 * holder (her own cases). Narrower reaches decide only rules of scope `agency`.
 */
export const REACHES = ['agency', 'team', 'own'] as const;
export type Reach = (typeof REACHES)[number];

export interface Membership {
  role: Role;
  /** null: the role holds for the whole node. */
  agencyId: string | null;
  /** Absent or `agency`: the whole agency. Only with an agency. */
  reach?: Reach;
  /** With reach `team`: the team (of the membership's agency) whose members' resources it reaches. */
  teamId?: string | null;
}

export type Actor =
  | { kind: 'user'; userId: string; memberships: readonly Membership[] }
  /** Someone at the node's console (`passage` CLI) with access to its data directory: a node administrator. */
  | { kind: 'operator'; name: string }
  /** Someone not signed in (a failed sign-in, for the audit trail). Holds no role. */
  | { kind: 'anonymous' };

export interface Resource {
  /** The agency the resource belongs to, for roles scoped to an agency. */
  agencyId?: string | null;
  /** Other agencies working on it, e.g. the receiver of an accepted referral; `Rule.shared` says what they may do. */
  sharedWith?: readonly string[];
  /** The user it is assigned to (a case's case worker), for memberships that reach only own cases or a team. */
  assignedTo?: string | null;
  /** The teams of the user it is assigned to, for memberships that reach a team. */
  assignedTeams?: readonly string[];
}

/**
 * `any`: any membership with the role; `node`: only node-wide memberships; `agency`: node-wide memberships, or
 * memberships scoped to the resource's agency as far as their reach goes (see `Reach`).
 */
type Scope = 'any' | 'node' | 'agency';

interface Rule {
  roles: readonly Role[];
  scope: Scope;
  /** When set, the caller must state one of these purposes. */
  purposes?: readonly Purpose[];
  /**
   * Whether the console operator may do it (with one of the rule's purposes, when it has some). The operator holds
   * the node's keys on disk and could decrypt everything anyway; letting them read through Passage, with a purpose
   * and a disclosure record, keeps what they read accountable. Node administrators signed in to the web app cannot.
   */
  console?: boolean;
  /**
   * Whether agencies in `Resource.sharedWith` (receivers of an accepted referral) may do it too: reading the case, and
   * the care they were asked to give (consent, risk, services). Never changing or closing the case itself.
   */
  shared?: boolean;
}

const EVERYONE = ROLES;
/** Roles that work cases day to day. */
const CASE_ROLES = ['case_worker', 'supervisor', 'investigator', 'prosecutor', 'reparations_officer'] as const;
const FRONTLINE = ['case_worker', 'supervisor', 'investigator'] as const;
const CARE = ['case_worker', 'supervisor'] as const;

/** The whole policy: every service asks `can`/`assert` with one of these actions. Deny by default. */
export const RULES = {
  'agency.list': { roles: EVERYONE, scope: 'any' },
  'agency.create': { roles: ['node_admin'], scope: 'node' },
  'user.list': { roles: ['node_admin'], scope: 'agency' },
  'user.create': { roles: ['node_admin'], scope: 'agency' },
  'user.disable': { roles: ['node_admin'], scope: 'agency' },
  'user.enable': { roles: ['node_admin'], scope: 'agency' },
  'user.reset_second_factor': { roles: ['node_admin'], scope: 'agency' },
  /** Teams of an agency, for grants that reach a team: administrators make them, supervisors see them to assign. */
  'team.read': { roles: ['node_admin', 'supervisor'], scope: 'agency' },
  'team.manage': { roles: ['node_admin'], scope: 'agency' },
  'audit.read': { roles: ['oversight', 'node_admin'], scope: 'node', purposes: ['oversight', 'administration'] },
  'audit.verify': { roles: ['oversight', 'node_admin'], scope: 'node' },
  /** The node's trust list of other nodes (federation), and this node's key fingerprint to read out to them. */
  'peer.read': { roles: ['node_admin'], scope: 'node', console: true },
  'peer.manage': { roles: ['node_admin'], scope: 'node', console: true },
  /** Which nodes this one works with (id, name, country): for those who address them in referrals, MLA and JITs. */
  'peer.directory': {
    roles: [...CASE_ROLES, 'coordinator', 'node_admin'],
    scope: 'any',
    console: true,
  },
  /** The node's custody log: checkpoints, proofs and entries hold hashes and references, never personal data. */
  'custody.read': { roles: EVERYONE, scope: 'any', console: true },
  'survivor.read_identity': {
    roles: CASE_ROLES,
    scope: 'agency',
    purposes: ['case_management', 'investigation', 'prosecution', 'reparations', 'administration'],
    shared: true,
    console: true,
  },
  'survivor.update_identity': { roles: FRONTLINE, scope: 'agency' },
  'survivor.erase': { roles: ['supervisor'], scope: 'agency' },
  'case.create': { roles: FRONTLINE, scope: 'agency' },
  /** Pseudonymous case data: no identity fields. */
  'case.read': { roles: CASE_ROLES, scope: 'agency', shared: true, console: true },
  'case.update': { roles: FRONTLINE, scope: 'agency' },
  'case.transition': { roles: [...FRONTLINE, 'prosecutor'], scope: 'agency' },
  'case.approve_closure': { roles: ['supervisor'], scope: 'agency' },
  /** Giving a case to another case worker of its agency (its assignee, whom own-case and team grants follow). */
  'case.assign': { roles: ['supervisor'], scope: 'agency' },
  /**
   * Voiding a case created in error: gone from lists and reads, kept in the audit trail and its own history. The
   * console operator may too (`passage case void`): a correction of the register, not casework.
   */
  'case.void': { roles: ['supervisor'], scope: 'agency', console: true },
  'consent.read': { roles: CASE_ROLES, scope: 'agency', shared: true },
  'consent.record': { roles: FRONTLINE, scope: 'agency', shared: true },
  'consent.override': { roles: ['supervisor', 'prosecutor'], scope: 'agency' },
  'disclosure.read': { roles: [...CARE, 'oversight'], scope: 'agency' },
  'risk.assess': { roles: CARE, scope: 'agency', shared: true },
  'service.plan': { roles: CARE, scope: 'agency', shared: true },
  /**
   * Reading the risk assessments and the service plans: a safety plan can say where the survivor is, so only those
   * who give her care read them (her agency's case workers and supervisors, and an agency that received her case by
   * a referral), not every role that reads the case (police, prosecutors, reparations).
   */
  'care.read': { roles: CARE, scope: 'agency', shared: true },
  'referral.offer': { roles: FRONTLINE, scope: 'agency' },
  'referral.respond': { roles: CARE, scope: 'agency' },
  'htcds.import': { roles: ['supervisor', 'node_admin'], scope: 'agency' },
  'htcds.export': { roles: ['supervisor', 'node_admin'], scope: 'agency' },
  /**
   * Evidence stays with the owning agency: receivers of a referral give care and get none of it, so that a handling
   * code such as H2 (no onward sharing) is not passed by a referral. The console operator ingests seized-device
   * exports (`passage evidence add`) and lists them, but downloads go through a signed-in user with a purpose.
   */
  'evidence.add': { roles: FRONTLINE, scope: 'agency', console: true },
  'evidence.read': { roles: CASE_ROLES, scope: 'agency', console: true },
  'evidence.download': {
    roles: CASE_ROLES,
    scope: 'agency',
    purposes: ['case_management', 'investigation', 'prosecution', 'reparations'],
  },
  'evidence.derive': { roles: [...FRONTLINE, 'prosecutor'], scope: 'agency' },
  'evidence.export': { roles: ['supervisor', 'investigator', 'prosecutor'], scope: 'agency', console: true },
  /**
   * Evidence transfers to and from other nodes (exchange module). Transfers pass between the nodes' authorities: any
   * investigator or prosecutor of the node sees them and decides inbound ones, while sending an item also needs the
   * right to download it (its case's agency), and accepting needs the right to add evidence to the chosen case. What
   * an inbound transfer says of its items is read with a purpose. Permissions to use a received item beyond its
   * handling code are asked and given by those who may export the item's case.
   */
  'evidence.transfer': { roles: ['investigator', 'prosecutor'], scope: 'any' },
  'evidence.transfer_read': {
    roles: ['investigator', 'prosecutor'],
    scope: 'any',
    purposes: ['investigation', 'prosecution'],
  },
  'evidence.permission': { roles: ['supervisor', 'investigator', 'prosecutor'], scope: 'agency' },
  /**
   * MLA requests pass between the nodes' authorities, not between agencies: any investigator or prosecutor of the
   * node works them, and the coordinator follows their clocks. What they say about people (persons concerned,
   * summary of facts) is read only with a purpose.
   */
  'mla.read': { roles: ['investigator', 'prosecutor', 'coordinator'], scope: 'any', console: true },
  'mla.read_persons': {
    roles: ['investigator', 'prosecutor'],
    scope: 'any',
    purposes: ['investigation', 'prosecution'],
  },
  'mla.manage': { roles: ['investigator', 'prosecutor'], scope: 'any' },
  'htcds.export_identity': {
    roles: ['supervisor'],
    scope: 'agency',
    purposes: ['case_management', 'administration'],
    console: true,
  },
  /**
   * Joint investigation teams: the investigators and prosecutors of the agencies of this node taking part in the JIT
   * (`Resource.sharedWith`) work in its shared space and read it with a purpose. Coordinators and node administrators
   * set JITs up and name the agencies taking part without reading the space; an investigator may too, for a JIT their
   * agency is in.
   */
  'jit.read': {
    roles: ['investigator', 'prosecutor'],
    scope: 'agency',
    shared: true,
    purposes: ['investigation', 'prosecution'],
  },
  'jit.write': { roles: ['investigator', 'prosecutor'], scope: 'agency', shared: true },
  'jit.manage': { roles: ['investigator', 'coordinator', 'node_admin'], scope: 'agency', shared: true },
  /**
   * Linkage across nodes (docs/linkage.md): node administrators set groups up and install the shared secret;
   * coordinators see the groups and submit encodings. Alerts name no one: those who work the case's agency read and
   * decide them (not the receivers of a referral, who give care and do not investigate).
   */
  'linkage.manage': { roles: ['node_admin'], scope: 'node', console: true },
  'linkage.read': { roles: ['node_admin', 'coordinator'], scope: 'node', console: true },
  'linkage.submit': { roles: ['node_admin', 'coordinator'], scope: 'node', console: true },
  'linkage.alert_read': { roles: FRONTLINE, scope: 'agency' },
  'linkage.alert_decide': { roles: FRONTLINE, scope: 'agency' },
} as const satisfies Record<string, Rule>;
export type Action = keyof typeof RULES;
export const ACTIONS = Object.keys(RULES) as Action[];

export type Decision = { allowed: true } | { allowed: false; reason: 'role' | 'scope' | 'purpose' };

const OPERATOR_MEMBERSHIPS: readonly Membership[] = [{ role: 'node_admin', agencyId: null }];

function memberships(actor: Actor): readonly Membership[] {
  if (actor.kind === 'anonymous') return [];
  return actor.kind === 'operator' ? OPERATOR_MEMBERSHIPS : actor.memberships;
}

export function can(actor: Actor, action: Action, resource: Resource = {}, purpose?: Purpose): Decision {
  const rule: Rule = RULES[action];
  if (actor.kind === 'operator' && rule.console) return checkPurpose(rule, purpose);
  const withRole = memberships(actor).filter((m) => rule.roles.includes(m.role));
  if (withRole.length === 0) return { allowed: false, reason: 'role' };
  const userId = actor.kind === 'user' ? actor.userId : null;
  const inScope = withRole.some(
    (m) =>
      rule.scope === 'any' ||
      m.agencyId === null ||
      (rule.scope === 'agency' &&
        ((resource.agencyId != null && m.agencyId === resource.agencyId && reaches(m, resource, userId)) ||
          // Sharing is between agencies: a membership narrowed to a team or to own cases does not reach what its
          // agency received.
          (rule.shared === true && reachOf(m) === 'agency' && resource.sharedWith?.includes(m.agencyId) === true))),
  );
  if (!inScope) return { allowed: false, reason: 'scope' };
  return checkPurpose(rule, purpose);
}

export const reachOf = (m: Membership): Reach => m.reach ?? 'agency';

/** Whether a membership of the resource's agency reaches it: the whole agency, the team's, or the holder's own. */
function reaches(m: Membership, resource: Resource, userId: string | null): boolean {
  const reach = reachOf(m);
  if (reach === 'agency') return true;
  const own = userId !== null && resource.assignedTo === userId;
  if (reach === 'own') return own;
  return own || (m.teamId != null && resource.assignedTeams?.includes(m.teamId) === true);
}

function checkPurpose(rule: Rule, purpose: Purpose | undefined): Decision {
  if (rule.purposes && (!purpose || !rule.purposes.includes(purpose))) return { allowed: false, reason: 'purpose' };
  return { allowed: true };
}

/**
 * The agencies where `actor` may do `action` on resources of their own: null when a node-wide membership allows it
 * everywhere, an empty list when nowhere. For listing and searching, where there is no single resource to ask about.
 */
export function agenciesFor(actor: Actor, action: Action): string[] | null {
  const reach = reachFor(actor, action);
  return reach === null ? null : reach.agencies;
}

/**
 * Where `actor` may do `action`, for listing: null when everywhere, else the agencies reached whole, the teams reached
 * (by agency) and the agencies where only own resources are. An agency reached whole is not repeated in the others.
 */
export interface ActionReach {
  agencies: string[];
  teams: { agencyId: string; teamId: string }[];
  /** Agencies where the actor reaches her own resources (also true of every team membership). */
  own: string[];
}

export function reachFor(actor: Actor, action: Action): ActionReach | null {
  const rule: Rule = RULES[action];
  if (actor.kind === 'operator' && rule.console) return null;
  const withRole = memberships(actor).filter((m) => rule.roles.includes(m.role));
  if (withRole.some((m) => m.agencyId === null || rule.scope === 'any')) return null;
  if (rule.scope === 'node') return { agencies: [], teams: [], own: [] };
  const scoped = withRole.filter((m): m is Membership & { agencyId: string } => m.agencyId !== null);
  const agencies = [...new Set(scoped.filter((m) => reachOf(m) === 'agency').map((m) => m.agencyId))];
  const narrow = scoped.filter((m) => reachOf(m) !== 'agency' && !agencies.includes(m.agencyId));
  const teams = narrow
    .filter((m) => reachOf(m) === 'team' && m.teamId != null)
    .map((m) => ({ agencyId: m.agencyId, teamId: m.teamId as string }));
  return { agencies, teams, own: [...new Set(narrow.map((m) => m.agencyId))] };
}

export function assertCan(actor: Actor, action: Action, resource?: Resource, purpose?: Purpose): void {
  const decision = can(actor, action, resource, purpose);
  if (decision.allowed) return;
  if (decision.reason === 'purpose') {
    const allowed = (RULES[action] as Rule).purposes?.join(', ');
    throw new AppError('purpose_required', 403, `State why you need this: one of the purposes ${allowed}.`);
  }
  // The roles that could do it, so that a client can say whom to ask rather than offer to try again. A refusal by
  // scope (the role, but not for this agency or case) names them too: the caller holds one but not here.
  throw new AppError('forbidden', 403, 'Your roles do not allow this.', {
    roles: [...RULES[action].roles],
    reason: decision.reason,
  });
}

/** Roles that can read survivor identity must sign in with a second factor; so must node administrators, who can grant any role. */
export function requiresSecondFactor(roles: readonly Role[]): boolean {
  const identityReaders: readonly Role[] = RULES['survivor.read_identity'].roles;
  return roles.some((role) => role === 'node_admin' || identityReaders.includes(role));
}

export function actorRef(actor: Actor): string {
  if (actor.kind === 'anonymous') return 'anonymous';
  return actor.kind === 'user' ? `user:${actor.userId}` : `operator:${actor.name}`;
}
