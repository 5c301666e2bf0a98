import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app/server.ts';
import { createServices } from '../src/app/services.ts';
import type { Db, Queryable } from '../src/db/client.ts';
import { isCleanText } from '../src/lib/text-hygiene.ts';
import { readCaseSheet } from '../src/modules/htcds/index.ts';
import { loadKeys } from '../src/modules/key-custody/index.ts';
import { type OpenApiDocument, SchemaValues } from './fuzz-inputs.ts';
import { buildUser, signIn, type TestNode, tempDir, testConfig, testDb } from './helpers.ts';

/**
 * The input rule (src/lib/text-hygiene.ts) at the edge: a bad character anywhere in a request is a 400
 * `invalid_characters` that names where it is, never what it is, and the database is not asked anything. These are
 * the routes that answered 500 to a NUL before (issue 14), on PGlite and on PostgreSQL.
 */
let node: TestNode;
/** The parameters of every query the node sent to the database, in order. */
const queries: unknown[][] = [];
let headers: Record<string, string>;
let caseId: string;
let doc: OpenApiDocument;

/** The test database, noting what is asked of it (in transactions too). */
function counting(db: Db): Db {
  const noted = <Q extends Queryable>(q: Q): Q => ({
    ...q,
    query: (sql: string, params: readonly unknown[] = []) => {
      queries.push([...params]);
      return q.query(sql, params);
    },
  });
  return {
    ...noted(db),
    kind: db.kind,
    transaction: (fn) => db.transaction((tx) => fn(noted(tx))),
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
  };
}

beforeAll(async () => {
  const dir = tempDir();
  const db = await testDb();
  const config = testConfig(dir.path);
  const services = createServices(config, counting(db), loadKeys(config), { failureDelayMs: 1 });
  const app = await buildApp(services, { logger: false });
  node = {
    app,
    services,
    async close() {
      await app.close();
      await db.close();
      dir.remove();
    },
  };
  const worker = await buildUser(services, 'case_worker');
  headers = (await signIn(app, worker)).headers;
  const opened = await app.inject({
    method: 'POST',
    url: '/api/cases',
    headers,
    payload: { survivor: { prs_Gender: 'Feminine' }, confirmEmpty: true },
  });
  expect(opened.statusCode, opened.body).toBe(201);
  caseId = opened.json().id;
  doc = app.swagger() as unknown as OpenApiDocument;
});

afterAll(() => node.close());

async function expectRefused(
  request: { method: string; url: string; payload?: unknown; headers?: Record<string, string> },
  where: { in: string; path: string },
) {
  const before = queries.length;
  const res = await node.app.inject({
    method: request.method as 'POST',
    url: request.url,
    headers: { ...headers, ...request.headers },
    ...(request.payload === undefined
      ? {}
      : typeof request.payload === 'string'
        ? { payload: request.payload, headers: { ...headers, 'content-type': 'application/json', ...request.headers } }
        : { payload: request.payload as object }),
  });
  expect(res.statusCode, `${request.method} ${request.url}: ${res.body}`).toBe(400);
  const error = res.json().error;
  expect(error.id).toBe('invalid_characters');
  expect(error.details).toEqual([where]);
  // The session is looked up (by the hash of a clean cookie) before a body is read; nothing else is asked, and
  // no refused character ever reaches the database. Path, query, header and cookie are checked before even that.
  const asked = queries.slice(before);
  const carried = asked.filter((params) => params.some((p) => typeof p === 'string' && !isCleanText(p)));
  expect(carried, 'a refused value reached the database').toEqual([]);
  if (where.in !== 'body') expect(asked, 'the database was asked something').toEqual([]);
  else expect(asked.length, 'more than the session lookup').toBeLessThanOrEqual(2);
  // The refusal never repeats the value: neither the name nor the bad character comes back.
  expect(res.body).not.toContain('Maria');
  expect(res.body).not.toMatch(/\\u0000|\\ud800/i);
  return res;
}

/** A body that fits the operation's schema (made from the document), with `at` set to a value naming a person. */
function bodyFor(path: string, method: string, at: string, value: string): Record<string, unknown> {
  const operation = doc.paths[path]?.[method] as { requestBody: { content: Record<string, { schema: object }> } };
  const schema = operation.requestBody.content['application/json']?.schema as Record<string, unknown>;
  const [body] = fc.sample(new SchemaValues(doc, {}).valid(schema), { numRuns: 1, seed: 14 }) as Record<
    string,
    unknown
  >[];
  return { ...body, [at]: value };
}

