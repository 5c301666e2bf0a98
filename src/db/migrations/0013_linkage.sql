-- Linkage across nodes (issue #6, docs/linkage.md "Across nodes", docs/federation.md passage.linkage.*): groups of
-- data-owner nodes and one linkage unit. Owners keep the shared encoding secret (encrypted under a node key) and the
-- pseudonymous references they sent; the unit keeps the encodings it received and the matches it reported; owners
-- keep the alerts those matches raised. No name, birth date or phone is stored here.
create table linkage_groups (
  id text primary key,
  name text not null,
  -- the node that matches (never holds the secret)
  unit text not null,
  -- the data-owner node ids
  owners jsonb not null,
  -- 'survivor', 'perpetrator' or 'both'
  schema text not null check (schema in ('survivor', 'perpetrator', 'both')),
  threshold double precision not null check (threshold > 0 and threshold <= 1),
  perpetrator_legal_basis text,
  created_by_node text not null,
  created_at timestamptz not null,
  -- owners only: the secret encrypted under the node's linkage key, bound to the group
  secret_sealed text,
  secret_fingerprint text,
  secret_installed_at timestamptz,
  check ((secret_sealed is null) = (secret_installed_at is null))
);

-- Owner side: each record sent under a random reference, and a digest of what was sent (so an unchanged record is not
-- sent again). `subject` says which record of this node it is: the survivor or perpetrator person, or a phone field.
create table linkage_refs (
  ref text primary key,
  group_id text not null references linkage_groups (id),
  kind text not null check (kind in ('survivor', 'perpetrator', 'phone')),
  subject text not null,
  case_id text not null references cases (id),
  person_id text not null references persons (id),
  sent_digest text not null,
  sent_at timestamptz not null,
  unique (group_id, kind, subject)
);
create index linkage_refs_case on linkage_refs (case_id);

-- Unit side: the latest encoding of each owner's reference.
create table linkage_encodings (
  group_id text not null references linkage_groups (id),
  owner text not null,
  ref text not null,
  kind text not null check (kind in ('survivor', 'perpetrator', 'phone')),
  schema_version text not null,
  -- a CLK (base64) or an exact-identifier token
  clk text,
  token text,
  -- increases with every replacement, so that stale copies in a match pool are recognised
  version bigint not null,
  received_at timestamptz not null,
  primary key (group_id, owner, ref),
  check ((clk is null) <> (token is null))
);
create index linkage_encodings_token on linkage_encodings (group_id, kind, token);
create sequence linkage_encoding_version;

-- Unit side: the matches reported, so that none is reported twice. (a_owner, a_ref) sorts before (b_owner, b_ref).
create table linkage_matches (
  group_id text not null references linkage_groups (id),
  kind text not null,
  a_owner text not null,
  a_ref text not null,
  b_owner text not null,
  b_ref text not null,
  score double precision not null,
  matched_at timestamptz not null,
  primary key (group_id, a_owner, a_ref, b_owner, b_ref)
);

-- Owner side: an alert on a case of this node for each match the unit reported.
create table linkage_alerts (
  id text primary key,
  group_id text not null references linkage_groups (id),
  case_id text not null references cases (id),
  ref text not null,
  kind text not null check (kind in ('re_trafficking', 'shared_perpetrator')),
  record_kind text not null check (record_kind in ('survivor', 'perpetrator', 'phone')),
  score double precision not null,
  schema_version text not null,
  other_node text not null,
  other_ref text not null,
  status text not null default 'open' check (status in ('open', 'confirmed', 'dismissed')),
  reason text,
  decided_by text,
  decided_at timestamptz,
  created_at timestamptz not null,
  unique (group_id, ref, other_node, other_ref)
);
create index linkage_alerts_case on linkage_alerts (case_id, created_at);
create index linkage_alerts_status on linkage_alerts (status, created_at);
