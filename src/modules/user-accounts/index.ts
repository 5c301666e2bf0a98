export { authRoutes } from './sign-in.routes.ts';
export { type AuthOptions, AuthService, type SessionView } from './sign-in.service.ts';
export { presentCreated, presentUser } from './user-accounts.presenters.ts';
export { type Agency as AgencyRecord, findUserByEmail } from './user-accounts.repository.ts';
export { identityRoutes } from './user-accounts.routes.ts';
export { Agency, RoleGrant, Session, User } from './user-accounts.schema.ts';
export { totpContext, UsersService } from './user-accounts.service.ts';
