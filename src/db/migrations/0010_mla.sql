-- Mutual legal assistance (MLA / European Investigation Order style) requests between nodes (docs/mla.md). Both the
-- issuing and the executing node keep a copy under the same id, each with its side; the recorded dates are what the
-- statutory clocks are computed from. The persons concerned and the summary of facts are personal data: they are
-- stored encrypted under the node's MLA data key (a node secret), bound to the request.
create table mla_requests (
  id text primary key,
  side text not null check (side in ('issuing', 'executing')),
  issuing_node text not null,
  executing_node text not null,
  state text not null check (
    state in ('draft', 'sent', 'acknowledged', 'recognised', 'refused', 'executing', 'executed', 'evidence_returned',
              'closed')
  ),
  -- a case of this node the request serves (issuing side only; it does not travel)
  case_id text references cases (id),
  urgent boolean not null default false,
  requested_deadline date,
  issuing_authority jsonb not null,
  executing_authority jsonb not null,
  -- [{ type, description? }]
  measures jsonb not null,
  legal_classification text not null,
  -- ciphertexts: the persons concerned ([{ name, role }]) and the summary of facts
  persons_sealed text not null,
  facts_sealed text not null,
  sent_at timestamptz,
  received_at timestamptz,
  acknowledged_at timestamptz,
  decided_at timestamptz,
  decision text check (decision in ('recognised', 'refused')),
  extension_days integer check (extension_days between 1 and 30),
  extension_reason text,
  extended_at timestamptz,
  execution_started_at timestamptz,
  postponed_until date,
  postponement_reason text,
  postponed_at timestamptz,
  executed_at timestamptz,
  evidence_returned_at timestamptz,
  evidence_transfer_id text,
  closed_at timestamptz,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((side = 'issuing') or (state <> 'draft' and case_id is null))
);
create index mla_requests_state on mla_requests (state, side);

-- Every change of a request, on the side that made it and on the other: who (a user here, or the other node), when,
-- what, and the reason given.
create table mla_history (
  request_id text not null references mla_requests (id),
  seq integer not null,
  action text not null,
  state text not null,
  at timestamptz not null,
  actor text not null,
  reason text,
  primary key (request_id, seq)
);
