import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, createTestNode, type TestNode, type TestUser } from '../../../test/helpers.ts';
import { operatorContext } from '../../app/operations.ts';
import type { Role } from '../../shared/policy.ts';
import type { RequestContext } from '../audit/index.ts';
import { parseCustodyEntry } from './bag-custody.ts';
import type { FileBlobStore } from './blob-store.ts';
import { EvidenceService } from './evidence.service.ts';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const sha512 = (data: Uint8Array) => createHash('sha512').update(data).digest('hex');
const bytes = (data: Buffer) => Readable.from([data]);

/** A source that notes whether anything asked it for bytes. */
function untouched() {
  const source = new Readable({
    read() {
      source.touched = true;
      this.push(null);
    },
  }) as Readable & { touched?: boolean };
  return source;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const FIELDS = {
  title: 'Chat export of the recruiter’s phone',
  description: 'Messages between the recruiter and the survivor, January to March',
  collectedAt: '2026-03-04T10:15:00+01:00',
  collectedBy: 'Squadra Mobile Latina',
  collectedWhere: 'Latina, IT',
  source: 'Seized phone',
  device: 'Samsung Galaxy A12',
  type: 'message',
  handlingCode: 'h2',
  sourceReliability: 'b',
  informationAccuracy: '2',
  fileName: 'chat.txt',
  mediaType: 'text/plain; charset=utf-8',
};

describe('evidence items', () => {
  let node: TestNode;
  let evidence: EvidenceService;
  let store: FileBlobStore;
  let worker: TestUser;
  let caseId: string;
  const ctxOf = (user: TestUser, role: Role = 'case_worker'): RequestContext => ({
    actor: { kind: 'user', userId: user.id, memberships: [{ role, agencyId: user.agencyId }] },
    requestId: null,
  });

  beforeAll(async () => {
    node = await createTestNode();
    evidence = node.services.evidence;
    store = evidence.store as FileBlobStore;
    worker = await buildUser(node.services, 'case_worker');
    const created = await node.services.cases.create(ctxOf(worker), {
      reportedAt: '2026-03-01',
      survivor: { prs_FirstName: 'Ana', prs_Gender: 'Feminine' },
    });
    caseId = created.id;
  });
  afterAll(() => node.close());

  const entryAt = async (index: number) => {
    const [entry] = await node.services.custody.entries(index, index + 1);
    return entry as Uint8Array;
  };

  it('streams an original into the store and records it with a collected event in the custody log', async () => {
    const data = randomBytes(200_000);
    const item = await evidence.add(ctxOf(worker), caseId, FIELDS, bytes(data));
    expect(item).toMatchObject({
      caseId,
      title: FIELDS.title,
      collectedAt: '2026-03-04T09:15:00.000Z',
      type: 'message',
      handlingCode: 'H2',
      sourceReliability: 'B',
      informationAccuracy: 2,
      fileName: 'chat.txt',
      mediaType: 'text/plain',
      size: data.length,
      sha256: sha256(data),
      sha512: sha512(data),
      parentId: null,
      transformation: null,
      createdBy: `user:${worker.id}`,
    });
    expect(await store.size(item.sha256)).toBe(data.length);

    const events = await evidence.custodyOf(ctxOf(worker), item.id);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({ itemId: item.id, event: 'collected', actor: `user:${worker.id}`, reason: null });
    // The log holds exactly the bytes decision 0004 fixes, in its key order.
    const entry = await entryAt(event?.index as number);
    expect(Buffer.from(entry).toString('utf8')).toBe(
      `{"v":1,"node":"node-test","item":"${item.id}","sha256":"${item.sha256}","event":"collected",` +
        `"actor":"user:${worker.id}","at":"${event?.at}","reason":null}`,
    );
    expect(parseCustodyEntry(entry)).toMatchObject({ item: item.id, event: 'collected' });

    // The audit trail names the item, never its title or description.
    const audit = await node.services.db.query<{ action: string; resource: string }>(
      "select action, resource from audit_log where action = 'evidence.add' and resource = $1",
      [`evidence:${item.id}`],
    );
    expect(audit).toHaveLength(1);
    const trail = JSON.stringify(
      await node.services.db.query('select actor, action, resource, purpose, outcome from audit_log'),
    );
    expect(trail).not.toContain('Chat export');
    expect(trail).not.toContain('recruiter');
  });

  it('stores identical content once; the second item refers to the same blob', async () => {
    const data = Buffer.from('a scanned contract, uploaded twice');
    const first = await evidence.add(ctxOf(worker), caseId, { ...FIELDS, title: 'Contract' }, bytes(data));
    const second = await evidence.add(ctxOf(worker), caseId, { ...FIELDS, title: 'Contract again' }, bytes(data));
    expect(second.id).not.toBe(first.id);
    expect(second.sha256).toBe(first.sha256);
    const dir = store.pathOf(first.sha256).replace(/\/[^/]+$/, '');
    expect(readdirSync(dir).filter((name) => name === first.sha256)).toHaveLength(1);
    const listed = (await evidence.list(ctxOf(worker), caseId)).filter((i) => i.sha256 === first.sha256);
    expect(listed.map((i) => i.id)).toEqual([first.id, second.id]);
  });

  it('lists every field problem at once, before reading any content', async () => {
    const source = untouched();
    const error = await evidence
      .add(
        ctxOf(worker),
        caseId,
        {
          title: '',
          handlingCode: 'H7',
          sourceReliability: 'E',
          informationAccuracy: '5',
          collectedAt: '2999-01-01',
          type: 'rumour',
          fileName: '..',
          mediaType: 'not a type',
          sha256: 'xyz',
          colour: 'blue',
        } as never,
        source,
      )
      .catch((e) => e);
    expect(error).toMatchObject({ id: 'invalid_request', status: 400 });
    const fields = (error.details.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(
      [
        'colour',
        'collectedAt',
        'fileName',
        'handlingCode',
        'informationAccuracy',
        'mediaType',
        'sha256',
        'sourceReliability',
        'title',
        'type',
      ].sort(),
    );
    expect(source.touched).toBeUndefined();
    // H3 needs its restrictions written out.
    const h3 = await evidence
      .add(ctxOf(worker), caseId, { ...FIELDS, handlingCode: 'H3' }, untouched())
      .catch((e) => e);
    expect(h3.details.errors).toEqual([{ field: 'handlingNote', reason: 'H3 needs the restrictions written out' }]);
  });

  it('refuses another agency and unknown cases before reading content, and records the refusal', async () => {
    const stranger = await buildUser(node.services, 'investigator');
    const source = untouched();
    await expect(evidence.add(ctxOf(stranger, 'investigator'), caseId, FIELDS, source)).rejects.toMatchObject({
      id: 'forbidden',
      status: 403,
    });
    expect(source.touched).toBeUndefined();
    const denied = await node.services.db.query(
      "select 1 from audit_log where action = 'evidence.add' and outcome = 'denied' and actor = $1",
      [`user:${stranger.id}`],
    );
    expect(denied).toHaveLength(1);
    await expect(evidence.add(ctxOf(worker), 'no-such-case', FIELDS, untouched())).rejects.toMatchObject({
      status: 404,
    });
    await expect(evidence.list(ctxOf(stranger, 'investigator'), caseId)).rejects.toMatchObject({ status: 403 });
    // A prosecutor reads the agency's evidence but does not collect it.
    const prosecutor = await buildUser(node.services, 'prosecutor', { agency: worker.agencyId });
    expect((await evidence.list(ctxOf(prosecutor, 'prosecutor'), caseId)).length).toBeGreaterThan(0);
    await expect(evidence.add(ctxOf(prosecutor, 'prosecutor'), caseId, FIELDS, untouched())).rejects.toMatchObject({
      status: 403,
    });
  });

  it('refuses content that does not match the claimed SHA-256 and keeps nothing', async () => {
    const before = await countItems();
    const data = randomBytes(10_000);
    const error = await evidence
      .add(ctxOf(worker), caseId, { ...FIELDS, sha256: sha256(Buffer.from('other')) }, bytes(data))
      .catch((e) => e);
    expect(error).toMatchObject({ id: 'hash_mismatch', status: 400 });
    expect(await store.size(sha256(data))).toBeNull();
    expect(readdirSync(store.tempDir)).toEqual([]);
    expect(await countItems()).toBe(before);
    // The right claim (in upper case) is accepted.
    const item = await evidence.add(
      ctxOf(worker),
      caseId,
      { ...FIELDS, sha256: sha256(data).toUpperCase() },
      bytes(data),
    );
    expect(item.sha256).toBe(sha256(data));
  });

  it('refuses content over the limit while streaming and keeps nothing', async () => {
    const small = new EvidenceService(
      node.services.db,
      node.services.audit,
      node.services.caseAccess,
      node.services.custody,
      store,
      {
        nodeId: 'node-test',
        maxBytes: 4096,
        sealerOf: async (q, id) =>
          node.services.survivors.dataSealer(q, (await node.services.caseAccess.load(q, id)).survivorId),
      },
    );
    const before = await countItems();
    const error = await small.add(ctxOf(worker), caseId, FIELDS, bytes(randomBytes(4097))).catch((e) => e);
    expect(error).toMatchObject({ id: 'evidence_too_large', status: 413 });
    expect(error.message).toContain('4 KiB');
    expect(readdirSync(store.tempDir)).toEqual([]);
    expect(await countItems()).toBe(before);
    expect((await small.add(ctxOf(worker), caseId, FIELDS, bytes(randomBytes(4096)))).size).toBe(4096);
  });

  it('removes content committed for an item whose transaction then failed, unless another item refers to it', async () => {
    const kept = Buffer.from('content another item already refers to');
    await evidence.add(ctxOf(worker), caseId, FIELDS, bytes(kept));
    const db = node.services.db;
    // A real database failure after the content is in place: the insert of the item's custody event fails.
    await db.exec(`create function evidence_test_fail() returns trigger language plpgsql as $$
      begin raise exception 'disk full'; end; $$;
      create trigger evidence_test_fail before insert on evidence_events
        for each row execute function evidence_test_fail();`);
    try {
      const fresh = randomBytes(5000);
      await expect(evidence.add(ctxOf(worker), caseId, FIELDS, bytes(fresh))).rejects.toThrow('disk full');
      expect(await store.size(sha256(fresh))).toBeNull();
      await expect(evidence.add(ctxOf(worker), caseId, FIELDS, bytes(kept))).rejects.toThrow('disk full');
      expect(await store.size(sha256(kept))).toBe(kept.length);
      expect(readdirSync(store.tempDir)).toEqual([]);
    } finally {
      await db.exec('drop trigger evidence_test_fail on evidence_events; drop function evidence_test_fail();');
    }
    const rows = await db.query('select 1 from evidence_items where sha256 = $1', [sha256(kept)]);
    expect(rows).toHaveLength(1);
  });

  it('makes working copies as new items that name the original; the original never changes', async () => {
    const original = await evidence.add(
      ctxOf(worker),
      caseId,
      { ...FIELDS, title: 'Interview' },
      bytes(randomBytes(999)),
    );
    const redacted = randomBytes(999);
    const copy = await evidence.derive(
      ctxOf(worker),
      original.id,
      { transformation: 'redaction', fileName: 'interview-redacted.txt' },
      bytes(redacted),
    );
    expect(copy).toMatchObject({
      caseId,
      title: 'Interview (redaction)',
      description: null,
      handlingCode: 'H2',
      sourceReliability: 'B',
      fileName: 'interview-redacted.txt',
      mediaType: 'application/octet-stream',
      sha256: sha256(redacted),
      parentId: original.id,
      parentSha256: original.sha256,
      transformation: 'redaction',
    });
    const [event] = await evidence.custodyOf(ctxOf(worker), copy.id);
    expect(event).toMatchObject({ event: 'derived', reason: `redaction of ${original.sha256}` });
    expect(parseCustodyEntry(await entryAt(event?.index as number))).toMatchObject({
      item: copy.id,
      sha256: copy.sha256,
      event: 'derived',
    });
    expect(await evidence.get(ctxOf(worker), original.id)).toEqual(original);

    const unchanged = await evidence
      .derive(ctxOf(worker), copy.id, { transformation: 'translation', fileName: 'same.txt' }, bytes(redacted))
      .catch((e) => e);
    expect(unchanged).toMatchObject({ id: 'copy_unchanged', status: 400 });
    const missing = await evidence
      .derive(ctxOf(worker), original.id, { fileName: 'x.txt' }, untouched())
      .catch((e) => e);
    expect(missing.details.errors).toEqual([
      { field: 'transformation', reason: 'is required: one of redaction, transcript, translation' },
    ]);
    await expect(
      evidence.derive(ctxOf(worker), 'no-such-item', { transformation: 'transcript', fileName: 'x' }, untouched()),
    ).rejects.toMatchObject({ status: 404 });
    // Rows cannot be changed or removed, even by SQL.
    await expect(
      node.services.db.query("update evidence_items set title = 'x' where id = $1", [original.id]),
    ).rejects.toThrow(/append-only/);
    await expect(node.services.db.query('delete from evidence_events')).rejects.toThrow(/append-only/);
  });

  it('opens content for a stated purpose only, recording an accessed event and the audit before streaming', async () => {
    const data = randomBytes(70_000);
    const item = await evidence.add(ctxOf(worker), caseId, FIELDS, bytes(data));
    await expect(evidence.openContent(ctxOf(worker), item.id, undefined)).rejects.toMatchObject({
      id: 'purpose_required',
    });
    const opened = await evidence.openContent(ctxOf(worker), item.id, 'investigation');
    expect((await readAll(opened.stream)).equals(data)).toBe(true);
    const events = await evidence.custodyOf(ctxOf(worker), item.id);
    expect(events.map((e) => [e.event, e.reason])).toEqual([
      ['collected', null],
      ['accessed', 'investigation'],
    ]);
    const audit = await node.services.db.query(
      "select 1 from audit_log where action = 'evidence.download' and resource = $1 and purpose = 'investigation'",
      [`evidence:${item.id}`],
    );
    expect(audit).toHaveLength(1);

    // Bytes altered on disk: the stream fails rather than pass them off as the evidence.
    const altered = Buffer.from(data);
    altered[0] = (altered[0] ?? 0) ^ 0xff;
    writeFileSync(store.pathOf(item.sha256), altered);
    const tampered = await evidence.openContent(ctxOf(worker), item.id, 'investigation');
    await expect(readAll(tampered.stream)).rejects.toThrow(/does not match/);
    rmSync(store.pathOf(item.sha256));
    await expect(evidence.openContent(ctxOf(worker), item.id, 'investigation')).rejects.toMatchObject({
      id: 'evidence_content_missing',
    });
    writeFileSync(store.pathOf(item.sha256), data);
  });

  it('names the console as the actor of what the operator does', async () => {
    const item = await evidence.add(operatorContext('root'), caseId, FIELDS, bytes(Buffer.from('from the console')));
    const [event] = await evidence.custodyOf(operatorContext('root'), item.id);
    expect(event?.actor).toBe('console');
    expect(item.createdBy).toBe('operator:root');
  });

  it('re-hashes every stored content and reports what is missing, altered or unreferenced', async () => {
    const clean = await evidence.verifyStore();
    expect(clean).toMatchObject({ ok: true, problems: [], unreferenced: [] });
    expect(clean.contents).toBeGreaterThan(3);

    const a = await evidence.add(ctxOf(worker), caseId, FIELDS, bytes(Buffer.from('item to alter')));
    const b = await evidence.add(ctxOf(worker), caseId, FIELDS, bytes(Buffer.from('item to lose')));
    writeFileSync(store.pathOf(a.sha256), 'item to altar');
    rmSync(store.pathOf(b.sha256));
    const stray = Buffer.from('no item refers to this');
    const pending = await store.receive(bytes(stray), { maxBytes: 100 });
    await store.commit(pending);

    const progress: number[] = [];
    const result = await evidence.verifyStore((done) => progress.push(done));
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(
      expect.arrayContaining([
        { sha256: a.sha256, problem: 'altered', itemIds: [a.id] },
        { sha256: b.sha256, problem: 'missing', itemIds: [b.id] },
      ]),
    );
    expect(result.problems).toHaveLength(2);
    expect(result.unreferenced).toEqual([pending.sha256]);
    expect(progress.at(-1)).toBe(result.bytes);

    const check = await evidence.storeCheck().run();
    expect(check.ok).toBe(false);
    expect(check.problems.map((p) => [p.kind, p.ref]).sort()).toEqual(
      [
        ['evidence_content_altered', a.sha256],
        ['evidence_content_missing', b.sha256],
      ].sort(),
    );
    writeFileSync(store.pathOf(a.sha256), 'item to alter');
    writeFileSync(store.pathOf(b.sha256), 'item to lose');
    await store.remove(pending.sha256);
    expect((await evidence.verifyStore()).ok).toBe(true);
    expect(existsSync(store.pathOf(pending.sha256))).toBe(false);
  });

  it('lets only the one-time sealing of a wave 1 row through the append-only trigger (migration 0026)', async () => {
    const db = node.services.db;
    const made = await evidence.add(ctxOf(worker), caseId, FIELDS, bytes(Buffer.from('wave one content')));
    // A row as wave 1 wrote it, its free text in clear (inserts are allowed).
    await db.query(
      `insert into evidence_items (id, case_id, sha256, sha512, size, file_name, media_type, title, collected_where,
         handling_code, created_by)
       select 'wave1-item', case_id, sha256, sha512, size, 'w1.txt', media_type, 'wave one', 'Latina', 'H0', created_by
       from evidence_items where id = $1`,
      [made.id],
    );
    await expect(db.query("update evidence_items set title = null where id = 'wave1-item'")).rejects.toThrow(
      /append-only/,
    );
    expect(await db.transaction((tx) => evidence.items.sealClearText(tx))).toBe(1);
    expect(await evidence.get(ctxOf(worker), 'wave1-item')).toMatchObject({
      title: 'wave one',
      fileName: 'w1.txt',
      collectedWhere: 'Latina',
    });
    const [row] = await db.query<object>('select title, file_name, collected_where from evidence_items where id = $1', [
      'wave1-item',
    ]);
    expect(row).toEqual({ title: null, file_name: null, collected_where: null });
    await expect(db.query("update evidence_items set metadata_sealed = 'x' where id = 'wave1-item'")).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query("delete from evidence_items where id = 'wave1-item'")).rejects.toThrow(/append-only/);
  });

  async function countItems(): Promise<number> {
    const [row] = await node.services.db.query<{ n: bigint }>('select count(*) as n from evidence_items');
    return Number(row?.n);
  }
});
