-- Evidence items attached to cases. The content lives in the content-addressed blob store (by SHA-256), never in
-- the database; a row names its blob by hash, so identical content uploaded twice is stored once.
create table evidence_items (
  id text primary key,
  case_id text not null references cases (id),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  sha512 text not null check (sha512 ~ '^[0-9a-f]{128}$'),
  size bigint not null check (size >= 0),
  file_name text not null,
  media_type text not null,
  -- may hold sensitive text: shown to those who may read the case's evidence, kept out of logs and audit
  title text not null,
  description text,
  collected_at timestamptz,
  collected_by text,
  collected_where text,
  source text,
  device text,
  type text,
  -- SIENA handling code and grading (source reliability A/B/C/X, information accuracy 1-4)
  handling_code text not null check (handling_code in ('H0', 'H1', 'H2', 'H3')),
  handling_note text,
  source_reliability text check (source_reliability in ('A', 'B', 'C', 'X')),
  information_accuracy smallint check (information_accuracy between 1 and 4),
  -- a working copy (redaction, transcript, translation) names the item it was made from
  parent_id text references evidence_items (id),
  parent_sha256 text,
  transformation text check (transformation in ('redaction', 'transcript', 'translation')),
  created_at timestamptz not null default now(),
  created_by text not null,
  check ((parent_id is null) = (transformation is null) and (parent_id is null) = (parent_sha256 is null))
);
create index evidence_items_case on evidence_items (case_id, created_at);
create index evidence_items_sha256 on evidence_items (sha256);
create index evidence_items_parent on evidence_items (parent_id);

-- The custody events of each item: a copy of what the entry at `log_index` of the node's custody log says, so that
-- an item's history is found without reading the log. The log entry is the authority.
create table evidence_events (
  log_index bigint primary key,
  item_id text not null references evidence_items (id),
  event text not null check (
    event in ('collected', 'received', 'accessed', 'copied', 'derived', 'exported', 'transferred', 'returned', 'disposed')
  ),
  actor text not null,
  at timestamptz not null,
  reason text
);
create index evidence_events_item on evidence_events (item_id, log_index);

-- Originals are immutable, and their custody history is append-only.
create function evidence_immutable() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name;
end;
$$;

create trigger evidence_items_no_change before update or delete on evidence_items
  for each row execute function evidence_immutable();
create trigger evidence_items_no_truncate before truncate on evidence_items
  for each statement execute function evidence_immutable();
create trigger evidence_events_no_change before update or delete on evidence_events
  for each row execute function evidence_immutable();
create trigger evidence_events_no_truncate before truncate on evidence_events
  for each statement execute function evidence_immutable();
