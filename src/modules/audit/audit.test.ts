import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, createTestNode, signIn, type TestNode } from '../../../test/helpers.ts';
import { operatorContext } from '../../app/operations.ts';
import type { Db } from '../../db/client.ts';
import { chainHash, GENESIS_HASH } from '../../lib/hash-chain.ts';
import { allAudit, listAudit } from './audit.repository.ts';
import { verifyChain } from './audit.service.ts';

const operator = operatorContext('audit-test');

const trail = (db: Db) => listAudit(db, { limit: 1_000_000 });

const countRecords = async (db: Db) =>
  Number((await db.query<{ n: bigint }>('select count(*) as n from audit_log'))[0]?.n);

/** Writes `n` records through the services, as real changes would: each added agency is recorded. */
async function addAgencies(node: TestNode, label: string, n: number) {
  for (let i = 0; i < n; i++) {
    await node.services.users.createAgency(operator, { name: `${label} ${i}`, country: 'IT', orgType: 'NGO' });
  }
}

/** Changes the trail behind the application's back, as someone with database access could. */
async function tamper(db: Db, sql: string, params: unknown[] = []) {
  await db.transaction(async (tx) => {
    await tx.query('alter table audit_log disable trigger audit_log_no_update');
    await tx.query(sql, params);
    await tx.query('alter table audit_log enable trigger audit_log_no_update');
  });
}

/** A node of its own for a test that damages its trail. */
async function withNode(fn: (node: TestNode) => Promise<void>) {
  const node = await createTestNode();
  try {
    await fn(node);
  } finally {
    await node.close();
  }
}

describe('the hash chain', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await createTestNode();
    await addAgencies(node, 'Chain', 4);
    await buildUser(node.services, 'coordinator');
    await node.services.audit.recordDenied(operator, 'test.denied', 'thing:1', 'statistics');
  });
  afterAll(() => node.close());

  it('numbers records 1..n and links each to the hash of the one before', async () => {
    const records = await trail(node.services.db);
    expect(records.length).toBeGreaterThanOrEqual(7);
    records.forEach((record, i) => {
      expect(record.seq).toBe(i + 1);
      expect(record.prevHash).toBe(i === 0 ? GENESIS_HASH : records[i - 1]?.hash);
      expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
    });
    expect(new Set(records.map((r) => r.hash)).size).toBe(records.length);
  });

  it('hashes exactly the fields of the record, chained to the previous hash', async () => {
    const records = await trail(node.services.db);
    for (const r of records) {
      const fields = [r.prevHash, r.seq, r.at, r.actor, r.action, r.resource, r.purpose, r.outcome, r.requestId];
      const expected = createHash('sha256').update(JSON.stringify(fields)).digest('hex');
      expect(r.hash, `seq ${r.seq}`).toBe(expected);
    }
  });

  it('verifies an untouched trail', async () => {
    const records = await trail(node.services.db);
    const result = await verifyChain(node.services.db);
    expect(result).toEqual({ ok: true, records: records.length, headHash: records.at(-1)?.hash, firstBroken: null });
  });

  it('reads the whole trail in order whatever the page size', async () => {
    const records = await trail(node.services.db);
    for (const pageSize of [1, 3, records.length, records.length + 1]) {
      const paged = [];
      for await (const record of allAudit(node.services.db, pageSize)) paged.push(record);
      expect(paged, `page size ${pageSize}`).toEqual(records);
    }
  });

  it('records what was done, by whom, to what and why', async () => {
    const [denied] = await listAudit(node.services.db, { action: 'test.denied', limit: 10 });
    expect(denied).toMatchObject({
      actor: 'operator:audit-test',
      resource: 'thing:1',
      purpose: 'statistics',
      outcome: 'denied',
    });
    const created = await listAudit(node.services.db, { action: 'agency.create', limit: 10 });
    expect(created).toHaveLength(5);
    for (const record of created) expect(record.resource).toMatch(/^agency:[0-9A-Z]{26}$/);
  });

  it('refuses UPDATE, DELETE and TRUNCATE through ordinary SQL and leaves the record as it was', async () => {
    const db = node.services.db;
    const before = await trail(db);
    await expect(db.query("update audit_log set action = 'forged' where seq = 2")).rejects.toThrow(/append-only/);
    await expect(db.query('delete from audit_log where seq = 2')).rejects.toThrow(/append-only/);
    await expect(db.query('delete from audit_log')).rejects.toThrow(/append-only/);
    await expect(db.query('truncate audit_log')).rejects.toThrow(/append-only/);
    await expect(
      db.transaction((tx) => tx.query("update audit_log set outcome = 'success' where outcome = 'denied'")),
    ).rejects.toThrow(/append-only/);
    expect(await trail(db)).toEqual(before);
    expect((await verifyChain(db)).ok).toBe(true);
  });

  it('keeps the chain unbroken under 20 concurrent appends', async () => {
    const db = node.services.db;
    const before = await countRecords(db);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? node.services.users.createAgency(operator, { name: `Concurrent ${i}`, country: 'IT', orgType: 'NGO' })
          : node.services.audit.recordDenied(operator, 'test.concurrent', `thing:${i}`),
      ),
    );
    const records = await trail(db);
    expect(records).toHaveLength(before + 20);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    const added = records.slice(before);
    expect(added.filter((r) => r.action === 'agency.create')).toHaveLength(10);
    expect(
      added
        .filter((r) => r.action === 'test.concurrent')
        .map((r) => r.resource)
        .sort(),
    ).toEqual(Array.from({ length: 10 }, (_, i) => `thing:${2 * i + 1}`).sort());
    expect(await verifyChain(db)).toMatchObject({ ok: true, records: before + 20, firstBroken: null });
  });
});

