import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { type Db, openPostgres, pgliteOptions, wrapPglite } from './client.ts';
import { listMigrations, migrate } from './migrate.ts';

/**
 * Test databases. A fresh PGlite costs seconds to initialise, so the migrated database is made once per test run
 * (and cached across runs while the migrations stay the same) and each test file loads a copy of it in memory.
 * On PostgreSQL (DATABASE_URL set) the migrated database is a template that each test file clones.
 */
export interface TestDbTemplate {
  kind: 'pglite' | 'postgres';
  /** PGlite: path of the dumped data directory. PostgreSQL: name of the template database. */
  ref: string;
}

const CACHE_DIR = join(import.meta.dirname, '../../node_modules/.cache/passage');

const migrationsHash = () =>
  createHash('sha256')
    .update(
      listMigrations()
        .map((m) => m.sql)
        .join('\0'),
    )
    .digest('hex')
    .slice(0, 16);

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.href;
}

async function admin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function prepareTestDbTemplate(databaseUrl = process.env.DATABASE_URL): Promise<TestDbTemplate> {
  if (databaseUrl) {
    const name = `passage_tpl_${process.pid}`;
    await admin(databaseUrl, async (c) => {
      await c.query(`drop database if exists ${name}`);
      await c.query(`create database ${name}`);
    });
    const db = openPostgres(withDatabase(databaseUrl, name));
    await migrate(db);
    await db.close();
    return { kind: 'postgres', ref: name };
  }
  const file = join(CACHE_DIR, `pglite-${migrationsHash()}.tar`);
  if (!existsSync(file)) {
    const lite = await PGlite.create({ ...pgliteOptions });
    await migrate(wrapPglite(lite));
    const dump = await lite.dumpDataDir('none');
    await lite.close();
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  }
  return { kind: 'pglite', ref: file };
}

/** Databases cloned by one test run carry its template's suffix, so runs side by side never drop each other's. */
const testDatabasePrefix = (template: TestDbTemplate): string =>
  `passage_t_${template.ref.replace(/^passage_tpl_/, '')}_`;

export async function dropTestDbTemplate(template: TestDbTemplate, databaseUrl = process.env.DATABASE_URL) {
  if (template.kind !== 'postgres' || !databaseUrl) return;
  await admin(databaseUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      'select datname from pg_database where starts_with(datname, $2) or datname = $1',
      [template.ref, testDatabasePrefix(template)],
    );
    for (const { datname } of rows) await c.query(`drop database if exists ${datname} with (force)`);
  });
}

/** A clean, migrated PostgreSQL database cloned from the template, for tests that hand a URL to another process. */
export async function createTestDatabaseUrl(template: TestDbTemplate, databaseUrl = process.env.DATABASE_URL) {
  if (template.kind !== 'postgres' || !databaseUrl)
    throw new Error('DATABASE_URL is needed for a PostgreSQL test database');
  const name = `${testDatabasePrefix(template)}${randomBytes(6).toString('hex')}`;
  await admin(databaseUrl, (c) => c.query(`create database ${name} template ${template.ref}`));
  return {
    url: withDatabase(databaseUrl, name),
    drop: async () => {
      await admin(databaseUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** A clean, migrated database of its own for one test file. Closing it also drops a PostgreSQL copy. */
export async function createTestDb(template: TestDbTemplate, databaseUrl = process.env.DATABASE_URL): Promise<Db> {
  if (template.kind === 'pglite') {
    const lite = await PGlite.create({ loadDataDir: new Blob([readFileSync(template.ref)]), ...pgliteOptions });
    return wrapPglite(lite);
  }
  const database = await createTestDatabaseUrl(template, databaseUrl);
  const db = openPostgres(database.url);
  return {
    ...db,
    async close() {
      await db.close();
      await database.drop();
    },
  };
}
