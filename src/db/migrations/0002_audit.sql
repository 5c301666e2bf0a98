-- Append-only, hash-linked audit trail. Records hold references and purposes, never personal data.
create table audit_log (
  seq bigint primary key,
  at timestamptz not null,
  actor text not null,
  action text not null,
  resource text,
  purpose text,
  outcome text not null check (outcome in ('success', 'denied', 'failure')),
  request_id text,
  prev_hash text not null,
  hash text not null
);
create index audit_log_resource on audit_log (resource);
create index audit_log_actor on audit_log (actor);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end;
$$;

create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_append_only();
