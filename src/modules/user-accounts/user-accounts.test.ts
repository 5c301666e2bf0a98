import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, createTestNode, signIn, type TestNode } from '../../../test/helpers.ts';
import { operatorContext } from '../../app/operations.ts';

let node: TestNode;
beforeAll(async () => {
  node = await createTestNode();
});
afterAll(() => node.close());

describe('disabling users', () => {
  it('refuses to disable your own account', async () => {
    const admin = await buildUser(node.services, 'node_admin', { nodeWide: true });
    const { headers } = await signIn(node.app, admin);
    const res = await node.app.inject({ method: 'POST', url: `/api/users/${admin.id}/disable`, headers });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.id).toBe('cannot_disable_self');
  });

  it('keeps the last node-wide administrator', async () => {
    const ctx = operatorContext('test');
    const admins = (await node.services.users.listUsers(ctx)).filter((u) =>
      u.memberships.some((m) => m.role === 'node_admin' && m.agencyId === null && !u.disabledAt),
    );
    const [last, ...others] = admins;
    for (const other of others) await node.services.users.disableUser(ctx, other.id);
    await expect(node.services.users.disableUser(ctx, last?.id as string)).rejects.toMatchObject({ id: 'last_admin' });
    const another = await buildUser(node.services, 'node_admin', { nodeWide: true });
    await expect(node.services.users.disableUser(ctx, last?.id as string)).resolves.toMatchObject({
      disabledAt: expect.any(String),
    });
    await expect(node.services.users.disableUser(ctx, another.id)).rejects.toMatchObject({ id: 'last_admin' });
  });
});

describe('recovering an account', () => {
  it('enables a disabled user again', async () => {
    const user = await buildUser(node.services, 'coordinator');
    const admin = await buildUser(node.services, 'node_admin', { nodeWide: true });
    const { headers } = await signIn(node.app, admin);
    await node.app.inject({ method: 'POST', url: `/api/users/${user.id}/disable`, headers });
    const res = await node.app.inject({ method: 'POST', url: `/api/users/${user.id}/enable`, headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().disabledAt).toBeNull();
    await expect(signIn(node.app, user)).resolves.toBeTruthy();
  });

  it('replaces a lost TOTP key: the old one stops working, the new one signs in, sessions end', async () => {
    const user = await buildUser(node.services, 'case_worker');
    const { cookie } = await signIn(node.app, user);
    const admin = await buildUser(node.services, 'node_admin', { nodeWide: true });
    const { headers } = await signIn(node.app, admin);
    const res = await node.app.inject({ method: 'POST', url: `/api/users/${user.id}/second-factor/reset`, headers });
    expect(res.statusCode).toBe(200);
    const { secret } = res.json().totp;
    expect(secret).not.toBe(user.totpSecret);
    expect((await node.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode).toBe(401);
    await expect(signIn(node.app, user)).rejects.toThrow(/second factor failed/);
    await expect(signIn(node.app, { ...user, totpSecret: secret })).resolves.toBeTruthy();
  });

  it('lets only administrators recover accounts, and records refusals', async () => {
    const user = await buildUser(node.services, 'coordinator');
    const supervisor = await buildUser(node.services, 'supervisor');
    const { headers } = await signIn(node.app, supervisor);
    const res = await node.app.inject({ method: 'POST', url: `/api/users/${user.id}/second-factor/reset`, headers });
    expect(res.statusCode).toBe(403);
    const [denied] = await node.services.db.query<{ outcome: string }>(
      "select outcome from audit_log where action = 'user.reset_second_factor' and resource = $1",
      [`user:${user.id}`],
    );
    expect(denied?.outcome).toBe('denied');
  });
});
