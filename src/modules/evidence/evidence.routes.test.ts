import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, createTestNode, signIn, type TestNode, type TestUser } from '../../../test/helpers.ts';
import type { FileBlobStore } from './blob-store.ts';

const LIMIT = 1024 * 1024;
const BOUNDARY = '----passage-test-boundary';
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

type Headers = Record<string, string>;
interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Bytes of the request body written before the answer came (or the connection closed). */
  sent: number;
  json(): { error?: { id: string; message: string; details?: unknown } } & Record<string, unknown>;
}

/** The framing of a multipart body: fields, then (optionally) the head of one file part; and the closing tail. */
function multipart(fields: [string, string][], file?: { name?: string; filename: string; type?: string }) {
  let head = '';
  for (const [name, value] of fields) {
    head += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  }
  if (file) {
    head +=
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${file.name ?? 'file'}"; filename="${file.filename}"\r\n` +
      `Content-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`;
  }
  return { head: Buffer.from(head), tail: Buffer.from(`${file ? '\r\n' : ''}--${BOUNDARY}--\r\n`) };
}

describe('evidence over HTTP', () => {
  let node: TestNode;
  let base: string;
  let store: FileBlobStore;
  let worker: TestUser;
  let auth: Headers;
  let caseId: string;

  /**
   * One real HTTP request. The body is written chunk by chunk and writing stops as soon as the node answers or
   * closes the connection, as a browser's would.
   */
  function send(
    method: string,
    path: string,
    headers: Headers,
    body: Iterable<Buffer> | AsyncIterable<Buffer> = [],
    options: { onWritten?: (sent: number, abort: () => void) => void | Promise<void> } = {},
  ): Promise<Reply> {
    return new Promise((resolve, reject) => {
      let sent = 0;
      let answered = false;
      // A keep-alive connection, as browsers use: the node then lingers after an early answer instead of resetting.
      const agent = new Agent({ keepAlive: true });
      const req = httpRequest(`${base}${path}`, { method, headers, agent });
      req.on('close', () => agent.destroy());
      req.on('response', (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          // The answer is all this client wanted; a body it did not finish sending is abandoned.
          req.destroy();
          const buffer = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: buffer,
            sent,
            json: () => JSON.parse(buffer.toString('utf8')),
          });
        });
        res.on('error', reject);
      });
      req.on('error', (error) => {
        if (!answered) reject(error);
      });
      (async () => {
        for await (const chunk of body) {
          if (answered || req.destroyed) return;
          sent += chunk.length;
          const flushed = req.write(chunk);
          await options.onWritten?.(sent, () => req.destroy());
          if (!flushed && !req.destroyed) {
            await new Promise<void>((resume) => {
              const done = () => {
                req.off('drain', done).off('close', done);
                resume();
              };
              req.on('drain', done).on('close', done);
            });
          }
        }
        if (!req.destroyed) req.end();
      })().catch(reject);
    });
  }

  const uploadHeaders = (length?: number): Headers => ({
    ...auth,
    'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    ...(length === undefined ? {} : { 'content-length': String(length) }),
  });

  /** Posts fields and a file with an exact Content-Length. */
  function upload(path: string, fields: [string, string][], data: Buffer, filename = 'evidence.bin') {
    const { head, tail } = multipart(fields, { filename });
    return send('POST', path, uploadHeaders(head.length + data.length + tail.length), [head, data, tail]);
  }

  const get = (path: string, headers: Headers = auth) => send('GET', path, headers);
  const tempFiles = () => (existsSync(store.tempDir) ? readdirSync(store.tempDir) : []);
  async function itemCount(): Promise<number> {
    const [row] = await node.services.db.query<{ n: bigint }>('select count(*) as n from evidence_items');
    return Number(row?.n);
  }
  async function storedHashes(): Promise<string[]> {
    const all: string[] = [];
    for await (const sha of store.list()) all.push(sha);
    return all;
  }
  /** The state an upload that failed must leave unchanged: rows, stored content and temporary files. */
  async function snapshot() {
    return { items: await itemCount(), stored: await storedHashes(), temp: tempFiles() };
  }
  async function settled(before: Awaited<ReturnType<typeof snapshot>>) {
    // The node may still be closing the upload's stream when the client has its answer.
    for (let i = 0; i < 50 && tempFiles().length > 0; i++) await sleep(100);
    expect(await snapshot()).toEqual(before);
  }

  const FIELDS: [string, string][] = [
    ['title', 'Photos of the accommodation'],
    ['handlingCode', 'H1'],
    ['sourceReliability', 'A'],
    ['informationAccuracy', '1'],
  ];

  beforeAll(async () => {
    node = await createTestNode({ PASSAGE_EVIDENCE_MAX_BYTES: '1MiB' });
    await node.app.listen({ host: '127.0.0.1', port: 0 });
    const address = node.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    store = node.services.evidence.store as FileBlobStore;
    worker = await buildUser(node.services, 'investigator');
    auth = (await signIn(node.app, worker)).headers;
    const created = await node.app.inject({
      method: 'POST',
      url: '/api/cases',
      headers: auth,
      payload: { reportedAt: '2026-03-01', survivor: { prs_Gender: 'Feminine' }, confirmEmpty: true },
    });
    expect(created.statusCode, created.body).toBe(201);
    caseId = created.json().id;
  });
  afterAll(() => node.close());

  it('uploads, lists, reads, downloads (with a purpose) and shows the custody history', async () => {
    const data = randomBytes(300_000);
    const created = await upload(`/api/cases/${caseId}/evidence`, FIELDS, data, 'room 1.jpg');
    expect(created.status, created.body.toString()).toBe(201);
    const item = created.json();
    expect(item).toMatchObject({
      caseId,
      title: 'Photos of the accommodation',
      handlingCode: 'H1',
      sourceReliability: 'A',
      informationAccuracy: 1,
      fileName: 'room 1.jpg',
      mediaType: 'application/octet-stream',
      size: data.length,
      sha256: sha256(data),
    });

    const listed = (await get(`/api/cases/${caseId}/evidence`)).json();
    expect(listed.items).toEqual([item]);
    expect((await get(`/api/evidence/${item.id}`)).json()).toEqual(item);

    const noPurpose = await get(`/api/evidence/${item.id}/content`);
    expect(noPurpose.status).toBe(403);
    expect(noPurpose.json().error?.id).toBe('purpose_required');

    const download = await get(`/api/evidence/${item.id}/content?purpose=investigation`);
    expect(download.status).toBe(200);
    expect(download.body.equals(data)).toBe(true);
    expect(download.headers).toMatchObject({
      'content-length': String(data.length),
      etag: `"${sha256(data)}"`,
      'repr-digest': `sha-256=:${Buffer.from(sha256(data), 'hex').toString('base64')}:`,
      'content-disposition': `attachment; filename="room 1.jpg"; filename*=UTF-8''room%201.jpg`,
      'cache-control': 'no-store',
    });

    const custody = (await get(`/api/evidence/${item.id}/custody`)).json();
    expect((custody.events as { event: string; reason: string | null }[]).map((e) => [e.event, e.reason])).toEqual([
      ['collected', null],
      ['accessed', 'investigation'],
    ]);
  });

  it('stores identical content once and makes working copies that name their original', async () => {
    const data = Buffer.from('the same statement, uploaded twice');
    const first = (await upload(`/api/cases/${caseId}/evidence`, FIELDS, data)).json();
    const second = (await upload(`/api/cases/${caseId}/evidence`, FIELDS, data)).json();
    expect(second.sha256).toBe(first.sha256);
    expect(second.id).not.toBe(first.id);

    const translation = Buffer.from('la stessa dichiarazione');
    const copy = await upload(
      `/api/evidence/${first.id}/copies`,
      [['transformation', 'translation']],
      translation,
      'statement-it.txt',
    );
    expect(copy.status, copy.body.toString()).toBe(201);
    expect(copy.json()).toMatchObject({
      parentId: first.id,
      parentSha256: first.sha256,
      transformation: 'translation',
      handlingCode: 'H1',
      sha256: sha256(translation),
      fileName: 'statement-it.txt',
    });
    const events = (await get(`/api/evidence/${copy.json().id}/custody`)).json().events as { event: string }[];
    expect(events.map((e) => e.event)).toEqual(['derived']);
  });

  it('answers every field problem at once', async () => {
    const before = await snapshot();
    const reply = await upload(
      `/api/cases/${caseId}/evidence`,
      [
        ['handlingCode', 'H9'],
        ['informationAccuracy', '7'],
        ['colour', 'red'],
      ],
      Buffer.from('x'),
    );
    expect(reply.status).toBe(400);
    expect(reply.json().error).toMatchObject({
      id: 'invalid_request',
      details: {
        errors: [
          { field: 'colour', reason: 'is not a field of an evidence item' },
          { field: 'handlingCode', reason: 'must be one of H0, H1, H2, H3' },
          { field: 'title', reason: 'is required' },
          { field: 'informationAccuracy', reason: 'must be 1, 2, 3 or 4' },
        ],
      },
    });
    await settled(before);
  });

  it('refuses a file that does not match its claimed SHA-256 and keeps nothing', async () => {
    const before = await snapshot();
    const data = randomBytes(100_000);
    const reply = await upload(
      `/api/cases/${caseId}/evidence`,
      [...FIELDS, ['sha256', sha256(Buffer.from('something else'))]],
      data,
    );
    expect(reply.status).toBe(400);
    expect(reply.json().error?.id).toBe('hash_mismatch');
    await settled(before);
  });

  it('refuses early, from Content-Length alone, a file over the limit', async () => {
    const before = await snapshot();
    const { head } = multipart(FIELDS, { filename: 'huge.bin' });
    // Announces 64 MiB but sends only the first few bytes, then waits for the answer.
    async function* slow() {
      yield head;
      await sleep(60_000);
    }
    const reply = await send('POST', `/api/cases/${caseId}/evidence`, uploadHeaders(64 * LIMIT), slow());
    expect(reply.status).toBe(413);
    expect(reply.json().error).toMatchObject({ id: 'evidence_too_large' });
    expect(reply.json().error?.message).toContain('1 MiB');
    expect(reply.sent).toBe(head.length);
    await settled(before);
  });

  it('aborts mid-stream a file that turns out too large, without reading the rest', async () => {
    const before = await snapshot();
    const { head, tail } = multipart(FIELDS, { filename: 'growing.bin' });
    const total = 32 * LIMIT;
    // Chunked: no length announced, so only counting the bytes finds out.
    async function* body() {
      yield head;
      for (let sent = 0; sent < total; sent += 64 * 1024) {
        yield randomBytes(64 * 1024);
        await sleep(1);
      }
      yield tail;
    }
    const reply = await send('POST', `/api/cases/${caseId}/evidence`, uploadHeaders(), body());
    expect(reply.status).toBe(413);
    expect(reply.json().error?.id).toBe('evidence_too_large');
    expect(reply.sent).toBeLessThan(total / 2);
    await settled(before);
  });

  it('leaves nothing behind when the client aborts an upload halfway', async () => {
    const before = await snapshot();
    const { head } = multipart(FIELDS, { filename: 'interrupted.bin' });
    let streaming = false;
    async function* body() {
      yield head;
      for (let i = 0; i < 1000; i++) yield randomBytes(16 * 1024);
    }
    const outcome = await send('POST', `/api/cases/${caseId}/evidence`, uploadHeaders(head.length + LIMIT), body(), {
      // Once the node is writing the file into its store, the client goes away.
      onWritten: async (sent, abort) => {
        if (sent < 256 * 1024) return;
        for (let i = 0; i < 50 && tempFiles().length === 0; i++) await sleep(20);
        streaming = tempFiles().length > 0;
        abort();
      },
    }).catch((error: Error) => error);
    expect(outcome).toBeInstanceOf(Error);
    expect(streaming).toBe(true);
    await settled(before);
  });

  it('refuses fields after the file, a missing file and a body that is not multipart', async () => {
    const before = await snapshot();
    const { head } = multipart(FIELDS, { filename: 'a.bin' });
    const trailing = Buffer.from(
      `\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="description"\r\n\r\nlate\r\n--${BOUNDARY}--\r\n`,
    );
    const data = Buffer.from('content followed by a field');
    const late = await send(
      'POST',
      `/api/cases/${caseId}/evidence`,
      uploadHeaders(head.length + data.length + trailing.length),
      [head, data, trailing],
    );
    expect(late.status).toBe(400);
    expect(late.json().error?.id).toBe('malformed_upload');

    const { head: onlyFields, tail } = multipart(FIELDS);
    const noFile = await send('POST', `/api/cases/${caseId}/evidence`, uploadHeaders(onlyFields.length + tail.length), [
      onlyFields,
      tail,
    ]);
    expect(noFile.status).toBe(400);
    expect(noFile.json().error?.id).toBe('file_missing');

    const json = Buffer.from(JSON.stringify({ title: 'x' }));
    const notMultipart = await send(
      'POST',
      `/api/cases/${caseId}/evidence`,
      { ...auth, 'content-type': 'application/json', 'content-length': String(json.length) },
      [json],
    );
    expect(notMultipart.status).toBe(415);
    await settled(before);
  });

  it('refuses other agencies and anonymous callers, without reading the upload', async () => {
    const stranger = await buildUser(node.services, 'investigator');
    const strangerAuth = (await signIn(node.app, stranger)).headers;
    const item = (await upload(`/api/cases/${caseId}/evidence`, FIELDS, Buffer.from('not for strangers'))).json();
    const before = await snapshot();
    for (const path of [`/api/cases/${caseId}/evidence`, `/api/evidence/${item?.id}`]) {
      expect((await get(path, strangerAuth)).status, path).toBe(403);
    }
    expect((await get(`/api/evidence/${item?.id}/content?purpose=investigation`, strangerAuth)).status).toBe(403);
    expect((await get(`/api/evidence/${item?.id}`, {})).status).toBe(401);

    const { head } = multipart(FIELDS, { filename: 'x.bin' });
    // The fields and the first bytes of the file, then nothing for a minute.
    const start = Buffer.concat([head, randomBytes(1000)]);
    async function* pending() {
      yield start;
      await sleep(60_000);
    }
    const headers = { ...strangerAuth, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };
    const refused = await send(
      'POST',
      `/api/cases/${caseId}/evidence`,
      { ...headers, 'content-length': '500000' },
      pending(),
    );
    expect(refused.status).toBe(403);
    expect(refused.sent).toBe(start.length);
    const anonymous = await send(
      'POST',
      `/api/cases/${caseId}/evidence`,
      { 'content-type': headers['content-type'], 'content-length': '500000' },
      pending(),
    );
    expect(anonymous.status).toBe(401);
    await settled(before);
  });
});
