import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './client.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: readFileSync(join(dir, file), 'utf8'),
    }));
}

async function ensureTable(db: Db): Promise<void> {
  await db.exec(`create table if not exists schema_migrations (
    version integer primary key,
    name text not null,
    applied_at timestamptz not null default now()
  )`);
}

export async function appliedVersions(db: Db): Promise<number[]> {
  await ensureTable(db);
  const rows = await db.query<{ version: number }>('select version from schema_migrations order by version');
  return rows.map((row) => row.version);
}

/** Versions of the code's migrations that the database has not applied yet. */
export async function pendingMigrations(db: Db): Promise<Migration[]> {
  const applied = new Set(await appliedVersions(db));
  return listMigrations().filter((m) => !applied.has(m.version));
}

/**
 * Applies pending migrations, each in its own transaction. An advisory lock keeps two processes that start at
 * once against the same PostgreSQL server from applying the same migration twice.
 */
export async function migrate(db: Db): Promise<Migration[]> {
  await ensureTable(db);
  const applied: Migration[] = [];
  for (const migration of listMigrations()) {
    const done = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock(7301)');
      const [row] = await tx.query('select 1 from schema_migrations where version = $1', [migration.version]);
      if (row) return false;
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (done) applied.push(migration);
  }
  return applied;
}
