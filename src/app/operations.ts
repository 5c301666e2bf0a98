import { userInfo } from 'node:os';
import { generate } from 'otplib';
import { unseal } from '../lib/seal.ts';
import type { RequestContext } from '../modules/audit/audit.service.ts';
import { presentCreated, presentUser } from '../modules/identity/identity.presenters.ts';
import { findUserByEmail } from '../modules/identity/identity.repository.ts';
import { totpContext } from '../modules/identity/users.service.ts';
import { AppError, notFound } from './errors.ts';
import type { Services } from './services.ts';

/**
 * What an operator at the node's console can do. The `passage` CLI runs these directly on the database when the
 * node is stopped, or sends them over the admin channel to the running node, so both paths share one implementation.
 */
export const operations = {
  'agency.add': (s: Services, ctx: RequestContext, args: { name: string; country: string; orgType: string }) =>
    s.users.createAgency(ctx, args),
  'agency.list': (s: Services, ctx: RequestContext) => s.users.listAgencies(ctx),
  'user.add': async (
    s: Services,
    ctx: RequestContext,
    args: { email: string; displayName: string; password?: string; roles: { role: string; agency?: string | null }[] },
  ) => presentCreated(await s.users.createUser(ctx, args)),
  'user.list': async (s: Services, ctx: RequestContext) => (await s.users.listUsers(ctx)).map(presentUser),
  'user.disable': async (s: Services, ctx: RequestContext, args: { user: string }) =>
    presentUser(await s.users.disableUser(ctx, args.user)),
  'user.enable': async (s: Services, ctx: RequestContext, args: { user: string }) =>
    presentUser(await s.users.enableUser(ctx, args.user)),
  'user.reset-totp': async (s: Services, ctx: RequestContext, args: { user: string }) =>
    presentCreated(await s.users.resetSecondFactor(ctx, args.user)),
  'audit.verify': (s: Services, ctx: RequestContext) => s.audit.verify(ctx),
  /** The current sign-in code of a demo user, so a demo needs no authenticator app. Refused outside demo nodes. */
  'demo.code': async (s: Services, _ctx: RequestContext, args: { email: string }) => {
    if (!s.config.demo) throw new AppError('not_a_demo', 403, 'Codes are only shown on demo nodes.');
    const user = await findUserByEmail(s.db, args.email);
    if (!user?.totpSecretSealed) throw notFound('The demo user');
    return { code: await generate({ secret: unseal(s.keys.kek, user.totpSecretSealed, totpContext(user.id)) }) };
  },
} as const;

export type OperationName = keyof typeof operations;
export type OperationArgs<N extends OperationName> = Parameters<(typeof operations)[N]>[2];

export function isOperation(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}

export function operatorContext(name = userInfo().username): RequestContext {
  return { actor: { kind: 'operator', name }, requestId: null };
}

export async function runOperation(services: Services, name: OperationName, args: unknown, ctx: RequestContext) {
  const operation = operations[name] as (s: Services, ctx: RequestContext, args: unknown) => Promise<unknown>;
  return operation(services, ctx, args);
}
