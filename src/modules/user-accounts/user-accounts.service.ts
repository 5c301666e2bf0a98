import { hash } from '@node-rs/argon2';
import { generateSecret, generateURI } from 'otplib';
import { ulid } from 'ulid';
import type { Db } from '../../db/client.ts';
import { AppError, invalid, notFound } from '../../lib/errors.ts';
import { seal, unseal } from '../../lib/seal.ts';
import { isCountryCode } from '../../shared/countries.ts';
import { ORG_TYPES } from '../../shared/org-types.ts';
import { type Action, can, type Membership, REACHES, type Reach, ROLES, type Role } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import * as teams from './teams.repository.ts';
import { TeamsService } from './teams.service.ts';
import { totpContext } from './totp-secrets.ts';
import * as repo from './user-accounts.repository.ts';

export const PASSWORD_MIN_LENGTH = 12;

/** OWASP's argon2id baseline (19 MiB, 2 passes). */
export const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export interface NewAgency {
  name: string;
  country: string;
  orgType: string;
}

export interface NewUser {
  email: string;
  displayName: string;
  /** Omitted for users who sign in only through the node's OIDC provider. */
  password?: string;
  /** `reach` (default `agency`) narrows a role for an agency to a team (`team`: id or name) or to own cases. */
  roles: { role: string; agency?: string | null; reach?: Reach; team?: string }[];
}

export interface CreatedUser {
  user: repo.UserRecord;
  /** Shown once to the administrator, who hands it to the user for their authenticator app. */
  totpSecret: string;
  totpUri: string;
}

/** An agency as the node keeps it. */
export type AgencyRecord = repo.Agency;

