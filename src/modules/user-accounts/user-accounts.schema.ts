import { type Static, Type } from 'typebox';
import { ORG_TYPES, type OrgType } from '../../shared/org-types.ts';
import { REACHES, type Reach, ROLES, type Role } from '../../shared/policy.ts';

const strict = { additionalProperties: false } as const;

// Unsafe names the values for Static<> (a mapped array of literals would type as never); the JSON is the same.
export const RoleName = Type.Unsafe<Role>(
  Type.Union(
    ROLES.map((r) => Type.Literal(r)),
    { description: 'Role' },
  ),
);

export const ReachName = Type.Unsafe<Reach>(
  Type.Union(
    REACHES.map((r) => Type.Literal(r)),
    {
      description:
        'How far a grant for an agency reaches: the whole agency, the cases of a team' +
        " (and the holder's own), or only the holder's own cases (those assigned to her)",
    },
  ),
);

export const Agency = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    country: Type.String({ description: 'ISO 3166-1 alpha-2' }),
    orgType: Type.String({ description: 'HTCDS org_Type value, or a Passage extension' }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Agency' },
);
export type Agency = Static<typeof Agency>;

export const NewAgency = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    country: Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2' }),
    orgType: Type.Unsafe<OrgType>(Type.Union(ORG_TYPES.map((t) => Type.Literal(t)))),
  },
  strict,
);
export type NewAgency = Static<typeof NewAgency>;

export const RoleGrant = Type.Object(
  {
    role: RoleName,
    agencyId: Type.Union([Type.String(), Type.Null()], { description: 'null: the role holds for the whole node' }),
    agencyName: Type.Union([Type.String(), Type.Null()]),
    reach: ReachName,
    teamId: Type.Union([Type.String(), Type.Null()], { description: 'With reach team: the team' }),
    teamName: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'RoleGrant' },
);
export type RoleGrant = Static<typeof RoleGrant>;

export const User = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    displayName: Type.String(),
    roles: Type.Array(Type.Ref('RoleGrant')),
    hasPassword: Type.Boolean(),
    oidcLinked: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    disabledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'User' },
);
export type User = Static<typeof User, { RoleGrant: typeof RoleGrant }>;

export const NewUser = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    displayName: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.Optional(Type.String({ minLength: 12, maxLength: 1024 })),
    roles: Type.Array(
      Type.Object(
        {
          role: RoleName,
          agency: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Agency id or name' })),
          reach: Type.Optional(ReachName),
          team: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 200,
              description: 'With reach team: team id, or name in the agency',
            }),
          ),
        },
        strict,
      ),
      { minItems: 1, maxItems: 20 },
    ),
  },
  strict,
);
export type NewUser = Static<typeof NewUser>;

export const CreatedUser = Type.Object({
  user: Type.Ref('User'),
  totp: Type.Object({
    secret: Type.String({ description: 'Base32 secret for the authenticator app; shown only once' }),
    uri: Type.String({ description: 'otpauth:// URI for a QR code' }),
  }),
});
export type CreatedUser = Static<typeof CreatedUser, { User: typeof User; RoleGrant: typeof RoleGrant }>;

export const UserParams = Type.Object({ userId: Type.String({ pattern: '^[0-9A-Z]{26}$' }) }, strict);

export const Session = Type.Object(
  {
    stage: Type.Union([Type.Literal('second_factor'), Type.Literal('complete')]),
    csrfToken: Type.String({ description: 'Send it as the x-csrf-token header on every state-changing request' }),
    user: Type.Object({
      id: Type.String(),
      email: Type.String(),
      displayName: Type.String(),
      roles: Type.Array(Type.Ref('RoleGrant')),
      teams: Type.Optional(
        Type.Array(
          Type.Object({
            id: Type.String(),
            agencyId: Type.String(),
            name: Type.String(),
            members: Type.Array(Type.String(), { description: 'User ids' }),
          }),
          {
            description:
              'GET /api/session: the teams the user is a member of or her grants reach, with their members, for ' +
              'the app to tell which cases a grant narrowed to a team reaches (the server decides all the same)',
          },
        ),
      ),
    }),
  },
  { $id: 'Session' },
);
export type Session = Static<typeof Session, { RoleGrant: typeof RoleGrant }>;

export const Login = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  strict,
);

export const SecondFactor = Type.Object({ code: Type.String({ minLength: 1, maxLength: 16 }) }, strict);

export const AuthOptions = Type.Object({
  oidc: Type.Union([Type.Object({ label: Type.String(), url: Type.String() }), Type.Null()]),
});
export type AuthOptions = Static<typeof AuthOptions>;
