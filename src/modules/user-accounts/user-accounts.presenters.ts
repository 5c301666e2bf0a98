import type { UserRecord } from './user-accounts.repository.ts';
import type { CreatedUser } from './user-accounts.service.ts';

/** The user as the API shows it: never the password hash or the TOTP secret. */
export function presentUser(user: UserRecord) {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    roles: user.memberships,
    hasPassword: user.passwordHash !== null,
    oidcLinked: user.oidcSubject !== null,
    createdAt: user.createdAt,
    disabledAt: user.disabledAt,
  };
}

/** A new user or a reset key: the TOTP secret leaves the node this once. */
export function presentCreated(created: CreatedUser) {
  return { user: presentUser(created.user), totp: { secret: created.totpSecret, uri: created.totpUri } };
}