export class UsersService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #kek: Buffer;
  readonly #issuer: string;
  /** The teams of agencies, which grants with reach `team` name. */
  readonly teams: TeamsService;
  constructor(db: Db, audit: AuditService, kek: Buffer, issuer: string) {
    this.#db = db;
    this.#audit = audit;
    this.#kek = kek;
    this.#issuer = issuer;
    this.teams = new TeamsService(db, audit);
  }

  async createAgency(ctx: RequestContext, input: NewAgency): Promise<repo.Agency> {
    const name = input.name.trim();
    const country = input.country.toUpperCase();
    if (!name) throw invalid('The agency needs a name.');
    if (!isCountryCode(country)) throw invalid(`"${input.country}" is not an ISO 3166-1 alpha-2 country code.`);
    if (!(ORG_TYPES as readonly string[]).includes(input.orgType)) {
      throw invalid(`"${input.orgType}" is not an agency type. Use one of: ${ORG_TYPES.join(', ')}.`);
    }
    await this.#audit.authorize(ctx, 'agency.create');
    return this.#db.transaction(async (tx) => {
      // Serialises concurrent adds of one name, so that the check below sees the other's row (409, not a 500).
      await tx.query('select pg_advisory_xact_lock(7303, hashtext(lower($1)))', [name]);
      if (await repo.findAgency(tx, name)) {
        throw new AppError('agency_exists', 409, `An agency named "${name}" already exists.`);
      }
      const agency = await repo.insertAgency(tx, { id: ulid(), name, country, orgType: input.orgType });
      await this.#audit.record(tx, ctx, {
        action: 'agency.create',
        resource: `agency:${agency.id}`,
        outcome: 'success',
      });
      return agency;
    });
  }

  async listAgencies(ctx: RequestContext): Promise<repo.Agency[]> {
    await this.#audit.authorize(ctx, 'agency.list');
    return repo.listAgencies(this.#db);
  }

  async createUser(ctx: RequestContext, input: NewUser): Promise<CreatedUser> {
    const email = input.email.trim().toLowerCase();
    const displayName = input.displayName.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalid('The email address is not valid.');
    if (!displayName) throw invalid('The user needs a display name.');
    if (input.password !== undefined && [...input.password].length < PASSWORD_MIN_LENGTH) {
      throw invalid(`The password must have at least ${PASSWORD_MIN_LENGTH} characters.`);
    }
    if (input.roles.length === 0) throw invalid('Give the user at least one role.');
    const memberships = await this.#resolveMemberships(input.roles);
    for (const m of memberships) {
      await this.#audit.authorize(ctx, 'user.create', { resource: { agencyId: m.agencyId } });
    }
    const passwordHash = input.password === undefined ? null : await hash(input.password, ARGON2_OPTIONS);
    const id = ulid();
    const totpSecret = generateSecret();
    return this.#db.transaction(async (tx) => {
      // Serialises concurrent adds of one email, so that the check below sees the other's row (409, not a 500).
      await tx.query('select pg_advisory_xact_lock(7304, hashtext($1))', [email]);
      if (await repo.findUserByEmail(tx, email)) {
        throw new AppError('user_exists', 409, 'A user with this email address already exists.');
      }
      const totpSecretSealed = seal(this.#kek, totpSecret, totpContext(id));
      await repo.insertUser(tx, { id, email, displayName, passwordHash, totpSecretSealed }, memberships);
      await this.#audit.record(tx, ctx, { action: 'user.create', resource: `user:${id}`, outcome: 'success' });
      const user = (await repo.findUserById(tx, id)) as repo.UserRecord;
      return { user, totpSecret, totpUri: generateURI({ issuer: this.#issuer, label: email, secret: totpSecret }) };
    });
  }

  /** Node-wide administrators see every user; administrators of agencies see the users of their agencies. */
  async listUsers(ctx: RequestContext): Promise<repo.UserRecord[]> {
    const agencies = can(ctx.actor, 'user.list').allowed ? null : this.#userListAgencies(ctx);
    if (agencies?.length === 0) await this.#audit.authorize(ctx, 'user.list');
    const users = await repo.listUsers(this.#db, agencies);
    // Who works where is protected too: the list read is recorded with the ids it showed (issue 14, item 4).
    await this.#audit.recordRead(ctx, { action: 'user.list', resources: users.map((u) => `user:${u.id}`) });
    return users;
  }

  #userListAgencies(ctx: RequestContext): string[] {
    if (ctx.actor.kind !== 'user') return [];
    return ctx.actor.memberships.flatMap((m) =>
      m.agencyId && can(ctx.actor, 'user.list', { agencyId: m.agencyId }).allowed ? [m.agencyId] : [],
    );
  }

  async disableUser(ctx: RequestContext, emailOrId: string): Promise<repo.UserRecord> {
    const user = await this.#findToManage(ctx, 'user.disable', emailOrId);
    if (ctx.actor.kind === 'user' && ctx.actor.userId === user.id) {
      throw new AppError('cannot_disable_self', 409, 'You cannot disable your own account.');
    }
    return this.#db.transaction(async (tx) => {
      // The node must keep an administrator who can sign in; serialise with other disables to count reliably.
      await tx.query('select pg_advisory_xact_lock(7305)');
      const nodeAdmin = user.memberships.some((m) => m.role === 'node_admin' && m.agencyId === null);
      if (nodeAdmin && !user.disabledAt && (await repo.countActiveNodeAdmins(tx)) <= 1) {
        throw new AppError('last_admin', 409, 'This is the last node administrator. Add another one first.');
      }
      await repo.disableUser(tx, user.id);
      await this.#audit.record(tx, ctx, { action: 'user.disable', resource: `user:${user.id}`, outcome: 'success' });
      return (await repo.findUserById(tx, user.id)) as repo.UserRecord;
    });
  }

  async enableUser(ctx: RequestContext, emailOrId: string): Promise<repo.UserRecord> {
    const user = await this.#findToManage(ctx, 'user.enable', emailOrId);
    return this.#db.transaction(async (tx) => {
      await repo.enableUser(tx, user.id);
      await this.#audit.record(tx, ctx, { action: 'user.enable', resource: `user:${user.id}`, outcome: 'success' });
      return (await repo.findUserById(tx, user.id)) as repo.UserRecord;
    });
  }

  /** Issues a new TOTP secret (the old one stops working) and ends the user's sessions: for a lost or exposed key. */
  async resetSecondFactor(ctx: RequestContext, emailOrId: string): Promise<CreatedUser> {
    const user = await this.#findToManage(ctx, 'user.reset_second_factor', emailOrId);
    const totpSecret = generateSecret();
    return this.#db.transaction(async (tx) => {
      await repo.replaceTotpSecret(tx, user.id, seal(this.#kek, totpSecret, totpContext(user.id)));
      await this.#audit.record(tx, ctx, {
        action: 'user.reset_second_factor',
        resource: `user:${user.id}`,
        outcome: 'success',
      });
      const updated = (await repo.findUserById(tx, user.id)) as repo.UserRecord;
      return {
        user: updated,
        totpSecret,
        totpUri: generateURI({ issuer: this.#issuer, label: user.email, secret: totpSecret }),
      };
    });
  }

  /**
   * The TOTP secret of the user with this email, for demo nodes, whose seeding and `demo.code` stand in for an
   * authenticator app; null when there is no such user or secret. Only the console reaches it, and only on a demo
   * node (its callers check), so there is no policy decision to ask for.
   */
  async demoTotpSecret(email: string): Promise<{ userId: string; secret: string } | null> {
    const user = await repo.findUserByEmail(this.#db, email);
    if (!user?.totpSecretSealed) return null;
    return { userId: user.id, secret: unseal(this.#kek, user.totpSecretSealed, totpContext(user.id)) };
  }

  /** Finds a user whom `ctx` may manage: it needs authority over every agency in which the user holds a role. */
  async #findToManage(ctx: RequestContext, action: Action, emailOrId: string): Promise<repo.UserRecord> {
    const user = (await repo.findUserByEmail(this.#db, emailOrId)) ?? (await repo.findUserById(this.#db, emailOrId));
    if (!user) throw notFound('The user');
    const agencies = user.memberships.map((m) => m.agencyId);
    for (const agencyId of agencies.length ? agencies : [null]) {
      await this.#audit.authorize(ctx, action, { resource: { agencyId }, ref: `user:${user.id}` });
    }
    return user;
  }

  async #resolveMemberships(roles: NewUser['roles']): Promise<Membership[]> {
    const result: Membership[] = [];
    for (const { role, agency, reach = 'agency', team } of roles) {
      if (!(ROLES as readonly string[]).includes(role)) {
        throw invalid(`"${role}" is not a role. Use one of: ${ROLES.join(', ')}.`);
      }
      let agencyId: string | null = null;
      if (agency) {
        const found = await repo.findAgency(this.#db, agency);
        if (!found) throw notFound(`The agency "${agency}"`);
        agencyId = found.id;
      }
      result.push({ role: role as Role, agencyId, ...(await this.#reach(agencyId, reach, team)) });
    }
    return result;
  }

  /** A reach narrower than the agency needs an agency, and reach `team` a team of that agency. */
  async #reach(agencyId: string | null, reach: Reach, team: string | undefined): Promise<Partial<Membership>> {
    if (!(REACHES as readonly string[]).includes(reach)) {
      throw invalid(`"${reach}" is not a reach. Use one of: ${REACHES.join(', ')}.`);
    }
    if (reach !== 'team' && team !== undefined) throw invalid('Name a team only for a role that reaches a team.');
    if (reach === 'agency') return {};
    if (agencyId === null) throw invalid('Only a role for an agency can be narrowed to a team or to own cases.');
    if (reach === 'own') return { reach };
    if (!team) throw invalid('Name the team the role reaches.');
    const found = await teams.findTeam(this.#db, team, agencyId);
    if (!found || found.agencyId !== agencyId) throw notFound(`The team "${team}" of this agency`);
    return { reach, teamId: found.id };
  }
}
