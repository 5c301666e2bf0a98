/**
 * A logical copy of the database that both engines read and write (the embedded PGlite and PostgreSQL): every table
 * as JSON lines made by the database itself (`to_jsonb`, so bytea, timestamps, arrays and JSON keep their exact value)
 * and read back with `jsonb_populate_record`, plus the values of the sequences. Generic: it names no table, and finds
 * the tables, their foreign keys and sequences in the catalogue. `passage backup` and `passage restore` use it.
 */
import type { Db, Queryable, Transaction } from './client.ts';
import { appliedVersions, listMigrations } from './migrate.ts';

export interface TableInfo {
  name: string;
  /** Rows at the time of the dump (for progress). */
  rows: number;
}

export interface SequenceValue {
  name: string;
  lastValue: string;
  isCalled: boolean;
}

const MIGRATIONS_TABLE = 'schema_migrations';

const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected identifier ${name}`);
  return `"${name}"`;
};

/** The tables of the schema, each after the tables it refers to (so rows can be inserted in this order). */
export async function tablesInOrder(q: Queryable): Promise<string[]> {
  const tables = (
    await q.query<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = current_schema() and c.relkind in ('r', 'p') and c.relname <> $1 order by c.relname`,
      [MIGRATIONS_TABLE],
    )
  ).map((r) => r.name);
  const edges = await q.query<{ child: string; parent: string }>(
    `select cl.relname as child, pl.relname as parent from pg_constraint k
       join pg_class cl on cl.oid = k.conrelid join pg_class pl on pl.oid = k.confrelid
       join pg_namespace n on n.oid = cl.relnamespace
     where k.contype = 'f' and n.nspname = current_schema() and k.conrelid <> k.confrelid`,
  );
  const parents = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const { child, parent } of edges) parents.get(child)?.add(parent);
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !placed.has(t) && [...(parents.get(t) ?? [])].every((p) => placed.has(p)));
    if (ready.length === 0) throw new Error('the foreign keys between tables form a cycle');
    for (const t of ready) {
      ordered.push(t);
      placed.add(t);
    }
  }
  return ordered;
}

/** A table's reference to itself (a derived evidence item names its parent): its column and the referred column. */
async function selfReference(q: Queryable, table: string): Promise<{ column: string; referred: string } | null> {
  const [row] = await q.query<{ col: string; ref: string }>(
    `select a.attname as col, r.attname as ref from pg_constraint k
       join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
       join pg_attribute r on r.attrelid = k.confrelid and r.attnum = k.confkey[1]
     where k.contype = 'f' and k.conrelid = k.confrelid and n.nspname = current_schema() and c.relname = $1`,
    [table],
  );
  return row ? { column: row.col, referred: row.ref } : null;
}

export async function countRows(q: Queryable, table: string): Promise<number> {
  const [row] = await q.query<{ n: number }>(`select count(*)::int as n from ${ident(table)}`);
  return row?.n ?? 0;
}

/**
 * Streams a table's rows as JSON texts, in an order that inserts cleanly (a row that refers to another of the same
 * table after it). Runs in the caller's transaction, with a cursor, so that a large table is never held in memory.
 */
export async function* dumpTable(tx: Transaction, table: string, batch = 500): AsyncGenerator<string> {
  const self = await selfReference(tx, table);
  const t = ident(table);
  const query = self
    ? `with recursive depth (key, d) as (
         select ${ident(self.referred)}, 0 from ${t} where ${ident(self.column)} is null
         union all select c.${ident(self.referred)}, depth.d + 1 from ${t} c join depth on c.${ident(self.column)} = depth.key)
       select to_jsonb(r)::text as row from ${t} r join depth on r.${ident(self.referred)} = depth.key order by depth.d`
    : `select to_jsonb(r)::text as row from ${t} r`;
  await tx.exec(`declare passage_backup no scroll cursor for ${query}`);
  try {
    for (;;) {
      const rows = await tx.query<{ row: string }>(`fetch ${batch} from passage_backup`);
      for (const { row } of rows) yield row;
      if (rows.length < batch) break;
    }
  } finally {
    await tx.exec('close passage_backup');
  }
}

export async function sequenceValues(q: Queryable): Promise<SequenceValue[]> {
  const names = await q.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and c.relkind = 'S' order by c.relname`,
  );
  const out: SequenceValue[] = [];
  for (const { name } of names) {
    const [row] = await q.query<{ last_value: string; is_called: boolean }>(
      `select last_value::text as last_value, is_called from ${ident(name)}`,
    );
    if (row) out.push({ name, lastValue: row.last_value, isCalled: row.is_called });
  }
  return out;
}

/**
 * Inserts rows (JSON texts from `dumpTable`) into a table. Identity columns keep their values
 * (`overriding system value`); the sequences are set afterwards by `setSequences`.
 */
export async function insertRows(tx: Queryable, table: string, rows: readonly string[]): Promise<void> {
  if (rows.length === 0) return;
  const t = ident(table);
  await tx.query(
    `insert into ${t} overriding system value
     select r.* from jsonb_array_elements($1::jsonb) as e (row), jsonb_populate_record(null::${t}, e.row) as r`,
    [`[${rows.join(',')}]`],
  );
}

/**
 * Removes the rows that migrations wrote themselves (a log head that starts at zero), so the backup's rows take
 * their place. The tables' own triggers, which keep such rows from shrinking, are set aside for this transaction only.
 */
export async function clearSeededRows(tx: Transaction, table: string): Promise<void> {
  const t = ident(table);
  await tx.exec(`alter table ${t} disable trigger user`);
  await tx.exec(`delete from ${t}`);
  await tx.exec(`alter table ${t} enable trigger user`);
}

export async function setSequences(tx: Queryable, values: readonly SequenceValue[]): Promise<void> {
  for (const { name, lastValue, isCalled } of values) {
    await tx.query('select setval($1::regclass, $2::bigint, $3)', [ident(name), lastValue, isCalled]);
  }
}

/** Tables that migrations put rows into (seeds): they are not empty in a database that holds no data yet. */
export function seededTables(): Set<string> {
  const seeded = new Set<string>();
  for (const { sql } of listMigrations()) {
    for (const match of sql.matchAll(/insert\s+into\s+([a-z_][a-z0-9_]*)/gi)) seeded.add(match[1]?.toLowerCase() ?? '');
  }
  return seeded;
}

/** The tables that hold data (besides the migrations' seeds): a restore goes only into a database without any. */
export async function tablesWithData(db: Db): Promise<string[]> {
  const seeded = seededTables();
  const full: string[] = [];
  for (const table of await tablesInOrder(db)) {
    if (!seeded.has(table) && (await countRows(db, table)) > 0) full.push(table);
  }
  return full;
}

export { appliedVersions };
