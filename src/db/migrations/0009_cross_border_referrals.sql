-- Cross-border referrals and transfers of a case (issue #5, docs/federation.md passage.referral.*).
-- A peer's X25519 encryption key, from its node document: what is personal in a referral is encrypted to it. A peer
-- added before referrals existed has none, and nothing is referred to it until it is added again.
alter table peers add column encryption_key jsonb;

-- Each referral is kept by both nodes under the same id: direction 'out' on the sending node, 'in' on the receiver.
create table cross_border_referrals (
  id text primary key,
  direction text not null check (direction in ('out', 'in')),
  -- the other node, and its country when the referral was made (what the survivor's consent was checked against)
  peer text not null,
  peer_country text not null check (peer_country ~ '^[A-Z]{2}$'),
  kind text not null check (kind in ('referral', 'transfer')),
  purpose text not null check (purpose in ('protection', 'services', 'prosecution', 'reintegration')),
  status text not null check (status in ('offered', 'accepted', 'declined', 'revoked', 'withdrawn', 'erased')),
  -- out: the referred case; in: the linked case created on acceptance (null until then)
  case_id text references cases (id),
  case_reference text,
  -- the agency of that case
  agency_id text references agencies (id),
  -- the other node's case reference: out, the receiver's linked case; in, the sender's case
  remote_case_reference text,
  -- the HTCDS field names sent, never their values
  fields text[] not null,
  -- in: the compact JWE as received, until it is opened on acceptance or dropped; out: always null
  sealed text,
  -- out: the consent record (or override) that covered the referral
  consent_basis text check (consent_basis in ('consent', 'override')),
  consent_id text,
  offered_by text not null,
  offered_at timestamptz not null,
  responded_by text,
  responded_at timestamptz,
  status_reason text,
  erased_at timestamptz,
  updated_at timestamptz not null default now()
);
create index cross_border_referrals_case on cross_border_referrals (case_id);
create index cross_border_referrals_list on cross_border_referrals (direction, status, offered_at);

-- Status notes exchanged about a referral, in both directions; the text is encrypted to this node's own key.
create table cross_border_referral_updates (
  id text primary key,
  referral_id text not null references cross_border_referrals (id),
  node text not null,
  author text not null,
  at timestamptz not null,
  -- compact JWE to this node's X25519 key; null once erased
  text_sealed text
);
create index cross_border_referral_updates_referral on cross_border_referral_updates (referral_id, at);
