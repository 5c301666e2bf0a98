/**
 * Teams of an agency (docs/operator-guide.md): node administrators make them and name their members; a role granted
 * with reach `team` then reaches the cases assigned to the team's members (src/shared/policy.ts). Supervisors see the
 * teams of their agencies, to assign cases.
 */
import { ulid } from 'ulid';
import type { Db, Queryable } from '../../db/client.ts';
import { AppError, invalid, notFound } from '../../lib/errors.ts';
import { type Actor, agenciesFor } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import * as repo from './teams.repository.ts';
import { findAgency, findUserByEmail, findUserById } from './user-accounts.repository.ts';

export type TeamRecord = repo.TeamRecord;
export type SessionTeam = Omit<TeamRecord, 'createdAt'>;

export class TeamsService {
  readonly #db: Db;
  readonly #audit: AuditService;

  constructor(db: Db, audit: AuditService) {
    this.#db = db;
    this.#audit = audit;
  }

  async create(ctx: RequestContext, input: { agency: string; name: string }): Promise<TeamRecord> {
    const name = input.name.trim();
    if (!name) throw invalid('The team needs a name.');
    const agency = await findAgency(this.#db, input.agency);
    if (!agency) throw notFound(`The agency "${input.agency}"`);
    await this.#audit.authorize(ctx, 'team.manage', { resource: { agencyId: agency.id }, ref: `agency:${agency.id}` });
    const id = ulid();
    return this.#db.transaction(async (tx) => {
      // Serialises concurrent adds of one name in an agency, so that the check below sees the other's row.
      await tx.query('select pg_advisory_xact_lock(7306, hashtext($1))', [`${agency.id}:${name.toLowerCase()}`]);
      if (await repo.findTeam(tx, name, agency.id)) {
        throw new AppError('team_exists', 409, `The agency already has a team named "${name}".`);
      }
      await repo.insertTeam(tx, { id, agencyId: agency.id, name });
      await this.#audit.record(tx, ctx, { action: 'team.create', resource: `team:${id}`, outcome: 'success' });
      return (await repo.findTeam(tx, id)) as TeamRecord;
    });
  }

  /** The teams of the agencies the caller may see teams of, every agency's for node-wide roles. */
  async list(ctx: RequestContext): Promise<TeamRecord[]> {
    const agencies = agenciesFor(ctx.actor, 'team.read');
    if (agencies?.length === 0) await this.#audit.authorize(ctx, 'team.read');
    return repo.listTeams(this.#db, agencies);
  }

  /**
   * The signed-in user's own teams: those she is a member of and those her grants reach, with their members' ids
   * (no names), so that the web app can tell which cases a grant narrowed to a team reaches. No policy check: it is
   * what she is, as her roles are.
   */
  async ofUser(actor: Extract<Actor, { kind: 'user' }>): Promise<SessionTeam[]> {
    const named = actor.memberships.flatMap((m) => (m.teamId ? [m.teamId] : []));
    const teams = await repo.teamsAround(this.#db, actor.userId, named);
    return teams.map(({ id, agencyId, name, members }) => ({ id, agencyId, name, members }));
  }

  /** Adds a user who holds a role in the team's agency. */
  async addMember(ctx: RequestContext, teamId: string, user: string): Promise<TeamRecord> {
    const team = await this.#toManage(ctx, teamId);
    const member = (await findUserByEmail(this.#db, user)) ?? (await findUserById(this.#db, user));
    if (!member) throw notFound('The user');
    if (!member.memberships.some((m) => m.agencyId === team.agencyId)) {
      throw new AppError('not_in_agency', 409, "The user holds no role in the team's agency.");
    }
    return this.#change(ctx, team, 'team.add_member', member.id, (tx) => repo.addMember(tx, team.id, member.id));
  }

  async removeMember(ctx: RequestContext, teamId: string, userId: string): Promise<TeamRecord> {
    const team = await this.#toManage(ctx, teamId);
    if (!team.members.includes(userId)) throw notFound('The member');
    return this.#change(ctx, team, 'team.remove_member', userId, (tx) => repo.removeMember(tx, team.id, userId));
  }

  async #toManage(ctx: RequestContext, teamId: string): Promise<TeamRecord> {
    const team = await repo.findTeam(this.#db, teamId);
    if (!team) throw notFound('The team');
    await this.#audit.authorize(ctx, 'team.manage', { resource: { agencyId: team.agencyId }, ref: `team:${team.id}` });
    return team;
  }

  async #change(
    ctx: RequestContext,
    team: TeamRecord,
    action: string,
    userId: string,
    change: (tx: Queryable) => Promise<unknown>,
  ): Promise<TeamRecord> {
    return this.#db.transaction(async (tx) => {
      await change(tx);
      await this.#audit.record(tx, ctx, {
        action,
        resource: `team:${team.id}`,
        resources: [`user:${userId}`],
        outcome: 'success',
      });
      return (await repo.findTeam(tx, team.id)) as TeamRecord;
    });
  }
}
