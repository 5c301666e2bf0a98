-- Joint investigation teams (docs/federation.md, passage.jit.*): an agreement between two or more nodes and its one
-- shared space, a timeline of entries. Every party keeps its own copy under the same ids; an entry's content may name
-- people, so it is stored encrypted under the node's JIT data key (a node secret), bound to the entry.
create table jits (
  id text primary key,
  name text not null,
  purpose text not null,
  -- the node ids of every party, the creating node included
  parties jsonb not null,
  starts_on date not null,
  ends_on date not null,
  created_by_node text not null,
  created_at timestamptz not null,
  check (ends_on >= starts_on)
);

-- The agencies of this node that take part: their investigators and prosecutors work in the JIT.
create table jit_agencies (
  jit_id text not null references jits (id),
  agency_id text not null references agencies (id),
  added_by text not null,
  added_at timestamptz not null default now(),
  primary key (jit_id, agency_id)
);
create index jit_agencies_agency on jit_agencies (agency_id);

-- The shared timeline, the same on every party: written here or received from the party that wrote it (`node`).
create table jit_entries (
  id text primary key,
  jit_id text not null references jits (id),
  node text not null,
  author_name text not null,
  author_agency text,
  at timestamptz not null,
  kind text not null check (kind in ('message', 'task', 'task_done', 'member', 'evidence')),
  -- ciphertext of the entry's data (JSON)
  data_sealed text not null
);
create index jit_entries_timeline on jit_entries (jit_id, at, id);
