-- Agencies, users, role memberships, sessions and login throttling.
create extension if not exists pg_trgm;

create table agencies (
  id text primary key,
  name text not null,
  country char(2) not null,
  -- HTCDS org_Type value name (e.g. LawEnforcement, NGO)
  org_type text not null,
  created_at timestamptz not null default now(),
  unique (country, name)
);

create table users (
  id text primary key,
  email text not null unique,
  display_name text not null,
  password_hash text,
  -- TOTP secret sealed with the node key-encryption key (AES-256-GCM)
  totp_secret_sealed text,
  -- last accepted TOTP time step: a code is never accepted twice
  totp_last_step bigint,
  oidc_subject text unique,
  created_at timestamptz not null default now(),
  disabled_at timestamptz
);

create table memberships (
  user_id text not null references users (id),
  role text not null,
  -- null: the role holds for the whole node
  agency_id text references agencies (id),
  created_at timestamptz not null default now(),
  unique nulls not distinct (user_id, role, agency_id)
);
create index memberships_agency on memberships (agency_id);

create table sessions (
  -- SHA-256 of the session token; the token itself lives only in the user's cookie
  token_hash text primary key,
  user_id text not null references users (id),
  csrf_token text not null,
  stage text not null check (stage in ('second_factor', 'complete')),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user on sessions (user_id);

create table login_throttle (
  -- 'account:<user id>' or 'address:<ip>'
  key text primary key,
  failures integer not null,
  last_failure_at timestamptz not null,
  locked_until timestamptz
);
