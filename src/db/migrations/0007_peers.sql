-- The nodes this node federates with (issue #5): its trust list. An administrator adds a peer by its URL and the key
-- fingerprint its administrator read out to them; the node fetches the peer's /.well-known/passage-node document and
-- keeps it only when one of its keys has that fingerprint. Messages from a node that is not here, or is suspended,
-- are refused.
create table peers (
  node_id text primary key check (node_id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null,
  country text not null check (country ~ '^[A-Z]{2}$'),
  -- the URL the administrator gave, without a trailing slash
  base_url text not null,
  -- absolute: the peer's published inbox path resolved against base_url
  inbox_url text not null,
  -- the fingerprint the administrator was given out of band, SHA256:<unpadded base64>
  fingerprint text not null,
  -- the peer's public signing keys as fetched: Ed25519 JWKs, each with its fingerprint as kid
  keys jsonb not null check (jsonb_typeof(keys) = 'array'),
  status text not null default 'active' check (status in ('active', 'suspended')),
  added_at timestamptz not null default now(),
  added_by text not null,
  status_changed_at timestamptz
);
