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
