export {
  agencyCountry,
  agencyName,
  assigneesOf,
  mayBeAssigned,
  membersOfTeams,
  peopleNames,
  teamsOfUser,
  userName,
} from './lookups.ts';
export { authRoutes } from './sign-in.routes.ts';
export { type AuthOptions, AuthService, type SessionView } from './sign-in.service.ts';
export type { TeamRecord, TeamsService } from './teams.service.ts';
export { resealTotpSecrets, totpContext } from './totp-secrets.ts';
export { presentCreated, presentUser } from './user-accounts.presenters.ts';
export { identityRoutes } from './user-accounts.routes.ts';
export { Agency, RoleGrant, Session, User } from './user-accounts.schema.ts';
export { type AgencyRecord, UsersService } from './user-accounts.service.ts';
