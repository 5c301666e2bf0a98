import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { hash, verify as verifyPassword } from '@node-rs/argon2';
import { verify as verifyTotp } from 'otplib';
import type { Db, Queryable } from '../../db/client.ts';
import { AppError } from '../../lib/errors.ts';
import { unseal } from '../../lib/seal.ts';
import { type Actor, requiresSecondFactor } from '../../shared/policy.ts';
import type { AuditService } from '../audit/index.ts';
import { totpContext } from './totp-secrets.ts';
import * as repo from './user-accounts.repository.ts';
import { ARGON2_OPTIONS } from './user-accounts.service.ts';

export interface AuthOptions {
  idleMinutes: number;
  absoluteHours: number;
  /** Base of the pause added to each answer after a failed attempt; grows with the number of failures. */
  failureDelayMs?: number;
  now?: () => Date;
}

export interface SessionView {
  stage: 'second_factor' | 'complete';
  csrfToken: string;
  user: { id: string; email: string; displayName: string; roles: repo.UserRecord['memberships'] };
}

export interface Authenticated {
  actor: Extract<Actor, { kind: 'user' }>;
  session: SessionView;
}

const SECOND_FACTOR_MINUTES = 5;
const WINDOW_MINUTES = 15;
const LOCK_MINUTES = 15;
const ACCOUNT_LIMIT = 5;
const ADDRESS_LIMIT = 20;
const MINUTE = 60_000;
const TOTP_PERIOD = 30;

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

const loginFailed = () => new AppError('invalid_credentials', 401, 'The email or password is not correct.');

