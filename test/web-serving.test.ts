import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSET_CACHE, buildApp, PAGE_CACHE } from '../src/app/server.ts';
import { createServices } from '../src/app/services.ts';
import type { Db } from '../src/db/client.ts';
import { loadKeys } from '../src/modules/key-custody/index.ts';
import { tempDir, testConfig, testDb } from './helpers.ts';

// A built web app as Vite lays it out: index.html, and content-hashed files with their brotli and gzip copies.
const INDEX = `<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body>${'<!-- page -->'.repeat(200)}<div id="root"></div></body></html>`;
const SCRIPT = `export const answer = ${JSON.stringify('x'.repeat(4000))};\n`;

let app: FastifyInstance;
let db: Db;
const dir = tempDir();
const web = tempDir('passage-web-');

beforeAll(async () => {
  mkdirSync(join(web.path, 'assets'));
  writeFileSync(join(web.path, 'index.html'), INDEX);
  writeFileSync(join(web.path, 'assets/index-abc123.js'), SCRIPT);
  writeFileSync(join(web.path, 'assets/index-abc123.js.br'), brotliCompressSync(SCRIPT));
  writeFileSync(join(web.path, 'assets/index-abc123.js.gz'), gzipSync(SCRIPT));
  db = await testDb();
  const config = testConfig(dir.path);
  app = await buildApp(createServices(config, db, loadKeys(config), { failureDelayMs: 1 }), {
    logger: false,
    webRoot: web.path,
  });
  // Compiling every route's schemas takes a while on a loaded machine: here, not in the first test's time.
  await app.ready();
}, 180_000);

afterAll(async () => {
  await app.close();
  await db.close();
  dir.remove();
  web.remove();
});

describe('the web app as the node serves it', () => {
  it('sends a content-hashed file as its brotli copy, cached for a year as immutable', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/assets/index-abc123.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['cache-control']).toBe(ASSET_CACHE);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(res.rawPayload).toString()).toBe(SCRIPT);
  });

  it('sends the gzip copy to a browser without brotli, and the file itself to one that accepts neither', async () => {
    const gzip = await app.inject({
      method: 'GET',
      url: '/assets/index-abc123.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).toString()).toBe(SCRIPT);
    const plain = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
    expect(plain.headers['cache-control']).toBe(ASSET_CACHE);
  });

  it('asks the browser to check index.html every time, at / and at any page of the app', async () => {
    for (const url of ['/', '/index.html', '/cases/01ABC']) {
      const res = await app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      expect(res.headers['cache-control'], url).toBe(PAGE_CACHE);
      expect(res.body, url).toBe(INDEX);
    }
  });

  it('compresses the API JSON for a client that accepts it, and not for one that does not', async () => {
    // The OpenAPI document is a large public JSON answer.
    const br = await app.inject({ method: 'GET', url: '/openapi.json', headers: { 'accept-encoding': 'br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    const document = JSON.parse(brotliDecompressSync(br.rawPayload).toString());
    expect(document.openapi).toMatch(/^3\./);
    expect(br.rawPayload.length).toBeLessThan(JSON.stringify(document).length / 4);
    const gzip = await app.inject({ method: 'GET', url: '/openapi.json', headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gzip.rawPayload).toString())).toEqual(document);
    const plain = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.json()).toEqual(document);
  });

  it('leaves small answers uncompressed', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/session', headers: { 'accept-encoding': 'br, gzip' } });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });
});
