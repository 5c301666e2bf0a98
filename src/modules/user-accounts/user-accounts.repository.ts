import type { Queryable } from '../../db/client.ts';
import type { Membership, Reach, Role } from '../../shared/policy.ts';

export interface Agency {
  id: string;
  name: string;
  country: string;
  orgType: string;
  createdAt: string;
}

export interface UserRecord {
  id: string;
  email: string;
  displayName: string;
  passwordHash: string | null;
  totpSecretSealed: string | null;
  /** Last accepted TOTP time step: codes of that step or earlier are refused. */
  totpLastStep: number | null;
  oidcSubject: string | null;
  createdAt: string;
  disabledAt: string | null;
  memberships: (Membership & {
    agencyName: string | null;
    reach: Reach;
    teamId: string | null;
    teamName: string | null;
  })[];
}

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  totp_secret_sealed: string | null;
  totp_last_step: bigint | null;
  oidc_subject: string | null;
  created_at: Date;
  disabled_at: Date | null;
  memberships:
    | {
        role: Role;
        agency_id: string | null;
        agency_name: string | null;
        reach: Reach;
        team_id: string | null;
        team_name: string | null;
      }[]
    | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toAgency = (r: { id: string; name: string; country: string; org_type: string; created_at: Date }): Agency => ({
  id: r.id,
  name: r.name,
  country: r.country,
  orgType: r.org_type,
  createdAt: r.created_at.toISOString(),
});

function toUser(r: UserRow): UserRecord {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    passwordHash: r.password_hash,
    totpSecretSealed: r.totp_secret_sealed,
    totpLastStep: r.totp_last_step === null ? null : Number(r.totp_last_step),
    oidcSubject: r.oidc_subject,
    createdAt: r.created_at.toISOString(),
    disabledAt: iso(r.disabled_at),
    memberships: (r.memberships ?? []).map((m) => ({
      role: m.role,
      agencyId: m.agency_id,
      agencyName: m.agency_name,
      reach: m.reach,
      teamId: m.team_id,
      teamName: m.team_name,
    })),
  };
}

const USER_SELECT = `
  select u.*, (
    select json_agg(json_build_object('role', m.role, 'agency_id', m.agency_id, 'agency_name', a.name,
                                      'reach', m.reach, 'team_id', m.team_id, 'team_name', t.name)
                    order by m.role, a.name, t.name)
    from memberships m left join agencies a on a.id = m.agency_id left join teams t on t.id = m.team_id
    where m.user_id = u.id
  ) as memberships
  from users u`;

export async function insertAgency(q: Queryable, agency: Omit<Agency, 'createdAt'>): Promise<Agency> {
  const [row] = await q.query<Parameters<typeof toAgency>[0]>(
    'insert into agencies (id, name, country, org_type) values ($1, $2, $3, $4) returning *',
    [agency.id, agency.name, agency.country, agency.orgType],
  );
  return toAgency(row as Parameters<typeof toAgency>[0]);
}

export async function listAgencies(q: Queryable): Promise<Agency[]> {
  const rows = await q.query<Parameters<typeof toAgency>[0]>('select * from agencies order by country, name');
  return rows.map(toAgency);
}

export async function findAgency(q: Queryable, idOrName: string): Promise<Agency | null> {
  const [row] = await q.query<Parameters<typeof toAgency>[0]>(
    'select * from agencies where id = $1 or lower(name) = lower($1) order by id = $1 desc limit 1',
    [idOrName],
  );
  return row ? toAgency(row) : null;
}

/** The name and country of the agency with this id (never a name), or null. */
export async function agencyById(q: Queryable, agencyId: string): Promise<{ name: string; country: string } | null> {
  const [row] = await q.query<{ name: string; country: string }>('select name, country from agencies where id = $1', [
    agencyId,
  ]);
  return row ?? null;
}

