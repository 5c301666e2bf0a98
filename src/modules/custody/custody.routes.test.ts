import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser, createTestNode, signIn, type TestNode } from '../../../test/helpers.ts';
import { parseCheckpoint } from '../../lib/checkpoint.ts';
import * as merkle from '../../lib/merkle.ts';
import { openNote, parseVerifierKey } from '../../lib/signed-note.ts';

const SIZE = 13;
const event = (n: number) => Buffer.from(JSON.stringify({ v: 1, item: `item-${n}`, event: 'received' }));
const fromBase64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

describe('the custody API', () => {
  let node: TestNode;
  let headers: Record<string, string>;
  beforeAll(async () => {
    node = await createTestNode();
    const { db, custody } = node.services;
    for (let n = 0; n < SIZE; n++) await db.transaction((tx) => custody.append(tx, event(n)));
    // A coordinator scoped to one agency: the log is the node's, and every role may read it.
    headers = (await signIn(node.app, await buildUser(node.services, 'coordinator'))).headers;
  });
  afterAll(() => node.close());

  const get = (url: string, h: Record<string, string> = headers) => node.app.inject({ method: 'GET', url, headers: h });

  function expectError(res: LightMyRequestResponse, status: number, id: string) {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.id).toBe(id);
    return res.json().error.message as string;
  }

  /** Checks a checkpoint from the API as an outside verifier: signature by the published key, then its fields. */
  function trustedRoot(checkpoint: { note: string; verifierKey: string; size: number; rootHash: string }) {
    const body = parseCheckpoint(openNote(checkpoint.note, [parseVerifierKey(checkpoint.verifierKey)]).text);
    expect(body.size).toBe(checkpoint.size);
    expect(Buffer.from(body.rootHash).toString('base64')).toBe(checkpoint.rootHash);
    return body.rootHash;
  }

  it('needs a signed-in user', async () => {
    for (const url of [
      '/api/custody/checkpoint',
      '/api/custody/proofs/inclusion?index=0',
      '/api/custody/proofs/consistency?old=1',
      '/api/custody/entries/0',
    ]) {
      expectError(await get(url, {}), 401, 'not_signed_in');
    }
  });

  it('serves the latest signed checkpoint with the key that verifies it', async () => {
    const res = await get('/api/custody/checkpoint');
    expect(res.statusCode, res.body).toBe(200);
    const checkpoint = res.json();
    expect(checkpoint).toMatchObject({
      origin: 'passage/node-test/custody',
      size: SIZE,
      verifierKey: node.services.custody.verifierKey,
      fingerprint: node.services.custody.fingerprint,
    });
    const leaves = (await node.services.custody.entries(0, SIZE)).map(merkle.leafHash);
    expect(Buffer.from(trustedRoot(checkpoint)).equals(merkle.rootHash(leaves))).toBe(true);
  });

  it('proves an entry included, against the latest checkpoint or a given size', async () => {
    for (const [index, size] of [
      [4, undefined],
      [0, 1],
      [6, 7],
      [12, SIZE],
    ] as const) {
      const res = await get(`/api/custody/proofs/inclusion?index=${index}${size ? `&size=${size}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.size).toBe(size ?? SIZE);
      expect(body.checkpoint.size).toBe(body.size);
      const leaf = fromBase64(body.leafHash);
      expect(Buffer.from(leaf).equals(merkle.leafHash(event(index)))).toBe(true);
      const proof = (body.proof as string[]).map(fromBase64);
      expect(merkle.verifyInclusion(leaf, index, body.size, proof, trustedRoot(body.checkpoint))).toBe(true);
    }
  });

  it('proves two sizes consistent, with both checkpoints signed', async () => {
    for (const [old, size] of [
      [3, undefined],
      [0, 5],
      [8, 8],
      [5, 11],
    ] as const) {
      const res = await get(`/api/custody/proofs/consistency?old=${old}${size ? `&new=${size}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect([body.oldSize, body.newSize]).toEqual([old, size ?? SIZE]);
      const proof = (body.proof as string[]).map(fromBase64);
      const ok = merkle.verifyConsistency(
        old,
        body.newSize,
        proof,
        trustedRoot(body.oldCheckpoint),
        trustedRoot(body.newCheckpoint),
      );
      expect(ok).toBe(true);
    }
  });

  it('serves an entry with its leaf hash', async () => {
    const res = await get('/api/custody/entries/9');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.index).toBe(9);
    expect(Buffer.from(body.entry, 'base64').equals(event(9))).toBe(true);
    expect(Buffer.from(body.leafHash, 'base64').equals(merkle.leafHash(event(9)))).toBe(true);
    expectError(await get(`/api/custody/entries/${SIZE}`), 404, 'not_found');
  });

  it('refuses bad input with clear error ids', async () => {
    const index = expectError(
      await get(`/api/custody/proofs/inclusion?index=${SIZE}`),
      400,
      'custody_index_out_of_range',
    );
    expect(index).toContain(`Entry ${SIZE}`);
    expectError(await get('/api/custody/proofs/inclusion?index=5&size=5'), 400, 'custody_index_out_of_range');
    expectError(await get('/api/custody/proofs/inclusion?index=0&size=99'), 400, 'custody_size_beyond_log');
    expectError(await get('/api/custody/proofs/consistency?old=6&new=5'), 400, 'custody_sizes_out_of_order');
    expectError(await get('/api/custody/proofs/consistency?old=1&new=99'), 400, 'custody_size_beyond_log');
    for (const url of [
      '/api/custody/proofs/inclusion?index=1.5',
      '/api/custody/proofs/inclusion?index=-1',
      '/api/custody/proofs/inclusion?index=abc',
      '/api/custody/proofs/inclusion',
      '/api/custody/proofs/inclusion?index=1&size=2&colour=blue',
      '/api/custody/proofs/consistency?old=x',
      '/api/custody/entries/one',
      '/api/custody/entries/-3',
    ]) {
      expectError(await get(url), 400, 'invalid_request');
    }
  });

  it('does not record reads of hashes in the audit trail', async () => {
    const records = await node.services.audit.records({ action: 'custody.read', limit: 10 });
    expect(records).toEqual([]);
  });
});
