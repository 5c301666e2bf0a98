import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app/server.ts';
import { createServices } from '../src/app/services.ts';
import type { Db } from '../src/db/client.ts';
import { loadKeys } from '../src/modules/key-custody/index.ts';
import { buildUser, signIn, tempDir, testConfig, testDb } from './helpers.ts';

/**
 * Database errors carry the values they were about: PGlite's hold the query's parameters, both databases put the
 * failing row or key in `detail` and some values in the message itself. The node's log must keep none of them.
 * The errors here are real ones from the real database, provoked through the API with a survivor's name in the
 * request, with the app's logger writing to a stream the test reads.
 */
const NAME = 'Ioana Dumitrescu';
let db: Db;
let lines: string[];
let close: () => Promise<void>;
let send: (name: string) => Promise<{ statusCode: number; body: string }>;

beforeAll(async () => {
  const dir = tempDir();
  db = await testDb();
  const config = testConfig(dir.path);
  const services = createServices(config, db, loadKeys(config), { failureDelayMs: 1 });
  lines = [];
  const app = await buildApp(services, { logStream: { write: (line: string) => lines.push(line) } });
  close = async () => {
    await app.close();
    await db.close();
    dir.remove();
  };
  const admin = await buildUser(services, 'node_admin', { nodeWide: true });
  const { headers } = await signIn(app, admin);
  send = (name) =>
    app.inject({ method: 'POST', url: '/api/agencies', headers, payload: { name, country: 'IT', orgType: 'NGO' } });
}, 180_000);

afterAll(() => close());

/** Makes the next agency insert fail in the database the way `sql` sets up, sends a name, and undoes `sql`. */
async function failing(setup: string, undo: string, name: string) {
  await db.exec(setup);
  try {
    lines.length = 0;
    const res = await send(name);
    expect(res.statusCode, res.body).toBe(500);
    expect(res.body).not.toContain('Dumitrescu');
    return lines.join('\n');
  } finally {
    await db.exec(undo);
  }
}

describe('errors are logged without the data they carry', () => {
  it('a check violation: the failing row (detail) and the parameters stay out of the log', async () => {
    const log = await failing(
      "alter table agencies add constraint log_privacy_check check (name not like '%Dumitrescu%')",
      'alter table agencies drop constraint log_privacy_check',
      `Shelter of ${NAME}`,
    );
    expect(log).toContain('"errorCode":"23514"');
    expect(log).toContain('log_privacy_check');
    expect(log).not.toContain('Dumitrescu');
  });

  it('a unique violation: the key (detail) stays out of the log', async () => {
    // The node refuses a second agency of the same name itself (409); the index makes two different names collide
    // in the database, on the given name alone, which the database then quotes in its detail.
    expect((await send(`Home of ${NAME}`)).statusCode).toBe(201);
    const log = await failing(
      "create unique index log_privacy_unique on agencies (split_part(name, ' ', 3))",
      'drop index log_privacy_unique',
      `House of ${NAME}`,
    );
    expect(log).toContain('"errorCode":"23505"');
    expect(log).not.toContain('Ioana');
    expect(log).not.toContain('Dumitrescu');
  });

  it('a value quoted in the message itself (invalid input syntax) stays out of the log', async () => {
    const log = await failing(
      `create function log_privacy_cast() returns trigger language plpgsql as $$
         begin perform new.name::uuid; return new; end $$;
       create trigger log_privacy_cast before insert on agencies for each row execute function log_privacy_cast()`,
      'drop trigger log_privacy_cast on agencies; drop function log_privacy_cast()',
      NAME,
    );
    expect(log).toContain('"errorCode":"22P02"');
    expect(log).toContain('invalid input syntax for type uuid');
    expect(log).not.toContain('Dumitrescu');
  });

  it('an over-long value: the parameters stay out of the log', async () => {
    const log = await failing(
      'alter table agencies alter column name type varchar(30)',
      'alter table agencies alter column name type text',
      `The house of ${NAME} in Bucharest`,
    );
    expect(log).toContain('"errorCode":"22001"');
    expect(log).toContain('value too long for type character varying(30)');
    expect(log).not.toContain('Dumitrescu');
    expect(log).not.toContain('Bucharest');
  });
});
