-- Messages between nodes (docs/federation.md), in both directions, with the signed receipt that answered each. The
-- JWS is kept as it travelled, so that either side can show later what was sent, signed by whom, and what the other
-- side answered. An inbound message is recorded only once its signature verified against a known peer's key;
-- (peer, id) is unique per direction, which is what refuses a replayed id. Outbound messages are the outbox: written
-- in the transaction of the change they announce, then delivered until the peer's receipt comes back, or given up
-- ('dead') after a bounded number of attempts.
create table federation_messages (
  direction text not null check (direction in ('in', 'out')),
  peer text not null,
  id text not null,
  type text not null,
  conversation_id text not null,
  reply_to text,
  sent_at timestamptz not null,
  recorded_at timestamptz not null default now(),
  jws text not null,
  -- An outbound message is 'queued' until the peer's receipt says accepted or rejected, or it is 'dead'.
  status text not null check (status in ('queued', 'accepted', 'rejected', 'dead')),
  reason text,
  receipt text,
  receipt_at timestamptz,
  attempts integer not null default 0,
  next_attempt_at timestamptz,
  last_error text,
  primary key (direction, peer, id)
);
create index federation_messages_conversation on federation_messages (conversation_id, sent_at);
create index federation_messages_recorded on federation_messages (recorded_at);
create index federation_messages_due on federation_messages (next_attempt_at) where status = 'queued';