describe('tampering', () => {
  it('reports the first altered record as a hash mismatch', () =>
    withNode(async (node) => {
      const db = node.services.db;
      await addAgencies(node, 'Tamper', 5);
      const original = await trail(db);
      await tamper(db, "update audit_log set actor = 'operator:someone-else' where seq = 3");
      const result = await verifyChain(db);
      expect(result.ok).toBe(false);
      expect(result.records).toBe(2);
      expect(result.headHash).toBe(original[1]?.hash);
      expect(result.firstBroken).toMatchObject({
        seq: 3,
        reason: 'hash_mismatch',
        record: { seq: 3, actor: 'operator:someone-else' },
      });
      // The trigger is back in force after the tampering.
      await expect(db.query("update audit_log set actor = 'x' where seq = 4")).rejects.toThrow(/append-only/);
    }));

  it('catches an altered record whose own hash was recomputed, at the next record', () =>
    withNode(async (node) => {
      const db = node.services.db;
      await addAgencies(node, 'Rehash', 5);
      const [third] = await listAudit(db, { afterSeq: 2, limit: 1 });
      if (!third) throw new Error('no third record');
      const forged = { ...third, resource: 'agency:FORGED' };
      const hash = chainHash(forged.prevHash, [
        forged.seq,
        forged.at,
        forged.actor,
        forged.action,
        forged.resource,
        forged.purpose,
        forged.outcome,
        forged.requestId,
      ]);
      await tamper(db, 'update audit_log set resource = $1, hash = $2 where seq = 3', [forged.resource, hash]);
      const result = await verifyChain(db);
      expect(result).toMatchObject({ ok: false, records: 3, headHash: hash });
      expect(result.firstBroken).toMatchObject({ seq: 4, reason: 'prev_hash_mismatch' });
    }));

  it('reports a deleted record in the middle as a sequence gap', () =>
    withNode(async (node) => {
      const db = node.services.db;
      await addAgencies(node, 'Gap', 5);
      const original = await trail(db);
      await tamper(db, 'delete from audit_log where seq = 3');
      const result = await verifyChain(db);
      expect(result).toMatchObject({ ok: false, records: 2, headHash: original[1]?.hash });
      expect(result.firstBroken).toMatchObject({ seq: 4, reason: 'sequence_gap', record: { seq: 4 } });
    }));

  it('answers a broken chain over HTTP and records the failed verification', () =>
    withNode(async (node) => {
      const overseer = await buildUser(node.services, 'oversight', { nodeWide: true });
      const { headers } = await signIn(node.app, overseer);
      await tamper(node.services.db, "update audit_log set outcome = 'denied' where seq = 2");
      const res = await node.app.inject({ method: 'GET', url: '/api/audit/verify', headers });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        ok: false,
        records: 1,
        firstBroken: { seq: 2, reason: 'hash_mismatch', record: { seq: 2, outcome: 'denied' } },
      });
      const [recorded] = await listAudit(node.services.db, { action: 'audit.verify', limit: 10 });
      expect(recorded).toMatchObject({
        actor: `user:${overseer.id}`,
        outcome: 'failure',
        requestId: res.headers['x-request-id'],
      });
    }));
});

