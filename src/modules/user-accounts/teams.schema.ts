import { type Static, Type } from 'typebox';

const strict = { additionalProperties: false } as const;
const ID = '^[0-9A-Z]{26}$';

export const Team = Type.Object({
  id: Type.String(),
  agencyId: Type.String(),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  members: Type.Array(Type.String(), { description: 'User ids of the members' }),
});
export type Team = Static<typeof Team>;

export const NewTeam = Type.Object(
  {
    agency: Type.String({ minLength: 1, maxLength: 200, description: 'Agency id or name' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
  },
  strict,
);

export const NewTeamMember = Type.Object(
  { user: Type.String({ minLength: 1, maxLength: 254, description: 'User id or email address' }) },
  strict,
);

export const TeamParams = Type.Object({ teamId: Type.String({ pattern: ID }) }, strict);
export const TeamMemberParams = Type.Object(
  { teamId: Type.String({ pattern: ID }), userId: Type.String({ pattern: ID }) },
  strict,
);