describe('a NUL or another refused character gives 400 invalid_characters before any database call', () => {
  it('in a path parameter', async () => {
    await expectRefused({ method: 'GET', url: '/api/cases/a%00b' }, { in: 'path', path: 'caseId' });
    await expectRefused({ method: 'GET', url: '/api/cases/Maria%ED%A0%80' }, { in: 'path', path: 'caseId' }).catch(
      async () => {
        // A lone surrogate cannot be written in UTF-8: the router may refuse the bytes itself, which is fine as
        // long as it is not a 500 and the database is not asked.
        const before = queries.length;
        const res = await node.app.inject({ method: 'GET', url: '/api/cases/Maria%ED%A0%80', headers });
        expect(res.statusCode).toBeLessThan(500);
        expect(queries.length).toBe(before);
      },
    );
  });

  it('in the bodies of the routes that answered 500 (agencies, linkage, MLA, transfers, JIT, stages, erasure)', async () => {
    const nul = 'Maria\u0000Rossi';
    const cases: Array<[string, string, string, string]> = [
      ['POST', '/api/agencies', '/api/agencies', 'name'],
      ['POST', '/api/linkage/groups', '/api/linkage/groups', 'name'],
      ['POST', '/api/mla', '/api/mla', 'caseId'],
      ['POST', '/api/evidence/transfers', '/api/evidence/transfers', 'ref'],
      ['POST', '/api/jits/{jitId}/agencies', '/api/jits/01ARZ3NDEKTSV4RRFFQ69G5FAV/agencies', 'agencyId'],
      ['POST', '/api/cases/{caseId}/transitions', `/api/cases/${caseId}/transitions`, 'reason'],
      ['POST', '/api/cases/{caseId}/identity/erase', `/api/cases/${caseId}/identity/erase`, 'reason'],
    ];
    for (const [method, template, url, field] of cases) {
      const payload = bodyFor(template, method.toLowerCase(), field, nul);
      await expectRefused({ method, url, payload }, { in: 'body', path: `/${field}` });
    }
  });

  it('deep in a body, in a key, and as a lone surrogate or a control character', async () => {
    const url = `/api/cases/${caseId}/transitions`;
    await expectRefused(
      {
        method: 'POST',
        url: '/api/cases',
        payload: { survivor: { prs_Gender: 'Feminine', prs_Notes: ['ok', 'x\u0007'] } },
      },
      { in: 'body', path: '/survivor/prs_Notes/1' },
    );
    await expectRefused(
      { method: 'POST', url, payload: '{"to":"protection","reason":"Maria \\ud800"}' },
      { in: 'body', path: '/reason' },
    );
    await expectRefused(
      { method: 'POST', url, payload: { to: 'protection', 'Maria\u0000': 'x' } },
      { in: 'body', path: '/?' },
    );
    await expectRefused(
      { method: 'POST', url, payload: { to: 'protection', reason: 'a\u009bb' } },
      { in: 'body', path: '/reason' },
    );
  });

  it('in a query value or name', async () => {
    await expectRefused({ method: 'GET', url: '/api/cases?reference=Maria%00' }, { in: 'query', path: 'reference' });
    await expectRefused({ method: 'GET', url: '/api/audit?actor=%0A' }, { in: 'query', path: 'actor' });
    await expectRefused({ method: 'GET', url: '/api/cases?Maria%01=1' }, { in: 'query', path: '?' });
  });

  it('in the session cookie and the CSRF header, before the session is looked up', async () => {
    await expectRefused(
      { method: 'GET', url: '/api/session', headers: { cookie: 'passage_session=Maria%00' } },
      { in: 'cookie', path: 'passage_session' },
    );
    await expectRefused(
      { method: 'POST', url: '/api/auth/logout', headers: { 'x-csrf-token': 'Maria\u0085' } },
      { in: 'header', path: 'x-csrf-token' },
    );
  });

  it('lets tabs and line breaks through in free text, and the request goes on', async () => {
    const res = await node.app.inject({
      method: 'POST',
      url: `/api/cases/${caseId}/comments`,
      headers,
      payload: { comment: 'First line\r\nSecond line\twith a tab' },
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
  });
});

describe('the same rule in what arrives otherwise', () => {
  it('refuses a spreadsheet cell with a control character, naming the row and column, before any import', async () => {
    // (C0 controls near the start of a CSV file already make it "not a spreadsheet"; a C1 control does not.)
    const dir = tempDir();
    try {
      const path = join(dir.path, 'cases.csv');
      writeFileSync(path, 'prs_FirstName,prs_Gender\nAna,Feminine\nMaria\u0085,Feminine\n');
      const refused = await readCaseSheet(path).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toMatchObject({
        id: 'invalid_characters',
        status: 400,
        details: [{ in: 'file', path: 'row 3, column A' }],
      });
      expect((refused as Error).message).not.toContain('Maria');
      writeFileSync(path, 'prs_FirstName,prs_Gender\n"Ana\nMaria",Feminine\n');
      expect((await readCaseSheet(path)).rows).toHaveLength(1);
    } finally {
      dir.remove();
    }
  });
});

describe('defects the fuzz run found', () => {
  it('an offset beyond the database integer types is a 400, not a 500', async () => {
    for (const url of ['/api/referrals', '/api/cases', '/api/mla', '/api/cross-border-referrals']) {
      const res = await node.app.inject({ method: 'GET', url: `${url}?offset=9223372036854775808`, headers });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.body, url).toContain('offset');
    }
  });

  it('a number too large for a double (1e309, read as Infinity) is a 400, not a 500', async () => {
    for (const query of ['offset=1e309', 'limit=1e309', 'limit=-1e309']) {
      for (const url of ['/api/cases', '/api/mla']) {
        const res = await node.app.inject({ method: 'GET', url: `${url}?${query}`, headers });
        expect(res.statusCode, `${url}?${query}: ${res.body}`).toBe(400);
        expect(res.json().error.id).toBe('invalid_request');
      }
    }
  });
});
