import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, createTestNode, signIn, type TestNode } from '../../../test/helpers.ts';

let node: TestNode;
beforeAll(async () => {
  node = await createTestNode();
});
afterAll(() => node.close());

const login = (email: string, password: string, remoteAddress = '10.0.0.1') =>
  node.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress });

describe('sign-in', () => {
  it('signs a coordinator in with a password alone and sets a strict HttpOnly cookie', async () => {
    const user = await buildUser(node.services, 'coordinator');
    const res = await login(user.email, user.password);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ stage: 'complete', user: { email: user.email } });
    const cookie = res.cookies.find((c) => c.name === 'passage_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(res.body).not.toContain(cookie?.value);
  });

  it('asks roles that can read survivor identity for a TOTP code before anything else', async () => {
    const user = await buildUser(node.services, 'case_worker');
    const res = await login(user.email, user.password);
    expect(res.json().stage).toBe('second_factor');
    const cookie = `passage_session=${res.cookies[0]?.value}`;
    const blocked = await node.app.inject({ method: 'GET', url: '/api/agencies', headers: { cookie } });
    expect(blocked.statusCode).toBe(401);
    expect(blocked.json().error.id).toBe('second_factor_required');

    const wrong = await node.app.inject({
      method: 'POST',
      url: '/api/auth/second-factor',
      headers: { cookie, 'x-csrf-token': res.json().csrfToken },
      payload: { code: '000000' },
    });
    expect(wrong.json().error.id).toBe('invalid_second_factor');
    const code = await generate({ secret: user.totpSecret });
    const ok = await node.app.inject({
      method: 'POST',
      url: '/api/auth/second-factor',
      headers: { cookie, 'x-csrf-token': res.json().csrfToken },
      payload: { code },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().stage).toBe('complete');
    expect((await node.app.inject({ method: 'GET', url: '/api/agencies', headers: { cookie } })).statusCode).toBe(200);
  });

  it('never accepts the same TOTP code twice', async () => {
    const user = await buildUser(node.services, 'investigator');
    await signIn(node.app, user);
    const again = await login(user.email, user.password);
    const code = await generate({ secret: user.totpSecret });
    const replay = await node.app.inject({
      method: 'POST',
      url: '/api/auth/second-factor',
      headers: { cookie: `passage_session=${again.cookies[0]?.value}`, 'x-csrf-token': again.json().csrfToken },
      payload: { code },
    });
    expect(replay.json().error.id).toBe('invalid_second_factor');
  });

  it('accepts a code only once when two sign-ins race with it', async () => {
    const user = await buildUser(node.services, 'prosecutor');
    const first = await login(user.email, user.password, '10.4.0.1');
    const second = await login(user.email, user.password, '10.4.0.2');
    const code = await generate({ secret: user.totpSecret });
    const answers = await Promise.all(
      [first, second].map((res) =>
        node.app.inject({
          method: 'POST',
          url: '/api/auth/second-factor',
          headers: { cookie: `passage_session=${res.cookies[0]?.value}`, 'x-csrf-token': res.json().csrfToken },
          payload: { code },
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 401]);
  });

  it('answers a wrong password and an unknown account alike', async () => {
    const user = await buildUser(node.services, 'coordinator');
    const wrong = await login(user.email, 'not the password at all', '10.0.0.2');
    const unknown = await login('nobody@example.org', 'not the password at all', '10.0.0.2');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.id).toBe('invalid_credentials');
  });

  it('locks an account after five failures, even for the right password', async () => {
    const user = await buildUser(node.services, 'coordinator');
    for (let i = 0; i < 5; i++)
      expect((await login(user.email, 'wrong password!', `10.1.0.${i}`)).statusCode).toBe(401);
    const locked = await login(user.email, user.password, '10.1.0.9');
    expect(locked.statusCode).toBe(423);
    expect(locked.json().error.id).toBe('account_locked');
  });

  it('blocks an address that fails across many accounts', async () => {
    for (let i = 0; i < 20; i++) await login(`guess${i}@example.org`, 'wrong password!', '10.2.0.1');
    const user = await buildUser(node.services, 'coordinator');
    const res = await login(user.email, user.password, '10.2.0.1');
    expect(res.statusCode).toBe(429);
    expect(res.json().error.id).toBe('rate_limited');
    expect((await login(user.email, user.password, '10.2.0.2')).statusCode).toBe(200);
  });
});

describe('sessions', () => {
  it('refuses a state-changing request without the CSRF token', async () => {
    const admin = await buildUser(node.services, 'node_admin', { nodeWide: true });
    const { cookie, headers } = await signIn(node.app, admin);
    const payload = { name: 'Casa Rifugio', country: 'IT', orgType: 'NGO' };
    const missing = await node.app.inject({ method: 'POST', url: '/api/agencies', headers: { cookie }, payload });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.id).toBe('csrf_invalid');
    const ok = await node.app.inject({ method: 'POST', url: '/api/agencies', headers, payload });
    expect(ok.statusCode).toBe(201);
  });

  it('ends the session on logout', async () => {
    const user = await buildUser(node.services, 'oversight');
    const { cookie, headers } = await signIn(node.app, user);
    expect((await node.app.inject({ method: 'POST', url: '/api/auth/logout', headers })).statusCode).toBe(204);
    const after = await node.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
    expect(after.json().error.id).toBe('not_signed_in');
  });

  it('expires a session after the idle timeout and after the absolute timeout', async () => {
    const user = await buildUser(node.services, 'coordinator');
    const { cookie } = await signIn(node.app, user);
    const token = cookie.split('=')[1] as string;
    const { auth } = node.services;
    await expect(auth.authenticate(token)).resolves.toBeTruthy();
    await node.services.db.query("update sessions set expires_at = now() - interval '1 second'");
    await expect(auth.authenticate(token)).rejects.toMatchObject({ id: 'session_expired' });
  });

  it('ends the sessions of a disabled user', async () => {
    const user = await buildUser(node.services, 'coordinator');
    const { cookie } = await signIn(node.app, user);
    const admin = await buildUser(node.services, 'node_admin', { nodeWide: true });
    const { headers } = await signIn(node.app, admin);
    const res = await node.app.inject({ method: 'POST', url: `/api/users/${user.id}/disable`, headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().disabledAt).toBeTruthy();
    expect((await node.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode).toBe(401);
    expect((await login(user.email, user.password, '10.3.0.1')).statusCode).toBe(401);
  });
});