export class AuthService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #kek: Buffer;
  readonly #options: Required<AuthOptions>;
  /** Compared against when the account does not exist, so that the answer takes as long as for a real one. */
  #dummyHash: Promise<string> | null = null;

  constructor(db: Db, audit: AuditService, kek: Buffer, options: AuthOptions) {
    this.#db = db;
    this.#audit = audit;
    this.#kek = kek;
    this.#options = { failureDelayMs: 250, now: () => new Date(), ...options };
  }

  /** Made on the first unknown account, not at start: most processes (CLI, the OpenAPI writer) never need it. */
  #dummy(): Promise<string> {
    this.#dummyHash ??= hash(randomBytes(16).toString('hex'), ARGON2_OPTIONS);
    return this.#dummyHash;
  }

  async login(email: string, password: string, address: string, requestId: string | null) {
    const keys = [`account:${email.trim().toLowerCase()}`, `address:${address}`];
    await this.#checkThrottles(keys);
    const user = await repo.findUserByEmail(this.#db, email.trim());
    const usable = user && !user.disabledAt && user.passwordHash;
    const valid = usable
      ? await verifyPassword(user.passwordHash as string, password)
      : await verifyPassword(await this.#dummy(), password).then(() => false);
    if (!valid || !user) {
      await this.#fail(keys, user ? `user:${user.id}` : null, 'auth.login', requestId);
      throw loginFailed();
    }
    await repo.clearThrottle(this.#db, keys[0] as string);
    const stage = requiresSecondFactor(user.memberships.map((m) => m.role)) ? 'second_factor' : 'complete';
    return this.#startSession(user, stage, 'auth.login', requestId);
  }

  /** Starts a session for a user whom the node's OIDC provider vouched for. */
  async loginWithOidc(
    claims: { subject: string; email?: string; emailVerified?: boolean; mfa: boolean },
    requestId: string | null,
  ) {
    let user = await repo.findUserByOidcSubject(this.#db, claims.subject);
    if (!user && claims.email && claims.emailVerified) {
      const byEmail = await repo.findUserByEmail(this.#db, claims.email);
      if (byEmail && !byEmail.oidcSubject) {
        await repo.setOidcSubject(this.#db, byEmail.id, claims.subject);
        user = byEmail;
      }
    }
    if (!user || user.disabledAt) {
      await this.#recordAnonymous('auth.oidc_login', user ? `user:${user.id}` : null, 'denied', requestId);
      throw new AppError('oidc_unknown_user', 403, 'Your organisation account is not registered on this node.');
    }
    const needsCode = !claims.mfa && requiresSecondFactor(user.memberships.map((m) => m.role));
    return this.#startSession(user, needsCode ? 'second_factor' : 'complete', 'auth.oidc_login', requestId);
  }

  async secondFactor(token: string, code: string, address: string, requestId: string | null): Promise<SessionView> {
    const now = this.#options.now();
    const session = await repo.findSession(this.#db, tokenHash(token));
    if (!session || session.expiresAt <= now)
      throw new AppError('session_expired', 401, 'Your sign-in has expired. Please sign in again.');
    if (session.stage !== 'second_factor')
      throw new AppError('second_factor_not_expected', 409, 'You are already signed in.');
    const user = (await repo.findUserById(this.#db, session.userId)) as repo.UserRecord;
    const keys = [`account:${user.email}`, `address:${address}`];
    await this.#checkThrottles(keys);
    const secret = user.totpSecretSealed ? unseal(this.#kek, user.totpSecretSealed, totpContext(user.id)) : null;
    const epoch = Math.floor(now.getTime() / 1000);
    const result =
      secret && /^\d{6}$/.test(code)
        ? await verifyTotp({
            secret,
            token: code,
            epochTolerance: TOTP_PERIOD,
            epoch,
            afterTimeStep: user.totpLastStep ?? undefined,
          })
        : { valid: false as const };
    const accepted =
      result.valid && (await repo.advanceTotpStep(this.#db, user.id, Math.floor(epoch / TOTP_PERIOD) + result.delta));
    if (!accepted) {
      await this.#fail(keys, `user:${user.id}`, 'auth.second_factor', requestId);
      throw new AppError(
        'invalid_second_factor',
        401,
        'The code is not correct or has expired. Enter the current code from your app.',
      );
    }
    return this.#db.transaction(async (tx) => {
      await repo.clearThrottle(tx, keys[0] as string);
      await repo.updateSession(tx, session.tokenHash, {
        stage: 'complete',
        lastSeenAt: now,
        expiresAt: this.#expiry(session.createdAt, now),
      });
      await this.#audit.record(
        tx,
        { actor: { kind: 'user', userId: user.id, memberships: user.memberships }, requestId },
        {
          action: 'auth.second_factor',
          resource: `user:${user.id}`,
          outcome: 'success',
        },
      );
      return view(user, 'complete', session.csrfToken);
    });
  }

  /** The signed-in user behind a session token, or an error saying why there is none. Refreshes the idle timer. */
  async authenticate(token: string | undefined, opts: { allowPartial?: boolean } = {}): Promise<Authenticated> {
    if (!token) throw new AppError('not_signed_in', 401, 'Please sign in.');
    const now = this.#options.now();
    const session = await repo.findSession(this.#db, tokenHash(token));
    if (!session) throw new AppError('not_signed_in', 401, 'Please sign in.');
    if (session.expiresAt <= now) {
      await repo.deleteSession(this.#db, session.tokenHash);
      throw new AppError('session_expired', 401, 'Your session has expired. Please sign in again.');
    }
    if (session.stage !== 'complete' && !opts.allowPartial) {
      throw new AppError(
        'second_factor_required',
        401,
        'Enter the code from your authenticator app to finish signing in.',
      );
    }
    const user = await repo.findUserById(this.#db, session.userId);
    if (!user || user.disabledAt) throw new AppError('not_signed_in', 401, 'Please sign in.');
    // One write a minute at most keeps the idle timer accurate without a write per request.
    if (session.stage === 'complete' && now.getTime() - session.lastSeenAt.getTime() > MINUTE) {
      await repo.updateSession(this.#db, session.tokenHash, {
        lastSeenAt: now,
        expiresAt: this.#expiry(session.createdAt, now),
      });
    }
    return {
      actor: { kind: 'user', userId: user.id, memberships: user.memberships },
      session: view(user, session.stage, session.csrfToken),
    };
  }

  async logout(token: string, requestId: string | null): Promise<void> {
    const session = await repo.findSession(this.#db, tokenHash(token));
    if (!session) return;
    await this.#db.transaction(async (tx) => {
      await repo.deleteSession(tx, session.tokenHash);
      const user = (await repo.findUserById(tx, session.userId)) as repo.UserRecord;
      await this.#audit.record(
        tx,
        { actor: { kind: 'user', userId: user.id, memberships: user.memberships }, requestId },
        {
          action: 'auth.logout',
          resource: `user:${user.id}`,
          outcome: 'success',
        },
      );
    });
  }

  #expiry(createdAt: Date, now: Date): Date {
    const idle = now.getTime() + this.#options.idleMinutes * MINUTE;
    const absolute = createdAt.getTime() + this.#options.absoluteHours * 60 * MINUTE;
    return new Date(Math.min(idle, absolute));
  }

  async #startSession(user: repo.UserRecord, stage: SessionView['stage'], action: string, requestId: string | null) {
    const now = this.#options.now();
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt =
      stage === 'complete' ? this.#expiry(now, now) : new Date(now.getTime() + SECOND_FACTOR_MINUTES * MINUTE);
    await this.#db.transaction(async (tx) => {
      await repo.deleteExpiredSessions(tx, now);
      await repo.insertSession(tx, {
        tokenHash: tokenHash(token),
        userId: user.id,
        csrfToken,
        stage,
        createdAt: now,
        lastSeenAt: now,
        expiresAt,
      });
      await this.#audit.record(
        tx,
        { actor: { kind: 'user', userId: user.id, memberships: user.memberships }, requestId },
        {
          action,
          resource: `user:${user.id}`,
          outcome: 'success',
        },
      );
    });
    return { token, session: view(user, stage, csrfToken) };
  }

  async #checkThrottles(keys: string[]): Promise<void> {
    const now = this.#options.now();
    let failures = 0;
    for (const key of keys) {
      const throttle = await repo.findThrottle(this.#db, key);
      if (!throttle) continue;
      if (throttle.lockedUntil && throttle.lockedUntil > now) {
        const minutes = Math.ceil((throttle.lockedUntil.getTime() - now.getTime()) / MINUTE);
        throw key.startsWith('account:')
          ? new AppError(
              'account_locked',
              423,
              `Too many failed attempts. This account is locked for ${minutes} more minutes.`,
            )
          : new AppError(
              'rate_limited',
              429,
              `Too many failed attempts from your network. Try again in ${minutes} minutes.`,
            );
      }
      failures = Math.max(failures, throttle.failures);
    }
    if (failures > 0) await sleep(this.#options.failureDelayMs * Math.min(failures, 8));
  }

  async #fail(keys: string[], resource: string | null, action: string, requestId: string | null): Promise<void> {
    const now = this.#options.now();
    await this.#db.transaction(async (tx) => {
      for (const key of keys) await bumpThrottle(tx, key, now);
      await this.#audit.record(
        tx,
        { actor: { kind: 'anonymous' }, requestId },
        { action, resource, outcome: 'failure' },
      );
    });
  }

  #recordAnonymous(action: string, resource: string | null, outcome: 'denied' | 'failure', requestId: string | null) {
    return this.#db.transaction((tx) =>
      this.#audit.record(tx, { actor: { kind: 'anonymous' }, requestId }, { action, resource, outcome }),
    );
  }
}

async function bumpThrottle(tx: Queryable, key: string, now: Date): Promise<void> {
  const previous = await repo.findThrottle(tx, key);
  const recent = previous && now.getTime() - previous.lastFailureAt.getTime() < WINDOW_MINUTES * MINUTE;
  const failures = recent ? previous.failures + 1 : 1;
  const limit = key.startsWith('account:') ? ACCOUNT_LIMIT : ADDRESS_LIMIT;
  const lockedUntil = failures >= limit ? new Date(now.getTime() + LOCK_MINUTES * MINUTE) : null;
  await repo.saveThrottle(tx, key, { failures: lockedUntil ? 0 : failures, lastFailureAt: now, lockedUntil });
}

function view(user: repo.UserRecord, stage: SessionView['stage'], csrfToken: string): SessionView {
  return {
    stage,
    csrfToken,
    user: { id: user.id, email: user.email, displayName: user.displayName, roles: user.memberships },
  };
}