describe('personal data', () => {
  it('records ids and purposes, never emails or names', () =>
    withNode(async (node) => {
      const { services, app } = node;
      const agency = await services.users.createAgency(operator, {
        name: 'Casa Aurora',
        country: 'IT',
        orgType: 'NGO',
      });
      const zora = { email: 'zora.quillfeather@example.org', displayName: 'Zora Quillfeather', role: 'coordinator' };
      const ignatius = {
        email: 'ignatius.brackwater@example.org',
        displayName: 'Ignatius Brackwater',
        role: 'oversight',
      };
      const people = [zora, ignatius];
      const password = 'a long enough password';
      const ids: string[] = [];
      for (const person of people) {
        const created = await services.users.createUser(operator, {
          email: person.email,
          displayName: person.displayName,
          password,
          roles: [{ role: person.role, agency: person.role === 'oversight' ? null : agency.id }],
        });
        ids.push(created.user.id);
      }
      // Through HTTP as well: an administrator adds a user.
      const admin = await buildUser(services, 'node_admin', { nodeWide: true });
      const { headers } = await signIn(app, admin);
      const viaHttp = { email: 'marisol.ventaglio@example.org', displayName: 'Marisol Ventaglio' };
      const added = await app.inject({
        method: 'POST',
        url: '/api/users',
        headers,
        payload: { ...viaHttp, password, roles: [{ role: 'coordinator', agency: agency.id }] },
      });
      expect(added.statusCode).toBe(201);
      ids.push(added.json().user.id);

      const login = (email: string, password: string) =>
        app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
      expect((await login(zora.email, password)).statusCode).toBe(200);
      expect((await login(zora.email, 'the wrong password')).statusCode).toBe(401);
      expect((await login('nobody.at.all@example.org', 'the wrong password')).statusCode).toBe(401);
      const session = await login(ignatius.email, password);
      const cookie = `passage_session=${session.cookies.find((c) => c.name === 'passage_session')?.value}`;
      const read = await app.inject({ method: 'GET', url: '/api/audit?purpose=oversight', headers: { cookie } });
      expect(read.statusCode).toBe(200);
      const disabled = await app.inject({ method: 'POST', url: `/api/users/${ids[2]}/disable`, headers });
      expect(disabled.statusCode).toBe(200);

      const rows = await services.db.query<Record<string, unknown>>('select * from audit_log order by seq');
      const forbidden = [
        ...people.flatMap((p) => [p.email, p.displayName, p.email.split('@')[0] as string]),
        viaHttp.email,
        viaHttp.displayName,
        admin.email,
        'nobody.at.all@example.org',
      ].map((s) => s.toLowerCase());
      const leaks = rows.flatMap((row) =>
        Object.entries(row).flatMap(([column, value]) =>
          forbidden
            .filter((text) => String(value).toLowerCase().includes(text))
            .map((text) => `seq ${row.seq} ${column}: ${text}`),
        ),
      );
      expect(leaks).toEqual([]);

      // What the trail does hold: references by id, and the purpose of each read.
      const records = await trail(services.db);
      for (const id of ids) {
        expect(records).toContainEqual(
          expect.objectContaining({ action: 'user.create', resource: `user:${id}`, outcome: 'success' }),
        );
      }
      expect(records).toContainEqual(
        expect.objectContaining({ action: 'auth.login', resource: `user:${ids[0]}`, outcome: 'failure' }),
      );
      expect(records).toContainEqual(
        expect.objectContaining({ action: 'auth.login', actor: 'anonymous', resource: null, outcome: 'failure' }),
      );
      expect(records).toContainEqual(
        expect.objectContaining({ action: 'audit.read', actor: `user:${ids[1]}`, purpose: 'oversight' }),
      );
      expect(records).toContainEqual(
        expect.objectContaining({ action: 'user.disable', actor: `user:${admin.id}`, resource: `user:${ids[2]}` }),
      );
    }));
});
