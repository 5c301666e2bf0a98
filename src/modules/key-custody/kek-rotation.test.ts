import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, createTestNode, signIn, type TestNode, type TestUser } from '../../../test/helpers.ts';
import { type Config, ConfigError } from '../../app/config.ts';
import { startNode } from '../../app/node.ts';
import { operatorContext } from '../../app/operations.ts';
import { buildApp } from '../../app/server.ts';
import { createServices, KEK_HOLDERS } from '../../app/services.ts';
import type { Db } from '../../db/client.ts';
import { EnvelopeError, keyId, unwrapDataKey, wrapDataKey } from '../../lib/data-keys.ts';
import { unseal } from '../../lib/seal.ts';
import { totpContext } from '../user-accounts/index.ts';
import { rewrapDatabase, rotateKek } from './kek-rotation.ts';
import { ensureKeys, loadKeys, pendingKekFile, readKekFile } from './node-keys.ts';

const SURVIVOR = {
  prs_FirstName: 'Ana',
  prs_SecondName: 'Rusu',
  prs_Birthdate: '1999-03-14',
  prs_IdentityNumber: 'AB 1234567',
  prs_MobilePhone: '+373 69 000 111',
  psg_Aliases: ['Анна Русу'],
};

const operator = operatorContext('rotation-test');

/** Everything the KEK wraps or that must not change, as stored. */
async function snapshot(db: Db) {
  return {
    persons: await db.query<{ id: string; wrapped_key: string; identity: string }>(
      'select id, wrapped_key, identity::text as identity from persons order by id',
    ),
    tokens: await db.query('select kind, token, person_id from person_tokens order by kind, token, person_id'),
    secrets: await db.query<{ name: string; wrapped: string }>('select name, wrapped from node_secrets order by name'),
    totp: await db.query<{ id: string; totp_secret_sealed: string }>(
      'select id, totp_secret_sealed from users where totp_secret_sealed is not null order by id',
    ),
  };
}

