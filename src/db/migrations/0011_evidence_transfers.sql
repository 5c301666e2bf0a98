-- Evidence transfers between nodes (docs/federation.md, passage.evidence.*): items sent to a peer with their custody
-- events, inclusion proofs and the sender's signed checkpoint, which the receiver verifies before it accepts them.
-- Both sides keep a row under the same transfer id (a ULID the sender makes).
create table evidence_transfers (
  id text primary key,
  direction text not null check (direction in ('out', 'in')),
  peer text not null,
  context_kind text not null check (context_kind in ('mla', 'jit', 'case')),
  context_ref text not null,
  status text not null check (status in ('sent', 'pending', 'accepted', 'declined')),
  -- what was sent, per item (id at the sender, file, hashes, handling code, custody events with their proofs);
  -- the content itself is in evidence_transfer_contents until the transfer is decided
  items jsonb not null,
  -- the sender's signed checkpoint that every custody event's inclusion proof leads to
  checkpoint text not null,
  message_id text not null,
  -- inbound and accepted: the case the items were added to, and their ids there
  case_id text references cases (id),
  accepted_items jsonb,
  decline_reason text,
  created_at timestamptz not null default now(),
  created_by text not null,
  decided_at timestamptz,
  decided_by text,
  check (direction = 'in' or (status <> 'pending' and case_id is null)),
  check (direction = 'out' or status <> 'sent')
);
create index evidence_transfers_list on evidence_transfers (direction, created_at desc);
create index evidence_transfers_context on evidence_transfers (context_kind, context_ref);

-- The content of an inbound transfer's items while it is pending: a message is at most 1 MiB, so this is small. On
-- accept it moves to the evidence store; on decline it is deleted.
create table evidence_transfer_contents (
  transfer_id text not null references evidence_transfers (id),
  position integer not null check (position >= 0),
  content bytea not null,
  primary key (transfer_id, position)
);

-- Where an item received from another node came from: the handling code travels with it and binds this node
-- (H2: not sent on; H1: not exported for court without the provider's permission).
create table evidence_origins (
  item_id text primary key references evidence_items (id),
  from_node text not null,
  original_id text not null,
  transfer_id text not null references evidence_transfers (id),
  handling_code text not null check (handling_code in ('H0', 'H1', 'H2', 'H3')),
  handling_note text
);

create trigger evidence_origins_no_change before update or delete on evidence_origins
  for each row execute function evidence_immutable();

-- Asking the provider of a received item for leave to use it beyond its handling code, and the answer. `out`: this
-- node asked about its received item `item_id` (the provider's id is `original_id`); `in`: a peer asked about this
-- node's item `item_id`.
create table evidence_permissions (
  id text primary key,
  direction text not null check (direction in ('out', 'in')),
  peer text not null,
  item_id text not null references evidence_items (id),
  original_id text not null,
  purpose text not null check (purpose in ('court', 'forwarding')),
  reason text not null,
  status text not null check (status in ('pending', 'granted', 'refused')),
  decision_reason text,
  requested_at timestamptz not null default now(),
  requested_by text not null,
  decided_at timestamptz,
  decided_by text
);
create index evidence_permissions_item on evidence_permissions (item_id, purpose, status);
create index evidence_permissions_list on evidence_permissions (direction, requested_at desc);
