-- Cases: people (identity encrypted under a per-person data key), blind indexes, cases and their timeline, consent,
-- disclosures, risk assessments, support plans and in-country referrals. Field maps use HTCDS 2.0 field names.

-- Secrets the node keeps in its database, each wrapped by the key-encryption key (so a KEK rotation rewraps them).
create table node_secrets (
  name text primary key,
  wrapped text not null,
  created_at timestamptz not null default now()
);

create table persons (
  id text primary key,
  agency_id text not null references agencies (id),
  -- prs_/psg_ fields that do not identify (gender, citizenship, languages, …)
  attributes jsonb not null default '{}',
  -- per-person data key wrapped by the KEK; null once erased (crypto-shredding)
  wrapped_key text,
  -- identity field name → ciphertext under the data key; null once erased
  identity jsonb,
  -- how many name tokens the person has, for Dice ranking without reading the tokens
  name_tokens integer not null default 0,
  created_at timestamptz not null default now(),
  erased_at timestamptz,
  erased_by text,
  check ((erased_at is null) = (wrapped_key is not null))
);

-- Blind-index tokens (keyed HMAC of normalised values); they reveal equality, never values.
create table person_tokens (
  kind text not null check (kind in ('name', 'document', 'phone', 'birthdate')),
  token text not null,
  person_id text not null references persons (id),
  primary key (kind, token, person_id)
);
create index person_tokens_person on person_tokens (person_id);

create table cases (
  id text primary key,
  -- human reference, e.g. IT-2026-000042; pseudonymous
  reference text not null unique,
  agency_id text not null references agencies (id),
  survivor_id text not null references persons (id),
  stage text not null,
  stage_since timestamptz not null,
  -- vic_/con_ fields
  victim jsonb not null default '{}',
  -- cas_ fields
  details jsonb not null default '{}',
  owner_id text references users (id),
  reported_at date not null,
  -- actor reference (user:<id> or operator:<name>) of a pending closure request
  closure_requested_by text,
  closure_reason text,
  created_at timestamptz not null default now(),
  created_by text not null,
  version integer not null default 1
);
create index cases_agency on cases (agency_id, created_at);
create index cases_survivor on cases (survivor_id);

create sequence case_reference_seq;

-- The case timeline: every change, in order. Stage rows give the time spent per stage.
create table case_events (
  seq bigint generated always as identity primary key,
  case_id text not null references cases (id),
  at timestamptz not null default now(),
  actor text not null,
  type text not null,
  -- never identity values
  data jsonb not null default '{}'
);
create index case_events_case on case_events (case_id, seq);

create table movements (
  id text primary key,
  case_id text not null references cases (id),
  -- hte_ fields
  fields jsonb not null,
  created_at timestamptz not null default now()
);
create index movements_case on movements (case_id);

create table perpetrators (
  id text primary key,
  case_id text not null references cases (id),
  person_id text not null references persons (id),
  -- per_ fields
  fields jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index perpetrators_case on perpetrators (case_id);

create table consents (
  id text primary key,
  person_id text not null references persons (id),
  purpose text not null,
  decision text not null check (decision in ('granted', 'refused', 'override')),
  -- { "agencies": [...], "countries": [...] }; empty lists: no restriction within the purpose
  scope jsonb not null default '{}',
  method text,
  language text,
  interpreter boolean not null default false,
  legal_basis text,
  recorded_by text not null,
  recorded_at timestamptz not null default now(),
  withdrawn_at timestamptz,
  withdrawn_by text,
  withdrawal_reason text
);
create index consents_person on consents (person_id);

-- Things the survivor must be told (e.g. that consent was overridden), for the survivor portal and case workers.
create table survivor_notices (
  id text primary key,
  person_id text not null references persons (id),
  kind text not null,
  data jsonb not null default '{}',
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
create index survivor_notices_person on survivor_notices (person_id);

-- Every view, share or export of a person's identity, with who and why. Survives erasure (no identity in it).
create table disclosures (
  seq bigint generated always as identity primary key,
  person_id text not null references persons (id),
  at timestamptz not null default now(),
  actor text not null,
  agency_id text references agencies (id),
  kind text not null check (kind in ('view', 'share', 'export')),
  purpose text not null,
  fields text[] not null,
  recipient text,
  request_id text
);
create index disclosures_person on disclosures (person_id, seq);

create table risk_assessments (
  id text primary key,
  case_id text not null references cases (id),
  instrument text not null,
  answers jsonb not null,
  score integer not null,
  level text not null,
  reasons jsonb not null,
  safety_plan text,
  assessed_by text not null,
  assessed_at timestamptz not null default now()
);
create index risk_assessments_case on risk_assessments (case_id, assessed_at);

create table support_plans (
  id text primary key,
  case_id text not null references cases (id),
  -- spl_ fields plus the service type (HTCDS spl_Type or a Passage extension)
  service_type text not null,
  fields jsonb not null default '{}',
  provider_agency_id text references agencies (id),
  status text not null default 'planned',
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index support_plans_case on support_plans (case_id);

create table referrals (
  id text primary key,
  case_id text not null references cases (id),
  from_agency_id text not null references agencies (id),
  to_agency_id text not null references agencies (id),
  status text not null check (status in ('offered', 'accepted', 'declined', 'revoked')),
  services text[] not null default '{}',
  -- identity fields the consent allowed at the offer; the receiving agency sees only these
  shared_fields text[] not null default '{}',
  reason text not null,
  response_reason text,
  offered_by text not null,
  offered_at timestamptz not null default now(),
  responded_by text,
  responded_at timestamptz
);
create index referrals_case on referrals (case_id);
create index referrals_to on referrals (to_agency_id, status);