export async function userDisplayName(q: Queryable, userId: string): Promise<string | null> {
  const [row] = await q.query<{ display_name: string }>('select display_name from users where id = $1', [userId]);
  return row?.display_name ?? null;
}

export async function insertUser(
  q: Queryable,
  user: {
    id: string;
    email: string;
    displayName: string;
    passwordHash: string | null;
    totpSecretSealed: string | null;
  },
  memberships: readonly Membership[],
): Promise<void> {
  await q.query(
    `insert into users (id, email, display_name, password_hash, totp_secret_sealed)
     values ($1, $2, $3, $4, $5)`,
    [user.id, user.email, user.displayName, user.passwordHash, user.totpSecretSealed],
  );
  for (const m of memberships) {
    await q.query('insert into memberships (user_id, role, agency_id, reach, team_id) values ($1, $2, $3, $4, $5)', [
      user.id,
      m.role,
      m.agencyId,
      m.reach ?? 'agency',
      m.teamId ?? null,
    ]);
  }
}

export async function findUserById(q: Queryable, id: string): Promise<UserRecord | null> {
  const [row] = await q.query<UserRow>(`${USER_SELECT} where u.id = $1`, [id]);
  return row ? toUser(row) : null;
}

export async function findUserByEmail(q: Queryable, email: string): Promise<UserRecord | null> {
  const [row] = await q.query<UserRow>(`${USER_SELECT} where u.email = $1`, [email.toLowerCase()]);
  return row ? toUser(row) : null;
}

export async function findUserByOidcSubject(q: Queryable, subject: string): Promise<UserRecord | null> {
  const [row] = await q.query<UserRow>(`${USER_SELECT} where u.oidc_subject = $1`, [subject]);
  return row ? toUser(row) : null;
}

export async function setOidcSubject(q: Queryable, userId: string, subject: string): Promise<void> {
  await q.query('update users set oidc_subject = $2 where id = $1', [userId, subject]);
}

/** Users, optionally only those holding a role in one of `agencyIds`. */
export async function listUsers(q: Queryable, agencyIds: readonly string[] | null): Promise<UserRecord[]> {
  const rows =
    agencyIds === null
      ? await q.query<UserRow>(`${USER_SELECT} order by u.email`)
      : await q.query<UserRow>(
          `${USER_SELECT} where exists (select 1 from memberships m where m.user_id = u.id and m.agency_id = any($1))
           order by u.email`,
          [agencyIds],
        );
  return rows.map(toUser);
}

/** Records `step` as the last accepted TOTP step; false when it was not newer (a replayed or raced code). */
export async function advanceTotpStep(q: Queryable, userId: string, step: number): Promise<boolean> {
  const rows = await q.query(
    'update users set totp_last_step = $2 where id = $1 and (totp_last_step is null or totp_last_step < $2) returning id',
    [userId, step],
  );
  return rows.length === 1;
}

export async function enableUser(q: Queryable, userId: string): Promise<void> {
  await q.query('update users set disabled_at = null where id = $1', [userId]);
}

export async function replaceTotpSecret(q: Queryable, userId: string, sealed: string): Promise<void> {
  await q.query('update users set totp_secret_sealed = $2, totp_last_step = null where id = $1', [userId, sealed]);
  await q.query('delete from sessions where user_id = $1', [userId]);
}

/** Every sealed TOTP secret, for a rotation of the key that seals them. */
export async function listSealedTotpSecrets(q: Queryable): Promise<{ userId: string; sealed: string }[]> {
  const rows = await q.query<{ id: string; totp_secret_sealed: string }>(
    'select id, totp_secret_sealed from users where totp_secret_sealed is not null',
  );
  return rows.map((r) => ({ userId: r.id, sealed: r.totp_secret_sealed }));
}

/** The same secret sealed by another key: the authenticator, its last step and the sessions stay. */
export async function resealTotpSecret(q: Queryable, userId: string, sealed: string): Promise<void> {
  await q.query('update users set totp_secret_sealed = $2 where id = $1', [userId, sealed]);
}

