-- The node's custody transparency log (decision 0004): entries in append order, the RFC 9162 hash of every complete
-- subtree (level 0 = leaf hashes; the subtree (level, idx) covers the leaves [idx·2^level, (idx+1)·2^level)), and
-- every signed checkpoint. Entries hold references and hashes, never personal data.

-- One row: the log's size. Appends lock it, which numbers entries without gaps even across concurrent transactions.
create table custody_log_head (
  id boolean primary key default true check (id),
  size bigint not null check (size >= 0)
);
insert into custody_log_head (id, size) values (true, 0);

create table custody_entries (
  idx bigint primary key check (idx >= 0),
  entry bytea not null
);

create table custody_hashes (
  level smallint not null check (level between 0 and 62),
  idx bigint not null check (idx >= 0),
  hash bytea not null check (length(hash) = 32),
  primary key (level, idx)
);

create table custody_checkpoints (
  size bigint primary key check (size >= 0),
  root_hash bytea not null check (length(root_hash) = 32),
  note text not null,
  signed_at timestamptz not null default now()
);

create function custody_append_only() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name;
end;
$$;

create trigger custody_entries_no_update before update or delete on custody_entries
  for each row execute function custody_append_only();
create trigger custody_entries_no_truncate before truncate on custody_entries
  for each statement execute function custody_append_only();
create trigger custody_hashes_no_update before update or delete on custody_hashes
  for each row execute function custody_append_only();
create trigger custody_hashes_no_truncate before truncate on custody_hashes
  for each statement execute function custody_append_only();
create trigger custody_checkpoints_no_update before update or delete on custody_checkpoints
  for each row execute function custody_append_only();
create trigger custody_checkpoints_no_truncate before truncate on custody_checkpoints
  for each statement execute function custody_append_only();

-- The head only grows, and stays.
create function custody_log_head_grows() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' then
    if new.size >= old.size then
      return new;
    end if;
  end if;
  raise exception 'custody_log_head only grows';
end;
$$;

create trigger custody_log_head_no_shrink before update or delete on custody_log_head
  for each row execute function custody_log_head_grows();
create trigger custody_log_head_no_truncate before truncate on custody_log_head
  for each statement execute function custody_log_head_grows();