describe('key-encryption-key rotation', () => {
  let node: TestNode;
  let config: Config;
  let db: Db;
  let worker: TestUser;
  let caseId: string;
  let app: FastifyInstance | null = null;
  let session: Awaited<ReturnType<typeof signIn>> | null = null;

  /** A node process started afresh: services and HTTP with the keys as they are on disk now. */
  async function restart(): Promise<FastifyInstance> {
    await app?.close();
    app = await buildApp(createServices(config, db, loadKeys(config), { failureDelayMs: 1 }), { logger: false });
    return app;
  }

  /** Reads the survivor's identity over HTTP with a stated purpose, as the case worker. */
  async function readIdentity(): Promise<Record<string, unknown>> {
    const current = await restart();
    // One sign-in (a TOTP code is accepted once per time step); the session then survives restarts.
    session ??= await signIn(current, worker);
    const res = await current.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/identity/read`,
      headers: session.headers,
      payload: { purpose: 'case_management' },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().fields;
  }

  /** Every wrapped value is under `kek` and no longer under `oldKek`; every TOTP secret is sealed by `kek`. */
  async function expectAllUnder(kek: Buffer, oldKek: Buffer) {
    const now = await snapshot(db);
    expect(now.persons.length).toBeGreaterThan(0);
    expect(now.secrets.length).toBeGreaterThan(0);
    for (const { id, wrapped_key } of now.persons) {
      expect(unwrapDataKey(kek, wrapped_key, id)).toHaveLength(32);
      expect(() => unwrapDataKey(oldKek, wrapped_key, id)).toThrow(EnvelopeError);
    }
    for (const { name, wrapped } of now.secrets) {
      expect(unwrapDataKey(kek, wrapped, `node-secret:${name}`)).toHaveLength(32);
      expect(() => unwrapDataKey(oldKek, wrapped, `node-secret:${name}`)).toThrow(EnvelopeError);
    }
    for (const { id, totp_secret_sealed } of now.totp) {
      expect(() => unseal(oldKek, totp_secret_sealed, totpContext(id))).toThrow();
    }
    const [own] = now.totp.filter((u) => u.id === worker.id);
    expect(unseal(kek, own?.totp_secret_sealed ?? '', totpContext(worker.id))).toBe(worker.totpSecret);
  }

  beforeAll(async () => {
    node = await createTestNode();
    config = node.services.config;
    db = node.services.db;
    worker = await buildUser(node.services, 'case_worker');
    await buildUser(node.services, 'supervisor', { agency: worker.agencyId });
    const actor = {
      kind: 'user' as const,
      userId: worker.id,
      memberships: [{ role: 'case_worker' as const, agencyId: worker.agencyId }],
    };
    const created = await node.services.cases.create(
      { actor, requestId: null },
      {
        reportedAt: '2026-06-10',
        survivor: SURVIVOR,
        perpetrators: [{ person: { prs_FirstName: 'Agro Job Consult SRL', prs_MobilePhone: '+373 69 123 456' } }],
      },
    );
    caseId = created.id;
  });
  afterAll(async () => {
    await app?.close();
    await node.close();
  });

  it('rewraps every key under a new KEK and leaves the encrypted data byte for byte as it was', async () => {
    const oldKek = readKekFile(config.kekFile);
    const before = await snapshot(db);
    const lines: string[] = [];

    const result = await rotateKek(config, operator, KEK_HOLDERS, { db, report: (line) => lines.push(line) });

    const newKek = readKekFile(config.kekFile);
    expect(newKek.equals(oldKek)).toBe(false);
    expect(result).toMatchObject({
      keyId: keyId(newKek),
      previousKeyId: keyId(oldKek),
      resumed: false,
      // the survivor, the perpetrator and the blind-index root; both users' TOTP secrets
      wrappedKeys: 3,
      totpSecrets: 2,
    });
    const after = await snapshot(db);
    expect(after.persons.map((p) => p.identity)).toEqual(before.persons.map((p) => p.identity));
    expect(after.tokens).toEqual(before.tokens);
    expect(after.persons.map((p) => p.wrapped_key)).not.toEqual(before.persons.map((p) => p.wrapped_key));
    await expectAllUnder(newKek, oldKek);

    // The old key is kept aside, readable by its owner only; nothing is left pending.
    expect(result.retiredFile).toMatch(/kek\.key\.retired-\d{8}T\d{6}Z$/);
    expect(readKekFile(result.retiredFile as string).equals(oldKek)).toBe(true);
    expect(statSync(result.retiredFile as string).mode & 0o777).toBe(0o600);
    expect(statSync(config.kekFile).mode & 0o777).toBe(0o600);
    expect(existsSync(pendingKekFile(config))).toBe(false);

    // Progress names key ids and counts, never key material.
    const output = lines.join('\n');
    expect(output).toContain('Rewrapped 3 data keys and node secrets and resealed 2 TOTP secrets');
    expect(output).toContain(keyId(newKek));
    for (const key of [oldKek, newKek]) {
      expect(output).not.toContain(key.toString('base64'));
      expect(output).not.toContain(key.toString('hex'));
    }

    // A node started with the new key signs the worker in with their TOTP code, decrypts and searches identities.
    expect(await readIdentity()).toMatchObject({
      prs_FirstName: 'Ana',
      prs_SecondName: 'Rusu',
      psg_Aliases: ['Анна Русу'],
    });
    const search = await app?.inject({
      method: 'POST',
      url: '/api/cases/search',
      headers: session?.headers,
      payload: { name: 'Ана Русу' },
    });
    expect(search?.json().map((hit: { caseId: string }) => hit.caseId)).toContain(caseId);

    const [audit] = await db.query<{ actor: string; resource: string; outcome: string }>(
      "select actor, resource, outcome from audit_log where action = 'keys.rotate' order by seq desc limit 1",
    );
    expect(audit).toEqual({ actor: 'operator:rotation-test', resource: `kek:${keyId(newKek)}`, outcome: 'success' });
  });

  // Each case leaves the files and the database as a crash at that point of a rotation would.
  const interruptions = {
    'before the transaction committed': () => {},
    'after the transaction committed': (oldKek: Buffer, newKek: Buffer) =>
      rewrapDatabase(db, KEK_HOLDERS, oldKek, newKek, operator).then(() => {}),
    'after the old key was retired': async (oldKek: Buffer, newKek: Buffer) => {
      await rewrapDatabase(db, KEK_HOLDERS, oldKek, newKek, operator);
      renameSync(config.kekFile, `${config.kekFile}.retired-20260610T000000Z`);
    },
  };

  for (const [moment, interrupt] of Object.entries(interruptions)) {
    it(`finishes a rotation interrupted ${moment}; the node refuses to start until then`, async () => {
      const oldKek = readKekFile(config.kekFile);
      const newKek = randomBytes(32);
      writeFileSync(pendingKekFile(config), `${newKek.toString('base64')}\n`, { mode: 0o600 });
      await interrupt(oldKek, newKek);

      expect(() => loadKeys(config)).toThrow(ConfigError);
      expect(() => loadKeys(config)).toThrow(/rotation did not finish.*Run "passage keys rotate --data /);
      await expect(startNode(config, { db, logger: false })).rejects.toThrow(/passage keys rotate/);
      // A start with the key file gone must not create a fresh key that nothing is wrapped by.
      expect(ensureKeys(config)).toEqual([]);

      const result = await rotateKek(config, operator, KEK_HOLDERS, { db });

      expect(result).toMatchObject({ keyId: keyId(newKek), resumed: true, wrappedKeys: 3, totpSecrets: 2 });
      expect(readKekFile(config.kekFile).equals(newKek)).toBe(true);
      expect(existsSync(pendingKekFile(config))).toBe(false);
      const retired = readdirSync(dirname(config.kekFile)).filter((f) => f.startsWith('kek.key.retired-'));
      const kept = retired.map((f) => readKekFile(join(dirname(config.kekFile), f)));
      expect(kept.some((key) => key.equals(oldKek))).toBe(true);
      await expectAllUnder(newKek, oldKek);
      expect(await readIdentity()).toMatchObject({ prs_FirstName: 'Ana', prs_IdentityNumber: 'AB 1234567' });
    });
  }

  it('refuses a database holding a key under neither KEK, and changes nothing', async () => {
    const stranger = wrapDataKey(randomBytes(32), randomBytes(32), 'node-secret:stranger');
    await db.query("insert into node_secrets (name, wrapped) values ('stranger', $1)", [stranger]);
    const kek = readFileSync(config.kekFile, 'utf8');
    const before = await snapshot(db);
    const audits = await db.query("select seq from audit_log where action = 'keys.rotate'");

    await expect(rotateKek(config, operator, KEK_HOLDERS, { db })).rejects.toThrow(EnvelopeError);

    expect(readFileSync(config.kekFile, 'utf8')).toBe(kek);
    expect(existsSync(pendingKekFile(config))).toBe(false);
    expect(await snapshot(db)).toEqual(before);
    expect(await db.query("select seq from audit_log where action = 'keys.rotate'")).toEqual(audits);
    await db.query("delete from node_secrets where name = 'stranger'");
  });

  it('rotates only a key kept in a file', async () => {
    const fromEnvironment = { ...config, kek: randomBytes(32).toString('base64') };
    await expect(rotateKek(fromEnvironment, operator, KEK_HOLDERS, { db })).rejects.toThrow(
      /PASSAGE_KEK: passage keys rotate only rotates a key kept in a file/,
    );
  });
});