export async function countActiveNodeAdmins(q: Queryable): Promise<number> {
  const [row] = await q.query<{ count: number }>(
    `select count(distinct u.id)::int as count from users u join memberships m on m.user_id = u.id
     where m.role = 'node_admin' and m.agency_id is null and u.disabled_at is null`,
  );
  return row?.count ?? 0;
}

export async function disableUser(q: Queryable, userId: string): Promise<void> {
  await q.query('update users set disabled_at = coalesce(disabled_at, now()) where id = $1', [userId]);
  await q.query('delete from sessions where user_id = $1', [userId]);
}

export interface SessionRow {
  tokenHash: string;
  userId: string;
  csrfToken: string;
  stage: 'second_factor' | 'complete';
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export async function insertSession(q: Queryable, s: SessionRow): Promise<void> {
  await q.query(
    `insert into sessions (token_hash, user_id, csrf_token, stage, created_at, last_seen_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [s.tokenHash, s.userId, s.csrfToken, s.stage, s.createdAt, s.lastSeenAt, s.expiresAt],
  );
}

export async function findSession(q: Queryable, tokenHash: string): Promise<SessionRow | null> {
  const [row] = await q.query<{
    token_hash: string;
    user_id: string;
    csrf_token: string;
    stage: SessionRow['stage'];
    created_at: Date;
    last_seen_at: Date;
    expires_at: Date;
  }>('select * from sessions where token_hash = $1', [tokenHash]);
  if (!row) return null;
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    stage: row.stage,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

export async function updateSession(
  q: Queryable,
  tokenHash: string,
  change: { stage?: SessionRow['stage']; lastSeenAt: Date; expiresAt?: Date },
): Promise<void> {
  await q.query(
    `update sessions set stage = coalesce($2, stage), last_seen_at = $3, expires_at = coalesce($4, expires_at)
     where token_hash = $1`,
    [tokenHash, change.stage ?? null, change.lastSeenAt, change.expiresAt ?? null],
  );
}

export async function deleteSession(q: Queryable, tokenHash: string): Promise<void> {
  await q.query('delete from sessions where token_hash = $1', [tokenHash]);
}

export async function deleteExpiredSessions(q: Queryable, now: Date): Promise<void> {
  await q.query('delete from sessions where expires_at <= $1', [now]);
}

export interface Throttle {
  failures: number;
  lastFailureAt: Date;
  lockedUntil: Date | null;
}

export async function findThrottle(q: Queryable, key: string): Promise<Throttle | null> {
  const [row] = await q.query<{ failures: number; last_failure_at: Date; locked_until: Date | null }>(
    'select failures, last_failure_at, locked_until from login_throttle where key = $1',
    [key],
  );
  return row ? { failures: row.failures, lastFailureAt: row.last_failure_at, lockedUntil: row.locked_until } : null;
}

export async function saveThrottle(q: Queryable, key: string, t: Throttle): Promise<void> {
  await q.query(
    `insert into login_throttle (key, failures, last_failure_at, locked_until) values ($1, $2, $3, $4)
     on conflict (key) do update set failures = $2, last_failure_at = $3, locked_until = $4`,
    [key, t.failures, t.lastFailureAt, t.lockedUntil],
  );
}

export async function clearThrottle(q: Queryable, key: string): Promise<void> {
  await q.query('delete from login_throttle where key = $1', [key]);
}

/** Users' names with the name of one agency they work in (the first by name; none for node-wide roles only). */
export async function userNamesWithAgency(
  q: Queryable,
  userIds: readonly string[],
): Promise<{ id: string; name: string; agency: string | null }[]> {
  return q.query<{ id: string; name: string; agency: string | null }>(
    `select u.id, u.display_name as name,
       (select a.name from memberships m join agencies a on a.id = m.agency_id
         where m.user_id = u.id order by a.name limit 1) as agency
     from users u where u.id = any($1)`,
    [[...userIds]],
  );
}
